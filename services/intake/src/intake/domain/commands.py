"""What intake is asked to do: by agents on the API and by the sites' own systems."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from hotline_libs.working_days import YearSchedule

from intake.domain.boards import RequestKind
from intake.domain.catalogue import CatalogueItem
from intake.domain.complaint import ComplaintGrade, Department, OpinionSource, Validity
from intake.domain.duty_log import EntryKind, SignatureKind
from intake.domain.imports import Line
from intake.domain.incident import IncidentKind
from intake.domain.information_change import InformationKind
from intake.domain.inspection import CheckPoint, Fault, InspectionKind
from intake.domain.job_handover import LeavingReason
from intake.domain.monthly_report import Stage
from intake.domain.phone_book import PhoneBookDetails
from intake.domain.price_list import PricedItem
from intake.domain.reception_script import ScriptWording
from intake.domain.replies import ReplyTier
from intake.domain.resident import ResidentDetails
from intake.domain.roster import Assignment, ChangeKind
from intake.domain.service_request import Registration
from intake.domain.site import SiteSettings
from intake.domain.staff import StaffDetails
from intake.domain.timeline import TimelineEntry
from intake.domain.unit import Occupancy


@dataclass(frozen=True)
class RegisterRequest:
    """Register a resident's request and triage it (登记 → 判别)."""

    registration: Registration
    idempotency_key: str | None
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class RegisterSiteSubmission:
    """Register what a site's own system sent; a refusal is kept for duty staff, not dropped."""

    submission_id: uuid.UUID
    source_ref: str
    registration: Registration
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class RecordStaffMember:
    """Add a member of staff to the directory, or change their record."""

    staff_id: str
    site_id: str
    details: StaffDetails
    visible_sites: frozenset[str] | None


@dataclass(frozen=True)
class RecordPhoneBookEntry:
    """Add a number to the phone book, or change one (KB-12)."""

    entry_id: uuid.UUID
    site_id: str
    details: PhoneBookDetails
    visible_sites: frozenset[str] | None


@dataclass(frozen=True)
class RemovePhoneBookEntry:
    entry_id: uuid.UUID
    visible_sites: frozenset[str] | None


@dataclass(frozen=True)
class RecordSite:
    """Add a site the hotline serves, or change its settings (an admin)."""

    site_id: str
    settings: SiteSettings


@dataclass(frozen=True)
class PutCatalogueItem:
    """Add an item to a board of a site's catalogue, or change one (TAX-01, X2)."""

    site_id: str
    kind: RequestKind
    item: CatalogueItem
    by: str


@dataclass(frozen=True)
class LoadWorkingCalendarYear:
    """Load a year's official schedule (an admin, from the State Council's notice)."""

    schedule: YearSchedule
    loaded_by: str


@dataclass(frozen=True)
class DraftStandardAnswer:
    """Draft a new standard answer for approval (KB-06)."""

    site_id: str
    kind: RequestKind
    topic: str
    question: str
    answer: str
    by: str


@dataclass(frozen=True)
class RedraftStandardAnswer:
    """Draft a new revision of a standard answer; the approved one stays in use meanwhile."""

    answer_id: uuid.UUID
    question: str
    answer: str
    by: str
    visible_sites: frozenset[str] | None


@dataclass(frozen=True)
class ApproveStandardAnswer:
    """The leader in charge approves the revision they read (KB-06)."""

    answer_id: uuid.UUID
    revision: int
    by: str
    visible_sites: frozenset[str] | None


@dataclass(frozen=True)
class WithdrawStandardAnswer:
    answer_id: uuid.UUID
    by: str
    visible_sites: frozenset[str] | None


@dataclass(frozen=True)
class GiveStandardAnswer:
    """The agent answered the caller with an approved standard answer (KB-03)."""

    request_id: uuid.UUID
    answer_id: uuid.UUID
    by: str
    visible_sites: frozenset[str] | None


