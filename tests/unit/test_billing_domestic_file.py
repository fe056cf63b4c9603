"""The domestic bank collection file (批量代收) and its return file (回盘文件), laid out by a spec
file (FEE-02, BIL-05; BIL-10: the manuals name no file format, so every layout here is a design
assumption, the shipped ``generic_cn`` one included).

The file is worked out by hand in GBK: header, detail lines and trailer with the batch's count
and control sum (120.50 + 88.00 + 0.01 = 208.51), separated by ``|`` or in fixed widths counted
in bytes; every value the bank's file cannot hold is named by debit and column; a file whose
debits do not add up is never left behind. The return file is read into the lines the service
layer applies: every problem of every line refused together, naming lines; a round trip through
the service layer settles and rejects as the bank says, and nothing changes on a bad file.
"""

from __future__ import annotations

import dataclasses
import functools
import io
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from billing.adapters.bank_files.collection_file import (
    Account,
    BankFileError,
    CollectionFile,
    Creditor,
    Debit,
)
from billing.adapters.bank_files.domestic import astream_domestic, stream_domestic, write_domestic
from billing.adapters.bank_files.domestic_returns import read_domestic_answer
from billing.adapters.bank_files.domestic_spec import (
    DomesticSpec,
    SpecError,
    UnknownSpec,
    load_spec,
    shipped_spec,
    spec_names,
)
from billing.adapters.bank_files.returns import MAX_BYTES, AnswerRefused, BankAnswer, Outcome
from billing.domain.charge import ChargeStatus
from billing.domain.collection import BatchStatus, CollectionBatch, DebitStatus
from billing.domain.commands import AnsweredDebit, BankAnswerLines, ImportBankAnswer
from billing.service_layer.collection import write_batch_file
from contracts.billing.v1 import ChargeCollectionRejected, ChargePaid
from hotline_libs.errors import RuleViolation

from tests.bank_answers import Answered, gbk_file, generic_cn_return, generic_cn_return_lines
from tests.unit.billing_harness import Billing, FakeBillingUnitOfWork
from tests.unit.test_billing_bank_answers import sent

GENERIC = shipped_spec("generic_cn")
CREDITOR = Creditor("大明宫物业", Account("61050110123456789012", "105791000012"), "CN-DMG-1")
BATCH = "COL-DMG-20261204"

FIXED_SPEC = """
name = "fixed_test"
title = "定长格式（测试用）"
encoding = "gbk"
line_ending = "\\r\\n"

[collection_file.header]
marker = "H"
columns = [
    { name = "批次号", source = "batch_id", width = 20 },
    { name = "代收日期", source = "collection_date", width = 8 },
    { name = "总笔数", source = "count", width = 6, align = "right", pad = "0" },
    { name = "总金额", source = "total", width = 12, align = "right", pad = "0", amount = "fen" },
]

[collection_file.detail]
marker = "D"
columns = [
    { name = "序号", source = "sequence", width = 6, align = "right", pad = "0" },
    { name = "付款人户名", source = "debtor_name", width = 10 },
    { name = "金额", source = "amount", width = 12, align = "right", pad = "0", amount = "fen" },
    { name = "业务编号", source = "end_to_end_id", width = 20 },
    { name = "币种", value = "CNY", width = 3 },
]

[collection_file.trailer]
marker = "T"
columns = [
    { name = "总笔数", source = "count", width = 6, align = "right", pad = "0" },
    { name = "总金额", source = "total", width = 12, align = "right", pad = "0", amount = "fen" },
]

[return_file]
settled = ["0000"]
rejected = ["E001"]
reasons = { "3008" = "AM04" }

[return_file.header]
marker = "H"
columns = [
    { name = "批次号", source = "batch_id", width = 20 },
    { name = "总笔数", source = "count", width = 6, align = "right", pad = "0" },
    { name = "总金额", source = "total", width = 12, align = "right", pad = "0", amount = "fen" },
]

[return_file.detail]
marker = "D"
columns = [
    { name = "业务编号", source = "end_to_end_id", width = 20 },
    { name = "金额", source = "amount", width = 12, align = "right", pad = "0", amount = "fen" },
    { name = "状态", source = "status", width = 4 },
    { name = "原因码", source = "reason_code", width = 4 },
    { name = "原因", source = "reason", width = 10 },
]

[return_file.trailer]
marker = "T"
columns = [
    { name = "总笔数", source = "count", width = 6, align = "right", pad = "0" },
]
"""
FIXED = load_spec(FIXED_SPEC, "fixed_test")


