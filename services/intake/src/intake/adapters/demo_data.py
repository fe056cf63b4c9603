"""The three demo sites ``make run`` starts with."""

from __future__ import annotations

from intake.domain.boards import RequestKind
from intake.domain.site import Site

ALL = frozenset(RequestKind)

DEMO_SITES = (
    Site(site_id="dmg", code="DMG", name="大明宫花园", services=ALL),
    Site(site_id="qjc", code="QJC", name="曲江春晓苑", services=ALL),
    Site(site_id="gxi", code="GXI", name="高新国际中心", services=ALL - {RequestKind.HOUSEKEEPING}),
)
