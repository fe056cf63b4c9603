"""The bank collection file (ISO 20022 pain.008.001.08): valid against the official XSD (the one
the ``sepaxml`` wheel ships), counts and control sums that match the batch, every value escaped,
and nothing left behind when the batch cannot be written whole. Speed and memory on a million
debits are measured by ``make bench`` (row 4), not here."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal
from importlib.resources import files
from pathlib import Path

import pytest
from billing.adapters.bank_files.collection_file import (
    Account,
    BankFileError,
    CollectionFile,
    Creditor,
    Debit,
)
from billing.adapters.bank_files.pain008 import NAMESPACE, stream_pain008, write_pain008
from lxml import etree

XSD = etree.XMLSchema(etree.parse(str(files("sepaxml") / "schemas" / "pain.008.001.08.xsd")))
NS = {"p": NAMESPACE}
CREDITOR = Creditor(
    name="西安大明宫物业服务有限公司",
    account=Account("61050110123456789012", "105791000012"),  # a CNAPS code: no BIC
    scheme_id="CN-DMG-0001",
)


def debit(n: int, amount: str, **overrides: object) -> Debit:
    fields: dict[str, object] = {
        "end_to_end_id": f"CH-DMG-20261123-{n:04d}",
        "amount": Decimal(amount),
        "mandate_id": f"MD-DMG-{n:06d}",
        "mandate_signed_on": date(2025, 3, 1),
        "debtor_name": "王芳",
        "debtor_account": Account("6222020200112233445", "102791000123"),
        "remittance": f"3-1202 物业服务费 2026-11 SV-DMG-20261123-{n:04d}",
    }
    fields.update(overrides)
    return Debit(**fields)  # type: ignore[arg-type]


def header(debits: list[Debit], **overrides: object) -> CollectionFile:
    fields: dict[str, object] = {
        "message_id": "COL-DMG-202612-01",
        "created_at": datetime(2026, 12, 1, 1, 0, tzinfo=UTC),
        "collection_date": date(2026, 12, 4),
        "creditor": CREDITOR,
        "number_of_debits": len(debits),
        "control_sum": sum((d.amount for d in debits), Decimal(0)),
    }
    fields.update(overrides)
    return CollectionFile(**fields)  # type: ignore[arg-type]


def written(file: CollectionFile, debits: list[Debit]) -> etree._Element:
    out = io.BytesIO()
    stream_pain008(out, file, iter(debits))
    return etree.fromstring(out.getvalue())


def test_a_batch_is_a_valid_pain008_whose_counts_and_sums_match_by_hand() -> None:
    """80.00 + 154.50 + 0.05 = 234.55, in the group header and the payment information alike;
    a domestic account with a CNAPS code, an IBAN with a BIC, and a name that must be escaped."""
    debits = [
        debit(1, "80.00"),
        debit(
            2,
            "154.50",
            debtor_name="Smith & <Sons> Ltd",
            debtor_account=Account("DE89370400440532013000", "COBADEFFXXX"),
        ),
        debit(3, "0.05"),
    ]
    document = written(header(debits), debits)
    XSD.assertValid(document)
    assert document.findtext("p:CstmrDrctDbtInitn/p:GrpHdr/p:NbOfTxs", namespaces=NS) == "3"
    assert document.findtext("p:CstmrDrctDbtInitn/p:GrpHdr/p:CtrlSum", namespaces=NS) == "234.55"
    payment = document.find("p:CstmrDrctDbtInitn/p:PmtInf", NS)
    assert payment is not None
    assert payment.findtext("p:NbOfTxs", namespaces=NS) == "3"
    assert payment.findtext("p:CtrlSum", namespaces=NS) == "234.55"
    assert payment.findtext("p:ReqdColltnDt", namespaces=NS) == "2026-12-04"
    assert payment.findtext("p:CdtrAgt/p:FinInstnId/p:ClrSysMmbId/p:MmbId", namespaces=NS) == (
        "105791000012"
    )
    transactions = payment.findall("p:DrctDbtTxInf", NS)
    amounts = [t.find("p:InstdAmt", NS) for t in transactions]
    assert [(a.text, a.get("Ccy")) for a in amounts if a is not None] == [
        ("80.00", "CNY"),
        ("154.50", "CNY"),
        ("0.05", "CNY"),
    ]
    second = transactions[1]
    assert second.findtext("p:Dbtr/p:Nm", namespaces=NS) == "Smith & <Sons> Ltd"
    assert second.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == "DE89370400440532013000"
    assert second.findtext("p:DbtrAgt/p:FinInstnId/p:BICFI", namespaces=NS) == "COBADEFFXXX"
    first = transactions[0]
    assert first.findtext("p:DbtrAcct/p:Id/p:Othr/p:Id", namespaces=NS) == "6222020200112233445"
    assert first.findtext("p:DrctDbtTx/p:MndtRltdInf/p:MndtId", namespaces=NS) == "MD-DMG-000001"
    assert first.findtext("p:PmtId/p:EndToEndId", namespaces=NS) == "CH-DMG-20261123-0001"


def test_debits_that_do_not_add_up_to_the_header_leave_no_file(tmp_path: Path) -> None:
    debits = [debit(1, "80.00"), debit(2, "20.00")]
    target = tmp_path / "COL-DMG-202612-01.xml"
    with pytest.raises(
        BankFileError, match=r"\(2, 100.00\) differ from the batch's header \(2, 90.00\)"
    ):
        write_pain008(target, header(debits, control_sum=Decimal("90.00")), iter(debits))
    assert list(tmp_path.iterdir()) == []
    write_pain008(target, header(debits), iter(debits))
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
    XSD.assertValid(etree.parse(str(target)))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"debtor_name": "王" * 141},
            r"debit 1 \(CH-DMG-20261123-0001\) debtor name must be 1 to 140",
        ),
        ({"debtor_name": "王\x07芳"}, "control character"),
        ({"mandate_id": ""}, "mandate id must be 1 to 35"),
        ({"amount": "0.00"}, r"debit 1 \(CH-DMG-20261123-0001\): the amount must be above zero"),
        ({"amount": "1.005"}, r"debit 1 \(CH-DMG-20261123-0001\): .* in fen"),
        ({"debtor_account": Account("6" * 35, "102791000123")}, "1 to 34 characters"),
    ],
)
def test_a_debit_the_schema_would_refuse_is_named(
    overrides: dict[str, object], message: str, tmp_path: Path
) -> None:
    amount = str(overrides.pop("amount", "80.00"))
    debits = [debit(1, amount, **overrides)]
    with pytest.raises(BankFileError, match=message):
        write_pain008(
            tmp_path / "batch.xml", header(debits, control_sum=Decimal("80.00")), iter(debits)
        )
    assert list(tmp_path.iterdir()) == []


def test_many_debits_stream_through_in_chunks_and_stay_valid() -> None:
    """More debits than one chunk: the chunks join into one valid document."""
    debits = [debit(n, "12.34") for n in range(1, 4_502)]
    document = written(header(debits), debits)
    XSD.assertValid(document)
    assert len(document.findall("p:CstmrDrctDbtInitn/p:PmtInf/p:DrctDbtTxInf", NS)) == 4_501
    assert document.findtext("p:CstmrDrctDbtInitn/p:GrpHdr/p:CtrlSum", namespaces=NS) == (
        f"{Decimal('12.34') * 4_501:.2f}"
    )
