"""The bank collection loop on the real stack (FEE-02, BIL-05, BIL-09): signed repairs owed by
bank collection, residents' mandates, a batch, its pain.008 file valid against the official XSD,
the bank's pain.002 answer with a rejection, and then: the settled charge paid and on the
request's timeline, the rejected one owed again with the bank's reason, the batch reconciled to
zero difference; the same file twice changes nothing; a hostile file is refused and changes
nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from typing import Any

import pytest
from hotline_infra.stack import Stack
from hotline_libs.auth import Role
from lxml import etree

from tests.bank_answers import Answered, pain002
from tests.support import (
    auth,
    client,
    eventually,
    signed_paid_repair,
    sms_about,
)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]

SITE = "dmg"
FINANCE = auth(Role.FINANCE, [SITE])
XSD = etree.XMLSchema(etree.parse(str(files("sepaxml") / "schemas" / "pain.008.001.08.xsd")))
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.08"}


def posting(headers: dict[str, str] = FINANCE) -> dict[str, str]:
    return {**headers, "Idempotency-Key": str(uuid.uuid4())}


async def test_batch_file_bank_answer_and_reconciliation(platform: Stack) -> None:
    rooms = [f"E{uuid.uuid4().hex[:5]}" for _ in range(3)]
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
        for n, room in enumerate(rooms[:2]):  # the third unit signed no mandate
            mandate = await billing.put(
                f"/mandates/MD-{room}-{n}",
                json={
                    "site_id": SITE,
                    "building": "3",
                    "room": room,
                    "holder": "王芳",
                    "account": "6222 0202 0011 2233 445",
                    "bank": "102791000123",
                    "signed_on": "2025-03-01",
                },
                headers=posting(),
            )
            assert mandate.status_code == 200, mandate.text
        bad_iban = await billing.put(
            "/mandates/MD-BAD-1",
            json={
                "site_id": SITE,
                "building": "3",
                "room": rooms[2],
                "holder": "王芳",
                "account": "DE89370400440532013001",
                "bank": "COBADEFFXXX",
                "signed_on": "2025-03-01",
            },
            headers=posting(),
        )
        assert bad_iban.status_code == 422 and "not a valid IBAN" in bad_iban.text

        day = (datetime.now(UTC) + timedelta(days=9)).date().isoformat()
        gathered = await billing.post(
            "/collection-batches", json={"site_id": SITE, "collection_date": day}, headers=posting()
        )
        assert gathered.status_code == 201, gathered.text
        batch = gathered.json()
        assert batch["status"] == "ready"
        assert charges[2]["charge_no"] in batch["without_mandate"]
        debits = (
            await billing.get(f"/collection-batches/{batch['batch_id']}/debits", headers=FINANCE)
        ).json()
        mine = {d["end_to_end_id"]: d for d in debits}
        assert {c["charge_no"] for c in charges[:2]} <= mine.keys()
        assert charges[2]["charge_no"] not in mine

        downloaded = await billing.get(
            f"/collection-batches/{batch['batch_id']}/pain008", headers=FINANCE
        )
        assert downloaded.status_code == 200
        assert downloaded.headers["content-type"].startswith("application/xml")
        document = etree.fromstring(downloaded.content)
        XSD.assertValid(document)
        assert document.findtext("p:CstmrDrctDbtInitn/p:GrpHdr/p:NbOfTxs", namespaces=NS) == str(
            batch["number_of_debits"]
        )
        assert (
            document.findtext("p:CstmrDrctDbtInitn/p:GrpHdr/p:CtrlSum", namespaces=NS)
            == (batch["control_sum"])
        )

        refused_early = await billing.post(
            f"/collection-batches/{batch['batch_id']}/answers",
            content=pain002(batch["batch_id"], []),
            headers={**posting(), "Content-Type": "application/xml"},
        )
        assert refused_early.status_code in (409, 422)
        sent = await billing.post(
            f"/collection-batches/{batch['batch_id']}/sending", headers=posting()
        )
        assert sent.status_code == 200 and sent.json()["status"] == "sent"

        # the bank settles every debit but the second charge's, refused for insufficient funds
        answer = pain002(
            batch["batch_id"],
            [
                Answered(
                    e2e,
                    debit["amount"],
                    rejected_with="AM04" if e2e == charges[1]["charge_no"] else None,
                    words="余额不足" if e2e == charges[1]["charge_no"] else None,
                )
                for e2e, debit in mine.items()
            ],
        )
        hostile = (
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>'
        )
        refused = await billing.post(
            f"/collection-batches/{batch['batch_id']}/answers",
            content=hostile,
            headers={**posting(), "Content-Type": "application/xml"},
        )
        assert refused.status_code == 422, refused.text
        assert "DTD" in refused.text
        imported = await billing.post(
            f"/collection-batches/{batch['batch_id']}/answers",
            content=answer,
            headers={**posting(), "Content-Type": "application/xml"},
        )
        assert imported.status_code == 200, imported.text
        report = imported.json()
        assert (report["settled"], report["rejected"]) == (len(mine) - 1, 1)
        assert report["batch"]["status"] == "reconciled"
        assert report["batch"]["difference"] == "0.00"
        again = await billing.post(
            f"/collection-batches/{batch['batch_id']}/answers",
            content=answer,
            headers={**posting(), "Content-Type": "application/xml"},
        )
        assert again.json()["already_imported"] is True

        paid = (await billing.get(f"/charges/{charges[0]['charge_id']}", headers=FINANCE)).json()
        assert paid["status"] == "paid" and paid["payment"]["method"] == "bank_collection"
        owed = (await billing.get(f"/charges/{charges[1]['charge_id']}", headers=FINANCE)).json()
        assert owed["status"] == "raised" and owed["collecting_in"] is None  # owed again
        assert [(r["batch_id"], r["code"]) for r in owed["rejections"]] == [
            (batch["batch_id"], "AM04")
        ]
        untouched = (
            await billing.get(f"/charges/{charges[2]['charge_id']}", headers=FINANCE)
        ).json()
        assert untouched["status"] == "raised"
        rejected = (
            await billing.get(
                f"/collection-batches/{batch['batch_id']}/debits",
                params={"status": "rejected"},
                headers=FINANCE,
            )
        ).json()
        assert [(d["end_to_end_id"], d["reason_code"]) for d in rejected] == [
            (charges[1]["charge_no"], "AM04")
        ]

    # the payer of the rejected debit is reminded, once, why and how to pay (FEE-04)
    def reminded() -> list[dict[str, Any]]:
        return [
            m for m in sms_about(platform, charges[1]["charge_no"]) if "托收未成功" in m["text"]
        ]

    [sms] = await eventually(reminded, timeout_s=60, what="the reminder SMS")
    assert "账户余额不足" in sms["text"]
    assert not [
        m for m in sms_about(platform, charges[0]["charge_no"]) if "托收未成功" in m["text"]
    ]
