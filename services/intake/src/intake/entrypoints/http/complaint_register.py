"""The complaint register as the API shows it, inside its request."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from intake.domain.complaint import ComplaintGrade, Department, OpinionSource, Validity
from intake.domain.service_request import ServiceRequest


class AssessmentOut(BaseModel):
    validity: Validity
    grade: ComplaintGrade
    reason: str
    department: Department | None
    by: str
    at: datetime


class HandlingPlanOut(BaseModel):
    department: Department
    plan: str
    by: str
    at: datetime


class ResolutionOut(BaseModel):
    outcome: str
    resident_satisfied: bool | None
    by: str
    at: datetime


class OpinionOut(BaseModel):
    source: OpinionSource
    department: Department | None
    given_by: str
    opinion: str
    recorded_by: str
    at: datetime


class EscalationOut(BaseModel):
    level: str
    at: datetime


class ComplaintOut(BaseModel):
    first_responsible: str = Field(description="首问责任人: who took it and owns the register")
    register_due_at: datetime = Field(description="The register is completed by then (CMP-12)")
    register_complete: bool
    register_overdue_at: datetime | None
    second_of: uuid.UUID | None = Field(description="The earlier complaint it repeats")
    level: str = Field(description="Who has it now: duty_staff, supervisor or higher_manager")
    next_escalation_at: datetime | None = Field(description="When it climbs if still open")
    assessment: AssessmentOut | None
    plan: HandlingPlanOut | None
    resolution: ResolutionOut | None
    escalations: list[EscalationOut]
    representative: bool
    opinions: list[OpinionOut] = Field(
        description="Departments' and the legal adviser's opinions on an invalid one (CMP-09)"
    )


def complaint_out(request: ServiceRequest) -> ComplaintOut | None:
    c = request.complaint
    if c is None:
        return None
    climb = c.next_escalation(request.registered_at)
    return ComplaintOut(
        first_responsible=c.first_responsible,
        register_due_at=c.register_due_at,
        register_complete=c.register_complete,
        register_overdue_at=c.register_overdue_at,
        second_of=c.second_of,
        level=c.level.label,
        next_escalation_at=climb[1] if climb else None,
        assessment=AssessmentOut(**vars(c.assessment)) if c.assessment else None,
        plan=HandlingPlanOut(**vars(c.plan)) if c.plan else None,
        resolution=ResolutionOut(**vars(c.resolution)) if c.resolution else None,
        escalations=[EscalationOut(level=e.level.label, at=e.at) for e in c.escalations],
        representative=c.representative,
        opinions=[OpinionOut(**vars(o)) for o in c.opinions],
    )
