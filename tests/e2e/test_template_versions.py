"""Template versions on the real stack (issue #13, templates): a supervisor writes a new text
of the SMS a resident gets when their request is accepted (NTF-01: the reply residents are
sent), its author's own approval is refused, a site manager approves it, and the next resident
whose request is accepted gets it, the message saying which version it was rendered from."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hotline_infra.stack import Stack
from hotline_libs.auth import Role

from tests.support import auth, client, eventually, register, repair_request, unique_phone

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]

TEMPLATE = "/templates/request_accepted/sms/zh-CN"
AUTHOR = auth(Role.SUPERVISOR, subject="e2e-template-author")
APPROVER = auth(Role.SITE_MANAGER, ["dmg"], subject="e2e-template-approver")


def changing(headers: dict[str, str]) -> dict[str, str]:
    return {**headers, "Idempotency-Key": str(uuid.uuid4())}


async def accepted_sms(platform: Stack, request_id: str) -> dict[str, Any] | None:
    async with client(platform, "notification") as notification:
        found = await notification.get(
            "/notifications", params={"request_id": request_id}, headers=auth(Role.SUPERVISOR)
        )
    assert found.status_code == 200, found.text
    for n in found.json()["items"]:
        if n["about_event_type"] == "ServiceRequestAccepted":
            message: dict[str, Any] = next(m for m in n["messages"] if m["channel"] == "sms")
            return message
    return None


async def test_ntf01_a_draft_approved_by_another_member_is_what_the_next_resident_is_sent(
    platform: Stack,
) -> None:
    marker = uuid.uuid4().hex[:6]
    body = "{{ name }}您好，服务单 {{ request_no }} 已受理（" + marker + "），请保持电话畅通。"
    async with client(platform, "notification") as notification:
        before = (await notification.get("/templates/request_accepted", headers=AUTHOR)).json()
        built_in = next(
            t for t in before["templates"] if (t["channel"], t["language"]) == ("sms", "zh-CN")
        )["versions"][0]
        unknown = await notification.post(
            f"{TEMPLATE}/versions",
            json={"subject": "受理", "body": "{{ nickname }}您好"},
            headers=changing(AUTHOR),
        )
        assert unknown.status_code == 422, unknown.text
        assert "body" in unknown.text and "nickname" in unknown.text

        written = await notification.post(
            f"{TEMPLATE}/versions",
            json={"subject": "您的服务单已受理：{{ request_no }}", "body": body},
            headers=changing(AUTHOR),
        )
        assert written.status_code == 201, written.text
        draft = written.json()
        number = draft["version"]["number"]
        assert draft["version"]["state"] == "draft"
        assert draft["preview"]["sms"]["encoding"] == "UCS-2"
        assert marker in draft["preview"]["body"]

        own = await notification.post(
            f"{TEMPLATE}/versions/{number}/approve", headers=changing(AUTHOR)
        )
        assert own.status_code == 422, own.text
        try:
            approved = await notification.post(
                f"{TEMPLATE}/versions/{number}/approve", headers=changing(APPROVER)
            )
            assert approved.status_code == 200, approved.text
            assert approved.json()["decided_by"] == "e2e-template-approver"

            created = await register(platform, repair_request(unique_phone(), site_id="dmg"))
            sms = await eventually(
                lambda: accepted_sms(platform, created["request_id"]),
                what="the SMS telling the resident their request is accepted",
            )
            assert marker in sms["body"] and created["request_no"] in sms["body"]
            assert sms["template_version"] == number
        finally:
            # the built-in words again, as a version of their own, for the tests after this one
            again = await notification.post(
                f"{TEMPLATE}/versions",
                json={"subject": built_in["subject"], "body": built_in["body"]},
                headers=changing(AUTHOR),
            )
            assert again.status_code == 201, again.text
            restored = await notification.post(
                f"{TEMPLATE}/versions/{again.json()['version']['number']}/approve",
                headers=changing(APPROVER),
            )
            assert restored.status_code == 200, restored.text
        listed = (await notification.get("/templates", headers=auth(Role.AGENT))).json()
        accepted = next(t for t in listed if t["message_type"] == "request_accepted")
        current = next(
            t for t in accepted["templates"] if (t["channel"], t["language"]) == ("sms", "zh-CN")
        )
        assert current["current"] == number + 1