@dataclass(frozen=True)
class PromiseReply:
    """The agent promised the resident a reply within a tier (KB-04)."""

    request_id: uuid.UUID
    tier: ReplyTier
    by: str
    visible_sites: frozenset[str] | None


@dataclass(frozen=True)
class ReviewReply:
    """Quality control's reading of an answer given, against company policy."""

    request_id: uuid.UUID
    number: int
    contradicts_policy: bool
    note: str
    by: str
    visible_sites: frozenset[str] | None


@dataclass(frozen=True)
class ReplyToResident:
    """The resident was given the answer, or word of progress."""

    request_id: uuid.UUID
    text: str
    progress: bool
    by: str
    visible_sites: frozenset[str] | None


@dataclass(frozen=True)
class RequestDeadlineReached:
    """A request's answer clock ran out (fired by the deadline poller)."""

    request_id: uuid.UUID
    deadline: str
    due_at: datetime


@dataclass(frozen=True)
class RecordResident:
    """Add a resident to the directory (or find them: the same main phone at the same site)."""

    site_id: str
    details: ResidentDetails


@dataclass(frozen=True)
class UpdateResident:
    resident_id: uuid.UUID
    details: ResidentDetails
    visible_sites: frozenset[str] | None


@dataclass(frozen=True)
class RecordUnit:
    """Add or change a unit: its floor area and its people."""

    site_id: str
    building: str
    room: str
    floor_area_m2: Decimal
    occupancy: Occupancy


@dataclass(frozen=True)
class ImportDirectory:
    """Import a site's list of residents or units, all lines or none (each line checked first)."""

    kind: str
    """``residents`` or ``units``."""
    lines: tuple[Line, ...]
    visible_sites: frozenset[str] | None


@dataclass(frozen=True)
class AssessComplaint:
    """Valid or invalid, graded, and (valid) sent to the department that solves it."""

    request_id: uuid.UUID
    validity: Validity
    grade: ComplaintGrade
    reason: str
    department: Department | None
    by: str
    visible_sites: frozenset[str] | None


@dataclass(frozen=True)
class PlanComplaintHandling:
    request_id: uuid.UUID
    department: Department
    plan: str
    by: str
    visible_sites: frozenset[str] | None


@dataclass(frozen=True)
class ResolveComplaint:
    request_id: uuid.UUID
    outcome: str
    resident_satisfied: bool | None
    by: str
    visible_sites: frozenset[str] | None


@dataclass(frozen=True)
class MarkRepresentative:
    """Quality control marks a complaint as a representative case (CMP-21), or unmarks it."""

    request_id: uuid.UUID
    representative: bool
    visible_sites: frozenset[str] | None


@dataclass(frozen=True)
class DeclareIncident:
    site_id: str
    kind: IncidentKind
    title: str
    script: str
    buildings: tuple[str, ...]
    major: bool
    expected_end_at: datetime | None
    by: str


@dataclass(frozen=True)
class NoteIncidentCall:
    """A resident called about an incident: noted on it, not registered as a new request."""

    incident_id: uuid.UUID
    name: str
    phone: str
    building: str
    room: str
    note: str
    by: str
    visible_sites: frozenset[str] | None


@dataclass(frozen=True)
class UpdateIncidentScript:
    incident_id: uuid.UUID
    script: str
    expected_end_at: datetime | None
    visible_sites: frozenset[str] | None


@dataclass(frozen=True)
class WriteSpecialMatterReport:
    incident_id: uuid.UUID
    what_happened: str
    actions_taken: str
    losses: str
    follow_up: str
    by: str
    visible_sites: frozenset[str] | None


@dataclass(frozen=True)
class CloseIncident:
    incident_id: uuid.UUID
    note: str
    by: str
    visible_sites: frozenset[str] | None


@dataclass(frozen=True)
class OpenDutyLog:
    site_id: str
    day: date
    shift: str
    by: str