def debit(n: int, amount: str, name: str = "张三", **overrides: object) -> Debit:
    fields: dict[str, object] = {
        "end_to_end_id": f"CH-DMG-20261123-{n:04d}",
        "amount": Decimal(amount),
        "mandate_id": f"MD-DMG-{n:06d}",
        "mandate_signed_on": date(2025, 3, 1),
        "debtor_name": name,
        "debtor_account": Account("6222020200112233445", "102791000123"),
        "remittance": f"3-120{n} CH-DMG-20261123-{n:04d}",
    }
    fields.update(overrides)
    return Debit(**fields)  # type: ignore[arg-type]


def three() -> list[Debit]:
    return [debit(1, "120.50"), debit(2, "88.00", "李四"), debit(3, "0.01", "王芳")]


def header(debits: list[Debit], **overrides: object) -> CollectionFile:
    fields: dict[str, object] = {
        "message_id": BATCH,
        "created_at": datetime(2026, 12, 1, 1, 0, tzinfo=UTC),
        "collection_date": date(2026, 12, 4),
        "creditor": CREDITOR,
        "number_of_debits": len(debits),
        "control_sum": sum((d.amount for d in debits), Decimal(0)),
    }
    fields.update(overrides)
    return CollectionFile(**fields)  # type: ignore[arg-type]


def written(debits: list[Debit], spec: DomesticSpec = GENERIC, **overrides: object) -> bytes:
    out = io.BytesIO()
    stream_domestic(out, header(debits, **overrides), iter(debits), spec=spec)
    return out.getvalue()


# -- the file sent ---------------------------------------------------------------------------------


def test_bil05_three_debits_in_the_generic_layout_worked_by_hand() -> None:
    """FEE-02, BIL-05: the header states 3 debits and 120.50 + 88.00 + 0.01 = 208.51 before the
    first, the trailer what was written; names in GBK (张三 is D5C5 C8FD), CR LF after each."""
    lines = written(three()).split(b"\r\n")
    assert lines[0] == (
        b"H|61050110123456789012|\xb4\xf3\xc3\xf7\xb9\xac\xce\xef\xd2\xb5|COL-DMG-20261204|"
        b"20261204|3|208.51"
    )
    assert lines[1] == (
        b"D|1|6222020200112233445|\xd5\xc5\xc8\xfd|120.50|MD-DMG-000001|CH-DMG-20261123-0001|"
        b"3-1201 CH-DMG-20261123-0001"
    )
    assert lines[3].split(b"|")[4] == b"0.01"
    assert lines[4:] == [b"T|3|208.51", b""]  # the file ends with its line ending
    assert len(lines) == 6


def test_a_fixed_width_layout_pads_by_bytes_and_writes_whole_fen() -> None:
    """Widths count bytes of GBK: 张三 is 4 of the name's 10, so 6 spaces follow; an amount in
    fen is right-aligned with zeros (120.50 yuan = 000000012050); a constant column is written
    as it is."""
    lines = written(three(), FIXED).split(b"\r\n")
    assert lines[0] == b"H" + b"COL-DMG-20261204    " + b"20261204" + b"000003" + b"000000020851"
    assert lines[1] == (
        b"D000001" + b"\xd5\xc5\xc8\xfd" + b" " * 6 + b"000000012050CH-DMG-20261123-0001" + b"CNY"
    )
    assert lines[3][17:29] == b"000000000001"
    assert lines[4] == b"T000003000000020851"
    assert {len(line) for line in lines[1:4]} == {1 + 6 + 10 + 12 + 20 + 3}


def test_a_layout_whose_lines_end_with_the_separator() -> None:
    spec = GENERIC.model_copy(update={"trailing_separator": True})
    lines = written(three(), spec).split(b"\r\n")
    assert lines[0].endswith(b"|208.51|") and lines[4] == b"T|3|208.51|"


