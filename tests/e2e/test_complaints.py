"""A complaint on the real stack: its register owned by the agent who took it, answered and
assessed, sent to a department, resolved, each step published for the services that follow it
(CMP-04, CMP-07, CMP-12, CMP-13, CMP-14, CMP-20, ORG-08), and the site's daily complaint-handling
record that lists it (CMP-18, CMP-02, CH-10)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hotline_infra.stack import Stack
from hotline_libs.auth import Role

from contracts import topics
from tests.support import auth, changing, client, decoded, eventually, read_topic, unique_phone

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]


def complaint(phone: str, **overrides: Any) -> dict[str, Any]:
    return {
        "site_id": "gxi",
        "kind": "complaint",
        "category": "facilities",
        "description": "B座电梯本周第二次困人",
        "resident": {"name": "郑华", "phone": phone, "building": "B", "room": "1503"},
        **overrides,
    }


async def test_a_complaint_is_answered_assessed_sent_and_resolved_with_its_clocks(
    platform: Stack,
) -> None:
    phone = unique_phone()
    async with client(platform, "intake") as intake:
        taken = await intake.post(
            "/service-requests", json=complaint(phone), headers=changing(Role.AGENT)
        )
        assert taken.status_code == 201, taken.text
        request = taken.json()
        register = request["complaint"]
        assert register["first_responsible"] == "bench-agent"
        assert register["level"] == "duty_staff" and register["next_escalation_at"]
        assert not register["register_complete"]
        assert request["first_answer_due_at"] is not None  # two hours (CMP-04)

        second = await intake.post(
            "/service-requests",
            json=complaint(phone, second_complaint_of=request["request_id"]),
            headers=changing(Role.AGENT),
        )
        assert second.status_code == 201, second.text
        assert second.json()["complaint"]["second_of"] == request["request_id"]

        path = f"/service-requests/{request['request_id']}"
        replied = await intake.post(
            f"{path}/replies",
            json={"text": "已通知维修部, 两小时内回复处理进展", "progress": True},
            headers=changing(Role.AGENT),
        )
        assert replied.json()["first_answer_due_at"] is None

        refused = await intake.post(
            f"{path}/complaint/assessment",
            json={"validity": "valid", "grade": "serious", "reason": "维保记录确有故障"},
            headers=changing(Role.SUPERVISOR),
        )
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["field"] == "department"
        assessed = await intake.post(
            f"{path}/complaint/assessment",
            json={
                "validity": "valid",
                "grade": "serious",
                "reason": "维保记录确有故障",
                "department": "maintenance",
            },
            headers=changing(Role.SUPERVISOR),
        )
        assert assessed.status_code == 200, assessed.text
        assert assessed.json()["complaint"]["register_complete"]

        planned = await intake.post(
            f"{path}/complaint/handling-plan",
            json={"department": "maintenance", "plan": "今日更换门机板, 明日回访"},
            headers=changing(Role.DUTY_STAFF),
        )
        assert planned.status_code == 200, planned.text
        resolved = await intake.post(
            f"{path}/complaint/resolution",
            json={"outcome": "已更换门机板, 业主确认恢复正常", "resident_satisfied": True},
            headers=changing(Role.STEWARD),
        )
        assert resolved.status_code == 200, resolved.text
        done = resolved.json()["complaint"]
        assert done["resolution"]["by"] == "bench-steward"
        assert done["next_escalation_at"] is None

        open_ones = await intake.get(
            "/complaints", params={"site_id": "gxi", "open": "true", "limit": 500}, headers=auth()
        )
        ids = {c["request_id"] for c in open_ones.json()["items"]}
        assert request["request_id"] not in ids and second.json()["request_id"] in ids

        # CMP-18, CH-10: the site's daily complaint-handling record, in the site's day
        today = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).date()
        record = await intake.get(
            "/complaints/daily-record",
            params={"site_id": "gxi", "day": today.isoformat()},
            headers=auth(Role.SUPERVISOR),
        )
        assert record.status_code == 200, record.text
        lines = {line["request_no"]: line for line in record.json()["lines"]}
        first, repeated = lines[request["request_no"]], lines[second.json()["request_no"]]
        assert first["steps_that_day"] == ["received", "assessed", "planned", "replied", "resolved"]
        assert first["content"] == "B座电梯本周第二次困人" and first["department"] == "maintenance"
        assert first["outcome"] == "已更换门机板, 业主确认恢复正常" and not first["open_at_day_end"]
        assert repeated["second_complaint"] and repeated["open_at_day_end"]
        as_csv = await intake.get(
            "/complaints/daily-record",
            params={"site_id": "gxi", "day": today.isoformat(), "format": "csv"},
            headers=auth(Role.SUPERVISOR),
        )
        assert as_csv.headers["content-type"].startswith("text/csv")
        assert request["request_no"] in as_csv.text
        day_before = await intake.get(
            "/complaints/daily-record",
            params={"site_id": "gxi", "day": (today - timedelta(days=1)).isoformat()},
            headers=auth(Role.SUPERVISOR),
        )
        assert request["request_no"] not in {x["request_no"] for x in day_before.json()["lines"]}
        unknown = await intake.get(
            "/complaints/daily-record",
            params={"site_id": "nowhere", "day": today.isoformat()},
            headers=auth(Role.ADMIN),
        )
        assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "site_id"

    async def published() -> set[str] | None:
        records = await read_topic(platform, topics.SERVICE_REQUESTS)
        kinds = {
            event["event_type"]
            for event in map(decoded, records)
            if event["payload"].get("request_id") == request["request_id"]
        }
        wanted = {
            "ServiceRequestAccepted",
            "ResidentReplied",
            "ComplaintAssessed",
            "ComplaintResolved",
        }
        return kinds if wanted <= kinds else None

    assert await eventually(published, what="the complaint's events")

    async def called_back() -> dict[str, Any] | None:
        async with client(platform, "intake") as intake:
            answer = await intake.get(
                f"/service-requests/{request['request_id']}/timeline", headers=auth()
            )
        entries = answer.json()["entries"]
        scheduled = [e for e in entries if e["what"] == "CallbackScheduled"]
        return scheduled[0] if scheduled else None

    # CB-11: every valid complaint is called back; its callback (v2 of CallbackScheduled, which
    # follows a case without a work order) is on the request's timeline, once
    scheduled = await eventually(called_back, what="the complaint's callback on its timeline")
    assert scheduled["service"] == "callback" and scheduled["details"]["due_on"]


async def test_cmp09_an_invalid_complaint_is_answered_from_the_legal_advisers_opinion(
    platform: Stack,
) -> None:
    """No standard wording answers it: the legal adviser's opinion is kept on the register and
    the resident answered from it within the two hours (CMP-09, CMP-05)."""
    async with client(platform, "intake") as intake:
        taken = await intake.post(
            "/service-requests",
            json=complaint(unique_phone(), category="historical_issue", description="车位被占"),
            headers=changing(Role.AGENT),
        )
        assert taken.status_code == 201, taken.text
        path = f"/service-requests/{taken.json()['request_id']}"
        assessed = await intake.post(
            f"{path}/complaint/assessment",
            json={"validity": "invalid", "grade": "minor", "reason": "车位产权属开发商"},
            headers=changing(Role.SUPERVISOR),
        )
        assert assessed.status_code == 200, assessed.text
        opinion = await intake.post(
            f"{path}/complaint/opinions",
            json={
                "source": "legal_adviser",
                "given_by": "李律师",
                "opinion": "车位属开发商所有, 物业无权处置",
            },
            headers=changing(Role.SUPERVISOR),
        )
        assert opinion.status_code == 200, opinion.text
        [kept] = opinion.json()["complaint"]["opinions"]
        assert (kept["source"], kept["given_by"]) == ("legal_adviser", "李律师")
        answered = await intake.post(
            f"{path}/replies",
            json={"text": "经法务顾问核实, 车位属开发商所有, 物业无权处置, 已为您联系开发商"},
            headers=changing(Role.AGENT),
        )
        assert answered.json()["first_answer_due_at"] is None
        unnamed = await intake.post(
            f"{path}/complaint/opinions",
            json={"source": "department", "given_by": "王经理", "opinion": "无"},
            headers=changing(Role.SUPERVISOR),
        )
        assert unnamed.status_code == 422 and unnamed.json()["errors"][0]["field"] == "department"
