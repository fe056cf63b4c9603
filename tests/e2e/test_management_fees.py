"""Management fees on the real stack (FEE-01 to FEE-06, FEE-10, FEE-14): intake's directory
(the unit's floor area, its owner and the tenant who pays) reaches billing over Kafka; finance
records the contract and bills a past month with its water; the overdue bill's first reminder
goes to the tenant by SMS and counts once notification reports it sent; the tenant pays at the
desk with the late fee on a numbered receipt. A second unit's bill goes out in a collection
batch with its late fee on the collection day, the bank refuses it, and it is owed again and
reminded. The month's collection rate shows one of two bills paid."""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hotline_infra.sms_sink import read_messages
from hotline_infra.stack import Stack
from hotline_libs.auth import Role

from tests.bank_answers import Answered, pain002
from tests.e2e.test_sites import new_site
from tests.support import auth, changing, client, eventually

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]

XIAN = ZoneInfo("Asia/Shanghai")


def month_before(today: date, months: int) -> date:
    first = today.replace(day=1)
    for _ in range(months):
        first = (first - timedelta(days=1)).replace(day=1)
    return first


def late_fee(amount: Decimal, due_on: date, on: date) -> Decimal:
    """By hand: 0.05% of the amount per day after the due day, half up to the fen."""
    days = max(0, (on - due_on).days)
    return (amount * Decimal("0.0005") * days).quantize(Decimal("0.01"), ROUND_HALF_UP)


async def resident(intake: Any, site: str, name: str, phone: str, **details: Any) -> str:
    """A resident recorded at ``site``; ``details``: e-mail, preferred channel, consents."""
    recorded = await intake.post(
        "/residents",
        json={"site_id": site, "name": name, "phones": [phone], **details},
        headers=changing(Role.AGENT),
    )
    assert recorded.status_code in (200, 201), recorded.text
    return str(recorded.json()["resident_id"])


