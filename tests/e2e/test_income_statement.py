"""The income and spending statement on the real stack (FEE-07: income and spending of fees
published regularly for residents to oversee; FEE-09: the spending by what fees pay for; NTF-06:
publish fee income and spending): a quarter's bill is paid; finance prepares the statement with
the period's spending, submits it once the quarter is over; the site manager sends it back, finance
corrects it, the manager approves it; notification sends it to the site's households from its
copy of intake's directory: the tenant who pays by SMS, the owner by e-mail as she prefers, and
nobody who agreed to neither."""

from __future__ import annotations

import asyncio
import email
import random
import uuid
from datetime import datetime
from decimal import Decimal
from email import policy
from typing import Any

import pytest
from hotline_infra.sms_sink import read_messages
from hotline_infra.smtp_sink import read_index
from hotline_infra.stack import Stack
from hotline_libs.auth import Role

from tests.e2e.test_management_fees import XIAN, late_fee, month_before, resident
from tests.e2e.test_sites import new_site
from tests.support import auth, changing, client, eventually

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]


async def test_fee07_fee09_ntf06_a_quarters_statement_reaches_every_household_once(
    platform: Stack,
) -> None:
    site = f"st{uuid.uuid4().hex[:6]}"
    site_name = f"收支测试{site}"
    finance, manager = auth(Role.FINANCE, [site]), auth(Role.SITE_MANAGER, [site])
    tenant_phone = f"1380{random.randint(1000000, 9999999)}"
    owner_phone = f"1390{random.randint(1000000, 9999999)}"
    silent_phone = f"1370{random.randint(1000000, 9999999)}"
    owner_mail = f"owner.{site}@example.com"
    async with client(platform, "intake") as intake:
        created = await intake.put(
            f"/sites/{site}",
            json=new_site(
                f"S{uuid.uuid4().hex[:5].upper()}", time_zone="Asia/Shanghai", name=site_name
            ),
            headers=changing(Role.ADMIN),
        )
        assert created.status_code == 201, created.text
        owner = await resident(
            intake,
            site,
            "王芳",
            owner_phone,
            email=owner_mail,
            preferred_channel="email",
            consents_to_email=True,
        )
        tenant = await resident(intake, site, "李雷", tenant_phone)
        silent = await resident(intake, site, "赵敏", silent_phone, consents_to_sms=False)
        for building, room, people in (
            ("3", "1202", {"owner_id": owner, "tenant_ids": [tenant], "payer_id": tenant}),
            ("5", "0801", {"owner_id": silent, "payer_id": silent}),
        ):
            unit = await intake.put(
                f"/units/{site}/{building}/{room}",
                json={"floor_area_m2": "89.35", **people},
                headers=changing(Role.ADMIN),
            )
            assert unit.status_code == 201, unit.text

    # the quarter of the month three months back is over, whatever today is
    today = datetime.now(XIAN).date()
    month = month_before(today, 3)
    period = f"{month.year}-Q{(month.month - 1) // 3 + 1}"
    async with client(platform, "billing") as billing:
        contract = await billing.put(
            f"/fee-contracts/HT-{site}",
            json={
                "site_id": site,
                "building": "3",
                "room": "1202",
                "kind": "residential",
                "rate": "3.00",
                "starts_on": month_before(month, 12).isoformat(),
            },
            headers={**finance, "Idempotency-Key": str(uuid.uuid4())},
        )
        assert contract.status_code == 200, contract.text

        async def issued() -> dict[str, Any] | None:
            run = await billing.post(
                "/fee-bills",
                json={"site_id": site, "month": f"{month:%Y-%m}"},
                headers={**finance, "Idempotency-Key": str(uuid.uuid4())},
            )
            assert run.status_code == 200, run.text
            body: dict[str, Any] = run.json()
            return body if body["issued"] + body["already_billed"] == 1 else None

        await eventually(issued, what="the unit billed once the directory reached billing")
        listed = await billing.get(
            "/fee-bills", params={"site_id": site, "month": f"{month:%Y-%m}"}, headers=finance
        )
        [bill] = listed.json()["items"]
        assert bill["amount"] == "268.05"  # 89.35 m² × 3.00
        owed = Decimal("268.05") + late_fee(
            Decimal("268.05"), month.replace(day=10), datetime.now(XIAN).date()
        )
        paid = await billing.post(
            f"/fee-bills/{bill['bill_id']}/payments",
            json={"method": "wechat_pay", "reference": f"WX-{site}", "amount": str(owed)},
            headers={**finance, "Idempotency-Key": str(uuid.uuid4())},
        )
        assert paid.status_code == 200, paid.text

        path = f"/income-statements/{site}/{period}"
        statement: dict[str, Any] = {
            "spending": [
                {"category": "facilities", "item": "公用水电费", "amount": "60.00"},
                {"category": "facilities", "item": "绿化养护", "amount": "80.50"},
                {"category": "staff", "item": "工资及社保", "amount": "100.00"},
            ],
            "other_income": [{"item": "公共区域广告位租金", "amount": "50.00"}],
            "note": "详细账目可到服务中心查阅",
        }
        prepared = await billing.put(
            path, json=statement, headers={**finance, "Idempotency-Key": str(uuid.uuid4())}
        )
        assert prepared.status_code == 200, prepared.text
        draft = prepared.json()
        assert draft["state"] == "draft" and draft["income"]["frozen"] is False
        fees = {f["item"]: f for f in draft["income"]["fees"]}
        assert (fees["management_fee"]["billed"], fees["management_fee"]["collected"]) == (
            "268.05",
            "268.05",
        )
        income = Decimal("268.05") + (owed - Decimal("268.05")) + Decimal("50.00")
        assert Decimal(draft["income"]["income_total"]) == income
        assert draft["spending_total"] == "240.50"
        assert [(c["category"], c["amount"]) for c in draft["spending"]] == [
            ("facilities", "140.50"),
            ("staff", "100.00"),
        ]

        submitted = await billing.post(
            f"{path}/submit", headers={**finance, "Idempotency-Key": str(uuid.uuid4())}
        )
        assert submitted.status_code == 200, submitted.text
        assert submitted.json()["state"] == "submitted"
        refused = await billing.put(
            path, json=statement, headers={**finance, "Idempotency-Key": str(uuid.uuid4())}
        )
        assert refused.status_code == 409, refused.text

        sent_back = await billing.post(
            f"{path}/review",
            json={"approved": False, "note": "绿化养护金额有误"},
            headers={**manager, "Idempotency-Key": str(uuid.uuid4())},
        )
        assert sent_back.status_code == 200, sent_back.text
        assert sent_back.json()["state"] == "returned"
        statement["spending"][1]["amount"] = "40.50"
        corrected = await billing.put(
            path, json=statement, headers={**finance, "Idempotency-Key": str(uuid.uuid4())}
        )
        assert corrected.json()["spending_total"] == "200.50", corrected.text
        again = await billing.post(
            f"{path}/submit", headers={**finance, "Idempotency-Key": str(uuid.uuid4())}
        )
        assert again.status_code == 200, again.text
        approved = await billing.post(
            f"{path}/review",
            json={"approved": True, "note": "已核对"},
            headers={**manager, "Idempotency-Key": str(uuid.uuid4())},
        )
        assert approved.status_code == 200, approved.text
        published = approved.json()
        assert published["state"] == "published" and published["published_at"]
        balance = income - Decimal("200.50")
        assert Decimal(published["income"]["balance"]) == balance

        board = await billing.get(path, params={"format": "csv"}, headers=manager)
        assert board.status_code == 200
        assert "公用设施设备维修养护及公共场所管理 绿化养护,40.50" in board.text
        assert f"income less spending,{balance}" in board.text

    # the tenant who pays, by SMS; the owner, by e-mail as she prefers; 赵敏 agreed to neither
    totals = f"收入 ¥{income:,.2f}，支出 ¥200.50，结余 ¥{balance:,.2f}"

    def statement_sms(phone: str) -> list[dict[str, Any]]:
        return [
            m
            for m in read_messages(platform.sms_dir)
            if m["to"] == f"+86{phone}" and "收支公示" in m["text"]
        ]

    sms = await eventually(
        lambda: statement_sms(tenant_phone), what="the statement's SMS to the tenant who pays"
    )
    assert totals in sms[0]["text"] and site_name in sms[0]["text"]
    mails = await eventually(
        lambda: [m for m in read_index(platform.mail_dir) if owner_mail in m["to"]],
        what="the statement's e-mail to the owner",
    )
    await asyncio.sleep(1)  # a second message to anyone would be here by now
    assert len([m for m in read_index(platform.mail_dir) if owner_mail in m["to"]]) == 1
    assert statement_sms(tenant_phone) == sms
    assert statement_sms(silent_phone) == [] and statement_sms(owner_phone) == []
    assert "物业服务费用收支公示" in mails[0]["subject"]
    message = email.message_from_bytes(
        (platform.mail_dir / mails[0]["file"]).read_bytes(), policy=policy.default
    )
    body = message.get_body().get_content()  # type: ignore[union-attr]
    assert body.startswith("王芳您好：")
    assert "公用设施设备维修养护及公共场所管理：¥100.50" in body
    assert "    绿化养护：¥40.50" in body
    assert "公共区域广告位租金：¥50.00" in body
    assert f"三、结余：¥{balance:,.2f}" in body
