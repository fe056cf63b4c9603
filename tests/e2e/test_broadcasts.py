"""A broadcast (群发通知) on the real stack (NTF-07 notices, NTF-08 outages): a site manager counts
the readers of a small site, sends it an outage notice, and every household's resident gets it
once on the channel they agreed to — by SMS through the gateway's bulk API, by e-mail for the
one who prefers it, nobody who agreed to neither; its progress and report say so per building.
A notice set for tomorrow is cancelled and sends nothing; a template naming what a broadcast
lacks is refused naming its field."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hotline_infra.sms_sink import read_messages
from hotline_infra.smtp_sink import read_index
from hotline_infra.stack import Stack
from hotline_libs.auth import Role

from tests.e2e.test_management_fees import resident
from tests.e2e.test_sites import new_site
from tests.support import auth, changing, client, eventually

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]


def outage(site: str, mark: str, **changes: Any) -> dict[str, Any]:
    return {
        "kind": "outage",
        "audience": {"site_id": site},
        "sms_text": f"【{mark}】{{{{ building }}}}栋{{{{ room }}}}：明日9:00-12:00停水。",
        "email_subject": f"{mark} {{{{ site }}}}停水通知",
        "email_body": "{{ name }}您好：{{ building }}栋明日9:00-12:00停水。",
        **changes,
    }


async def test_ntf08_an_outage_notice_reaches_every_household_once_on_their_channel(
    platform: Stack,
) -> None:
    site = f"bc{uuid.uuid4().hex[:6]}"
    mark = f"停水{site}"
    manager = auth(Role.SITE_MANAGER, [site])
    phones = [f"1390{random.randint(1000000, 9999999)}" for _ in range(4)]
    mail = f"owner.{site}@example.com"
    async with client(platform, "intake") as intake:
        created = await intake.put(
            f"/sites/{site}",
            json=new_site(f"B{uuid.uuid4().hex[:5].upper()}", time_zone="Asia/Shanghai"),
            headers=changing(Role.ADMIN),
        )
        assert created.status_code == 201, created.text
        people = [await resident(intake, site, f"业主{i}", phones[i]) for i in range(3)]
        people.append(
            await resident(
                intake,
                site,
                "王芳",
                phones[3],
                email=mail,
                preferred_channel="email",
                consents_to_email=True,
            )
        )
        silent = await resident(
            intake, site, "赵敏", f"1370{random.randint(1000000, 9999999)}", consents_to_sms=False
        )
        units = [("1", "101"), ("1", "102"), ("2", "201"), ("2", "202"), ("3", "301")]
        for (building, room), owner in zip(units, [*people, silent], strict=True):
            unit = await intake.put(
                f"/units/{site}/{building}/{room}",
                json={"floor_area_m2": "89.35", "owner_id": owner},
                headers=changing(Role.ADMIN),
            )
            assert unit.status_code == 201, unit.text

    async with client(platform, "notification") as notification:

        async def counted() -> dict[str, Any] | None:
            answer = await notification.get(f"/broadcast-audiences/{site}", headers=manager)
            assert answer.status_code == 200, answer.text
            body: dict[str, Any] = answer.json()
            return body if body["readers"] + body["unreachable"] == 5 else None

        audience = await eventually(counted, what="notification to hold the site's households")
        assert audience["readers"] == 4
        assert audience["by_channel"] == {"sms": 3, "email": 1}
        assert audience["by_building"] == {"1": 2, "2": 2}

        refused = await notification.post(
            "/broadcasts",
            json=outage(site, mark, sms_text="{{ fee }}元"),
            headers={**manager, "Idempotency-Key": str(uuid.uuid4())},
        )
        assert refused.status_code == 422, refused.text
        assert "sms_text" in refused.text

        key = str(uuid.uuid4())
        sent = await notification.post(
            "/broadcasts", json=outage(site, mark), headers={**manager, "Idempotency-Key": key}
        )
        assert sent.status_code == 201, sent.text
        broadcast_id = sent.json()["broadcast_id"]
        again = await notification.post(
            "/broadcasts", json=outage(site, mark), headers={**manager, "Idempotency-Key": key}
        )
        assert again.json()["broadcast_id"] == broadcast_id

        async def done() -> dict[str, Any] | None:
            body: dict[str, Any] = (
                await notification.get(f"/broadcasts/{broadcast_id}", headers=manager)
            ).json()
            return body if body["status"] == "done" else None

        finished = await eventually(done, timeout_s=60, what="the broadcast to be sent")
        assert finished["progress"] == {
            "queued": 0,
            "sent": 4,
            "delivered": 0,
            "failed": 0,
            "suppressed": 0,
            "unreachable": 1,
        }
        report = (
            await notification.get(f"/broadcasts/{broadcast_id}/report", headers=manager)
        ).json()
        assert [(b["building"], b["sent"], b["failed"]) for b in report["buildings"]] == [
            ("1", 2, 0),
            ("2", 2, 0),
        ]
        assert report["failures"] == []

        later = await notification.post(
            "/broadcasts",
            json=outage(
                site, f"取消{site}", send_at=(datetime.now(UTC) + timedelta(days=1)).isoformat()
            ),
            headers={**manager, "Idempotency-Key": str(uuid.uuid4())},
        )
        assert later.status_code == 201, later.text
        assert later.json()["status"] == "scheduled"
        cancelled = await notification.post(
            f"/broadcasts/{later.json()['broadcast_id']}/cancel",
            headers={**manager, "Idempotency-Key": str(uuid.uuid4())},
        )
        assert cancelled.status_code == 200, cancelled.text
        assert cancelled.json()["status"] == "cancelled"

    sms = Counter(m["to"] for m in read_messages(platform.sms_dir) if mark in m["text"])
    assert sms == Counter({f"+86{phone}": 1 for phone in phones[:3]})
    told = [m for m in read_index(platform.mail_dir) if mark in m["subject"]]
    assert [m["to"] for m in told] == [[mail]]
    assert not [m for m in read_messages(platform.sms_dir) if f"取消{site}" in m["text"]]
