"""The few pages notification serves itself, to people following a link from a message (no
console, no sign-in): plain, readable on a phone."""

from __future__ import annotations

import html

from fastapi.responses import HTMLResponse


def page(title: str, text: str, form: str = "", status_code: int = 200) -> HTMLResponse:
    """A page of ``title`` and ``text`` (escaped) and ``form`` (HTML, escaped by its caller)."""
    return HTMLResponse(
        "<!doctype html><html lang=zh-CN><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width,initial-scale=1'>"
        f"<title>{html.escape(title)}</title>"
        "<body style='font-family:sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem'>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(text)}</p>{form}</body></html>",
        status_code=status_code,
    )
