"""What happens in intake, as it records it (domain events)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from intake.domain.boards import RequestKind
    from intake.domain.monthly_report import BoardFigures


@dataclass(frozen=True)
class ServiceRequestAccepted:
    """A registered request passed triage (登记 → 判别: 受理)."""

    accepted_at: datetime


@dataclass(frozen=True)
class EmergencyReported:
    """A caller reported an emergency: dispatched first, the supervisor alerted (INC-02)."""

    reported_at: datetime


@dataclass(frozen=True)
class SiteRecorded:
    """A site was added, or its settings changed."""

    recorded_at: datetime


@dataclass(frozen=True)
class StaffRecorded:
    """A member of staff was added, or their record changed (a move or leaving included)."""

    recorded_at: datetime


@dataclass(frozen=True)
class CatalogueRecorded:
    """A site's request catalogue was set up, or an item of it changed."""

    recorded_at: datetime


@dataclass(frozen=True)
class WorkingCalendarYearLoaded:
    """An admin loaded or corrected a year of a country's working-day calendar."""

    loaded_at: datetime


@dataclass(frozen=True)
class ReplyPromised:
    """The agent promised the resident a reply by ``due_at`` (KB-04)."""

    promised_at: datetime
    due_at: datetime


@dataclass(frozen=True)
class ResidentReplied:
    """The resident was answered: a standard answer, the department's reply, or progress."""

    replied_at: datetime


@dataclass(frozen=True)
class ReplyPromiseBreached:
    """A promised reply was not given by its time."""

    due_at: datetime
    noticed_at: datetime


@dataclass(frozen=True)
class FirstAnswerOverdue:
    """A request went 24 hours without a first answer."""

    due_at: datetime
    noticed_at: datetime


@dataclass(frozen=True)
class ResidentRecorded:
    """A resident was added to the directory, or their details changed."""

    recorded_at: datetime


@dataclass(frozen=True)
class UnitRecorded:
    """A unit was added to the directory, or its area or people changed."""

    recorded_at: datetime


@dataclass(frozen=True)
class ComplaintAssessed:
    """A complaint was found valid or invalid, graded, and (valid) sent to a department."""

    at: datetime


@dataclass(frozen=True)
class ComplaintResolved:
    at: datetime


@dataclass(frozen=True)
class ComplaintEscalated:
    """An open complaint climbed a rung of the site's ladder."""

    level: str
    due_at: datetime
    at: datetime


@dataclass(frozen=True)
class ComplaintRegisterOverdue:
    """A complaint register was not completed the day the complaint came in (CMP-12)."""

    due_at: datetime
    noticed_at: datetime


@dataclass(frozen=True)
class IncidentDeclared:
    declared_at: datetime


@dataclass(frozen=True)
class IncidentClosed:
    closed_at: datetime


@dataclass(frozen=True)
class RosterLate:
    """Next month's front-desk roster was not submitted before the 25th (DUTY-02)."""

    due_at: datetime
    noticed_at: datetime


@dataclass(frozen=True)
class RosterSubmitted:
    """The supervisor submitted next month's roster to the service-centre manager (DUTY-02,
    NTF-12); the roster itself travels in the integration event."""

    submitted_at: datetime


@dataclass(frozen=True)
class MonthlyReportApproved:
    """The director approved a site's month; ``figures`` are each board's, as approved."""

    approved_at: datetime
    figures: dict[RequestKind, BoardFigures]
