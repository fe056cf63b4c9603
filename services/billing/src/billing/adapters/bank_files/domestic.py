"""A domestic bank's batch collection file (批量代收文件), laid out by a spec
(``domestic_spec``) and written as a stream, like the pain.008.

The header states the batch's count and control sum before the first debit, debits leave in
chunks, the trailer states what was written, and the debits are checked at the end to add up to
the header; a file that does not is never left behind (written beside its name and renamed only
when whole). Every value is checked against what the bank's file can hold: the encoding (a name
in GBK), no separator or line break inside, its fixed width, an amount in fen at most. Each
refusal names the debit and the column.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterable, Iterable, Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from billing.adapters.bank_files.collection_file import (
    BankFileError,
    CollectionFile,
    Debit,
    Tally,
    checked_amount,
)
from billing.adapters.bank_files.domestic_spec import Column, DomesticSpec, Record

CHUNK = 2_000
"""Debit lines joined per write, as the pain.008 writer does."""
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _header_values(file: CollectionFile) -> dict[str, object]:
    creditor = file.creditor
    return {
        "batch_id": file.message_id,
        "created_at": file.created_at,
        "collection_date": file.collection_date,
        "creditor_name": creditor.name,
        "creditor_account": creditor.account.number,
        "creditor_bank": creditor.account.bank,
        "creditor_scheme_id": creditor.scheme_id or "",
        "count": file.number_of_debits,
        "total": file.control_sum,
        "currency": file.currency,
    }


def _detail_values(debit: Debit, n: int, currency: str) -> dict[str, object]:
    return {
        "sequence": n,
        "end_to_end_id": debit.end_to_end_id,
        "amount": debit.amount,
        "mandate_id": debit.mandate_id,
        "mandate_signed_on": debit.mandate_signed_on,
        "debtor_name": debit.debtor_name,
        "debtor_account": debit.debtor_account.number,
        "debtor_bank": debit.debtor_account.bank,
        "remittance": debit.remittance,
        "currency": currency,
    }


def _amount_text(amount: Decimal, column: Column[str]) -> str:
    if column.amount == "fen":
        return str(int(amount * 100))
    return f"{amount:.2f}"


class _Lines:
    """Records of a spec as bytes: each value checked, encoded, padded or separated."""

    def __init__(self, spec: DomesticSpec) -> None:
        self.spec = spec
        self.encoding = spec.encoding
        self.end = spec.line_ending.encode(spec.encoding)
        self.separator = spec.separator.encode(spec.encoding) if spec.separator else None

    def line(self, record: Record[str], values: Mapping[str, object], where: str) -> bytes:
        fields = [record.marker.encode(self.encoding)]
        for column in record.columns:
            field = f"{where} {column.name} ({column.source or 'constant'})"
            if column.source is None:
                text = column.value or ""
            else:
                text = self._text(column, values[column.source], field)
            fields.append(self._field(text, column, field))
        if self.separator is None:
            return b"".join(fields) + self.end
        tail = self.separator if self.spec.trailing_separator else b""
        return self.separator.join(fields) + tail + self.end

    def _text(self, column: Column[str], value: object, field: str) -> str:
        if isinstance(value, Decimal):
            return _amount_text(checked_amount(value, field), column)
        if isinstance(value, date):  # a datetime too
            return value.strftime(column.date_format)
        return str(value)

    def _field(self, text: str, column: Column[str], field: str) -> bytes:
        if "\r" in text or "\n" in text:
            raise BankFileError(f"{field} holds a line break")
        if CONTROL.search(text):
            raise BankFileError(f"{field} holds a control character")
        if self.spec.separator and self.spec.separator in text:
            raise BankFileError(f"{field} holds the separator {self.spec.separator!r}")
        try:
            encoded = text.encode(self.encoding)
        except UnicodeEncodeError as unwritable:
            char = text[unwritable.start]
            raise BankFileError(
                f"{field}: {char!r} (U+{ord(char):04X}) cannot be written in {self.encoding}"
            ) from None
        width = column.width
        if width is None:
            return encoded
        if len(encoded) > width:
            raise BankFileError(
                f"{field} is {len(encoded)} bytes in {self.encoding}, wider than its {width}"
            )
        if self.separator is not None:
            return encoded
        padding = column.pad.encode(self.encoding) * (width - len(encoded))
        return encoded + padding if column.align == "left" else padding + encoded


class _Stream:
    """The file being written: the header first, debit lines in chunks, the trailer and the
    check at the end."""

    def __init__(self, out: BinaryIO, file: CollectionFile, spec: DomesticSpec) -> None:
        self.out, self.file = out, file
        self.layout = spec.collection_file
        self.lines = _Lines(spec)
        self.tally = Tally(file)
        self.chunk: list[bytes] = []
        out.write(self.lines.line(self.layout.header, _header_values(file), "the header's"))

    def add(self, debit: Debit) -> None:
        n = self.tally.add(debit)
        values = _detail_values(debit, n, self.file.currency)
        where = f"debit {n} ({debit.end_to_end_id})"
        self.chunk.append(self.lines.line(self.layout.detail, values, where))
        if len(self.chunk) == CHUNK:
            self.out.write(b"".join(self.chunk))
            self.chunk.clear()

    def finish(self) -> None:
        self.out.write(b"".join(self.chunk))
        totals = {"count": self.tally.count, "total": self.tally.total}
        self.out.write(self.lines.line(self.layout.trailer, totals, "the trailer's"))
        self.tally.check()


def stream_domestic(
    out: BinaryIO, file: CollectionFile, debits: Iterable[Debit], *, spec: DomesticSpec
) -> None:
    """Write the file to ``out`` as ``spec`` lays it out; ``BankFileError`` naming the debit
    and the column when a value cannot be written, or when the debits do not add up to the
    header's count and control sum."""
    stream = _Stream(out, file, spec)
    for debit in debits:
        stream.add(debit)
    stream.finish()


async def astream_domestic(
    out: BinaryIO, file: CollectionFile, debits: AsyncIterable[Debit], *, spec: DomesticSpec
) -> None:
    """``stream_domestic`` for debits read from the store as they come."""
    stream = _Stream(out, file, spec)
    async for debit in debits:
        stream.add(debit)
    stream.finish()


def write_domestic(
    path: Path, file: CollectionFile, debits: Iterable[Debit], *, spec: DomesticSpec
) -> Path:
    """Write the whole file at ``path``, or nothing there (written beside it, then renamed)."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("wb", buffering=1 << 20) as out:
            stream_domestic(out, file, debits, spec=spec)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path