@dataclass(frozen=True)
class WriteDutyEntry:
    log_id: str
    kind: EntryKind
    text: str
    by: str
    visible_sites: frozenset[str] | None


@dataclass(frozen=True)
class TakeOverDuty:
    """The incoming staff take over the shift's desk (DUTY-12..DUTY-14)."""

    log_id: str
    incoming: str
    outgoing: str
    open_items: tuple[str, ...]
    counted_items: tuple[tuple[str, int], ...]
    visible_sites: frozenset[str] | None


@dataclass(frozen=True)
class SignOffDuty:
    """The outgoing staff sign the handover, once relieved (DUTY-11, DUTY-15)."""

    log_id: str
    by: str
    visible_sites: frozenset[str] | None


@dataclass(frozen=True)
class SignDutyLog:
    """A supervisor's daily read or monthly review, or a director's sample (DUTY-08, -21, -22)."""

    log_id: str
    kind: SignatureKind
    by: str
    visible_sites: frozenset[str] | None


@dataclass(frozen=True)
class DraftRoster:
    site_id: str
    month: str
    assignments: tuple[Assignment, ...]
    by: str


@dataclass(frozen=True)
class SubmitRoster:
    roster_id: str
    visible_sites: frozenset[str] | None


@dataclass(frozen=True)
class AskRosterChange:
    roster_id: str
    kind: ChangeKind
    staff: str
    day: date
    shift: str
    reason: str
    visible_sites: frozenset[str] | None


@dataclass(frozen=True)
class DecideRosterChange:
    roster_id: str
    change_id: uuid.UUID
    approved: bool
    cover_by: str | None
    cover_hours: float | None
    by: str
    visible_sites: frozenset[str] | None


@dataclass(frozen=True)
class RosterDeadlineReached:
    roster_id: str
    deadline: str
    due_at: datetime


@dataclass(frozen=True)
class RecordInspection:
    site_id: str
    kind: InspectionKind
    checked: frozenset[CheckPoint]
    faults: tuple[Fault, ...]
    improvement: str
    by: str


@dataclass(frozen=True)
class NoteOnTimeline:
    """Keep what another service did about a request on its timeline (once per event)."""

    entry: TimelineEntry
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class SignMonthlyReport:
    site_id: str
    month: str
    stage: Stage
    by: str


@dataclass(frozen=True)
class ReportInformationChange:
    site_id: str
    department: str
    kind: InformationKind
    what_changed: str
    changed_at: datetime
    affected_answers: tuple[uuid.UUID, ...]
    by: str


@dataclass(frozen=True)
class WordReceptionScript:
    """The leader in charge words the company's reception script, or a site's own."""

    site_id: str
    wording: ScriptWording
    by: str


@dataclass(frozen=True)
class RecordComplaintOpinion:
    """A department's or the legal adviser's opinion on a complaint found invalid (CMP-09)."""

    request_id: uuid.UUID
    source: OpinionSource
    department: Department | None
    given_by: str
    opinion: str
    by: str
    visible_sites: frozenset[str] | None


@dataclass(frozen=True)
class KeepPriceList:
    """Keep the site's price list billing published, unless a later version is kept (BIL-01)."""

    site_id: str
    items: tuple[PricedItem, ...]
    source_version: int
    recorded_at: datetime
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class HandOverJob:
    """A member of staff resigns or is transferred: their job is handed to a successor at the
    site, with what is open (岗位交接, DUTY-25)."""

    staff_id: str
    successor_id: str
    reason: LeavingReason
    to_site: str | None
    open_items: tuple[str, ...]
    by: str
    visible_sites: frozenset[str] | None


@dataclass(frozen=True)
class AcceptJobHandover:
    """The successor takes the job over: the leaver's open work, buildings and liaison duty
    become theirs, and the leaver is gone or moved."""

    handover_id: uuid.UUID
    by: str
    visible_sites: frozenset[str] | None
    on_behalf: bool
    """A supervisor or manager accepts for the successor (who may be on leave themselves)."""
