"""Bank collection (银行托收, FEE-02, BIL-05): mandates, the site's collecting account, a batch
that claims each charge owed by bank collection once, its pain.008 file with the batch's count
and control sum, and a batch that finishes gathering when asked again after a crash."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal
from importlib.resources import files

import pytest
from billing.domain.charge import Charge, ChargeStatus
from billing.domain.charge import PaymentMethod as Method
from billing.domain.collection import BatchStatus, CollectionBatch
from billing.domain.commands import (
    GatherBatch,
    IssueReceipt,
    MarkBatchSent,
    RecordMandate,
    RecordPayment,
    RecordSiteCreditor,
    RevokeMandate,
)
from billing.domain.mandate import Mandate, MandateStatus
from billing.service_layer.collection import write_batch_file
from contracts.envelope import PaymentMethod
from hotline_libs.errors import Conflict, RuleViolation
from lxml import etree

from tests.builders import NOW
from tests.unit.billing_harness import Billing, FakeBillingUnitOfWork, completion, used

XSD = etree.XMLSchema(etree.parse(str(files("sepaxml") / "schemas" / "pain.008.001.08.xsd")))
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.08"}
COLLECTION_DAY = date(2026, 11, 27)  # NOW is the 23rd


def mandate(n: int, room: str, **overrides: object) -> RecordMandate:
    fields: dict[str, object] = {
        "mandate_id": f"MD-DMG-{n:06d}",
        "site_id": "dmg",
        "building": "3",
        "room": room,
        "holder": "王芳",
        "account": "6222 0202 0011 2233 445",
        "bank": "102791000123",
        "signed_on": date(2025, 3, 1),
        "recorded_by": "财务-刘",
        "visible_sites": None,
    }
    fields.update(overrides)
    return RecordMandate(**fields)  # type: ignore[arg-type]


CREDITOR = RecordSiteCreditor(
    "dmg",
    "西安大明宫物业服务有限公司",
    "61050110123456789012",
    "105791000012",
    "CN-DMG-1",
    "财务-刘",
)


async def collected_charge(billing: Billing, room: str, code: str = "RP-TAP") -> Charge:
    """A signed repair owed by bank collection, for the resident of building 3, ``room``."""
    event = completion(used(code), payment_method=PaymentMethod.BANK_COLLECTION)
    resident = event.payload.resident.model_copy(update={"building": "3", "room": room})
    event = event.model_copy(
        update={"payload": event.payload.model_copy(update={"resident": resident})}
    )
    charge = await billing.completed(event)
    assert charge is not None and charge.status is ChargeStatus.RAISED
    return charge


async def ready(billing: Billing) -> tuple[list[Charge], CollectionBatch]:
    """Three charges owed by bank collection; rooms 1201 and 1202 have mandates, 1203 none."""
    await billing.handle(CREDITOR)
    await billing.handle(mandate(1, "1201"))
    await billing.handle(mandate(2, "1202"))
    charges = [
        await collected_charge(billing, "1201"),
        await collected_charge(billing, "1202", "HK-SOFA"),
        await collected_charge(billing, "1203"),
    ]
    batch = await billing.handle(GatherBatch("dmg", COLLECTION_DAY, "财务-刘"))
    return charges, batch


def test_fee02_a_mandate_needs_a_valid_account_and_bank_and_a_past_signature() -> None:
    record = mandate(1, "1201")
    signed = Mandate.signed(
        mandate_id=record.mandate_id, site_id="dmg", building="3", room="1201", holder="王芳",
        account=record.account, bank=record.bank, signed_on=record.signed_on, by="财务", now=NOW,
    )  # fmt: skip
    assert signed.account == "6222020200112233445"  # spaces as printed on a card, removed
    iban = Mandate.signed(
        mandate_id="MD-1", site_id="dmg", building="3", room="1201", holder="Wang Fang",
        account="de89 3704 0044 0532 0130 00", bank="COBADEFFXXX", signed_on=date(2025, 3, 1),
        by="财务", now=NOW,
    )  # fmt: skip
    assert iban.account == "DE89370400440532013000"
    cases: list[tuple[dict[str, object], str]] = [
        ({"account": "DE89370400440532013001"}, "not a valid IBAN"),
        ({"account": "1234"}, "8 to 30 digits"),
        ({"bank": "ICBC"}, "BIC"),
        ({"signed_on": date(2026, 12, 1)}, "future"),
        ({"mandate_id": "MD 1"}, "mandate_id"),
    ]
    for overrides, message in cases:
        fields: dict[str, object] = {
            "mandate_id": "MD-2", "site_id": "dmg", "building": "3", "room": "1201",
            "holder": "王芳", "account": "6222020200112233445", "bank": "102791000123",
            "signed_on": date(2025, 3, 1), "by": "财务", "now": NOW,
        } | overrides  # fmt: skip
        with pytest.raises(RuleViolation, match=message):
            Mandate.signed(**fields)  # type: ignore[arg-type]


async def test_a_mandate_is_recorded_once_and_revoked_not_edited() -> None:
    billing = Billing()
    first = await billing.handle(mandate(1, "1201"))
    again = await billing.handle(mandate(1, "1201"))
    assert again.mandate_id == first.mandate_id and billing.store.commits == 1
    with pytest.raises(Conflict, match="revoke it and record the new one"):
        await billing.handle(mandate(1, "1201", account="6222020200998877665"))
    revoked = await billing.handle(RevokeMandate("MD-DMG-000001", date(2026, 11, 20), "销户", None))
    assert revoked.status is MandateStatus.REVOKED
    with pytest.raises(Conflict, match="revoked on 2026-11-20"):
        await billing.handle(RevokeMandate("MD-DMG-000001", date(2026, 11, 21), "销户", None))


async def test_fee02_a_batch_claims_each_charge_with_a_mandate_and_names_those_without() -> None:
    billing = Billing()
    charges, batch = await ready(billing)
    assert batch.batch_id == "COL-DMG-20261127"
    assert batch.status is BatchStatus.READY
    assert (batch.number_of_debits, batch.control_sum) == (2, Decimal("230.00"))  # 80 + 150
    assert batch.without_mandate == (charges[2].charge_no,)
    stored = {c.charge_id: c for c in billing.charges()}
    assert stored[charges[0].charge_id].collecting_in == batch.batch_id
    assert stored[charges[2].charge_id].collecting_in is None
    # a charge out at the bank is not paid another way meanwhile, nor put in another batch
    with pytest.raises(Conflict, match="in collection batch COL-DMG-20261127"):
        await billing.handle(
            RecordPayment(
                charges[0].charge_id,
                Method.WECHAT_PAY,
                "42000",
                Decimal("80.00"),
                None,
                "财务",
                None,
            )
        )
    with pytest.raises(Conflict, match="wait for the bank's answer"):
        await billing.handle(IssueReceipt(charges[0].charge_id, None, "财务", None))
    later = await billing.handle(GatherBatch("dmg", COLLECTION_DAY + timedelta(days=1), "财务"))
    assert later.number_of_debits == 0  # nothing left to collect but the one without mandate
    # asking for the same day again returns the batch as it is
    again = await billing.handle(GatherBatch("dmg", COLLECTION_DAY, "财务"))
    assert again.number_of_debits == 2 and len(billing.store.saved("collection_debits")) == 2


async def test_a_batch_cut_short_by_a_crash_finishes_when_asked_again() -> None:
    """The service stopped after claiming the first charge: the batch is still gathering, and
    the same request claims the rest, without a second debit for the first."""
    billing = Billing()
    await billing.handle(CREDITOR)
    await billing.handle(mandate(1, "1201"))
    await billing.handle(mandate(2, "1202"))
    first = await collected_charge(billing, "1201")
    await collected_charge(billing, "1202")
    uow = FakeBillingUnitOfWork(billing.store, billing.clock)
    batch = CollectionBatch.open("dmg", COLLECTION_DAY, "财务", NOW, date(2026, 11, 24))
    uow.batches.add(batch)
    charge = await uow.charges.get(first.charge_id)
    assert charge is not None
    charge.claim(batch.batch_id)
    await uow.commit()  # the claim is stored, the debit is not: the crash

    finished = await billing.handle(GatherBatch("dmg", COLLECTION_DAY, "财务"))
    assert finished.status is BatchStatus.READY
    assert (finished.number_of_debits, finished.control_sum) == (2, Decimal("160.00"))
    assert len(billing.store.saved("collection_debits")) == 2


async def test_a_batch_needs_the_sites_account_and_a_day_ahead() -> None:
    billing = Billing()
    with pytest.raises(RuleViolation, match="no collecting account"):
        await billing.handle(GatherBatch("dmg", COLLECTION_DAY, "财务"))
    await billing.handle(CREDITOR)
    with pytest.raises(RuleViolation, match="on or after 2026-11-24"):
        await billing.handle(GatherBatch("dmg", date(2026, 11, 23), "财务"))
    with pytest.raises(RuleViolation, match="8 to 30 digits"):
        await billing.handle(
            RecordSiteCreditor("dmg", "公司", "1234", "105791000012", None, "财务")
        )


async def test_the_batch_file_is_a_valid_pain008_with_the_batchs_count_and_sum() -> None:
    billing = Billing()
    charges, batch = await ready(billing)
    out = io.BytesIO()
    await write_batch_file(FakeBillingUnitOfWork(billing.store, billing.clock), batch, out)
    document = etree.fromstring(out.getvalue())
    XSD.assertValid(document)
    assert document.findtext("p:CstmrDrctDbtInitn/p:GrpHdr/p:MsgId", namespaces=NS) == (
        "COL-DMG-20261127"
    )
    assert document.findtext("p:CstmrDrctDbtInitn/p:GrpHdr/p:CtrlSum", namespaces=NS) == "230.00"
    ids = document.findall(".//p:DrctDbtTxInf/p:PmtId/p:EndToEndId", NS)
    assert sorted(e.text for e in ids) == sorted(c.charge_no for c in charges[:2])
    remittance = document.findtext(".//p:DrctDbtTxInf/p:RmtInf/p:Ustrd", namespaces=NS)
    assert remittance is not None and remittance.startswith("3-120")

    sent = await billing.handle(MarkBatchSent(batch.batch_id, None))
    assert sent.status is BatchStatus.SENT
    empty = await billing.handle(GatherBatch("dmg", COLLECTION_DAY + timedelta(days=1), "财务"))
    with pytest.raises(Conflict, match="nothing to send"):
        await billing.handle(MarkBatchSent(empty.batch_id, None))
    with pytest.raises(Conflict, match="no file to send"):
        await write_batch_file(FakeBillingUnitOfWork(billing.store, billing.clock), empty, out)
