"""Changed information reported by a site's liaison, and the answers it makes stale."""

from __future__ import annotations

import uuid

from hotline_libs.errors import RuleViolation

from intake.domain.commands import ReportInformationChange
from intake.domain.information_change import InformationChange, report_change
from intake.service_layer.unit_of_work import IntakeUnitOfWork, served_site


async def report_information_change(
    command: ReportInformationChange, uow: IntakeUnitOfWork
) -> InformationChange:
    """Keep the report, late or not, and flag each affected answer for revision (KB-07, KB-10).

    The answers are flagged first: a retry after a crash between the two finds them flagged
    already and writes the report."""
    await served_site(uow, command.site_id)
    calendar = await uow.calendars.for_site(command.site_id)
    change = report_change(
        change_id=uuid.uuid4(),
        site_id=command.site_id,
        department=command.department,
        kind=command.kind,
        what_changed=command.what_changed,
        changed_at=command.changed_at,
        reported_by=command.by,
        now=uow.clock(),
        calendar=calendar,
        affected_answers=command.affected_answers,
    )
    for n, answer_id in enumerate(change.affected_answers):
        answer = await uow.standard_answers.get(answer_id)
        if answer is None or answer.site_id != command.site_id:
            raise RuleViolation(
                f"affected_answers[{n}] {answer_id} is no standard answer of {command.site_id}",
                field=f"affected_answers[{n}]",
            )
        answer.flag_for_revision(f"{change.kind.value}: {change.what_changed[:200]}")
    uow.information_changes.add(change)
    await uow.commit()
    return change
