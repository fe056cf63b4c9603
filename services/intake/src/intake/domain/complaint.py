"""The complaint register (客户投诉登记表) a complaint request carries, and its clocks.

Filled by the agent who took the call, the first-contact owner (首问责任人, ORG-08). Every
complaint is answered within 2 hours (CMP-04, CMP-05: a valid one not solved on the spot with
the time of the next reply, an invalid one with a standard wording); the register is sent to
the department at once and completed the same day (CMP-12); the steward resolves it, generally
within 24 hours (CMP-14). While it is open it climbs the site's escalation ladder: duty staff,
then the supervisor, then the higher manager (CMP-15, INC-06). A complaint about a complaint
already made is a second complaint (二次投诉), linked and counted (CMP-20); quality control marks
the representative cases (CMP-21). Each clock is a durable deadline of the request.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from hotline_libs.errors import Conflict, RuleViolation

COMPLAINT_REPLY_WITHIN = timedelta(hours=2)
MAX_TEXT = 2000

REGISTER_DUE = "complaint_register"
ESCALATION = "complaint_escalation"
"""The names of a complaint's clocks besides its first answer."""


class Validity(enum.StrEnum):
    VALID = "valid"
    INVALID = "invalid"


class ComplaintGrade(enum.StrEnum):
    """How serious the complaint is (TAX-10): who sees it and how fast it climbs."""

    MINOR = "minor"
    GENERAL = "general"
    SERIOUS = "serious"
    MAJOR = "major"


class Department(enum.StrEnum):
    """The departments a complaint is sent to, and that report information (ORG-06, ORG-07)."""

    MAINTENANCE = "maintenance"
    HOUSEKEEPING = "housekeeping"
    MARKETING = "marketing"
    QUALITY_CONTROL = "quality_control"
    PLANNING_FINANCE = "planning_finance"
    CUSTOMER_SERVICE = "customer_service"
    SECURITY = "security"


class EscalationLevel(enum.IntEnum):
    """The ladder an open complaint climbs (duty staff → supervisor → higher manager)."""

    DUTY_STAFF = 0
    SUPERVISOR = 1
    HIGHER_MANAGER = 2

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class EscalationThresholds:
    """A site's ladder: how long a complaint may stay open before it climbs each rung."""

    supervisor_after: timedelta = timedelta(hours=4)
    higher_manager_after: timedelta = timedelta(hours=24)
    """The steward's 24-hour target (CMP-14): still open then, the higher manager has it."""

    def after(self, level: EscalationLevel) -> timedelta:
        return (
            self.supervisor_after
            if level is EscalationLevel.SUPERVISOR
            else self.higher_manager_after
        )


@dataclass(frozen=True)
class Assessment:
    validity: Validity
    grade: ComplaintGrade
    reason: str
    department: Department | None
    """Where a valid complaint was sent (派发, CMP-07, CMP-12)."""
    by: str
    at: datetime


@dataclass(frozen=True)
class HandlingPlan:
    """The responsible department's plan (客户投诉处理方案, CMP-13)."""

    department: Department
    plan: str
    by: str
    at: datetime


class OpinionSource(enum.StrEnum):
    """Who gave a professional opinion on a complaint (CMP-09)."""

    DEPARTMENT = "department"
    LEGAL_ADVISER = "legal_adviser"


@dataclass(frozen=True)
class ProfessionalOpinion:
    """The departments' or the legal adviser's opinion on a complaint found invalid that no
    standard wording answers (CMP-09): what the agent's reply, and the wording drafted from it
    for the leader's approval, rest on."""

    source: OpinionSource
    department: Department | None
    given_by: str
    """The adviser or the department's person who gave it, by name."""
    opinion: str
    recorded_by: str
    at: datetime


@dataclass(frozen=True)
class Resolution:
    outcome: str
    resident_satisfied: bool | None
    by: str
    at: datetime


@dataclass(frozen=True)
class Escalation:
    level: EscalationLevel
    at: datetime


@dataclass(frozen=True)
class ComplaintRegister:
    first_responsible: str
    """The agent who took the complaint and owns its register (首问责任人)."""
    register_due_at: datetime
    """The end of the site's day it was received: the register is completed by then."""
    thresholds: EscalationThresholds
    second_of: uuid.UUID | None = None
    """The earlier complaint this one repeats (二次投诉)."""
    assessment: Assessment | None = None
    plan: HandlingPlan | None = None
    resolution: Resolution | None = None
    escalations: tuple[Escalation, ...] = ()
    register_overdue_at: datetime | None = None
    representative: bool = False
    opinions: tuple[ProfessionalOpinion, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.resolution is None

    @property
    def register_complete(self) -> bool:
        """Assessed, and a valid complaint sent to its department."""
        a = self.assessment
        return a is not None and (a.validity is Validity.INVALID or a.department is not None)

    @property
    def level(self) -> EscalationLevel:
        return self.escalations[-1].level if self.escalations else EscalationLevel.DUTY_STAFF

    def next_escalation(self, registered_at: datetime) -> tuple[EscalationLevel, datetime] | None:
        if not self.is_open or self.level is EscalationLevel.HIGHER_MANAGER:
            return None
        if self.assessment is not None and self.assessment.validity is Validity.INVALID:
            return None  # explained and answered: nothing for a department to solve
        level = EscalationLevel(self.level + 1)
        return level, registered_at + self.thresholds.after(level)


def text(name: str, value: str) -> str:
    value = value.strip()
    if not 1 <= len(value) <= MAX_TEXT:
        raise RuleViolation(f"{name} must be 1 to {MAX_TEXT} characters", field=name)
    return value


def open_only(register: ComplaintRegister, request_no: str) -> None:
    if not register.is_open:
        raise Conflict(f"complaint {request_no} was resolved already")
