"""Residents' preferences and the night on the running platform (issue #13): the unsubscribe
link of a real e-mail works, a supervisor's block stops a number, and a site's quiet hours hold
a routine SMS on a durable deadline until they end, then send it once.

The session's stack runs with the company's quiet hours off (tests run at any hour); the night
test sets a site's own quiet hours around the present moment, and puts them back after.
"""

from __future__ import annotations

import email
import re
import uuid
from datetime import UTC, datetime, timedelta
from email import policy
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from hotline_infra.smtp_sink import read_index
from hotline_infra.stack import Stack
from hotline_libs.auth import Role

from tests.support import (
    auth,
    changing,
    client,
    eventually,
    mail_about,
    register,
    repair_request,
    sms_about,
    unique_phone,
    work_order_of,
)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]

LINK = re.compile(r"https?://\S+/unsubscribe\?token=\S+")


async def _notifications(notification: httpx.AsyncClient, request_id: str) -> list[dict[str, Any]]:
    listed = await notification.get(
        "/notifications", params={"request_id": request_id}, headers=auth(Role.SUPERVISOR)
    )
    assert listed.status_code == 200, listed.text
    items: list[dict[str, Any]] = listed.json()["items"]
    return items


def _messages(notifications: list[dict[str, Any]], template: str) -> list[dict[str, Any]]:
    return [m for n in notifications for m in n["messages"] if m["template"] == template]


async def test_the_unsubscribe_link_of_a_residents_e_mail_opts_the_address_out(
    platform: Stack,
) -> None:
    address = f"resident.{uuid.uuid4().hex[:8]}@example.com"
    first = await register(platform, repair_request(email=address))
    await eventually(lambda: mail_about(platform, first["request_no"]), what="the e-mail")
    [mail] = mail_about(platform, first["request_no"])
    body = email.message_from_bytes(
        (platform.mail_dir / mail["file"]).read_bytes(), policy=policy.default
    ).get_body()
    assert body is not None
    [link] = LINK.findall(body.get_content())
    assert link.startswith(platform.service_url("notification"))

    async with httpx.AsyncClient(timeout=15) as browser:
        page = await browser.get(link)
        assert page.status_code == 200 and address in page.text and "确认退订" in page.text
        forged = await browser.post(link[:-3] + "AAA")
        assert forged.status_code == 404, forged.text
        for _ in range(2):  # a second click changes nothing
            done = await browser.post(link)
            assert done.status_code == 200 and "已退订" in done.text, done.text

    async with client(platform, "notification") as notification:
        kept = await notification.get(
            f"/preferences/email/{address.upper()}", headers=auth(Role.AGENT)
        )
        assert kept.status_code == 200, kept.text
        assert kept.json()["opted_out"] is True
        assert kept.json()["opted_out_via"] == "unsubscribe_link"

        second = await register(platform, repair_request(email=address))

        async def suppressed() -> list[dict[str, Any]]:
            found = _messages(
                await _notifications(notification, second["request_id"]), "request_accepted"
            )
            return [m for m in found if m["channel"] == "email" and m["status"] == "suppressed"]

        [mail_not_sent] = await eventually(suppressed, what="the second e-mail suppressed")
        assert mail_not_sent["refusal"] == "opted out"
    assert sms_about(platform, second["request_no"])  # the SMS went: only e-mail was refused
    assert not [m for m in read_index(platform.mail_dir) if second["request_no"] in m["subject"]]


async def test_a_blocked_number_is_sent_nothing_and_only_a_supervisor_blocks(
    platform: Stack,
) -> None:
    phone = unique_phone()
    number = f"+86{phone}"
    async with client(platform, "notification") as notification:
        body = {"blocked": True, "reason": "号码已易主，新机主要求不再发送"}
        refused = await notification.put(
            f"/blocklist/sms/{number}", json=body, headers=changing(Role.AGENT)
        )
        assert refused.status_code == 403, refused.text
        no_reason = await notification.put(
            f"/blocklist/sms/{number}", json={"blocked": True}, headers=changing(Role.SUPERVISOR)
        )
        assert no_reason.status_code == 422 and "reason" in no_reason.text
        blocked = await notification.put(
            f"/blocklist/sms/{number}", json=body, headers=changing(Role.SUPERVISOR)
        )
        assert blocked.status_code == 200, blocked.text
        assert blocked.json()["blocked"] is True

        request = await register(platform, repair_request(phone, email=None))

        async def suppressed() -> list[dict[str, Any]]:
            found = _messages(
                await _notifications(notification, request["request_id"]), "request_accepted"
            )
            return [m for m in found if m["status"] == "suppressed"]

        [sms] = await eventually(suppressed, what="the SMS suppressed")
        assert sms["refusal"] == f"blocked: {body['reason']}"
        assert not sms_about(platform, request["request_no"])
        lifted = await notification.put(
            f"/blocklist/sms/{number}", json={"blocked": False}, headers=changing(Role.SUPERVISOR)
        )
        assert lifted.status_code == 200 and lifted.json()["blocked"] is False


