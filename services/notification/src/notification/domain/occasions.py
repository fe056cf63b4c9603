"""What residents are told about, what staff are alerted of, and the reports staff are sent, in
notification's own terms (not the producers' contracts).

The inbound mappers (``adapters/inbound``) turn each producer's event into one of these; the
templates (``messages.py``) turn one into the messages to send.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class Recipient:
    """The resident to tell, and how to reach them: by phone, by e-mail, or both."""

    name: str
    phone: str | None
    email: str | None
    building: str
    room: str
    language: str | None = None
    """The language the resident asked to be written to in (BCP 47, from intake's directory,
    kept on their addresses' preferences); None: the company's, Chinese."""


@dataclass(frozen=True)
class About:
    """The event an occasion comes from: every message names it."""

    event_id: uuid.UUID
    event_type: str
    correlation_id: uuid.UUID
    site_id: str
    request_id: uuid.UUID | None
    """The request the event is about; None for one about no request (an incident)."""
    incident_id: uuid.UUID | None = None
    """The site-wide incident the event is about, if it is about one."""


@dataclass(frozen=True)
class RequestAccepted:
    """The hotline registered the resident's request."""

    about: About
    recipient: Recipient
    request_no: str
    appointment_at: datetime | None


@dataclass(frozen=True)
class TechnicianAssigned:
    """A technician has the work order and will get in touch."""

    about: About
    recipient: Recipient
    request_no: str
    technician_name: str
    technician_phone: str


@dataclass(frozen=True)
class ChargedLine:
    item_name: str
    quantity: int
    unit: str
    amount: Decimal


@dataclass(frozen=True)
class ChargeRaised:
    """A paid service is charged: what, how much, and how it is paid."""

    about: About
    recipient: Recipient
    request_no: str
    charge_no: str
    lines: tuple[ChargedLine, ...]
    total: Decimal
    payment_method: str


@dataclass(frozen=True)
class CollectionRejected:
    """The bank refused to debit a charge: the payer is reminded it is owed, and how to pay."""

    about: About
    recipient: Recipient
    charge_no: str
    amount: Decimal
    reason_code: str
    reason: str | None


@dataclass(frozen=True)
class FeeReminder:
    """A unit's management fee bill is overdue: the payer is reminded (催缴, FEE-14), and with
    the third reminder the owner too, who is liable for the arrears (FEE-05). ``about.request_id``
    is the bill's id, which notification's report of sending quotes for billing to count it."""

    about: About
    recipient: Recipient
    owner: Recipient | None
    bill_no: str
    month: str
    reminder_no: int
    amount: Decimal
    late_fee: Decimal
    owed: Decimal
    due_on: date


@dataclass(frozen=True)
class StatementAmount:
    label: str
    amount: Decimal


@dataclass(frozen=True)
class StatementCategory:
    """The period's spending in one of the categories management fees pay for (FEE-09)."""

    name: str
    amount: Decimal
    lines: tuple[StatementAmount, ...]


@dataclass(frozen=True)
class StatementPublished:
    """A site's income and spending statement, approved by its manager: every household is
    sent it, for the residents to oversee (FEE-07, NTF-06)."""

    about: About
    period: str
    period_start: date
    period_end: date
    fees_billed: Decimal
    fees_collected: Decimal
    late_fees: Decimal
    other_income: tuple[StatementAmount, ...]
    income_total: Decimal
    utilities_collected: Decimal
    spending: tuple[StatementCategory, ...]
    spending_total: Decimal
    balance: Decimal
    note: str | None


class ReplyKind(enum.StrEnum):
    """What the hotline told the resident about their request."""

    STANDARD_ANSWER = "standard_answer"
    """An approved standard answer, read out on the phone."""
    REPLY = "reply"
    """The department's answer, passed on."""
    PROGRESS = "progress"
    """Word of progress while the answer is awaited."""
    OTHER = "other"

    @classmethod
    def _missing_(cls, value: object) -> ReplyKind:
        return cls.OTHER  # a kind intake adds later is not sent in writing until we say so


COMPLAINT = "complaint"
"""The board whose answers the resident gets in writing too (CMP-16)."""


@dataclass(frozen=True)
class ResidentAnswered:
    """The hotline answered the resident, or told them how their request is getting on.

    Whether they also get it in writing is the rule in ``in_writing``.
    """

    about: About
    recipient: Recipient
    request_no: str
    board: str
    """The request's board (``repair``, ``complaint``, ``consultation`` …)."""
    reply_kind: ReplyKind
    text: str

    @property
    def in_writing(self) -> bool:
        """Word of progress on any board (KB-16: tell the customer promptly what cannot be
        solved at once), and the answer to a complaint (CMP-16: report progress to the
        customer), go to the resident in writing too. Any other answer was given to them on
        the phone (a standard answer read out, a consultation's reply) and is not sent again."""
        return self.reply_kind is ReplyKind.PROGRESS or (
            self.reply_kind is ReplyKind.REPLY and self.board == COMPLAINT
        )


@dataclass(frozen=True)
class IncidentOver:
    """A site-wide incident (an outage, a lift out of service …) is over: each resident who
    called about it is told, once, with the closing note the hotline wrote (the incident's
    special-matter report, INC-05, and a major one's higher manager, INC-06, stay in intake;
    domain.md: residents are told of outages)."""

    about: About
    title: str
    closing_note: str
    callers: tuple[Recipient, ...]


@dataclass(frozen=True)
class EmergencyReported:
    """A caller reported an emergency (a water leak, a power failure, a lift entrapment, gas, a
    fire alarm): it is flagged, dispatched first and the supervisor alerted (INC-01, INC-02).
    The staff it alerts are those on record when it arrives (``staff.alerted_of_emergency_at``),
    not the resident: they were told their request was accepted."""

    about: About
    request_no: str
    emergency: str
    """What kind (``water_leak``, ``power_failure``, ``lift_entrapment``, ``gas``, ``fire_alarm``;
    any other is named an emergency)."""
    description: str
    """What the caller said."""
    caller: Recipient
    """Who called, and the unit it is in."""
    redirected_to: str | None = None
    """Where the caller was sent, when the hotline does not handle it itself."""


@dataclass(frozen=True)
class BoardMonth:
    """One board's month, as the director approved it."""

    board: str
    """The board (``consultation``, ``repair``, ``complaint`` …)."""
    registered: int
    accepted: int
    declined: int
    redirected: int
    promises: int
    """Replies promised (KB-04)."""
    promises_kept_on_time: int
    first_answers_overdue: int
    """Not answered within 24 hours (KPI-10)."""
    complaints_valid: int
    complaints_invalid: int
    complaints_answered_within_2h: int
    complaints_resolved: int
    complaints_resolved_within_24h: int
    second_complaints: int
    representative_cases: int
    answers_contradicting_policy: int
    by_category: tuple[tuple[str, int], ...]
    """Requests per item of the board (consultation topics, complaint types …), most first."""

    @property
    def complaint_clocks(self) -> bool:
        """Whether the board has complaint figures to report."""
        return any(
            (
                self.complaints_valid,
                self.complaints_invalid,
                self.complaints_answered_within_2h,
                self.complaints_resolved,
                self.complaints_resolved_within_24h,
                self.second_complaints,
                self.representative_cases,
            )
        )


@dataclass(frozen=True)
class MonthlyReportApproved:
    """A site's monthly hotline report, approved by the director: the complaint and consultation
    figures the departments and the company's leaders are sent (CMP-19, CMP-22, KB-11). The
    staff sent it are those on record when it arrives (``staff.sent_monthly_report_of``)."""

    about: About
    month: str
    """``YYYY-MM``."""
    prepared_by: str
    reviewed_by: str
    approved_by: str
    approved_at: datetime
    boards: tuple[BoardMonth, ...]


@dataclass(frozen=True)
class WorkFigures:
    """One group's month of work orders (the site, a trade, a technician), as dispatch counted
    it; shares 0..1, None when there was nothing to share out."""

    orders: int
    dispatched: int
    dispatch_p50_s: float | None
    dispatch_p95_s: float | None
    dispatched_within_15_min: float | None
    taking_p50_s: float | None
    on_time_arrival: float | None
    done: int
    first_time_fix: float | None
    rework_rate: float | None
    escalations: int
    voids: int
    damage_cases: int


@dataclass(frozen=True)
class WorkOrderMonthReported:
    """A site's month of work orders in figures, once the month is over (DSP-12): sent to the
    same departments and leaders as the hotline's monthly report."""

    about: About
    month: str
    site: WorkFigures
    by_trade: tuple[tuple[str, WorkFigures], ...]
    by_technician: tuple[tuple[str, WorkFigures], ...]
    """By the technician's name."""


MonthlyReport = MonthlyReportApproved | WorkOrderMonthReported
"""A site's month reported to its departments and the company's leaders."""


Occasion = (
    RequestAccepted
    | TechnicianAssigned
    | ChargeRaised
    | CollectionRejected
    | FeeReminder
    | ResidentAnswered
    | IncidentOver
)
