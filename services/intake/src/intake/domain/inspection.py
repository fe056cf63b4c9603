"""Front-desk inspections (DUTY-17..DUTY-20): the supervisor at least 3 times a week, at each
handover, the manager at random; each checks the ten points of the front-desk checklist, and
every fault goes into the quality-check record (质量检查记录) that staff appraisal is based on."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import RuleViolation

WEEKLY_SPOT_CHECKS = 3


class CheckPoint(enum.StrEnum):
    """The front-desk checklist, items a) to j) (DUTY-17)."""

    APPEARANCE = "appearance"
    DUTY_LOG = "duty_log"
    DESK_ENVIRONMENT = "desk_environment"
    SERVICE_ATTITUDE = "service_attitude"
    HANDOVER = "handover"
    CUSTOMER_INFORMATION = "customer_information"
    COMPLAINTS = "complaints"
    PENDING_ITEMS = "pending_items"
    PAID_SERVICES = "paid_services"
    OTHER = "other"


class InspectionKind(enum.StrEnum):
    SPOT_CHECK = "spot_check"
    """The supervisor's, at least 3 a week (DUTY-18)."""
    HANDOVER_CHECK = "handover_check"
    """The supervisor's at the daily handover (DUTY-19)."""
    MANAGER_CHECK = "manager_check"
    """The manager's, at random (DUTY-20)."""


@dataclass(frozen=True)
class Fault:
    point: CheckPoint
    note: str
    staff: str
    """Whose appraisal it counts against."""


@dataclass
class Inspection(Aggregate):
    inspection_id: uuid.UUID
    site_id: str
    kind: InspectionKind
    by: str
    at: datetime
    checked: frozenset[CheckPoint]
    faults: tuple[Fault, ...]
    improvement: str
    """What must change (the manager analyses causes and sets requirements, DUTY-20)."""


def inspect(
    *,
    inspection_id: uuid.UUID,
    site_id: str,
    kind: InspectionKind,
    by: str,
    at: datetime,
    checked: frozenset[CheckPoint],
    faults: tuple[Fault, ...],
    improvement: str,
) -> Inspection:
    if not checked:
        raise RuleViolation("an inspection checks at least one point", field="checked")
    unchecked = [f.point.value for f in faults if f.point not in checked]
    if unchecked:
        raise RuleViolation(f"faults at points not checked: {unchecked}", field="faults")
    for n, fault in enumerate(faults):
        if not fault.note.strip() or not fault.staff.strip():
            raise RuleViolation("a fault says what was wrong and whose it is", field=f"faults[{n}]")
    return Inspection(inspection_id, site_id, kind, by, at, checked, faults, improvement.strip())


def week_of(day: date) -> tuple[date, date]:
    """Monday to Sunday of ``day``'s week."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)
