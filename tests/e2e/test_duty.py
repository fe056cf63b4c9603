"""A front desk's handover on the real stack (DUTY-12..DUTY-14): the items counted at the
take-over are kept with the log, open items carried, the late take-over recorded."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from hotline_infra.stack import Stack
from hotline_libs.auth import Role

from tests.support import auth, changing, client

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]


async def test_duty14_items_counted_at_the_take_over_are_kept_with_the_log(
    platform: Stack,
) -> None:
    day = (datetime.now(UTC) - timedelta(days=random.randint(2, 360))).date().isoformat()
    async with client(platform, "intake") as intake:
        opened = await intake.post(
            "/duty-logs",
            json={"site_id": "qjc", "day": day, "shift": "late"},
            headers=changing(Role.DUTY_STAFF),
        )
        assert opened.status_code in (200, 201), opened.text
        log_id = opened.json()["log_id"]
        taken = await intake.post(
            f"/duty-logs/{log_id}/take-over",
            json={
                "outgoing": "bench-duty_staff",
                "open_items": ["5-802 投诉噪音, 待物业管家回复"],
                "counted_items": [{"name": "对讲机", "count": 2}, {"name": "钥匙", "count": 12}],
            },
            headers=changing(Role.AGENT),
        )
        assert taken.status_code == 200, taken.text
        shown = await intake.get(f"/duty-logs/{log_id}", headers=auth(Role.SUPERVISOR))
    handover = shown.json()["handover"]
    assert handover["counted_items"] == [
        {"name": "对讲机", "count": 2},
        {"name": "钥匙", "count": 12},
    ]
    assert handover["open_items"] == ["5-802 投诉噪音, 待物业管家回复"]
    assert handover["late_minutes"] > 0  # a day long past: the relief was due then
