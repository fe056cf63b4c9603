"""The directory's lists as sites keep them: CSV (UTF-8, a BOM tolerated, as Excel saves it) or
XLSX, a header row naming the columns, one record per line. Reading gives each line with its
number in the file, so an error report points at the line a person fixes."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from hotline_libs.errors import RuleViolation
from hotline_libs.tables import CSV, XLSX
from hotline_libs.tables import write_table as write_table  # the directory's exports
from openpyxl import load_workbook

from intake.domain.imports import Line

__all__ = ["CSV", "MAX_LINES", "XLSX", "UnreadableTable", "read_table", "write_table"]

MAX_LINES = 20_000


class UnreadableTable(RuleViolation):
    """The upload is not a table this reads: the message says why."""


def read_table(content: bytes, media_type: str, columns: Sequence[str]) -> list[Line]:
    """The lines of an uploaded table whose header names ``columns`` (in any order; a column
    not known is an error, a missing one is empty)."""
    if media_type == CSV:
        rows = _csv_rows(content)
    elif media_type == XLSX:
        rows = _xlsx_rows(content)
    else:
        raise UnreadableTable(
            f"Content-Type {media_type!r} is not a table: send {CSV} or {XLSX}",
            field="Content-Type",
        )
    if not rows:
        raise UnreadableTable("the file is empty: it needs a header line", field="body")
    header = [name.strip() for name in rows[0]]
    unknown = [name for name in header if name and name not in columns]
    if unknown:
        raise UnreadableTable(
            f"unknown columns {unknown}; the columns are: {', '.join(columns)}", field="header"
        )
    if len(rows) - 1 > MAX_LINES:
        raise UnreadableTable(f"at most {MAX_LINES} lines per file", field="body")
    lines = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank lines, as spreadsheets leave them
        values = {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)}
        lines.append(Line(number, {name: values.get(name, "") for name in columns}))
    return lines


def _csv_rows(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableTable(
            f"the CSV file is not UTF-8 (byte {exc.start}): save it as 'CSV UTF-8'", field="body"
        ) from None
    return list(csv.reader(io.StringIO(text)))


def _xlsx_rows(content: bytes) -> list[list[str]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # zip, XML or format errors alike: the file is not a workbook
        raise UnreadableTable(f"not an XLSX workbook: {exc}", field="body") from None
    sheet = book.worksheets[0]
    rows = [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    book.close()
    return rows


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a room number typed as 1202 arrives as 1202.0
    return str(value)
