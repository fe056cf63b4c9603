"""The hotline's monthly report per site and board (13: KPIs; CMP-19, CMP-22, KB-11): what came
in and what became of it, counted from the month's requests; prepared, reviewed and approved."""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import Conflict

from intake.domain import events
from intake.domain.boards import RequestKind
from intake.domain.complaint import Validity
from intake.domain.service_request import RequestStatus, ServiceRequest


class Stage(enum.StrEnum):
    PREPARED = "prepared"
    REVIEWED = "reviewed"
    APPROVED = "approved"


@dataclass(frozen=True)
class SignOff:
    stage: Stage
    by: str
    at: datetime


@dataclass
class ReportSignOffs(Aggregate):
    """Who prepared, reviewed and approved a site's month, in that order."""

    site_id: str
    month: str
    signoffs: tuple[SignOff, ...] = ()

    @property
    def report_id(self) -> str:
        return f"{self.site_id}:{self.month}"

    def sign(
        self,
        stage: Stage,
        by: str,
        now: datetime,
        figures: dict[RequestKind, BoardFigures] | None = None,
    ) -> None:
        """Sign the next stage; the approval publishes the ``figures`` approved, for the
        departments and the company's leaders (CMP-22)."""
        done = [s.stage for s in self.signoffs]
        if stage in done:
            raise Conflict(f"the {self.month} report of {self.site_id} was {stage.value} already")
        order = list(Stage)
        wanted = order[len(done)]
        if stage is not wanted:
            raise Conflict(f"the report is {wanted.value} next, not {stage.value}")
        if any(s.by == by for s in self.signoffs):
            raise Conflict("each stage is signed by another person")
        self.signoffs = (*self.signoffs, SignOff(stage, by, now))
        if stage is Stage.APPROVED:
            if figures is None:
                raise ValueError("an approval publishes the figures approved")
            self.record(events.MonthlyReportApproved(approved_at=now, figures=figures))


@dataclass
class BoardFigures:
    """One board's month."""

    registered: int = 0
    accepted: int = 0
    declined: int = 0
    redirected: int = 0
    promises: int = 0
    promises_kept_on_time: int = 0
    promises_open: int = 0
    first_answers_overdue: int = 0
    by_category: Counter[str] = field(default_factory=Counter)
    by_channel: Counter[str] = field(default_factory=Counter)
    complaints_valid: int = 0
    complaints_invalid: int = 0
    complaint_registers_complete: int = 0
    complaint_registers_late: int = 0
    complaints_answered_within_2h: int = 0
    complaints_resolved: int = 0
    complaints_resolved_within_24h: int = 0
    second_complaints: int = 0
    representative_cases: int = 0
    dispatch_overdue: int = 0
    calls: int = 0
    """Requests taken on a phone call with the call's record."""
    calls_answered_within_3_rings: int = 0
    """Of those, answered within 3 rings (KPI-09; outbound calls count as answered)."""
    emergencies: int = 0
    answers_reviewed: int = 0
    """Answers given that quality control read against company policy."""
    answers_contradicting_policy: int = 0
    """Of those, answers found to contradict it (KB-05, KB-14, KB-15)."""
    by_desk: Counter[str] = field(default_factory=Counter)


def count(
    requests: list[ServiceRequest], dispatch_overdue: set[str] | None = None
) -> dict[RequestKind, BoardFigures]:
    """Each board's figures from the month's requests; ``dispatch_overdue`` names the requests
    whose work order missed its 15 minutes (from dispatch's events)."""
    boards = {kind: BoardFigures() for kind in RequestKind}
    late = dispatch_overdue or set()
    for r in requests:
        f = boards[r.kind]
        f.registered += 1
        f.accepted += r.status is RequestStatus.ACCEPTED
        f.declined += r.status is RequestStatus.DECLINED
        f.redirected += r.status is RequestStatus.REDIRECTED
        f.by_category[r.category] += 1
        f.by_channel[r.channel.value] += 1
        f.promises += len(r.promises)
        f.promises_kept_on_time += sum(1 for p in r.promises if p.kept_on_time)
        f.promises_open += sum(1 for p in r.promises if p.is_open)
        f.first_answers_overdue += r.first_answer_overdue_at is not None
        f.dispatch_overdue += str(r.request_id) in late
        f.by_desk[r.receiving_desk.value] += 1
        f.emergencies += r.emergency is not None
        reviews = [reply.review for reply in r.replies if reply.review is not None]
        f.answers_reviewed += len(reviews)
        f.answers_contradicting_policy += sum(review.contradicts_policy for review in reviews)
        if r.call is not None:
            f.calls += 1
            f.calls_answered_within_3_rings += r.call.answered_within_rings
        c = r.complaint
        if c is None:
            continue
        validity = c.assessment.validity if c.assessment else None
        f.complaints_valid += validity is Validity.VALID
        f.complaints_invalid += validity is Validity.INVALID
        f.complaint_registers_complete += c.register_complete
        f.complaint_registers_late += c.register_overdue_at is not None
        first = r.replies[0].at if r.replies else None
        f.complaints_answered_within_2h += (
            first is not None and first - r.registered_at <= timedelta(hours=2)
        )
        if c.resolution is not None:
            f.complaints_resolved += 1
            f.complaints_resolved_within_24h += (
                c.resolution.at - r.registered_at <= c.thresholds.higher_manager_after
            )
        f.second_complaints += c.second_of is not None
        f.representative_cases += c.representative
    return boards
