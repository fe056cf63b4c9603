"""Schemathesis hooks (loaded through ``hooks`` in tests/schemathesis.toml).

A listing's time window (``<time>_from`` / ``<time>_to``) and the callbacks' due days
(``due_on_or_after`` / ``due_on_or_before``) must not end before they start: a 422 naming both
parameters, which an OpenAPI document cannot state (each parameter has its own schema). Generated
cases put both ends in order, so that the check of schema-valid requests stays on for everything
else; tests/e2e/test_listings.py checks the 422 itself.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import schemathesis
from hotline_libs.paging import ISO_DATE, ISO_DATE_TIME

RANGES = (("_from", "_to"), ("_or_after", "_or_before"))
"""The suffixes of a range's first and last end."""


def _moment(value: object) -> date | datetime | None:
    """The value as a date or an aware moment, if the service would read it as one."""
    if not isinstance(value, str):
        return None
    try:
        if re.fullmatch(ISO_DATE_TIME, value):
            return datetime.fromisoformat(value.upper())
        if re.fullmatch(ISO_DATE, value):
            return date.fromisoformat(value)
    except ValueError:
        return None
    return None


@schemathesis.hook
def map_query(ctx: Any, query: dict[str, Any] | None) -> dict[str, Any] | None:
    """Swap the ends of any range generated backwards."""
    if not query:
        return query
    for first_suffix, last_suffix in RANGES:
        for first in [name for name in query if name.endswith(first_suffix)]:
            last = first.removesuffix(first_suffix) + last_suffix
            start, end = _moment(query[first]), _moment(query.get(last))
            if start is not None and end is not None and type(start) is type(end) and start > end:
                query[first], query[last] = query[last], query[first]
    return query
