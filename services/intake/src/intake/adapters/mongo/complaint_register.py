"""The complaint register as it is stored inside its request's document."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from hotline_libs.mongo import Document

from intake.domain.complaint import (
    Assessment,
    ComplaintGrade,
    ComplaintRegister,
    Department,
    Escalation,
    EscalationLevel,
    EscalationThresholds,
    HandlingPlan,
    OpinionSource,
    ProfessionalOpinion,
    Resolution,
    Validity,
)


def thresholds_document(thresholds: EscalationThresholds) -> Document:
    return {
        "supervisor_after_minutes": thresholds.supervisor_after // timedelta(minutes=1),
        "higher_manager_after_minutes": thresholds.higher_manager_after // timedelta(minutes=1),
    }


def thresholds_from(document: Document | None) -> EscalationThresholds:
    if not document:
        return EscalationThresholds()
    return EscalationThresholds(
        supervisor_after=timedelta(minutes=document["supervisor_after_minutes"]),
        higher_manager_after=timedelta(minutes=document["higher_manager_after_minutes"]),
    )


def register_document(register: ComplaintRegister | None) -> Document | None:
    if register is None:
        return None
    a, p, r = register.assessment, register.plan, register.resolution
    return {
        "first_responsible": register.first_responsible,
        "register_due_at": register.register_due_at,
        "thresholds": thresholds_document(register.thresholds),
        "second_of": str(register.second_of) if register.second_of else None,
        "assessment": None
        if a is None
        else {
            "validity": a.validity.value,
            "grade": a.grade.value,
            "reason": a.reason,
            "department": a.department.value if a.department else None,
            "by": a.by,
            "at": a.at,
        },
        "plan": None
        if p is None
        else {"department": p.department.value, "plan": p.plan, "by": p.by, "at": p.at},
        "resolution": None
        if r is None
        else {
            "outcome": r.outcome,
            "resident_satisfied": r.resident_satisfied,
            "by": r.by,
            "at": r.at,
        },
        "escalations": [{"level": e.level.label, "at": e.at} for e in register.escalations],
        "register_overdue_at": register.register_overdue_at,
        "representative": register.representative,
        "opinions": [
            {
                "source": o.source.value,
                "department": o.department.value if o.department else None,
                "given_by": o.given_by,
                "opinion": o.opinion,
                "recorded_by": o.recorded_by,
                "at": o.at,
            }
            for o in register.opinions
        ],
    }


def register_from(document: dict[str, Any] | None) -> ComplaintRegister | None:
    if document is None:
        return None
    a, p, r = document.get("assessment"), document.get("plan"), document.get("resolution")
    return ComplaintRegister(
        first_responsible=document["first_responsible"],
        register_due_at=document["register_due_at"],
        thresholds=thresholds_from(document.get("thresholds")),
        second_of=uuid.UUID(document["second_of"]) if document.get("second_of") else None,
        assessment=None
        if a is None
        else Assessment(
            validity=Validity(a["validity"]),
            grade=ComplaintGrade(a["grade"]),
            reason=a["reason"],
            department=Department(a["department"]) if a.get("department") else None,
            by=a["by"],
            at=a["at"],
        ),
        plan=None
        if p is None
        else HandlingPlan(Department(p["department"]), p["plan"], p["by"], p["at"]),
        resolution=None
        if r is None
        else Resolution(r["outcome"], r.get("resident_satisfied"), r["by"], r["at"]),
        escalations=tuple(
            Escalation(EscalationLevel[e["level"].upper()], e["at"])
            for e in document.get("escalations", [])
        ),
        register_overdue_at=document.get("register_overdue_at"),
        representative=document.get("representative", False),
        opinions=tuple(
            ProfessionalOpinion(
                source=OpinionSource(o["source"]),
                department=Department(o["department"]) if o.get("department") else None,
                given_by=o["given_by"],
                opinion=o["opinion"],
                recorded_by=o["recorded_by"],
                at=o["at"],
            )
            for o in document.get("opinions", [])
        ),
    )