async def test_the_debits_stream_in_from_the_store_in_chunks() -> None:
    async def from_store() -> AsyncIterator[Debit]:
        for d in debits:
            yield d

    debits = [debit(n, "12.34", f"业主{n}") for n in range(1, 4_502)]
    out = io.BytesIO()
    await astream_domestic(out, header(debits), from_store(), spec=GENERIC)
    lines = out.getvalue().decode("gbk").split("\r\n")
    assert len(lines) == 4_501 + 3
    assert lines[-2] == f"T|4501|{Decimal('12.34') * 4_501:.2f}"
    assert lines[4_501].startswith("D|4501|")


def test_debits_that_do_not_add_up_to_the_header_leave_no_file(tmp_path: Path) -> None:
    debits = three()
    target = tmp_path / f"{BATCH}.txt"
    with pytest.raises(
        BankFileError, match=r"\(3, 208.51\) differ from the batch's header \(3, 208.50\)"
    ):
        write_domestic(target, header(debits, control_sum=Decimal("208.50")), debits, spec=GENERIC)
    with pytest.raises(BankFileError, match=r"\(2, 208.50\) differ from the batch's header \(3,"):
        write_domestic(target, header(debits), debits[:2], spec=GENERIC)
    assert list(tmp_path.iterdir()) == []
    write_domestic(target, header(debits), debits, spec=GENERIC)
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
    assert target.read_bytes().endswith(b"T|3|208.51\r\n")


@pytest.mark.parametrize(
    ("spec", "overrides", "message"),
    [
        (
            GENERIC,
            {"debtor_name": "王𠮷"},
            r"debit 2 \(CH-DMG-20261123-0002\) 付款人户名 \(debtor_name\): '𠮷' \(U\+20BB7\) "
            r"cannot be written in gbk",
        ),
        (
            GENERIC,
            {"debtor_name": "张|三"},
            r"debit 2 \(CH-DMG-20261123-0002\) 付款人户名 \(debtor_name\) holds the separator '\|'",
        ),
        (
            GENERIC,
            {"remittance": "3-1202\r\nD|9|..."},
            r"debit 2 \(CH-DMG-20261123-0002\) 摘要 \(remittance\) holds a line break",
        ),
        (GENERIC, {"mandate_id": "MD\x00"}, r"协议号 \(mandate_id\) holds a control character"),
        (
            GENERIC,
            {"debtor_name": "张" * 31},
            r"debit 2 \(CH-DMG-20261123-0002\) 付款人户名 \(debtor_name\) is 62 bytes in gbk, "
            r"wider than its 60",
        ),
        (
            FIXED,
            {"debtor_name": "欧阳娜娜子"},  # 5 characters, 10 bytes: fits
            None,
        ),
        (
            FIXED,
            {"debtor_name": "欧阳娜娜娜子"},
            r"debit 2 \(CH-DMG-20261123-0002\) 付款人户名 \(debtor_name\) is 12 bytes in gbk, "
            r"wider than its 10",
        ),
        (
            GENERIC,
            {"amount": Decimal("0.00")},
            r"debit 2 \(CH-DMG-20261123-0002\) 金额 \(amount\): the amount must be above zero",
        ),
        (
            GENERIC,
            {"amount": Decimal("-88.00")},
            r"debit 2 \(CH-DMG-20261123-0002\) 金额 \(amount\): the amount must be above zero",
        ),
        (
            FIXED,
            {"amount": Decimal("88.005")},
            r"debit 2 \(CH-DMG-20261123-0002\) 金额 \(amount\): .* in fen at most",
        ),
    ],
    ids=[
        "not in gbk",
        "separator",
        "line break",
        "control character",
        "too wide",
        "fits its width",
        "wider than fixed",
        "zero",
        "negative",
        "finer than a fen",
    ],
)
def test_a_value_the_banks_file_cannot_hold_is_named_by_debit_and_column(
    spec: DomesticSpec, overrides: dict[str, object], message: str | None, tmp_path: Path
) -> None:
    debits = three()
    debits[1] = dataclasses.replace(debits[1], **overrides)  # type: ignore[arg-type]
    file = header(debits, control_sum=Decimal("208.51"))
    target = tmp_path / "batch.txt"
    if message is None:
        write_domestic(target, file, debits, spec=spec)
        return
    with pytest.raises(BankFileError, match=message):
        write_domestic(target, file, debits, spec=spec)
    assert list(tmp_path.iterdir()) == []


