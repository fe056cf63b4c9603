"""What the console's screen tests do on every screen: the fields a form posts (this browser's
CSRF token and an idempotency key beside the user's), the forms a page offers, one part of a
page by its test id, and a service's refusal naming the field it is about."""

from __future__ import annotations

import re
from typing import Any

import httpx


def form_fields(client: Any, path: str, **fields: Any) -> dict[str, Any]:
    """``fields`` as the form on ``path`` posts them: the page is opened first for its CSRF
    cookie, as a browser would."""
    client.get(path)
    return {"csrf": client.cookies["hotline_csrf"], "key": "k-1", **fields}


def forms_on(page: str) -> set[str]:
    """The test ids of the page's forms, without ``-form``."""
    return set(re.findall(r'<form [^>]*data-testid="([a-z]+)-form"', page))


def part_of(page: str, testid: str, end: str = "</section>") -> str:
    """The page from the element with ``testid`` to the next ``end``."""
    return page.split(f'data-testid="{testid}"', 1)[1].split(end, 1)[0]


def refused_field(status: int, detail: str, field: str) -> httpx.Response:
    """A service's refusal of ``field``, as its problem details name it."""
    return httpx.Response(
        status,
        json={"status": status, "detail": detail, "errors": [{"field": field, "message": detail}]},
    )
