"""What the notification service is asked to do."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from notification.domain.alerts import StaffAlertOccasion
from notification.domain.households import Household, Member
from notification.domain.occasions import (
    EmergencyReported,
    MonthlyReport,
    Occasion,
    StatementPublished,
)
from notification.domain.preferences import OptedOutVia
from notification.domain.rosters import RosterSubmission
from notification.domain.staff import StaffMember
from notification.domain.template_versions import TemplateKey
from notification.domain.templates import Channel, TemplateText


@dataclass(frozen=True)
class TellResident:
    """Tell the resident about ``occasion`` on every channel they can be reached on."""

    occasion: Occasion
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class KeepSiteName:
    """Keep the name residents know a site by, as intake last recorded it (for the messages
    that name the site)."""

    site_id: str
    name: str
    recorded_at: datetime
    causation_id: uuid.UUID | None = None
    time_zone: str | None = None
    """The site's IANA time zone (its quiet hours are in it); None keeps the one kept."""


@dataclass(frozen=True)
class AlertStaff:
    """Alert the staff on record for the emergency's site, by SMS and e-mail (INC-01, INC-02)."""

    emergency: EmergencyReported
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class SendMonthlyReport:
    """E-mail a site's monthly report (the hotline's, approved; or the month's work orders) to
    the departments' liaisons at the site, its manager and the company's leaders on record
    (CMP-19, CMP-22, KB-11, DSP-12)."""

    report: MonthlyReport
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class SendRoster:
    """E-mail a site's front-desk roster, as submitted, to its service-centre manager (NTF-12)."""

    roster: RosterSubmission
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class KeepStaffMember:
    """Keep a member of staff as intake last recorded them (for the alerts and reports)."""

    member: StaffMember
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class PublishStatement:
    """Send a site's approved income and spending statement to each of its households (FEE-07,
    NTF-06)."""

    statement: StatementPublished
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class KeepHousehold:
    """Keep a unit and who answers for it, as intake last recorded it."""

    household: Household
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class KeepMember:
    """Keep a resident and how they agreed to be told things, as intake last recorded them."""

    member: Member
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class SetQuietHours:
    """Set the hours a site's residents get no routine SMS (``off``: none; ``default``: the
    company's)."""

    site_id: str
    quiet_hours: str
    set_by: str


@dataclass(frozen=True)
class SetOptOut:
    """Record that a resident opted out of (or back into) messages on one address."""

    channel: Channel
    address: str
    opted_out: bool
    via: OptedOutVia
    by: str | None


@dataclass(frozen=True)
class SetBlock:
    """Block an address (nothing is sent to it) with a reason, or lift the block."""

    channel: Channel
    address: str
    blocked: bool
    reason: str | None
    by: str


@dataclass(frozen=True)
class NotificationDeadlineReached:
    """A notification's deadline ran out: the quiet hours its messages waited for are over
    (``release_held``: send them), or nobody acknowledged its alert (``escalate``)."""

    notification_id: uuid.UUID
    deadline: str
    due_at: datetime


@dataclass(frozen=True)
class AlertStaffOf:
    """Alert the first rung of staff of something they must act on; the next rung when nobody
    acknowledges it in time."""

    alert: StaffAlertOccasion
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class AcknowledgeAlert:
    """A member of staff has an alert in hand."""

    notification_id: uuid.UUID
    by: str


@dataclass(frozen=True)
class TakeReceipt:
    """Record what an SMS provider reports of a message it took: delivered to the handset, or
    failed with its error code. Names the message by our id or else by the provider's."""

    provider: str
    delivered: bool
    at: datetime
    message_id: uuid.UUID | None = None
    provider_message_id: str | None = None
    error_code: str | None = None
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class WriteTemplateVersion:
    """Write a new draft of a template (``template_versions``)."""

    key: TemplateKey
    text: TemplateText
    written_by: str


@dataclass(frozen=True)
class ApproveTemplateVersion:
    """Approve a draft: residents are sent it from now on (four eyes: not by its author)."""

    key: TemplateKey
    number: int
    approved_by: str


@dataclass(frozen=True)
class RejectTemplateVersion:
    """Refuse a draft, with the reason."""

    key: TemplateKey
    number: int
    rejected_by: str
    reason: str
