"""A resident's question, on the real stack: a standard answer drafted by an agent, approved by
the leader in charge, found by the caller's words and given at once (KB-03, KB-06); a reply
promised in a tier and reported when it runs out (KB-04), on the durable clock."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from contracts.intake.v1 import ReplyPromised
from hotline_infra.stack import Stack
from hotline_libs.auth import Role

from contracts import topics
from tests.support import auth, changing, client, decoded, eventually, read_topic, unique_phone

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]


def question(phone: str, **overrides: Any) -> dict[str, Any]:
    return {
        "site_id": "qjc",
        "kind": "consultation",
        "category": "property_service",
        "description": "业主问车位月租多少",
        "resident": {"name": "陈静", "phone": phone, "building": "5", "room": "801"},
        **overrides,
    }


async def test_kb03_kb06_an_approved_answer_is_found_by_the_callers_words_and_given(
    platform: Stack,
) -> None:
    marker = uuid.uuid4().hex[:6]
    async with client(platform, "intake") as intake:
        drafted = await intake.post(
            "/standard-answers",
            json={
                "site_id": "qjc",
                "kind": "consultation",
                "topic": "property_service",
                "question": f"地下停车位的月租费用是多少? ({marker})",
                "answer": "地下车位月租每月300元, 在服务中心办理。",
            },
            headers=changing(Role.AGENT),
        )
        assert drafted.status_code == 201, drafted.text
        answer = drafted.json()
        assert answer["status"] == "draft" and answer["document_no"].startswith("SA-QJC-")

        async def found(query: str) -> list[str]:
            response = await intake.get(
                "/standard-answers/search",
                params={"q": query, "site_id": "qjc"},
                headers=auth(Role.AGENT),
            )
            assert response.status_code == 200, response.text
            return [a["answer_id"] for a in response.json()["items"]]

        assert answer["answer_id"] not in await found(f"停车位月租 {marker}")  # not approved yet

        by_supervisor = await intake.post(
            f"/standard-answers/{answer['answer_id']}/approval",
            json={"revision": 1},
            headers=changing(Role.SUPERVISOR),
        )
        assert by_supervisor.status_code == 403  # the leader in charge, not the supervisor
        approval = await intake.post(
            f"/standard-answers/{answer['answer_id']}/approval",
            json={"revision": 1},
            headers=changing(Role.DIRECTOR),
        )
        assert approval.status_code == 200, approval.text
        assert approval.json()["approved"]["approved_by"] == "bench-director"

        # "停车位月租" is in neither text as a string; its words are
        [best, *_] = await found(f"停车位月租 {marker}")
        assert best == answer["answer_id"]

        registered = await intake.post(
            "/service-requests", json=question(unique_phone()), headers=changing(Role.AGENT)
        )
        request = registered.json()
        assert request["first_answer_due_at"] is not None
        given = await intake.post(
            f"/service-requests/{request['request_id']}/standard-answer",
            json={"answer_id": answer["answer_id"]},
            headers=changing(Role.AGENT),
        )
        assert given.status_code == 200, given.text
        [reply] = given.json()["replies"]
        assert reply["document_no"] == answer["document_no"] and reply["revision"] == 1
        assert given.json()["first_answer_due_at"] is None


async def test_kb04_a_promised_reply_that_runs_out_is_reported_and_queued(
    platform: Stack,
) -> None:
    async with client(platform, "intake") as intake:
        registered = await intake.post(
            "/service-requests", json=question(unique_phone()), headers=changing(Role.AGENT)
        )
        request = registered.json()
        promised = await intake.post(
            f"/service-requests/{request['request_id']}/reply-promises",
            json={"tier": "10_minutes"},
            headers=changing(Role.AGENT),
        )
        assert promised.status_code == 200, promised.text
        [promise] = promised.json()["promises"]

        queue = await intake.get(
            "/service-requests/owing-answers",
            params={"site_id": "qjc", "limit": 500},
            headers=auth(Role.SUPERVISOR),
        )
        assert request["request_id"] in {r["request_id"] for r in queue.json()["items"]}

        again = await intake.post(
            f"/service-requests/{request['request_id']}/reply-promises",
            json={"tier": "30_minutes"},
            headers=changing(Role.AGENT),
        )
        assert again.status_code == 409
        assert "reply first" in again.json()["detail"]

    async def published_promise() -> list[dict[str, Any]]:
        records = await read_topic(platform, topics.SERVICE_REQUESTS)
        return [
            event
            for event in map(decoded, records)
            if event["event_type"] == ReplyPromised.EVENT_TYPE
            and event["payload"]["request_id"] == request["request_id"]
        ]

    [published] = await eventually(published_promise, what="ReplyPromised")
    assert published["payload"]["due_at"][:19] == promise["due_at"][:19]
    assert published["payload"]["tier"] == "10_minutes"


async def test_standard_answer_drafts_name_what_is_wrong(platform: Stack) -> None:
    async with client(platform, "intake") as intake:
        refused = await intake.post(
            "/standard-answers",
            json={
                "site_id": "qjc",
                "kind": "repair",
                "topic": "own_unit",
                "question": "水管漏水怎么办",
                "answer": "请致电服务中心",
            },
            headers=changing(Role.AGENT),
        )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "kind"
