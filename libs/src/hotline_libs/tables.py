"""Tables as people keep them: a header line naming the columns, one record per line, as CSV
(UTF-8 with a BOM, so Excel opens it as such) or XLSX, with a bar chart of a report's figures.
Every service's report downloads are written here."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from typing import Any, Literal
from urllib.parse import quote

from fastapi import Response
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Format = Literal["json", "csv", "xlsx"]
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            CSV: {"schema": {"type": "string"}},
            XLSX: {"schema": {"type": "string", "format": "binary"}},
        }
    }
}
"""A report's files beside its JSON, for the OpenAPI document."""


def write_table(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    media_type: str,
    chart: Sequence[str] = (),
) -> bytes:
    """A table with a header line. In XLSX, the ``chart`` columns are written as numbers and
    drawn as a bar chart, one group of bars per row named by its first cell (a report's chart
    beside its figures)."""
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
        sheet.append([_number(v) if n in charted else v for n, v in enumerate(row)])
    if charted and rows:
        sheet.add_chart(_bar_chart(sheet, sorted(charted), len(rows)), f"A{len(rows) + 3}")
    out_bytes = io.BytesIO()
    book.save(out_bytes)
    return out_bytes.getvalue()


def _number(value: Any) -> int | float:
    number = float(value or 0)
    return int(number) if number.is_integer() else number


def _bar_chart(sheet: Any, columns: list[int], rows: int) -> BarChart:
    chart = BarChart()
    chart.type = "bar"
    chart.width, chart.height = 18, 2 + rows
    for column in columns:
        data = Reference(sheet, min_col=column + 1, min_row=1, max_row=rows + 1)
        chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=rows + 1))
    return chart


def table_file(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    format_: Format,
    name: str,
    chart: Sequence[str] = (),
) -> Response:
    """The table as a CSV or XLSX download named ``name``."""
    media_type = CSV if format_ == "csv" else XLSX
    return Response(
        write_table(columns, rows, media_type, chart=chart),
        media_type=media_type,
        headers={"Content-Disposition": attachment(f"{name}.{format_}")},
    )


def attachment(filename: str) -> str:
    """A Content-Disposition naming ``filename`` for every browser: an ASCII fallback, and the
    name itself in UTF-8 (RFC 6266), since a site's code or name may be anything."""
    fallback = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
