"""The cash route on the real stack (BIL-09, BIL-11 to BIL-13, BIL-15, BIL-16): a signed paid
repair becomes a charge; finance issues the next numbered receipt to the technician who did the
work; the cash handed in is booked and the charge is paid; the request's timeline says so; the
site's day of money in and its households served list it. A second charge is paid by WeChat Pay
with its transaction number."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hotline_infra.stack import Stack
from hotline_libs.auth import Role

from tests.support import (
    auth,
    client,
    eventually,
    signed_paid_repair,
)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]

SITE = "dmg"
FINANCE = auth(Role.FINANCE, [SITE])


def posting(headers: dict[str, str]) -> dict[str, str]:
    return {**headers, "Idempotency-Key": str(uuid.uuid4())}


async def test_cash_is_collected_on_a_numbered_receipt_booked_and_told(platform: Stack) -> None:
    request, charge = await signed_paid_repair(platform, site_id=SITE)
    async with client(platform, "billing") as billing:
        issued = await billing.post(
            f"/charges/{charge['charge_id']}/receipts", json={}, headers=posting(FINANCE)
        )
        assert issued.status_code == 201, issued.text
        receipt = issued.json()
        assert receipt["receipt_no"] == f"DMG-{receipt['number']:06d}"
        assert receipt["amount"] == charge["total"] and receipt["status"] == "issued"
        assert receipt["service_record_no"] == charge["service_record_no"]
        assert receipt["issued_to"] == charge["technician_id"]
        # asked again, the same receipt: no number is drawn twice for one charge
        again = await billing.post(
            f"/charges/{charge['charge_id']}/receipts", json={}, headers=posting(FINANCE)
        )
        assert again.json()["number"] == receipt["number"]

        short = await billing.post(
            f"/receipts/{SITE}/{receipt['number']}/booking",
            json={"amount": "1.00"},
            headers=posting(FINANCE),
        )
        assert short.status_code == 422 and "was handed in" in short.json()["detail"]
        booked = await billing.post(
            f"/receipts/{SITE}/{receipt['number']}/booking",
            json={"amount": charge["total"]},
            headers=posting(FINANCE),
        )
        assert booked.status_code == 200, booked.text
        assert booked.json()["status"] == "booked"
        paid = (await billing.get(f"/charges/{charge['charge_id']}", headers=FINANCE)).json()
        assert paid["status"] == "paid"
        assert paid["payment"]["method"] == "cash"
        assert paid["payment"]["reference"] == receipt["receipt_no"]
        void = await billing.post(
            f"/receipts/{SITE}/{receipt['number']}/void",
            json={"reason": "写错"},
            headers=posting(FINANCE),
        )
        assert void.status_code == 409  # booked cash stays booked

        day = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
        cash_day = (await billing.get(f"/cash-days/{SITE}/{day}", headers=FINANCE)).json()
        assert receipt["number"] in [r["number"] for r in cash_day["booked"]]
        assert cash_day["missing_numbers"] == []
        served = (
            await billing.get(f"/households-served/{SITE}/{day}", headers=auth(Role.AGENT, [SITE]))
        ).json()
        assert charge["charge_no"] in [h["charge_no"] for h in served["households"]]

    async def paid_on_timeline() -> dict[str, Any] | None:
        async with client(platform, "intake") as intake:
            entries = (
                await intake.get(
                    f"/service-requests/{request['request_id']}/timeline", headers=auth()
                )
            ).json()["entries"]
        return next((e for e in entries if e["what"] == "ChargePaid"), None)

    entry = await eventually(paid_on_timeline, timeout_s=60, what="the payment on the timeline")
    assert entry["service"] == "billing"
    assert entry["details"]["reference"] == receipt["receipt_no"]
    assert entry["details"]["method"] == "cash"


async def test_a_wechat_payment_is_recorded_by_its_transaction_number(platform: Stack) -> None:
    _, charge = await signed_paid_repair(platform, site_id=SITE)
    async with client(platform, "billing") as billing:
        cash = await billing.post(
            f"/charges/{charge['charge_id']}/payments",
            json={"method": "cash", "reference": "x", "amount": charge["total"]},
            headers=posting(FINANCE),
        )
        assert cash.status_code == 422  # cash goes on a numbered receipt
        paid = await billing.post(
            f"/charges/{charge['charge_id']}/payments",
            json={"method": "wechat_pay", "reference": "4200001234", "amount": charge["total"]},
            headers=posting(FINANCE),
        )
        assert paid.status_code == 200, paid.text
        assert paid.json()["payment"]["reference"] == "4200001234"
        refused = await billing.post(
            f"/charges/{charge['charge_id']}/receipts", json={}, headers=posting(FINANCE)
        )
        assert refused.status_code == 409 and "already paid" in refused.json()["detail"]
