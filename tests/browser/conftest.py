"""The console in headless Chromium (Debian's package), driven by Playwright, in front of the
session's five services on the real Kafka and store. Screenshots of each screen are kept in
``.hotline/artifacts/screenshots/``."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import httpx
import pytest
from hotline_infra.stack import Stack
from hotline_libs.auth import Role
from playwright.async_api import Browser, Page, async_playwright

from tests.support import auth

SCREENSHOTS = Path(__file__).resolve().parents[2] / ".hotline" / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("HOTLINE_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def console(platform: Stack) -> str:
    """The console's URL, started once for the session in front of the platform (the platform
    stops it with the services)."""
    if "console" not in platform.services:
        platform.start_console()
    return platform.console_url


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not os.path.exists(CHROMIUM):  # noqa: ASYNC240 (once per session, before any I/O)
        pytest.fail(
            f"no Chromium at {CHROMIUM}: `make install` installs Debian's chromium, or set "
            "HOTLINE_CHROMIUM"
        )
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        await launched.close()


@pytest.fixture
async def page(browser: Browser, console: str) -> AsyncIterator[Page]:
    context = await browser.new_context(base_url=console, locale="zh-CN")
    opened = await context.new_page()
    yield opened
    await context.close()


async def screenshot(page: Page, name: str) -> Path:
    """The whole page as a PNG. Chromium takes a full-page shot by stretching the viewport to
    the page's height and back, which can leave the scroll offset where a click right after
    computes its point wrongly: it lands on the body and nothing happens (seen once the header
    wrapped to two lines). The page is scrolled back to the top and left a few frames, so the
    next action scrolls its element into view afresh."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    await page.evaluate(SETTLED)
    return path


SETTLED = """() => new Promise(done => {
    window.scrollTo(0, 0);
    requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 50)));
})"""


async def a_site_with_its_own_shifts(
    platform: Stack,
    marker: str,
    services: Sequence[str] = ("consultation", "repair", "complaint", "callback"),
) -> str:
    """A new site whose front desk works a day and a night shift of its own (DUTY-01 lets a
    site set them), serving ``services`` (its boards)."""
    site_id = f"t{marker}"
    async with httpx.AsyncClient(base_url=platform.service_url("intake"), timeout=15) as intake:
        put = await intake.put(
            f"/sites/{site_id}",
            json={
                "code": f"T{marker.upper()}",
                "name": f"测试苑{marker}",
                "services": list(services),
                "shifts": [
                    {"code": "day", "starts": "08:00", "ends": "20:00"},
                    {"code": "night", "starts": "20:00", "ends": "08:00"},
                ],
            },
            headers={**auth(Role.ADMIN), "Idempotency-Key": str(uuid.uuid4())},
        )
        assert put.status_code == 201, put.text
    return site_id
