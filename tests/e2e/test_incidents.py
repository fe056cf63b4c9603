"""A site-wide incident on the real stack (INC-01, INC-02, INC-04, INC-05, INC-06): declared
once with its script, each call noted on it rather than registered again, its special-matter
report, and its closing published with everyone who called, for notification to tell them."""

from __future__ import annotations

from typing import Any

import pytest
from contracts.intake.v1 import IncidentClosed
from hotline_infra.stack import Stack
from hotline_libs.auth import Role

from contracts import topics
from tests.support import auth, changing, client, decoded, eventually, read_topic, unique_phone

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]


async def test_an_outage_is_declared_once_calls_attach_and_closing_tells_the_callers(
    platform: Stack,
) -> None:
    first, second = unique_phone(), unique_phone()
    async with client(platform, "intake") as intake:
        declared = await intake.post(
            "/incidents",
            json={
                "site_id": "dmg",
                "kind": "water_outage",
                "title": "7栋停水",
                "script": "7栋因主水管抢修停水, 预计18:00恢复",
                "buildings": ["7"],
            },
            headers=changing(Role.DUTY_STAFF),
        )
        assert declared.status_code == 201, declared.text
        incident = declared.json()
        path = f"/incidents/{incident['incident_id']}"

        board = await intake.get(
            "/incidents", params={"site_id": "dmg", "open": "true"}, headers=auth()
        )
        shown = next(
            i for i in board.json()["items"] if i["incident_id"] == incident["incident_id"]
        )
        assert shown["script"].startswith("7栋因主水管抢修停水")

        for phone, room in ((first, "701"), (second, "702"), (first, "701")):
            noted = await intake.post(
                f"{path}/calls",
                json={"name": "业主", "phone": phone, "building": "7", "room": room},
                headers=changing(Role.AGENT),
            )
            assert noted.status_code == 200, noted.text
        assert len(noted.json()["calls"]) == 3

        bad = await intake.post(
            f"{path}/calls",
            json={"name": "业主", "phone": "12345", "building": "7", "room": "703"},
            headers=changing(Role.AGENT),
        )
        assert bad.status_code == 422

        moved = await intake.put(
            f"{path}/script",
            json={"script": "抢修延长, 预计20:00恢复"},
            headers=changing(Role.AGENT),
        )
        assert moved.json()["script"] == "抢修延长, 预计20:00恢复"
        reported = await intake.put(
            f"{path}/report",
            json={"what_happened": "7栋主水管爆裂", "actions_taken": "关阀, 更换管段"},
            headers=changing(Role.DUTY_STAFF),
        )
        assert reported.json()["report"]["by"] == "bench-duty_staff"

        closed = await intake.post(
            f"{path}/closure",
            json={"note": "7栋已恢复供水, 感谢您的耐心"},
            headers=changing(Role.DUTY_STAFF),
        )
        assert closed.status_code == 200 and closed.json()["status"] == "closed"
        again = await intake.post(
            f"{path}/calls",
            json={"name": "业主", "phone": unique_phone(), "building": "7", "room": "704"},
            headers=changing(Role.AGENT),
        )
        assert again.status_code == 409

    async def published() -> list[dict[str, Any]]:
        records = await read_topic(platform, topics.INCIDENTS)
        return [
            event
            for event in map(decoded, records)
            if event["event_type"] == IncidentClosed.EVENT_TYPE
            and event["payload"]["incident_id"] == incident["incident_id"]
        ]

    [closing] = await eventually(published, what="IncidentClosed")
    callers = sorted(c["phone"] for c in closing["payload"]["callers"])
    assert callers == sorted([f"+86{first}", f"+86{second}"])  # each once
