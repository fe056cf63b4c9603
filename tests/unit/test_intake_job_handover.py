"""Staff who resign or are transferred hand their job over (岗位交接, DUTY-25): what they still
owe residents, the buildings they cover and their liaison duty go to a successor, and nobody
leaves before relieved (DUTY-15)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from hotline_libs.errors import Conflict, NotFound, RuleViolation
from hotline_libs.roles import Role
from intake.domain.boards import RequestKind
from intake.domain.commands import (
    AcceptJobHandover,
    HandOverJob,
    PromiseReply,
    RecordStaffMember,
)
from intake.domain.complaint import Department
from intake.domain.job_handover import JobHandover, LeavingReason, OpenWorkKind
from intake.domain.replies import ReplyTier
from intake.domain.service_request import ServiceRequest
from intake.domain.staff import StaffDetails, StaffMember

from tests.unit.intake_harness import Intake, registration

LEAVER = StaffDetails(
    name="李娜",
    title="坐席客服专员",
    department=Department.CUSTOMER_SERVICE,
    phones=("13900001111",),
    steward_of=("3",),
    information_liaison=True,
    roles=frozenset({Role.STEWARD}),
    login="lina",
)
SUCCESSOR = StaffDetails(
    name="王强",
    title="坐席客服专员",
    department=Department.CUSTOMER_SERVICE,
    phones=("13900002222",),
    steward_of=("5",),
    roles=frozenset({Role.STEWARD}),
    login="wangqiang",
)


async def staffed(intake: Intake) -> None:
    for staff_id, details in (("dmg-lina", LEAVER), ("dmg-wq", SUCCESSOR)):
        await intake.bus.handle(RecordStaffMember(staff_id, "dmg", details, None))


async def owed_work(intake: Intake) -> tuple[ServiceRequest, ServiceRequest]:
    """A complaint Li Na took (she owns its register) and a consultation she promised a reply to."""
    complaint, _ = await intake.register(
        registration(kind=RequestKind.COMPLAINT, category="facilities", registered_by="lina")
    )
    question, _ = await intake.register(
        registration(kind=RequestKind.CONSULTATION, category="property_service")
    )
    await intake.bus.handle(
        PromiseReply(question.request_id, ReplyTier.WORKING_DAYS_1, "lina", None)
    )
    return complaint, question


def handover(**overrides: Any) -> HandOverJob:
    values: dict[str, Any] = {
        "staff_id": "dmg-lina",
        "successor_id": "dmg-wq",
        "reason": LeavingReason.RESIGNED,
        "to_site": None,
        "open_items": ("3栋装修押金退还待办",),
        "by": "supervisor-002",
        "visible_sites": None,
    }
    return HandOverJob(**{**values, **overrides})


def stored(intake: Intake, staff_id: str) -> StaffMember:
    member: StaffMember = intake.store.saved("staff")[staff_id]
    return member


async def test_duty25_a_leaver_with_duties_cannot_just_be_marked_gone() -> None:
    intake = Intake()
    await staffed(intake)
    with pytest.raises(Conflict, match="hand the job over to a successor first") as refused:
        await intake.bus.handle(
            RecordStaffMember("dmg-lina", "dmg", replace(LEAVER, active=False), None)
        )
    assert "steward of 3" in refused.value.message
    assert "information liaison" in refused.value.message
    with pytest.raises(Conflict):  # nor moved to another site
        await intake.bus.handle(RecordStaffMember("dmg-lina", "gxi", LEAVER, None))
    assert stored(intake, "dmg-lina").details.active


async def test_duty25_the_handover_lists_what_the_platform_finds_the_leaver_owes() -> None:
    intake = Intake()
    await staffed(intake)
    complaint, question = await owed_work(intake)
    handed: JobHandover = await intake.bus.handle(handover())
    assert {(w.request_no, w.kind) for w in handed.open_work} == {
        (complaint.request_no, OpenWorkKind.COMPLAINT),
        (question.request_no, OpenWorkKind.REPLY_PROMISE),
    }
    assert handed.duties.buildings == ("3",) and handed.duties.information_liaison
    assert handed.open_items == ("3栋装修押金退还待办",)
    # until the successor takes over, the leaver keeps it all (DUTY-15)
    assert stored(intake, "dmg-lina").details.steward_of == ("3",)
    with pytest.raises(Conflict, match="one handover at a time"):
        await intake.bus.handle(handover())


async def test_duty25_accepting_makes_the_work_the_successors_and_the_leaver_gone() -> None:
    intake = Intake()
    await staffed(intake)
    complaint, question = await owed_work(intake)
    handed: JobHandover = await intake.bus.handle(handover())
    with pytest.raises(RuleViolation, match="taken over by dmg-wq"):
        await intake.bus.handle(AcceptJobHandover(handed.handover_id, "someone", None, False))

    done: JobHandover = await intake.bus.handle(
        AcceptJobHandover(handed.handover_id, "wangqiang", None, False)
    )
    assert done.completed_at is not None and done.accepted_by == "wangqiang"
    requests = intake.store.saved("service_requests")
    taken_complaint = requests[str(complaint.request_id)].complaint
    assert taken_complaint.first_responsible == "wangqiang"
    assert requests[str(question.request_id)].open_promise.promised_by == "wangqiang"
    successor = stored(intake, "dmg-wq").details
    assert successor.steward_of == ("5", "3") and successor.information_liaison
    leaver = stored(intake, "dmg-lina")
    assert not leaver.details.active and leaver.details.steward_of == ()
    assert not leaver.details.information_liaison
    # accepting again changes nothing
    again: JobHandover = await intake.bus.handle(
        AcceptJobHandover(handed.handover_id, "wangqiang", None, False)
    )
    assert again.completed_at == done.completed_at


async def test_duty25_a_transferee_moves_to_the_new_site_without_the_old_sites_duties() -> None:
    intake = Intake()
    await staffed(intake)
    handed: JobHandover = await intake.bus.handle(
        handover(reason=LeavingReason.TRANSFERRED, to_site="gxi")
    )
    await intake.bus.handle(AcceptJobHandover(handed.handover_id, "supervisor-002", None, True))
    moved = stored(intake, "dmg-lina")
    assert (moved.site_id, moved.details.active, moved.details.steward_of) == ("gxi", True, ())


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"successor_id": "dmg-lina"}, "successor_id"),
        ({"successor_id": "nobody"}, "successor_id"),
        ({"reason": LeavingReason.TRANSFERRED}, "to_site"),
        ({"reason": LeavingReason.TRANSFERRED, "to_site": "dmg"}, "to_site"),
        ({"to_site": "gxi"}, "to_site"),
        ({"open_items": (" ",)}, "open_items[0]"),
    ],
)
async def test_duty25_a_handover_that_cannot_be_is_refused_naming_the_field(
    overrides: dict[str, Any], field: str
) -> None:
    intake = Intake()
    await staffed(intake)
    with pytest.raises(RuleViolation) as refused:
        await intake.bus.handle(handover(**overrides))
    assert refused.value.field == field


async def test_duty25_open_work_needs_a_successor_the_platform_knows_by_login() -> None:
    intake = Intake()
    await intake.bus.handle(RecordStaffMember("dmg-lina", "dmg", LEAVER, None))
    await intake.bus.handle(
        RecordStaffMember("dmg-new", "dmg", replace(SUCCESSOR, login=None), None)
    )
    await owed_work(intake)
    with pytest.raises(RuleViolation, match="no login on record") as refused:
        await intake.bus.handle(handover(successor_id="dmg-new"))
    assert refused.value.field == "successor_id"


async def test_duty25_someone_with_nothing_to_hand_over_is_marked_gone_directly() -> None:
    intake = Intake()
    plain = replace(LEAVER, steward_of=(), information_liaison=False, roles=frozenset())
    await intake.bus.handle(RecordStaffMember("dmg-x", "dmg", plain, None))
    member, _ = await intake.bus.handle(
        RecordStaffMember("dmg-x", "dmg", replace(plain, active=False), None)
    )
    assert not member.details.active


async def test_a_transfer_to_a_site_the_hotline_does_not_serve_is_refused() -> None:
    intake = Intake()
    await staffed(intake)
    with pytest.raises(NotFound) as refused:
        await intake.bus.handle(handover(reason=LeavingReason.TRANSFERRED, to_site="mars"))
    assert refused.value.field == "to_site"


def test_a_login_is_checked() -> None:
    with pytest.raises(RuleViolation) as refused:
        replace(LEAVER, login="has space").checked()
    assert refused.value.field == "login"