def test_the_header_names_its_own_column() -> None:
    """GBK has no euro sign (GB18030 has)."""
    creditor = Creditor("大明宫物业€", CREDITOR.account)
    with pytest.raises(
        BankFileError, match=r"the header's 企业户名 \(creditor_name\): '€' \(U\+20AC\) cannot"
    ):
        written(three(), creditor=creditor)


# -- the spec --------------------------------------------------------------------------------------


def test_every_spec_shipped_loads_and_is_named_as_its_file() -> None:
    assert "generic_cn" in spec_names()
    for name in spec_names():
        spec = shipped_spec(name)
        assert spec.name == name and spec.answer_kind == f"domestic:{name}"
    assert (GENERIC.encoding, GENERIC.separator, GENERIC.line_ending) == ("gbk", "|", "\r\n")
    assert GENERIC.return_file.reasons["1001"] == "AM04"


def test_an_unknown_spec_names_the_ones_shipped() -> None:
    with pytest.raises(UnknownSpec, match=r"no bank file spec 'icbc': the specs shipped are "):
        shipped_spec("icbc")


def _spoiled(old: str, new: str) -> str:
    assert old in FIXED_SPEC
    return FIXED_SPEC.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            _spoiled('source = "debtor_name"', 'source = "debtor_nam"'),
            r"collection_file\.detail\.columns\.1\.source: Input should be 'sequence'",
        ),
        (
            _spoiled(
                '{ name = "付款人户名", source = "debtor_name", width = 10 }',
                '{ name = "付款人户名", source = "debtor_name" }',
            ),
            r"collection_file\.detail\.columns\.1 \(付款人户名\): a fixed-width layout needs its width",
        ),
        (
            _spoiled('encoding = "gbk"', 'encoding = "gbkk"'),
            r"encoding: .*'gbkk' is not an encoding",
        ),
        (_spoiled('encoding = "gbk"', 'encoding = "utf-16"'), r"encoding: .*ASCII as ASCII"),
        (_spoiled('marker = "T"', 'marker = "D"'), r"collection_file: marker 'D' does not tell"),
        (
            _spoiled('{ name = "状态", source = "status", width = 4 },', ""),
            r"return_file\.detail: no column has source 'status'",
        ),
        (_spoiled('rejected = ["E001"]', 'rejected = ["0000"]'), r"both settled and rejected"),
        (_spoiled('"3008" = "AM04"', '"3008" = "insufficient"'), r"return_file\.reasons: .*3008"),
        (_spoiled('title = "', 'titel = "'), r"titel: Extra inputs are not permitted"),
        (
            _spoiled(
                '{ name = "币种", value = "CNY", width = 3 }',
                '{ name = "币种", value = "人民币", width = 3 }',
            ),
            r"columns\.4 \(币种\)\.value: 6 bytes",
        ),
        (_spoiled("columns = [", "columns = "), "fixed_test is not TOML"),
    ],
    ids=[
        "unknown source",
        "no width",
        "unknown encoding",
        "not ascii",
        "same marker",
        "no status",
        "overlap",
        "not iso",
        "unknown key",
        "constant too wide",
        "not toml",
    ],
)
def test_a_bad_spec_is_refused_naming_the_key(text: str, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        load_spec(text, "fixed_test")


# -- the return file -------------------------------------------------------------------------------


def answered(data: bytes, spec: DomesticSpec = GENERIC) -> BankAnswer:
    return read_domestic_answer(data, spec)


def test_a_return_file_settles_and_rejects_with_the_banks_reason_by_line() -> None:
    """The bank's code 1001 (余额不足) reads as the ISO 20022 AM04 the payer's reminder words;
    a code the spec does not map stays the bank's own. Positions are the file's lines."""
    data = generic_cn_return(
        BATCH,
        [
            Answered("CH-DMG-20261123-0001", "120.50"),
            Answered("CH-DMG-20261123-0002", "88.00", rejected_with="1001", words="余额不足"),
            Answered("CH-DMG-20261123-0003", "0.01", rejected_with="9999", words="其他原因"),
        ],
    )
    answer = answered(data)
    assert (answer.kind, answer.original_message_id, answer.positions) == (
        "domestic:generic_cn",
        BATCH,
        "line",
    )
    assert [
        (a.position, a.end_to_end_id, a.outcome, a.amount, a.reason_code, a.reason)
        for a in answer.lines
    ] == [
        (2, "CH-DMG-20261123-0001", Outcome.SETTLED, Decimal("120.50"), None, None),
        (3, "CH-DMG-20261123-0002", Outcome.REJECTED, Decimal("88.00"), "AM04", "余额不足"),
        (4, "CH-DMG-20261123-0003", Outcome.REJECTED, Decimal("0.01"), "9999", "其他原因"),
    ]
    assert len(answer.digest) == 64 and answered(data).digest == answer.digest


def test_a_fixed_width_return_file_is_read_by_its_widths() -> None:
    lines = [
        b"H" + b"COL-DMG-20261204    " + b"000002" + b"000000020850",
        b"D" + b"CH-DMG-20261123-0001" + b"000000012050" + b"0000" + b"    " + b" " * 10,
        b"D"
        + b"CH-DMG-20261123-0002"
        + b"000000008800"
        + b"E001"
        + b"3008"
        + "余额不足".encode("gbk")
        + b"  ",
        b"T000002",
    ]
    answer = answered(b"\r\n".join(lines) + b"\r\n", FIXED)
    assert [(a.end_to_end_id, a.amount, a.reason_code, a.reason) for a in answer.lines] == [
        ("CH-DMG-20261123-0001", Decimal("120.50"), None, None),
        ("CH-DMG-20261123-0002", Decimal("88.00"), "AM04", "余额不足"),
    ]
    short = lines[:]
    short[1] = short[1][:-1]
    with pytest.raises(AnswerRefused, match=r"^line 2: 50 bytes where a detail line has 51$"):
        answered(b"\r\n".join(short), FIXED)
    cut = lines[:]
    cut[2] = cut[2][:41] + "余额不".encode("gbk") + b"\xd7   "  # half of 足, then spaces
    with pytest.raises(
        AnswerRefused, match=r"^line 3: 原因 \(bytes 42 to 51\) cannot be read as gbk$"
    ):
        answered(b"\r\n".join(cut), FIXED)


THREE = [
    Answered("CH-DMG-20261123-0001", "120.50"),
    Answered("CH-DMG-20261123-0002", "88.00", rejected_with="1001", words="余额不足"),
    Answered("CH-DMG-20261123-0003", "0.01"),
]


def spoiled(line: int, old: str, new: str) -> bytes:
    """The return file of THREE with one line (from 1) changed."""
    lines = generic_cn_return_lines(BATCH, THREE)
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    return gbk_file(lines)


def without(line: int) -> bytes:
    lines = generic_cn_return_lines(BATCH, THREE)
    del lines[line - 1]
    return gbk_file(lines)


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            spoiled(3, "|余额不足", ""),
            ["line 3: 9 fields where a detail line has 10"],
        ),
        (
            spoiled(2, "|S|", "|X|"),
            [
                "line 2 (CH-DMG-20261123-0001): status 'X' is not one of the bank's codes "
                "(settled: S; rejected: F)"
            ],
        ),
        (
            spoiled(3, "|F|1001|", "|F||"),
            ["line 3 (CH-DMG-20261123-0002): rejected without a reason code"],
        ),
        (
            spoiled(4, "|0.01|", "|0,01|"),
            ["line 4 (CH-DMG-20261123-0003): amount '0,01' is not an amount in yuan above zero"],
        ),
        (
            spoiled(4, "|0.01|", "|0.00|"),
            ["line 4 (CH-DMG-20261123-0003): amount '0.00' is not an amount in yuan above zero"],
        ),
        (
            spoiled(2, "|CH-DMG-20261123-0001|", "||"),
            ["line 2: no 业务编号 (end_to_end_id)"],
        ),
        (
            spoiled(1, "|3|208.51", "|4|208.51"),
            ["line 1 (header): 总笔数 (count) says 4; the file has 3 detail lines"],
        ),
        (
            spoiled(5, "T|3|208.51|", "T|3|208.50|"),
            [
                "line 5 (trailer): 总金额 (total) says 208.50; the file has detail lines adding "
                "up to 208.51"
            ],
        ),
        (
            spoiled(5, "|2|120.51|1|88.00", "|3|208.51|0|0.00"),
            [
                "line 5 (trailer): 成功笔数 (settled_count) says 3; the file has 2 settled lines",
                "line 5 (trailer): 成功金额 (settled_total) says 208.51; the file has settled "
                "lines adding up to 120.51",
                "line 5 (trailer): 失败笔数 (rejected_count) says 0; the file has 1 rejected lines",
                "line 5 (trailer): 失败金额 (rejected_total) says 0.00; the file has rejected "
                "lines adding up to 88.00",
            ],
        ),
        (
            spoiled(1, "|3|208.51", "|三|208.51"),
            ["line 1 (header): 总笔数 (count) '三' is not a number"],
        ),
        (without(1), ["the file has no header line (marker 'H')"]),
        (without(5), ["the file has no trailer line (marker 'T')"]),
        (
            gbk_file([*generic_cn_return_lines(BATCH, THREE), "D|9|..."]),
            ["line 6: after the trailer (line 5)", "line 6: 3 fields where a detail line has 10"],
        ),
        (
            spoiled(3, "D|2|", "X|2|"),
            ["line 3: starts with 'X', not a record of header (H), detail (D), trailer (T)"],
        ),
        (
            gbk_file(generic_cn_return_lines(BATCH, [])),
            ["the file answers no debit: nothing to apply"],
        ),
        (
            b"<Document/>",
            [
                "line 1: starts with '<Document/>', not a record of header (H), detail (D), trailer (T)",
                "the file has no header line (marker 'H')",
                "the file has no trailer line (marker 'T')",
            ],
        ),
    ],
    ids=[
        "field count",
        "unknown status",
        "no reason code",
        "not an amount",
        "zero",
        "no end-to-end id",
        "header count",
        "trailer total",
        "settled and rejected sums",
        "count not a number",
        "no header",
        "no trailer",
        "after the trailer",
        "unknown marker",
        "no debit",
        "xml",
    ],
)
def test_a_return_file_with_a_bad_line_is_refused_naming_every_problem(
    data: bytes, errors: list[str]
) -> None:
    with pytest.raises(AnswerRefused) as refused:
        answered(data)
    assert refused.value.errors == errors


