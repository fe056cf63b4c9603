"""What the notification service is asked to do."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from notification.domain.occasions import EmergencyReported, MonthlyReport, Occasion
from notification.domain.staff import StaffMember


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
