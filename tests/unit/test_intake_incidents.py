"""Incidents (INC-01..INC-06) on the real handlers: declared once, calls noted on them, closed
once with each caller told once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from contracts.intake import v1
from hotline_libs.errors import Conflict, RuleViolation
from intake.domain.commands import CloseIncident, DeclareIncident, NoteIncidentCall
from intake.domain.incident import Incident, IncidentKind, IncidentStatus

from tests.builders import NOW
from tests.unit.intake_harness import Intake


async def declared(intake: Intake, **overrides: object) -> Incident:
    values: dict[str, object] = {
        "site_id": "dmg",
        "kind": IncidentKind.LIFT_OUT_OF_SERVICE,
        "title": "5栋2号电梯停用",
        "script": "5栋2号电梯维修停用, 请使用1号电梯",
        "buildings": ("5", " 5 ", "6"),
        "major": False,
        "expected_end_at": NOW + timedelta(hours=3),
        "by": "duty-001",
    }
    incident: Incident = await intake.bus.handle(DeclareIncident(**{**values, **overrides}))  # type: ignore[arg-type]
    return incident


async def call(intake: Intake, incident: Incident, phone: str) -> Incident:
    noted: Incident = await intake.bus.handle(
        NoteIncidentCall(incident.incident_id, "业主", phone, "5", "501", "", "agent-017", None)
    )
    return noted


async def test_inc01_an_incident_is_declared_once_with_its_script_and_buildings() -> None:
    intake = Intake()
    incident = await declared(intake)
    assert incident.buildings == ("5", "6")
    assert incident.status is IncidentStatus.OPEN
    [published] = intake.store.published_of(v1.IncidentDeclared)
    assert published.payload.script.startswith("5栋2号电梯") and not published.payload.major


async def test_an_end_already_past_is_refused() -> None:
    with pytest.raises(RuleViolation) as refused:
        await declared(Intake(), expected_end_at=NOW - timedelta(minutes=1))
    assert refused.value.field == "expected_end_at"


async def test_inc02_calls_attach_and_closing_tells_each_caller_once() -> None:
    intake = Intake()
    incident = await declared(intake)
    await call(intake, incident, "138 0013 8000")
    await call(intake, incident, "+86 13800138000")
    noted = await call(intake, incident, "13900139000")
    assert len(noted.calls) == 3
    closed: Incident = await intake.bus.handle(
        CloseIncident(incident.incident_id, "电梯已恢复", "duty-001", None)
    )
    assert closed.status is IncidentStatus.CLOSED
    [published] = intake.store.published_of(v1.IncidentClosed)
    assert [c.phone for c in published.payload.callers] == ["+8613800138000", "+8613900139000"]
    with pytest.raises(Conflict, match="was closed"):
        await intake.bus.handle(CloseIncident(incident.incident_id, "again", "duty-001", None))
    with pytest.raises(Conflict):
        await call(intake, incident, "13700137000")


async def test_a_callers_number_that_is_not_one_is_refused_naming_phone() -> None:
    intake = Intake()
    incident = await declared(intake)
    with pytest.raises(RuleViolation) as refused:
        await call(intake, incident, "12345")
    assert refused.value.field == "phone"