def test_every_bad_line_is_named_at_once() -> None:
    lines = generic_cn_return_lines(BATCH, THREE)
    lines[1] = lines[1].replace("|S|", "|?|")
    lines[3] = lines[3].replace("|0.01|", "|abc|")
    with pytest.raises(AnswerRefused) as refused:
        answered(gbk_file(lines))
    assert [e.split(":")[0] for e in refused.value.errors] == [
        "line 2 (CH-DMG-20261123-0001)",
        "line 4 (CH-DMG-20261123-0003)",
    ]  # and no sum is compared over lines that could not be read


def test_a_hostile_return_file_is_refused_before_anything_is_applied() -> None:
    with pytest.raises(AnswerRefused, match="more than"):
        answered(b"D|" + b"9" * MAX_BYTES)
    data = generic_cn_return(BATCH, THREE).replace("业主2".encode("gbk"), b"\x81\x20\x32")
    with pytest.raises(AnswerRefused, match=r"^line 3: byte 25 cannot be read as gbk$"):
        answered(data)
    many = gbk_file(
        [generic_cn_return_lines(BATCH, THREE)[0], *["D|?"] * 500, "T|500|0.00|0|0.00|0|0.00"]
    )
    with pytest.raises(AnswerRefused) as refused:
        answered(many)
    assert len(refused.value.errors) == 201
    assert refused.value.errors[-1] == "and 300 more"


