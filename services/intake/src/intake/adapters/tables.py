"""The directory's lists as sites keep them: CSV (UTF-8, a BOM tolerated, as Excel saves it) or
XLSX, a header row naming the columns, one record per line. Reading gives each line with its
number in the file, so an error report points at the line a person fixes."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from hotline_libs.errors import RuleViolation
from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, Reference

from intake.domain.imports import Line

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
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


def write_table(
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    media_type: str,
    chart: Sequence[str] = (),
) -> bytes:
    """A table with a header line, in the format ``read_table`` reads back. In XLSX, the
    ``chart`` columns are written as numbers and drawn as a bar chart, one group of bars per
    row named by its first cell (a report's chart beside its figures)."""
    if media_type == CSV:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerows(rows)
        return ("\ufeff" + out.getvalue()).encode()  # a BOM: Excel opens it as UTF-8
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(list(columns))
    charted = {columns.index(name) for name in chart}
    for row in rows:
        sheet.append([int(v) if n in charted else v for n, v in enumerate(row)])
    if charted and rows:
        sheet.add_chart(_bar_chart(sheet, sorted(charted), len(rows)), f"A{len(rows) + 3}")
    out_bytes = io.BytesIO()
    book.save(out_bytes)
    return out_bytes.getvalue()


def _bar_chart(sheet: Any, columns: list[int], rows: int) -> BarChart:
    chart = BarChart()
    chart.type = "bar"
    chart.width, chart.height = 18, 2 + rows
    for column in columns:
        data = Reference(sheet, min_col=column + 1, min_row=1, max_row=rows + 1)
        chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=rows + 1))
    return chart
