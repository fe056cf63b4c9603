"""The monthly report on the real stack (CMP-19, CMP-22, KB-11, and the per-board figures of
section 13): a site's month counted per board, as JSON and CSV, signed prepared, reviewed and
approved in that order."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hotline_infra.stack import Stack
from hotline_libs.auth import Role
from openpyxl import load_workbook

from tests.support import auth, changing, client, unique_phone

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]


def call(kind: str, category: str, **extra: Any) -> dict[str, Any]:
    return {
        "site_id": "gxi",
        "kind": kind,
        "category": category,
        "description": "月报测试",
        "resident": {"name": "报表", "phone": unique_phone(), "building": "A", "room": "101"},
        **extra,
    }


async def test_a_sites_month_is_counted_per_board_and_signed_in_order(platform: Stack) -> None:
    month = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")
    async with client(platform, "intake") as intake:

        async def report() -> dict[str, Any]:
            answer = await intake.get(
                "/reports/monthly", params={"site_id": "gxi", "month": month}, headers=auth()
            )
            assert answer.status_code == 200, answer.text
            boards: dict[str, Any] = answer.json()["boards"]
            return boards

        before = await report()
        asked = await intake.post(
            "/service-requests",
            json=call("consultation", "convenience"),
            headers=changing(Role.AGENT),
        )
        path = f"/service-requests/{asked.json()['request_id']}"
        await intake.post(
            f"{path}/reply-promises", json={"tier": "30_minutes"}, headers=changing(Role.AGENT)
        )
        await intake.post(f"{path}/replies", json={"text": "已答复"}, headers=changing(Role.AGENT))
        reviewed = await intake.put(
            f"{path}/replies/1/review",
            json={"contradicts_policy": True, "note": "答复与现行收费政策不符"},
            headers=changing(Role.QUALITY_HEAD),
        )
        assert reviewed.status_code == 200, reviewed.text
        assert reviewed.json()["replies"][0]["review"]["by"] == "bench-quality_head"
        declined = await intake.post(
            "/service-requests",
            json=call("repair", "other_paid", triage="declined", triage_note="不在服务范围"),
            headers=changing(Role.AGENT),
        )
        assert declined.status_code == 201 and declined.json()["status"] == "declined"
        after = await report()

        consultation, repair = after["consultation"], after["repair"]
        assert consultation["registered"] == before["consultation"]["registered"] + 1
        assert (
            consultation["promises_kept_on_time"]
            == before["consultation"]["promises_kept_on_time"] + 1
        )
        assert consultation["by_category"]["convenience"] >= 1
        assert (  # KB-05, KB-15: answers found against policy are reported
            consultation["answers_contradicting_policy"]
            == before["consultation"]["answers_contradicting_policy"] + 1
        )
        assert repair["declined"] == before["repair"]["declined"] + 1

        as_csv = await intake.get(
            "/reports/monthly",
            params={"site_id": "gxi", "month": month, "format": "csv"},
            headers=auth(Role.DIRECTOR),
        )
        rows = list(csv.DictReader(io.StringIO(as_csv.text.lstrip("\ufeff"))))
        assert {row["board"] for row in rows} == set(after)
        assert (
            int(next(r for r in rows if r["board"] == "repair")["declined"]) == repair["declined"]
        )
        as_xlsx = await intake.get(
            "/reports/monthly",
            params={"site_id": "gxi", "month": month, "format": "xlsx"},
            headers=auth(Role.DIRECTOR),
        )
        book = load_workbook(io.BytesIO(as_xlsx.content))
        sheet = book.active
        assert sheet is not None
        header, *lines = list(sheet.values)
        by_board = {line[0]: dict(zip(header, line, strict=True)) for line in lines}
        assert by_board["consultation"]["registered"] == consultation["registered"]
        assert len(sheet._charts) == 1  # the boards drawn beside the figures

        sign = f"/reports/monthly/gxi/{month}/sign-offs"
        early = await intake.post(sign, json={"stage": "approved"}, headers=changing(Role.DIRECTOR))
        assert early.status_code in (409, 422)  # approved only once prepared and reviewed
        for stage, role in (("prepared", Role.SUPERVISOR), ("reviewed", Role.QUALITY_HEAD)):
            signed = await intake.post(sign, json={"stage": stage}, headers=changing(role))
            assert signed.status_code in (200, 409), signed.text
        approved = await intake.post(
            sign, json={"stage": "approved"}, headers=changing(Role.DIRECTOR)
        )
        assert approved.status_code in (200, 409), approved.text
        wrong = await intake.post(sign, json={"stage": "prepared"}, headers=changing(Role.DIRECTOR))
        assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "stage"