# -- through the service layer ---------------------------------------------------------------------


def lines_of(answer: BankAnswer) -> BankAnswerLines:
    return BankAnswerLines(
        answer.kind,
        answer.digest,
        answer.original_message_id,
        tuple(
            AnsweredDebit(
                line.position,
                line.end_to_end_id,
                line.outcome is Outcome.SETTLED,
                line.amount,
                line.reason_code,
                line.reason,
            )
            for line in answer.lines
        ),
        answer.positions,
    )


async def domestic_file(billing: Billing, batch: CollectionBatch) -> list[list[str]]:
    """The batch's file as the route writes it, its detail lines split into fields."""
    out = io.BytesIO()
    uow = FakeBillingUnitOfWork(billing.store, billing.clock)
    await write_batch_file(uow, batch, out, functools.partial(astream_domestic, spec=GENERIC))
    lines = out.getvalue().decode("gbk").split("\r\n")
    assert lines[0].endswith(f"|{batch.batch_id}|20261127|2|230.00")
    assert lines[-2:] == ["T|2|230.00", ""]
    return [line.split("|") for line in lines[1:-2]]


def imported(batch: CollectionBatch, data: bytes) -> ImportBankAnswer:
    return ImportBankAnswer(batch.batch_id, lines_of(answered(data)), "财务-刘", None)


