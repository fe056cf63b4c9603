"""What the notification service is asked to do."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from notification.domain.households import Household, Member
from notification.domain.occasions import (
    EmergencyReported,
    MonthlyReport,
    Occasion,
    StatementPublished,
)
from notification.domain.staff import StaffMember
from notification.domain.template_versions import TemplateKey
from notification.domain.templates import TemplateText


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