SHANGHAI = ZoneInfo("Asia/Shanghai")


def _hours_around_now() -> tuple[str, datetime]:
    """Quiet hours that began an hour ago in Xi'an and end at the start of a minute 40 to 100
    seconds from now, and that end."""
    now = datetime.now(UTC)
    end = (now + timedelta(seconds=100)).replace(second=0, microsecond=0)
    start = now - timedelta(hours=1)
    text = f"{start.astimezone(SHANGHAI):%H:%M}-{end.astimezone(SHANGHAI):%H:%M}"
    return text, end


async def test_a_routine_sms_in_the_sites_quiet_hours_is_held_until_they_end_then_sent_once(
    platform: Stack,
) -> None:
    """The technician's SMS (routine) waits for the end of the site's quiet hours, on the
    notification's durable deadline; the registration's (a reply to the caller) goes at once."""
    quiet, end = _hours_around_now()
    async with client(platform, "notification") as notification:
        refused = await notification.put(
            "/sites/dmg/quiet-hours", json={"quiet_hours": quiet}, headers=changing(Role.AGENT)
        )
        assert refused.status_code == 403, refused.text
        bad = await notification.put(
            "/sites/dmg/quiet-hours",
            json={"quiet_hours": "10pm-8am"},
            headers=changing(Role.SITE_MANAGER),
        )
        assert bad.status_code == 422 and "quiet_hours" in bad.text
        set_ = await notification.put(
            "/sites/dmg/quiet-hours",
            json={"quiet_hours": quiet},
            headers=changing(Role.SITE_MANAGER),
        )
        assert set_.status_code == 200, set_.text
        assert set_.json()["quiet_hours"] == quiet
        try:
            request = await register(platform, repair_request(email=None))
            await work_order_of(platform, request["request_id"], "dispatched")

            async def held() -> list[dict[str, Any]]:
                found = _messages(
                    await _notifications(notification, request["request_id"]),
                    "work_order_dispatched",
                )
                return [m for m in found if m["status"] == "held"]

            [waiting] = await eventually(held, what="the technician's SMS held")
            assert datetime.fromisoformat(waiting["held_until"]) == end
            assert len(sms_about(platform, request["request_no"])) == 1  # the registration's
        finally:
            back = await notification.put(
                "/sites/dmg/quiet-hours",
                json={"quiet_hours": "default"},
                headers=changing(Role.SITE_MANAGER),
            )
            assert back.status_code == 200, back.text

        await eventually(
            lambda: len(sms_about(platform, request["request_no"])) == 2,
            timeout_s=max((end - datetime.now(UTC)).total_seconds(), 0) + 30,
            what="the technician's SMS after the quiet hours",
        )
        [sent] = [
            m
            for m in _messages(
                await _notifications(notification, request["request_id"]), "work_order_dispatched"
            )
        ]
        assert sent["status"] in ("sent", "delivered")  # the gateway's receipt may be in
        assert datetime.fromisoformat(sent["sent_at"]) >= end


async def test_a_resident_recorded_in_english_is_texted_in_english(platform: Stack) -> None:
    """Templates per language (zh-CN, en): a resident the directory records as writing in
    English gets their registration's SMS from the English template; the directory's record
    reaches notification on ``intake.directory`` and is kept on their number's preferences."""
    phone = unique_phone()
    async with client(platform, "intake") as intake:
        recorded = await intake.post(
            "/residents",
            json={"site_id": "dmg", "name": "Jane Lee", "phones": [phone], "language": "en"},
            headers=changing(Role.AGENT),
        )
        assert recorded.status_code == 201, recorded.text

    async def kept() -> bool:
        async with client(platform, "notification") as notification:
            shown = await notification.get(
                f"/preferences/sms/+86{phone}", headers=auth(Role.SUPERVISOR)
            )
        return shown.status_code == 200 and shown.json().get("language") == "en"

    await eventually(kept, timeout_s=90, what="notification's copy of the resident's language")
    request = await register(platform, repair_request(phone))
    sent = await eventually(
        lambda: sms_about(platform, request["request_no"]), what="the registration's SMS"
    )
    registration = sent[0]["text"]  # the technician's SMS may follow
    assert registration.startswith("【物业服务热线】Dear "), registration
    assert f"is registered as {request['request_no']}" in registration
    assert "您好" not in registration
