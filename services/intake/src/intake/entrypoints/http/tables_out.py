"""What intake's reports share as HTTP: the formats they come in, the site they are of, and a
table sent as a CSV or XLSX file."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from fastapi import Response
from hotline_libs.auth import Principal
from hotline_libs.errors import RuleViolation

from intake.adapters import tables
from intake.domain.site import Site
from intake.entrypoints.http import Reader

Format = Literal["json", "csv", "xlsx"]
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            tables.CSV: {"schema": {"type": "string"}},
            tables.XLSX: {"schema": {"type": "string", "format": "binary"}},
        }
    }
}
"""The report's files beside its JSON, for the OpenAPI document."""


async def reported_site(reader: Reader, principal: Principal, site_id: str) -> Site:
    """The site a report is of: the caller's (403 otherwise), and served (422 naming it)."""
    principal.require_site(site_id)
    site = await reader.sites.get(site_id)
    if site is None:
        raise RuleViolation(f"site {site_id!r} is not served by this hotline", field="site_id")
    return site


def table_file(
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    format_: Format,
    name: str,
    chart: Sequence[str] = (),
) -> Response:
    """The table as a CSV or XLSX download named ``name``."""
    media_type = tables.CSV if format_ == "csv" else tables.XLSX
    return Response(
        tables.write_table(columns, rows, media_type, chart=chart),
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}.{format_}"'},
    )
