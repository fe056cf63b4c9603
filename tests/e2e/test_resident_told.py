"""What residents are told by notification, on the real stack, beyond their request's own steps:
an incident's end, told to everyone who called about it (INC-05, INC-06; domain.md: residents
told of outages), and the written copy of word of progress and of a complaint's answer
(CMP-16, KB-16), but not of an answer given live on the phone."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
from hotline_infra.sms_sink import read_messages
from hotline_infra.stack import Stack
from hotline_libs.auth import Role

from tests.support import auth, changing, client, eventually, sms_about, unique_phone

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]


def sms_to(platform: Stack, phone: str) -> list[dict[str, Any]]:
    """The SMS the gateway took for ``phone`` (as typed, without +86)."""
    return [m for m in read_messages(platform.sms_dir) if m["to"] == f"+86{phone}"]


async def site_name(intake: httpx.AsyncClient, site_id: str) -> str:
    """The name residents know the site by, as intake has it now."""
    site = await intake.get(f"/sites/{site_id}", headers=auth(Role.ADMIN))
    assert site.status_code == 200, site.text
    name: str = site.json()["name"]
    return name


async def test_inc05_inc06_each_caller_of_an_incident_is_told_once_that_it_is_over(
    platform: Stack,
) -> None:
    """Two residents call about a water outage, one of them twice; closing the incident tells
    each of them once, by SMS, with the closing note (INC-05, INC-06)."""
    first, second = unique_phone(), unique_phone()
    note = f"9栋已恢复供水, 感谢您的耐心 ({uuid.uuid4().hex[:6]})"
    async with client(platform, "intake") as intake:
        name = await site_name(intake, "dmg")
        declared = await intake.post(
            "/incidents",
            json={
                "site_id": "dmg",
                "kind": "water_outage",
                "title": "9栋停水",
                "script": "9栋因主水管抢修停水, 预计18:00恢复",
                "buildings": ["9"],
            },
            headers=changing(Role.DUTY_STAFF),
        )
        assert declared.status_code == 201, declared.text
        incident_id = declared.json()["incident_id"]
        for phone, room in ((first, "901"), (second, "902"), (first, "901")):
            noted = await intake.post(
                f"/incidents/{incident_id}/calls",
                json={"name": "业主", "phone": phone, "building": "9", "room": room},
                headers=changing(Role.AGENT),
            )
            assert noted.status_code == 200, noted.text
        closed = await intake.post(
            f"/incidents/{incident_id}/closure",
            json={"note": note},
            headers=changing(Role.DUTY_STAFF),
        )
        assert closed.status_code == 200, closed.text

    await eventually(
        lambda: sms_to(platform, first) and sms_to(platform, second),
        what="the SMS to both callers",
    )
    await asyncio.sleep(1)  # a second SMS to the caller who called twice would be here by now
    for phone in (first, second):
        [sms] = sms_to(platform, phone)
        assert sms["text"] == f"【物业服务热线】您来电反映的{name}“9栋停水”已处理完毕。{note}"

    async with client(platform, "notification") as notification:
        listed = await notification.get(
            "/notifications", params={"site_id": "dmg", "limit": 100}, headers=auth()
        )
    assert listed.status_code == 200, listed.text
    [told] = [n for n in listed.json()["items"] if n["incident_id"] == incident_id]
    assert told["about_event_type"] == "IncidentClosed" and told["request_id"] is None
    assert sorted(m["recipient"] for m in told["messages"]) == sorted(
        [f"+86{first}", f"+86{second}"]
    )
    # delivered once the provider's receipt is in
    assert {m["status"] for m in told["messages"]} <= {"sent", "delivered"}


async def test_cmp16_kb16_word_of_progress_on_a_complaint_is_sent_to_the_resident(
    platform: Stack,
) -> None:
    """The agent reports progress on a complaint (CMP-16: track it and report progress to the
    customer; KB-16: tell the customer promptly): the resident gets it by SMS, naming the
    request, and by e-mail."""
    phone = unique_phone()
    progress = f"已通知维修部, 明天上午更换门机板 ({uuid.uuid4().hex[:6]})"
    async with client(platform, "intake") as intake:
        name = await site_name(intake, "gxi")
        taken = await intake.post(
            "/service-requests",
            json={
                "site_id": "gxi",
                "kind": "complaint",
                "category": "facilities",
                "description": "B座电梯本周第二次困人",
                "resident": {
                    "name": "郑华",
                    "phone": phone,
                    "email": "zheng.hua@example.com",
                    "building": "B",
                    "room": "1503",
                },
            },
            headers=changing(Role.AGENT),
        )
        assert taken.status_code == 201, taken.text
        request = taken.json()
        request_no = request["request_no"]
        replied = await intake.post(
            f"/service-requests/{request['request_id']}/replies",
            json={"text": progress, "progress": True},
            headers=changing(Role.AGENT),
        )
        assert replied.status_code == 200, replied.text

    def progress_sms() -> list[dict[str, Any]]:
        return [m for m in sms_about(platform, request_no) if progress in m["text"]]

    await eventually(progress_sms, what="the SMS with word of progress")
    await asyncio.sleep(1)
    [sms] = progress_sms()
    assert sms["to"] == f"+86{phone}"
    assert sms["text"] == f"【物业服务热线】您在{name}的投诉 {request_no} 处理进展：{progress}"

    async def progress_mail() -> list[dict[str, Any]]:
        async with client(platform, "notification") as notification:
            listed = await notification.get(
                "/notifications", params={"request_id": request["request_id"]}, headers=auth()
            )
        return [
            m
            for n in listed.json()["items"]
            for m in n["messages"]
            if m["template"] == "progress_reported" and m["channel"] == "email"
        ]

    [mail] = await eventually(progress_mail, what="the e-mail with word of progress")
    assert mail["recipient"] == "zheng.hua@example.com" and progress in mail["body"]


async def test_kb03_a_standard_answer_given_on_the_phone_is_not_sent_again(
    platform: Stack,
) -> None:
    """An approved standard answer is read out to the caller (KB-03): nothing is sent for it.
    Word of progress on the same request afterwards is (KB-16); it travels behind the answer
    on the same partition, so once it has arrived the answer has been handled."""
    marker = uuid.uuid4().hex[:6]
    phone = unique_phone()
    answer_text = f"地下车位月租每月300元, 在服务中心办理 ({marker})"
    async with client(platform, "intake") as intake:
        drafted = await intake.post(
            "/standard-answers",
            json={
                "site_id": "qjc",
                "kind": "consultation",
                "topic": "property_service",
                "question": f"地下停车位的月租费用是多少? ({marker})",
                "answer": answer_text,
            },
            headers=changing(Role.AGENT),
        )
        assert drafted.status_code == 201, drafted.text
        answer_id = drafted.json()["answer_id"]
        approved = await intake.post(
            f"/standard-answers/{answer_id}/approval",
            json={"revision": 1},
            headers=changing(Role.DIRECTOR),
        )
        assert approved.status_code == 200, approved.text
        registered = await intake.post(
            "/service-requests",
            json={
                "site_id": "qjc",
                "kind": "consultation",
                "category": "property_service",
                "description": "业主问车位月租多少",
                "resident": {"name": "陈静", "phone": phone, "building": "5", "room": "801"},
            },
            headers=changing(Role.AGENT),
        )
        assert registered.status_code == 201, registered.text
        request = registered.json()
        request_no = request["request_no"]
        path = f"/service-requests/{request['request_id']}"
        given = await intake.post(
            f"{path}/standard-answer", json={"answer_id": answer_id}, headers=changing()
        )
        assert given.status_code == 200, given.text
        later = await intake.post(
            f"{path}/replies",
            json={"text": f"车位办理进度已转服务中心 ({marker})", "progress": True},
            headers=changing(),
        )
        assert later.status_code == 200, later.text

    await eventually(
        lambda: any("处理进展" in m["text"] for m in sms_about(platform, request_no)),
        what="the SMS with word of progress, sent after the standard answer",
    )
    await asyncio.sleep(1)
    texts = [m["text"] for m in sms_about(platform, request_no)]
    assert len(texts) == 2  # accepted, and word of progress: nothing for the answer
    assert not any(answer_text in text for text in texts)
    assert any("已受理" in text for text in texts)
