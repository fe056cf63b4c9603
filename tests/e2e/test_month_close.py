"""The month's close on the real stack (BIL-06 to BIL-08): a paid service signed for today is
among the day's records under its payment method; finance hands them to the service centre;
the month's financial report lists it, as JSON, CSV and an XLSX whose chart draws the
collection; the company's collection per site has its chart too."""

from __future__ import annotations

import io
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hotline_infra.stack import Stack
from hotline_libs.auth import Role
from openpyxl import load_workbook

from tests.support import auth, client, signed_paid_repair

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]

SITE = "gxi"


async def test_day_records_handover_and_the_months_report_with_its_chart(
    platform: Stack,
) -> None:
    _, charge = await signed_paid_repair(platform, site_id=SITE, payment_method="cash")
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    month = f"{today:%Y-%m}"
    finance = auth(Role.FINANCE, [SITE])
    async with client(platform, "billing") as billing:
        day = (await billing.get(f"/service-records/{SITE}/{today}", headers=finance)).json()
        assert charge["charge_no"] in {r["charge_no"] for r in day["by_method"]["cash"]}
        handed = await billing.post(
            f"/service-records/{SITE}/{today}/handover",
            json={"receiver": "service_centre", "received_by": "客服-陈"},
            headers={**finance, "Idempotency-Key": str(uuid.uuid4())},
        )
        assert handed.status_code == 200, handed.text
        assert handed.json()["late"] is False and handed.json()["records"]["cash"] >= 1
        again = await billing.post(
            f"/service-records/{SITE}/{today}/handover",
            json={"receiver": "administrator", "received_by": "综合-王"},
            headers={**finance, "Idempotency-Key": str(uuid.uuid4())},
        )
        assert again.status_code == 409 and "客服-陈" in again.text

        close = (await billing.get(f"/month-closes/{SITE}/{month}", headers=finance)).json()
        assert today.isoformat() in {h["day"] for h in close["handovers"]}
        assert close["records_summary"] is None and close["records_summary_overdue"] is False

        report = (await billing.get(f"/financial-reports/{SITE}/{month}", headers=finance)).json()
        assert report["issued"] is False
        tap = next(
            line for line in report["figures"]["lines"] if line["category"].startswith("RP-TAP")
        )
        assert float(tap["charged"]) >= float(charge["total"])
        csv = await billing.get(
            f"/financial-reports/{SITE}/{month}", params={"format": "csv"}, headers=finance
        )
        assert csv.text.lstrip("\ufeff").startswith(
            "category,charged,cash,bank_collection,by_reference,outstanding"
        )
        xlsx = await billing.get(
            f"/financial-reports/{SITE}/{month}", params={"format": "xlsx"}, headers=finance
        )
        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        assert sheet is not None
        assert any(str(row[0]).startswith("RP-TAP") for row in sheet.iter_rows(values_only=True))
        assert len(sheet._charts) == 1

        last_day = (today.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        issued = await billing.post(
            f"/financial-reports/{SITE}/{month}/issue",
            headers={**finance, "Idempotency-Key": str(uuid.uuid4())},
        )
        # issued on the month's last day or after; earlier, finance is told to wait
        assert issued.status_code == (200 if today == last_day else 409), issued.text

        company = await billing.get(
            f"/collection-by-site/{month}",
            params={"format": "xlsx"},
            headers=auth(Role.DIRECTOR),
        )
        book = load_workbook(io.BytesIO(company.content)).active
        assert book is not None
        sites = [row[0] for row in book.iter_rows(min_row=2, values_only=True) if row[0]]
        assert SITE in sites and len(book._charts) == 1
