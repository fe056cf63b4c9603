"""What intake's reports share as HTTP: the formats they come in, the site they are of, and a
table sent as a CSV or XLSX file."""

from __future__ import annotations

from hotline_libs.auth import Principal
from hotline_libs.errors import RuleViolation
from hotline_libs.tables import FILE_RESPONSES as FILE_RESPONSES
from hotline_libs.tables import Format as Format
from hotline_libs.tables import table_file as table_file

from intake.domain.site import Site
from intake.entrypoints.http import Reader


async def reported_site(reader: Reader, principal: Principal, site_id: str) -> Site:
    """The site a report is of: the caller's (403 otherwise), and served (422 naming it)."""
    principal.require_site(site_id)
    site = await reader.sites.get(site_id)
    if site is None:
        raise RuleViolation(f"site {site_id!r} is not served by this hotline", field="site_id")
    return site