async def test_fee02_round_trip_a_batch_its_file_and_the_banks_return_file() -> None:
    """FEE-02, FEE-04: the batch's domestic file, the bank's return file made from its lines
    rejecting one for insufficient funds: the settled charge is paid, the rejected one owed again
    with AM04 and the payer reminded, the batch reconciled; the same file again changes nothing."""
    billing = Billing()
    charges, batch = await sent(billing)  # 80.00 (room 1201) and 150.00 (room 1202)
    details = await domestic_file(billing, batch)
    assert [(d[3], d[4]) for d in details] == [("王芳", "80.00"), ("王芳", "150.00")]
    rejected = charges[1].charge_no
    data = generic_cn_return(
        batch.batch_id,
        [
            Answered(d[6], d[4], *(("1001", "余额不足") if d[6] == rejected else ()))
            for d in details
        ],
    )
    applied = await billing.handle(imported(batch, data))
    assert (applied.settled, applied.rejected, applied.unchanged) == (1, 1, 0)
    assert applied.batch.status is BatchStatus.RECONCILED
    assert applied.batch.difference == Decimal("0.00")
    paid = billing.stored(charges[0].charge_id)
    assert paid.status is ChargeStatus.PAID and paid.payment is not None
    assert paid.payment.reference == f"{batch.batch_id}/{charges[0].charge_no}"
    owed = billing.stored(charges[1].charge_id)
    assert owed.status is ChargeStatus.RAISED and owed.collecting_in is None
    assert [(r.code, r.reason) for r in owed.rejections] == [("AM04", "余额不足")]
    [reminder] = billing.store.published_of(ChargeCollectionRejected)
    assert reminder.payload.reason_code == "AM04"

    commits = billing.store.commits
    again = await billing.handle(imported(batch, data))
    assert again.already_imported and billing.store.commits == commits
    assert len(billing.store.published_of(ChargePaid)) == 1


async def test_a_return_file_with_a_line_that_cannot_apply_changes_nothing() -> None:
    """All lines or none: a debit not of the batch, another amount and a debit answered twice,
    each named by its line of the file."""
    billing = Billing()
    charges, batch = await sent(billing)
    data = generic_cn_return(
        batch.batch_id,
        [
            Answered(charges[0].charge_no, "80.00"),
            Answered("CH-DMG-20261123-9999", "10.00"),
            Answered(charges[1].charge_no, "105.00", rejected_with="1001"),
            Answered(charges[0].charge_no, "80.00"),
        ],
    )
    with pytest.raises(RuleViolation, match="nothing was applied") as refused:
        await billing.handle(imported(batch, data))
    assert refused.value.errors == (
        ("line 3", f"CH-DMG-20261123-9999 is not a debit of batch {batch.batch_id}"),
        ("line 4", f"{charges[1].charge_no} was 150.00; the bank says 105.00"),
        ("line 5", f"{charges[0].charge_no} is answered twice in the file"),
    )
    debits = billing.store.saved("collection_debits").values()
    assert {d.status for d in debits} == {DebitStatus.PENDING}
    assert billing.stored(charges[0].charge_id).status is ChargeStatus.RAISED


async def test_a_return_file_for_another_batch_is_refused() -> None:
    billing = Billing()
    charges, batch = await sent(billing)
    data = generic_cn_return("COL-DMG-20261126", [Answered(charges[0].charge_no, "80.00")])
    with pytest.raises(RuleViolation, match="answers collection file COL-DMG-20261126, not batch"):
        await billing.handle(imported(batch, data))
