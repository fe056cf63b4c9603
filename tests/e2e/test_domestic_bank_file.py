"""The domestic bank collection loop on the real stack (FEE-02, BIL-05; FEE-04 for the payer
told): a batch of charges owed by bank collection, its batch collection file (批量代收) in the
shipped ``generic_cn`` layout downloaded over HTTP in GBK, the bank's return file (回盘文件)
made from that file's lines with one debit rejected for insufficient funds, imported: the
settled charges are paid and the rejected one owed again with the bank's reason, the batch
reconciled to zero difference; the same file again changes nothing, and a return file with one
bad line is refused naming the line and changes nothing. BIL-10: the manuals name no bank file
format; the layout is a design assumption."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hotline_infra.stack import Stack
from hotline_libs.auth import Role

from tests.bank_answers import Answered, gbk_file, generic_cn_return_lines
from tests.support import auth, client, signed_paid_repair

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]

SITE = "dmg"
FINANCE = auth(Role.FINANCE, [SITE])
HOLDERS = ("张三", "李四")


def posting(content_type: str | None = None) -> dict[str, str]:
    headers = {**FINANCE, "Idempotency-Key": str(uuid.uuid4())}
    return headers | ({"Content-Type": content_type} if content_type else {})


async def test_a_batch_through_the_domestic_file_and_the_banks_return_file(
    platform: Stack,
) -> None:
    rooms = [f"D{uuid.uuid4().hex[:5]}" for _ in HOLDERS]
    charges = [
        (
            await signed_paid_repair(
                platform, site_id=SITE, payment_method="bank_collection", room=room
            )
        )[1]
        for room in rooms
    ]
    async with client(platform, "billing") as billing:
        creditor = await billing.put(
            f"/site-creditors/{SITE}",
            json={
                "name": "西安大明宫物业服务有限公司",
                "account": "61050110123456789012",
                "bank": "105791000012",
                "scheme_id": "CN-DMG-0001",
            },
            headers=posting(),
        )
        assert creditor.status_code == 200, creditor.text
        for room, holder in zip(rooms, HOLDERS, strict=True):
            mandate = await billing.put(
                f"/mandates/MD-{room}",
                json={
                    "site_id": SITE,
                    "building": "3",
                    "room": room,
                    "holder": holder,
                    "account": "6222020200112233445",
                    "bank": "102791000123",
                    "signed_on": "2025-03-01",
                },
                headers=posting(),
            )
            assert mandate.status_code == 200, mandate.text
        day = (datetime.now(UTC) + timedelta(days=13)).date().isoformat()
        gathered = await billing.post(
            "/collection-batches", json={"site_id": SITE, "collection_date": day}, headers=posting()
        )
        assert gathered.status_code == 201, gathered.text
        batch = gathered.json()
        batch_id = batch["batch_id"]

        unknown = await billing.get(
            f"/collection-batches/{batch_id}/domestic-file",
            params={"spec": "icbc"},
            headers=FINANCE,
        )
        assert unknown.status_code == 422 and "generic_cn" in unknown.json()["detail"]
        downloaded = await billing.get(
            f"/collection-batches/{batch_id}/domestic-file",
            params={"spec": "generic_cn"},
            headers=FINANCE,
        )
        assert downloaded.status_code == 200, downloaded.text
        assert downloaded.headers["content-type"] == "text/plain; charset=gbk"
        assert f'filename="{batch_id}-generic_cn.txt"' in downloaded.headers["content-disposition"]
        lines = downloaded.content.decode("gbk").split("\r\n")
        header, *details, trailer, end = lines
        assert end == ""  # every line ends with CR LF
        count, total = batch["number_of_debits"], batch["control_sum"]
        assert header.split("|")[3:] == [batch_id, day.replace("-", ""), str(count), total]
        assert trailer == f"T|{count}|{total}"
        fields = [line.split("|") for line in details]
        assert len(fields) == count
        assert sum((Decimal(f[4]) for f in fields), Decimal(0)) == Decimal(total)
        mine = {f[6]: f for f in fields if f[6] in {c["charge_no"] for c in charges}}
        assert [mine[c["charge_no"]][3] for c in charges] == list(HOLDERS)
        assert "张三".encode("gbk") in downloaded.content

        sent = await billing.post(f"/collection-batches/{batch_id}/sending", headers=posting())
        assert sent.status_code == 200, sent.text

        # the bank collects every debit but the second charge's: 1001, its code for 余额不足
        rejected = charges[1]["charge_no"]
        answers = [
            Answered(f[6], f[4], *(("1001", "余额不足") if f[6] == rejected else ()))
            for f in fields
        ]
        returned = generic_cn_return_lines(batch_id, answers)
        spoiled = [*returned]
        bad = 2 + next(n for n, a in enumerate(answers) if a.end_to_end_id == rejected)
        spoiled[bad - 1] = spoiled[bad - 1].replace("|F|1001|", "|F||")
        refused = await billing.post(
            f"/collection-batches/{batch_id}/answers",
            params={"format": "domestic:generic_cn"},
            content=gbk_file(spoiled),
            headers=posting("text/plain; charset=gbk"),
        )
        assert refused.status_code == 422, refused.text
        assert [e["message"] for e in refused.json()["errors"]] == [
            f"line {bad} ({rejected}): rejected without a reason code"
        ]
        untouched = await debits(billing, batch_id)
        assert {d["status"] for d in untouched} == {"pending"}
        assert (await batch_now(billing, batch_id))["status"] == "sent"

        data = gbk_file(returned)
        imported = await billing.post(
            f"/collection-batches/{batch_id}/answers",
            params={"format": "domestic:generic_cn"},
            content=data,
            headers=posting("text/plain; charset=gbk"),
        )
        assert imported.status_code == 200, imported.text
        report = imported.json()
        assert report["kind"] == "domestic:generic_cn"
        assert (report["settled"], report["rejected"], report["unchanged"]) == (count - 1, 1, 0)
        assert report["batch"]["status"] == "reconciled"
        assert report["batch"]["difference"] == "0.00"

        paid = await charge(billing, charges[0])
        assert paid["status"] == "paid" and paid["payment"]["method"] == "bank_collection"
        owed = await charge(billing, charges[1])
        assert owed["status"] == "raised" and owed["collecting_in"] is None
        assert [(r["batch_id"], r["code"], r["reason"]) for r in owed["rejections"]] == [
            (batch_id, "AM04", "余额不足")
        ]

        # the same file again: recognised, nothing changes
        answered = await debits(billing, batch_id)
        again = await billing.post(
            f"/collection-batches/{batch_id}/answers",
            params={"format": "domestic:generic_cn"},
            content=data,
            headers=posting("text/plain; charset=gbk"),
        )
        assert again.status_code == 200, again.text
        assert again.json()["already_imported"] is True
        assert (again.json()["settled"], again.json()["rejected"]) == (0, 0)
        assert await debits(billing, batch_id) == answered
        assert await charge(billing, charges[1]) == owed


async def debits(billing: Any, batch_id: str) -> list[dict[str, Any]]:
    response = await billing.get(f"/collection-batches/{batch_id}/debits", headers=FINANCE)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


async def batch_now(billing: Any, batch_id: str) -> dict[str, Any]:
    found: dict[str, Any] = (
        await billing.get(f"/collection-batches/{batch_id}", headers=FINANCE)
    ).json()
    return found


async def charge(billing: Any, of: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = (
        await billing.get(f"/charges/{of['charge_id']}", headers=FINANCE)
    ).json()
    return found