async def test_fee_bill_reminder_desk_payment_bank_refusal_and_collection_rate(
    platform: Stack,
) -> None:
    site = f"mf{uuid.uuid4().hex[:6]}"
    finance = auth(Role.FINANCE, [site])
    owner_phone = f"1390{random.randint(1000000, 9999999)}"
    tenant_phone = f"1380{random.randint(1000000, 9999999)}"
    async with client(platform, "intake") as intake:
        created = await intake.put(
            f"/sites/{site}",
            json=new_site(f"M{uuid.uuid4().hex[:5].upper()}", time_zone="Asia/Shanghai"),
            headers=changing(Role.ADMIN),
        )
        assert created.status_code == 201, created.text
        owner = await resident(intake, site, "王芳", owner_phone)
        tenant = await resident(intake, site, "李雷", tenant_phone)
        for room, payer in (("1202", tenant), ("1203", owner)):
            unit = await intake.put(
                f"/units/{site}/3/{room}",
                json={
                    "floor_area_m2": "89.35",
                    "owner_id": owner,
                    "tenant_ids": [tenant] if payer == tenant else [],
                    "payer_id": payer,
                },
                headers=changing(Role.ADMIN),
            )
            assert unit.status_code == 201, unit.text

    today = datetime.now(XIAN).date()
    month = month_before(today, 2)
    async with client(platform, "billing") as billing:
        for room in ("1202", "1203"):
            contract = await billing.put(
                f"/fee-contracts/HT-{site}-{room}",
                json={
                    "site_id": site,
                    "building": "3",
                    "room": room,
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
                json={
                    "site_id": site,
                    "month": f"{month:%Y-%m}",
                    "meters": [{"building": "3", "room": "1202", "water": "42.00"}],
                },
                headers={**finance, "Idempotency-Key": str(uuid.uuid4())},
            )
            assert run.status_code == 200, run.text
            body: dict[str, Any] = run.json()
            return body if body["issued"] + body["already_billed"] == 2 else None

        await eventually(issued, what="both units billed once the directory reached billing")
        listed = await billing.get(
            "/fee-bills", params={"site_id": site, "month": f"{month:%Y-%m}"}, headers=finance
        )
        bills = {b["room"]: b for b in listed.json()["items"]}
        tenants = bills["1202"]
        # 89.35 m² × 3.00 = 268.05, and the water
        assert (tenants["amount"], [line["amount"] for line in tenants["lines"]]) == (
            "310.05",
            ["268.05", "42.00"],
        )
        assert tenants["payer"]["name"] == "李雷" and tenants["owner"]["name"] == "王芳"
        due_on = date.fromisoformat(tenants["due_on"])
        assert due_on == month.replace(day=10)
        assert tenants["status"] == "overdue"
        assert Decimal(tenants["late_fee_today"]) == late_fee(Decimal("310.05"), due_on, today)

        # the reminder went to the tenant, and counts once notification said it was sent
        bill_no = tenants["bill_no"]
        sms = await eventually(
            lambda: [m for m in read_messages(platform.sms_dir) if bill_no in m["text"]],
            what="the fee reminder's SMS",
        )
        assert sms[0]["to"] == f"+86{tenant_phone}" and "第1次催缴" in sms[0]["text"]

        async def counted() -> dict[str, Any] | None:
            bill: dict[str, Any] = (
                await billing.get(f"/fee-bills/{tenants['bill_id']}", headers=finance)
            ).json()
            return bill if bill["reminders_sent"] == 1 else None

        reminded = await eventually(counted, what="the reminder counted as sent")
        assert reminded["reminders"][0]["sent_at"] is not None
        assert not any(r["to_owner"] for r in reminded["reminders"])

        # the tenant pays at the desk: the bill and its late fee, on a numbered receipt
        owed = reminded["owed_today"]
        short = await billing.post(
            f"/fee-bills/{tenants['bill_id']}/payments",
            json={"method": "cash", "amount": "310.05"},
            headers={**finance, "Idempotency-Key": str(uuid.uuid4())},
        )
        assert short.status_code == 422 and "late fee" in short.text
        paid = await billing.post(
            f"/fee-bills/{tenants['bill_id']}/payments",
            json={"method": "cash", "amount": owed},
            headers={**finance, "Idempotency-Key": str(uuid.uuid4())},
        )
        assert paid.status_code == 200, paid.text
        receipt_no = paid.json()["payment_reference"]
        assert paid.json()["status"] == "paid"
        assert Decimal(paid.json()["late_fee_paid"]) == Decimal(owed) - Decimal("310.05")
        receipts = await billing.get("/receipts", params={"site_id": site}, headers=finance)
        [receipt] = [r for r in receipts.json()["items"] if r["receipt_no"] == receipt_no]
        assert (receipt["status"], receipt["amount"]) == ("booked", owed)

        # the owner's own unit is collected by the bank, which refuses the debit
        creditor = await billing.put(
            f"/site-creditors/{site}",
            json={"name": "物业公司", "account": "61050110123456789012", "bank": "105791000012"},
            headers={**finance, "Idempotency-Key": str(uuid.uuid4())},
        )
        assert creditor.status_code == 200, creditor.text
        mandate = await billing.put(
            f"/mandates/MD-{site}-1203",
            json={
                "site_id": site,
                "building": "3",
                "room": "1203",
                "holder": "王芳",
                "account": "6222020200112233445",
                "bank": "102791000123",
                "signed_on": "2025-03-01",
            },
            headers={**finance, "Idempotency-Key": str(uuid.uuid4())},
        )
        assert mandate.status_code == 200, mandate.text
        collection_day = today + timedelta(days=3)
        batch = await billing.post(
            "/collection-batches",
            json={"site_id": site, "collection_date": collection_day.isoformat()},
            headers={**finance, "Idempotency-Key": str(uuid.uuid4())},
        )
        assert batch.status_code == 201, batch.text
        owners = bills["1203"]
        debited = Decimal("268.05") + late_fee(Decimal("268.05"), due_on, collection_day)
        assert (batch.json()["number_of_debits"], Decimal(batch.json()["control_sum"])) == (
            1,
            debited,
        )
        batch_id = batch.json()["batch_id"]
        file = await billing.get(f"/collection-batches/{batch_id}/pain008", headers=finance)
        assert owners["bill_no"] in file.text and f">{debited:.2f}<" in file.text
        sent = await billing.post(
            f"/collection-batches/{batch_id}/sending",
            headers={**finance, "Idempotency-Key": str(uuid.uuid4())},
        )
        assert sent.status_code == 200, sent.text
        answer = pain002(
            batch_id, [Answered(owners["bill_no"], f"{debited:.2f}", "AM04", "余额不足")]
        )
        imported = await billing.post(
            f"/collection-batches/{batch_id}/answers",
            content=answer,
            headers={
                **finance,
                "Idempotency-Key": str(uuid.uuid4()),
                "Content-Type": "application/xml",
            },
        )
        assert imported.status_code == 200, imported.text
        refused = (await billing.get(f"/fee-bills/{owners['bill_id']}", headers=finance)).json()
        assert (refused["status"], refused["collecting_in"], refused["rejections"]) == (
            "overdue",
            None,
            1,
        )

        async def reminded_again() -> list[dict[str, Any]]:
            return [
                m
                for m in read_messages(platform.sms_dir)
                if owners["bill_no"] in m["text"] and m["to"] == f"+86{owner_phone}"
            ]

        await eventually(reminded_again, what="the owner reminded of the refused bill")

        # one of the month's two bills is paid: 268.05 + 42.00 of 310.05 + 268.05
        rate = (await billing.get(f"/fee-collection/{site}/{month:%Y-%m}", headers=finance)).json()
        assert (rate["bills"], rate["paid"], rate["due"], rate["collected"]) == (
            2,
            1,
            "578.10",
            "310.05",
        )
        assert rate["collection_rate"] == "0.5363" and rate["meets_target"] is False
