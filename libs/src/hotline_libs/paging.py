"""Listings: one page of what matches, with how many match in all, and the query parameters every
listing takes, each parsed strictly so that a value out of format is a 422, never a guess.

A route takes ``page: Paging`` (``limit`` and ``offset``), ``site_id: SiteFilter``, its own
``status`` enum and a window on its main time, ``window: Annotated[TimeWindow,
Depends(time_window("registered", "requests registered"))]`` (``registered_from`` and
``registered_to``); its repository answers with ``Found`` (the page's items and the total), and
the route answers ``Page[ItemOut]``::

    {"items": [...], "total": 123, "limit": 50, "offset": 100}

Dates and times in a query are ISO 8601 strings only (``2026-11-23``,
``2026-11-23T08:00:00+08:00``): pydantic alone would read ``0`` as a date or a datetime (a Unix
timestamp), which the OpenAPI document (``format: date``) says is invalid.
"""

# No ``from __future__ import annotations`` here: ``time_window`` builds its parameters' types at
# run time, and FastAPI reads them from the signature as objects.

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import AwareDatetime, BaseModel, BeforeValidator, Field, WithJsonSchema

T = TypeVar("T")
Shown = TypeVar("Shown")
"""An item as the API shows it."""

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_OFFSET = 100_000

ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
"""A calendar date as RFC 3339's full-date: ``2026-11-23``."""
ISO_DATE_TIME = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"
"""A moment as RFC 3339's date-time, with its offset: ``2026-11-23T08:00:00+08:00``."""


class Page(BaseModel, Generic[T]):
    """One page of a listing: its items in the listing's order, and how many match in all.

    The next page is at ``offset + limit`` while that is below ``total``.
    """

    items: list[T] = Field(description="This page's items, in the listing's order")
    total: int = Field(ge=0, description="How many items match the filters, on all pages")
    limit: int = Field(ge=1, description="The most items a page holds, as asked")
    offset: int = Field(ge=0, description="How many matching items come before this page")


@dataclass(frozen=True)
class PageRequest:
    """Which slice of a listing the caller asked for."""

    limit: int = DEFAULT_LIMIT
    offset: int = 0


@dataclass(frozen=True)
class Found(Generic[T]):
    """What a repository found for one page: the page's items and how many match in all."""

    items: list[T]
    total: int


def page_of(found: Found[T], request: PageRequest, out: Callable[[T], Shown]) -> Page[Shown]:
    """The answer of a listing route: ``found``'s items shown by ``out``, with the total."""
    return Page(
        items=[out(item) for item in found.items],
        total=found.total,
        limit=request.limit,
        offset=request.offset,
    )


async def with_total(
    items: list[T], request: PageRequest, count: Callable[[], Awaitable[int]]
) -> Found[T]:
    """``items``, one page of a listing, with how many match in all: said by the page itself
    when it is short of its limit (it is the last one), else by ``count`` (the store's count
    reads every match again, so it is asked only when needed)."""
    if 0 < len(items) < request.limit or (request.offset == 0 and not items):
        return Found(items, request.offset + len(items))
    return Found(items, await count())


def cut(items: Sequence[T], request: PageRequest) -> Found[T]:
    """One page of a short list already in memory (the sites, say)."""
    return Found(list(items[request.offset : request.offset + request.limit]), len(items))


def paging(
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description="The most items on this page (1 to 500)")
    ] = DEFAULT_LIMIT,
    offset: Annotated[
        int,
        Query(ge=0, le=MAX_OFFSET, description="How many matching items to skip (0 to 100000)"),
    ] = 0,
) -> PageRequest:
    """The FastAPI dependency reading ``limit`` and ``offset``."""
    return PageRequest(limit=limit, offset=offset)


Paging = Annotated[PageRequest, Depends(paging)]
"""A listing route's page: ``async def route(..., page: Paging)``."""

SiteFilter = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=40,
        description="Only this site's; a site the caller does not cover gives an empty page",
        examples=["dmg"],
    ),
]
"""The ``site_id`` filter every listing takes; the caller's own sites still apply."""


def _iso_date(value: object) -> object:
    if isinstance(value, date):  # from Python, not from a query string
        return value
    if not isinstance(value, str) or re.fullmatch(ISO_DATE, value) is None:
        raise ValueError("give a date as YYYY-MM-DD, e.g. 2026-11-23")
    return date.fromisoformat(value)


def _iso_date_time(value: object) -> object:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or re.fullmatch(ISO_DATE_TIME, value) is None:
        raise ValueError(
            "give a moment as ISO 8601 with its offset, e.g. 2026-11-23T08:00:00+08:00 "
            "(in a URL, + is written %2B) or 2026-11-23T00:00:00Z"
        )
    return datetime.fromisoformat(value.upper())  # RFC 3339 allows a lower-case t and z


IsoDate = Annotated[
    date,
    BeforeValidator(_iso_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": ISO_DATE}),
]
"""A date in a query: ``YYYY-MM-DD`` and nothing else (not ``0``, not ``20261123``)."""

IsoDateTime = Annotated[
    AwareDatetime,
    BeforeValidator(_iso_date_time),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": ISO_DATE_TIME}),
]
"""A moment in a query: RFC 3339 with its offset, and nothing else (not ``0``, not a bare date)."""


@dataclass(frozen=True)
class TimeWindow:
    """A window on a listing's main time; either end may be open. Both ends are included."""

    start: datetime | None = None
    end: datetime | None = None

    @property
    def is_open(self) -> bool:
        """No bound at all: the window does not filter."""
        return self.start is None and self.end is None


ANY_TIME = TimeWindow()
"""The window that does not filter."""


def time_window(name: str, what: str) -> Callable[..., TimeWindow]:
    """A FastAPI dependency reading ``<name>_from`` and ``<name>_to``, the window on ``what``
    (said in the parameters' descriptions: "requests registered", say). A window whose start is
    after its end holds no moment: its page is empty, not an error (a document cannot relate two
    parameters, so a client has no way to know the rule)."""
    start_name, end_name = f"{name}_from", f"{name}_to"
    start_query = Query(
        alias=start_name,
        description=f"Only {what} at or after this moment (ISO 8601 with its offset); "
        f"a start after {end_name} matches nothing",
        examples=["2026-11-23T00:00:00+08:00"],
    )
    end_query = Query(
        alias=end_name,
        description=f"Only {what} at or before this moment (ISO 8601 with its offset); "
        f"an end before {start_name} matches nothing",
        examples=["2026-11-23T23:59:59+08:00"],
    )

    def window(
        start: Annotated[IsoDateTime | None, start_query] = None,
        end: Annotated[IsoDateTime | None, end_query] = None,
    ) -> TimeWindow:
        return TimeWindow(start, end)

    window.__name__ = f"{name}_window"
    return window


MONTH = r"^20\d{2}-(0[1-9]|1[0-2])$"
"""A month of this century as ``YYYY-MM``: what monthly reports and fee runs are asked for."""


def _month(value: object) -> object:
    if isinstance(value, date):
        return value.replace(day=1)
    if not isinstance(value, str) or re.fullmatch(MONTH, value) is None:
        raise ValueError("give a month as YYYY-MM, e.g. 2026-12")
    return date.fromisoformat(f"{value}-01")


MonthStart = Annotated[
    date,
    BeforeValidator(_month),
    WithJsonSchema({"type": "string", "pattern": MONTH, "examples": ["2026-12"]}),
]
"""A month given as ``YYYY-MM``, read as its first day."""
