"""Which sites a caller's records are visible at: a record of another site is not found."""

from __future__ import annotations

from hotline_libs.errors import NotFound


def must_see(site_id: str, sites: frozenset[str] | None, what: str | None = None) -> None:
    """``NotFound`` naming ``what`` (the site by default) unless ``site_id`` is among ``sites``
    (None: every site)."""
    if sites is not None and site_id not in sites:
        raise NotFound(what or f"no site {site_id!r}")
