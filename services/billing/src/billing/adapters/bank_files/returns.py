"""The bank's answer to a collection file, read safely: an ISO 20022 payment status report
(pain.002) or a debit/credit notification (camt.054).

A bank file comes from outside: it is parsed with ``defusedxml`` (no DTD, so no external entity
and no entity expansion), refused above a size limit, and only in the namespaces of the two
messages. Each answered debit becomes a line (its position in the file, the end-to-end id the
collection file gave it, settled or rejected, the bank's reason code and words, the amount when
the file states one); a line that cannot be read is an error naming its position, and the whole
file is refused when any line is (nothing of it is applied).
"""

from __future__ import annotations

import enum
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

MAX_BYTES = 50 * 2**20
"""The largest answer read: a month's answer for a large site is a few megabytes."""

PAIN_002 = re.compile(r"urn:iso:std:iso:20022:tech:xsd:pain\.002\.001\.\d{2}")
CAMT_054 = re.compile(r"urn:iso:std:iso:20022:tech:xsd:camt\.054\.001\.\d{2}")
SETTLED_STATUSES = frozenset({"ACSC", "ACCC", "ACSP", "ACCP", "ACTC", "ACWC"})
"""pain.002 statuses that mean the debit goes through (settled, or accepted for settlement)."""


class AnswerRefused(ValueError):
    """The file is not a bank answer billing reads; ``errors`` name each problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


class Outcome(enum.StrEnum):
    SETTLED = "settled"
    REJECTED = "rejected"


@dataclass(frozen=True)
class AnswerLine:
    position: int
    """The answered debit's place in the file, from 1: what an error names."""
    end_to_end_id: str
    outcome: Outcome
    amount: Decimal | None = None
    reason_code: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class BankAnswer:
    kind: str
    """pain.002, camt.054, or ``domestic:<spec>`` for a domestic bank's return file."""
    digest: str
    """SHA-256 of the file's bytes: the same file twice is recognised."""
    message_id: str | None
    original_message_id: str | None
    """The collection file it answers, when it says (pain.002 and a domestic header do)."""
    lines: tuple[AnswerLine, ...] = field(default_factory=tuple)
    positions: str = "transaction"
    """What a line's position counts, as errors name it: the n-th ``transaction`` answered, or
    the ``line`` of a domestic return file."""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: Element, path: str, ns: str) -> list[Element]:
    return element.findall("/".join(f"{{{ns}}}{step}" for step in path.split("/")))


def _text(element: Element, path: str, ns: str) -> str | None:
    found = element.find("/".join(f"{{{ns}}}{step}" for step in path.split("/")))
    return found.text.strip() if found is not None and found.text else None


def read_answer(data: bytes) -> BankAnswer:
    """The lines of a pain.002 or camt.054 file; ``AnswerRefused`` naming every problem."""
    if len(data) > MAX_BYTES:
        raise AnswerRefused([f"the file is {len(data):,} bytes: more than {MAX_BYTES:,}"])
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as refused:
        raise AnswerRefused(
            [f"the file declares a DTD or entities ({type(refused).__name__})"]
        ) from None
    except ParseError as broken:
        raise AnswerRefused([f"the file is not well-formed XML: {broken}"]) from None
    namespace = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    digest = hashlib.sha256(data).hexdigest()
    if _local(root.tag) == "Document" and PAIN_002.fullmatch(namespace):
        return _pain002(root, namespace, digest)
    if _local(root.tag) == "Document" and CAMT_054.fullmatch(namespace):
        return _camt054(root, namespace, digest)
    raise AnswerRefused(
        [
            f"the file is {_local(root.tag)} in namespace {namespace or 'none'!r}: not an ISO "
            "20022 pain.002 payment status report nor a camt.054 notification"
        ]
    )


def _amount(value: str | None, where: str, errors: list[str]) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        errors.append(f"{where}: amount {value!r} is not a number")
        return None
    return amount


