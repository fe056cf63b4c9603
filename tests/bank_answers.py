"""Test-data builders: the bank's answers to a collection file, as a bank would send them
(ISO 20022 pain.002.001.10 payment status report, camt.054.001.08 notification, and a
domestic bank's return file in the ``generic_cn`` layout)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Answered:
    end_to_end_id: str
    amount: str
    rejected_with: str | None = None
    """The bank's reason code when it refused the debit (AM04 insufficient funds, AC04 closed;
    a domestic bank's own code in its return file: 1001 insufficient funds in ``generic_cn``)."""
    words: str | None = None


def pain002(batch_id: str, answers: Sequence[Answered], message_id: str = "BANK-STS-1") -> bytes:
    transactions = "".join(
        "<TxInfAndSts>"
        f"<OrgnlEndToEndId>{a.end_to_end_id}</OrgnlEndToEndId>"
        + (
            f"<TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>{a.rejected_with}</Cd></Rsn>"
            + (f"<AddtlInf>{a.words}</AddtlInf>" if a.words else "")
            + "</StsRsnInf>"
            if a.rejected_with
            else "<TxSts>ACSC</TxSts>"
        )
        + f'<OrgnlTxRef><Amt><InstdAmt Ccy="CNY">{a.amount}</InstdAmt></Amt></OrgnlTxRef>'
        "</TxInfAndSts>"
        for a in answers
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt>'
        f"<GrpHdr><MsgId>{message_id}</MsgId><CreDtTm>2026-11-28T09:00:00+08:00</CreDtTm></GrpHdr>"
        f"<OrgnlGrpInfAndSts><OrgnlMsgId>{batch_id}</OrgnlMsgId>"
        "<OrgnlMsgNmId>pain.008.001.08</OrgnlMsgNmId><GrpSts>PART</GrpSts></OrgnlGrpInfAndSts>"
        f"<OrgnlPmtInfAndSts><OrgnlPmtInfId>{batch_id}</OrgnlPmtInfId>{transactions}"
        "</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>"
    ).encode()


def camt054(answers: Sequence[Answered], message_id: str = "BANK-NTF-1") -> bytes:
    details = "".join(
        "<TxDtls>"
        f"<Refs><EndToEndId>{a.end_to_end_id}</EndToEndId></Refs>"
        f'<Amt Ccy="CNY">{a.amount}</Amt>'
        + (
            "<CdtDbtInd>DBIT</CdtDbtInd>"
            f"<RtrInf><Rsn><Cd>{a.rejected_with}</Cd></Rsn>"
            + (f"<AddtlInf>{a.words}</AddtlInf>" if a.words else "")
            + "</RtrInf>"
            if a.rejected_with
            else "<CdtDbtInd>CRDT</CdtDbtInd>"
        )
        + "</TxDtls>"
        for a in answers
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"><BkToCstmrDbtCdtNtfctn>'
        f"<GrpHdr><MsgId>{message_id}</MsgId><CreDtTm>2026-11-28T09:00:00+08:00</CreDtTm></GrpHdr>"
        "<Ntfctn><Id>N1</Id><Acct><Id><Othr><Id>61050110123456789012</Id></Othr></Id></Acct>"
        '<Ntry><Amt Ccy="CNY">0.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>'
        "<BookgDt><Dt>2026-11-27</Dt></BookgDt><BkTxCd/>"
        f"<NtryDtls>{details}</NtryDtls></Ntry></Ntfctn></BkToCstmrDbtCdtNtfctn></Document>"
    ).encode()


def generic_cn_return_lines(batch_id: str, answers: Sequence[Answered]) -> list[str]:
    """The lines of a ``generic_cn`` return file (回盘文件), header and trailer stating the
    lines' count and totals; a test spoils one to see it refused."""

    def total(of: Sequence[Answered]) -> str:
        return f"{sum((Decimal(a.amount) for a in of), Decimal(0)):.2f}"

    settled = [a for a in answers if not a.rejected_with]
    rejected = [a for a in answers if a.rejected_with]
    return [
        f"H|61050110123456789012|{batch_id}|20261204|{len(answers)}|{total(answers)}",
        *(
            f"D|{n}|6222020200112233445|业主{n}|{a.amount}|MD-DMG-{n:06d}|{a.end_to_end_id}|"
            + (
                f"F|{a.rejected_with}|{a.words or ''}"
                if a.rejected_with
                else f"S|0000|{a.words or '交易成功'}"
            )
            for n, a in enumerate(answers, start=1)
        ),
        f"T|{len(answers)}|{total(answers)}|{len(settled)}|{total(settled)}|{len(rejected)}|"
        f"{total(rejected)}",
    ]


def gbk_file(lines: Sequence[str]) -> bytes:
    """Lines as a Chinese bank writes them: GBK, each ending in CR LF."""
    return "".join(f"{line}\r\n" for line in lines).encode("gbk")


def generic_cn_return(batch_id: str, answers: Sequence[Answered]) -> bytes:
    """A ``generic_cn`` return file answering the debits as ``answers`` say."""
    return gbk_file(generic_cn_return_lines(batch_id, answers))
