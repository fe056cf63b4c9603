"""A steward who resigns hands the job over on the real stack (岗位交接, DUTY-25, DUTY-15): the
complaint she owns and the reply she promised become her successor's, so do her building and her
liaison duty, and she is marked gone; the directory publishes both records."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from contracts.intake.v1 import StaffRecorded
from hotline_infra.stack import Stack
from hotline_libs.auth import Role, issue_token
from hotline_libs.settings import DEV_JWT_SECRET

from contracts import topics
from tests.support import (
    auth,
    changing,
    client,
    decoded,
    eventually,
    read_topic,
    repair_request,
)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]


def signed_in_as(login: str, role: Role = Role.STEWARD) -> dict[str, str]:
    token = issue_token(DEV_JWT_SECRET, subject=login, role=role, sites=["dmg"])
    return {"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())}


def steward(login: str, building: str, **more: Any) -> dict[str, Any]:
    return {
        "site_id": "dmg",
        "name": "周静",
        "title": "管家",
        "department": "customer_service",
        "phones": ["13900003333"],
        "steward_of": [building],
        "roles": ["steward"],
        "login": login,
        **more,
    }


async def test_duty25_a_leavers_complaint_promise_building_and_duty_go_to_her_successor(
    platform: Stack,
) -> None:
    marker = uuid.uuid4().hex[:6]
    leaver, successor = f"dmg-zj-{marker}", f"dmg-wq-{marker}"
    her, his = f"zhoujing.{marker}", f"wangqiang.{marker}"
    building = f"H{marker}"
    async with client(platform, "intake") as intake:
        for staff_id, body in (
            (leaver, steward(her, building, information_liaison=True)),
            (successor, steward(his, f"{building}-2")),
        ):
            put = await intake.put(f"/staff/{staff_id}", json=body, headers=changing(Role.ADMIN))
            assert put.status_code == 201, put.text

        complaint = await intake.post(
            "/service-requests",
            json=repair_request(
                site_id="dmg", kind="complaint", category="facilities", description="电梯故障"
            ),
            headers=signed_in_as(her),
        )
        assert complaint.status_code == 201, complaint.text
        request_id = complaint.json()["request_id"]

        gone = await intake.put(
            f"/staff/{leaver}",
            json=steward(her, building, information_liaison=True, active=False),
            headers=changing(Role.ADMIN),
        )
        assert gone.status_code == 409, gone.text
        assert "hand the job over" in gone.json()["detail"]

        handed = await intake.post(
            f"/staff/{leaver}/handover",
            json={"successor_id": successor, "reason": "resigned", "open_items": ["钥匙 12 把"]},
            headers=changing(Role.SUPERVISOR),
        )
        assert handed.status_code == 201, handed.text
        handover = handed.json()
        assert [(w["request_id"], w["kind"]) for w in handover["open_work"]] == [
            (request_id, "complaint")
        ]
        assert handover["buildings"] == [building] and handover["information_liaison"]
        assert handover["completed_at"] is None

        stranger = await intake.put(
            f"/job-handovers/{handover['handover_id']}/acceptance",
            headers=signed_in_as(f"someone.{marker}"),
        )
        assert stranger.status_code == 422, stranger.text

        taken = await intake.put(
            f"/job-handovers/{handover['handover_id']}/acceptance", headers=signed_in_as(his)
        )
        assert taken.status_code == 200, taken.text
        assert taken.json()["completed_at"] is not None

        request = (await intake.get(f"/service-requests/{request_id}", headers=auth())).json()
        assert request["complaint"]["first_responsible"] == his
        left = (await intake.get(f"/staff/{leaver}", headers=auth())).json()
        assert (left["active"], left["steward_of"], left["information_liaison"]) == (
            False,
            [],
            False,
        )
        now_his = (await intake.get(f"/staff/{successor}", headers=auth())).json()
        assert now_his["steward_of"] == [f"{building}-2", building]
        assert now_his["information_liaison"]
        listed = await intake.get(
            "/job-handovers", params={"site_id": "dmg"}, headers=auth(Role.SUPERVISOR)
        )
        assert handover["handover_id"] in {h["handover_id"] for h in listed.json()}

    async def published() -> dict[str, dict[str, Any]] | None:
        latest: dict[str, dict[str, Any]] = {}
        for event in map(decoded, await read_topic(platform, topics.DIRECTORY)):
            if event["event_type"] == StaffRecorded.EVENT_TYPE:
                latest[event["payload"]["staff_id"]] = event["payload"]
        if latest.get(leaver, {}).get("active") is False and successor in latest:
            return latest
        return None

    latest = await eventually(published, what="both records on the directory")
    assert latest[successor]["information_liaison"]
