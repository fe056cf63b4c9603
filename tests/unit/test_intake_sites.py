"""A site's settings (DUTY-01, CMP-14, X6): what an admin may set, what is refused naming the
field, and the site published when it changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import time, timedelta
from typing import Any

import pytest
from contracts.intake import v1
from hotline_libs.errors import Conflict, RuleViolation
from hotline_libs.shifts import ShiftTemplate
from intake.domain import events
from intake.domain.boards import RequestKind
from intake.domain.commands import RecordSite
from intake.domain.complaint import EscalationThresholds
from intake.domain.site import SiteSettings, new_site

from tests.builders import NOW
from tests.unit.intake_harness import Intake

SETTINGS = SiteSettings(
    code="XSL",
    name="新丝路广场",
    services=frozenset({RequestKind.REPAIR, RequestKind.COMPLAINT}),
    time_zone="Asia/Urumqi",
    escalation=EscalationThresholds(timedelta(hours=2), timedelta(hours=12)),
    shifts=(
        ShiftTemplate("day", time(8), time(20)),
        ShiftTemplate("night", time(20), time(8)),
    ),
)


def test_a_new_site_is_recorded_with_its_settings() -> None:
    site = new_site("xsl", SETTINGS, NOW)
    assert (site.code, site.time_zone, site.shifts) == ("XSL", "Asia/Urumqi", SETTINGS.shifts)
    assert site.pending_events() == [events.SiteRecorded(recorded_at=NOW)]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": " "}, "name"),
        ({"code": "dmg"}, "code"),
        ({"services": frozenset()}, "services"),
        ({"country": "China"}, "country"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        (
            {"escalation": EscalationThresholds(timedelta(hours=12), timedelta(hours=2))},
            "escalation",
        ),
        (
            {"escalation": EscalationThresholds(timedelta(hours=4), timedelta(hours=96))},
            "escalation.higher_manager_after",
        ),
        ({"shifts": ()}, "shifts"),
        ({"shifts": (ShiftTemplate("Day", time(8), time(20)),)}, "shifts[0].code"),
        (
            {"shifts": (ShiftTemplate("day", time(8), time(20)),) * 2},
            "shifts[1].code",
        ),
        ({"shifts": (ShiftTemplate("day", time(8), time(8)),)}, "shifts[0].ends"),
    ],
)
def test_settings_that_cannot_work_are_refused_naming_the_field(
    overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(RuleViolation) as refused:
        new_site("xsl", replace(SETTINGS, **overrides), NOW)
    assert refused.value.field is not None and refused.value.field.startswith(field)


def test_a_sites_code_never_changes() -> None:
    site = new_site("xsl", SETTINGS, NOW)
    with pytest.raises(Conflict, match="does not change"):
        site.configure(replace(SETTINGS, code="XSQ"), NOW)


def test_the_same_settings_again_change_nothing_and_publish_nothing() -> None:
    site = new_site("xsl", SETTINGS, NOW)
    site.pending_events().clear()
    assert not site.configure(SETTINGS, NOW + timedelta(hours=1))
    assert site.configure(replace(SETTINGS, time_zone="Asia/Shanghai"), NOW + timedelta(hours=1))
    assert site.time_zone == "Asia/Shanghai"


async def test_x6_a_site_recorded_is_published_with_its_shifts_and_ladder() -> None:
    intake = Intake()
    site, created = await intake.bus.handle(RecordSite("xsl", SETTINGS))
    assert created and site.version == 1
    [published] = intake.store.published_of(v1.SiteRecorded)
    assert published.site_id == "xsl"
    assert published.payload.time_zone == "Asia/Urumqi"
    assert published.payload.supervisor_after_minutes == 120
    assert published.payload.higher_manager_after_minutes == 720
    assert [(s.code, s.starts, s.ends) for s in published.payload.shifts] == [
        ("day", "08:00", "20:00"),
        ("night", "20:00", "08:00"),
    ]
    _, created_again = await intake.bus.handle(RecordSite("xsl", SETTINGS))
    assert not created_again
    assert len(intake.store.published_of(v1.SiteRecorded)) == 1