def _pain002(root: Element, ns: str, digest: str) -> BankAnswer:
    report = root.find(f"{{{ns}}}CstmrPmtStsRpt")
    if report is None:
        raise AnswerRefused(["the pain.002 file has no CstmrPmtStsRpt"])
    errors: list[str] = []
    lines: list[AnswerLine] = []
    group_status = _text(report, "OrgnlGrpInfAndSts/GrpSts", ns)
    transactions = _children(report, "OrgnlPmtInfAndSts/TxInfAndSts", ns)
    for position, tx in enumerate(transactions, start=1):
        where = f"transaction {position}"
        e2e = _text(tx, "OrgnlEndToEndId", ns)
        status = _text(tx, "TxSts", ns)
        if not e2e:
            errors.append(f"{where}: no OrgnlEndToEndId")
            continue
        if status is None:
            errors.append(f"{where} ({e2e}): no TxSts")
            continue
        if status == "RJCT":
            code = _text(tx, "StsRsnInf/Rsn/Cd", ns) or _text(tx, "StsRsnInf/Rsn/Prtry", ns)
            words = _text(tx, "StsRsnInf/AddtlInf", ns)
            if not code:
                errors.append(f"{where} ({e2e}): rejected without a reason code")
                continue
            lines.append(AnswerLine(position, e2e, Outcome.REJECTED, None, code, words))
        elif status in SETTLED_STATUSES:
            amount = _amount(_text(tx, "OrgnlTxRef/Amt/InstdAmt", ns), where, errors)
            lines.append(AnswerLine(position, e2e, Outcome.SETTLED, amount))
        elif status == "PDNG":
            continue  # still pending at the bank: a later report answers it
        else:
            errors.append(f"{where} ({e2e}): status {status!r} is not one billing reads")
    if not transactions and group_status not in (None, "RJCT"):
        errors.append("the report names no transaction: nothing to apply")
    if not transactions and group_status == "RJCT":
        errors.append(
            "the bank rejected the whole file (GrpSts RJCT): correct it and send it again"
        )
    if errors:
        raise AnswerRefused(errors)
    return BankAnswer(
        "pain.002",
        digest,
        _text(report, "GrpHdr/MsgId", ns),
        _text(report, "OrgnlGrpInfAndSts/OrgnlMsgId", ns),
        tuple(lines),
    )


def _camt054(root: Element, ns: str, digest: str) -> BankAnswer:
    notification = root.find(f"{{{ns}}}BkToCstmrDbtCdtNtfctn")
    if notification is None:
        raise AnswerRefused(["the camt.054 file has no BkToCstmrDbtCdtNtfctn"])
    errors: list[str] = []
    lines: list[AnswerLine] = []
    position = 0
    for entry in _children(notification, "Ntfctn/Ntry", ns):
        booked = _text(entry, "Sts/Cd", ns) or _text(entry, "Sts", ns)
        if booked not in (None, "BOOK"):
            continue  # pending or informational entries settle nothing
        for tx in _children(entry, "NtryDtls/TxDtls", ns):
            position += 1
            where = f"transaction {position}"
            e2e = _text(tx, "Refs/EndToEndId", ns)
            if not e2e:
                errors.append(f"{where}: no Refs/EndToEndId")
                continue
            amount = _amount(_text(tx, "Amt", ns) or _text(entry, "Amt", ns), where, errors)
            code = _text(tx, "RtrInf/Rsn/Cd", ns) or _text(tx, "RtrInf/Rsn/Prtry", ns)
            if code is not None or _text(tx, "CdtDbtInd", ns) == "DBIT":
                if not code:
                    errors.append(f"{where} ({e2e}): a return without a reason code")
                    continue
                words = _text(tx, "RtrInf/AddtlInf", ns)
                lines.append(AnswerLine(position, e2e, Outcome.REJECTED, amount, code, words))
            else:
                lines.append(AnswerLine(position, e2e, Outcome.SETTLED, amount))
    if errors:
        raise AnswerRefused(errors)
    if not lines:
        raise AnswerRefused(["the notification holds no booked transaction: nothing to apply"])
    return BankAnswer(
        "camt.054", digest, _text(notification, "GrpHdr/MsgId", ns), None, tuple(lines)
    )
