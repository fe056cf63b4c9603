"""When intake does not answer, the console's pages that list the user's sites still open and say
why (the API's problem), instead of failing with HTTP 500. In the browser, in front of a second
console whose intake is a port nothing listens on."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator

import httpx
import pytest
from hotline_infra.processes import ManagedProcess, free_port
from hotline_infra.stack import Stack
from hotline_libs.auth import Role, issue_token
from hotline_libs.settings import DEV_JWT_SECRET
from playwright.async_api import Browser, expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.e2e,
    pytest.mark.usefixtures("service_logs_on_failure"),
]


PAGES = (
    "/answers/owed",
    "/incidents",
    "/requests/new",
    "/requests",
    "/answers",
    "/duty",
    "/phone-book",
    "/sites",
)
"""Pages that list the user's sites (GET /sites)."""


@pytest.fixture
async def console_without_intake(platform: Stack) -> AsyncIterator[str]:
    """A second console whose intake does not answer (a port nothing listens on)."""
    port = free_port()
    env = platform.console_env() | {
        "HOTLINE_INTAKE_URL": f"http://127.0.0.1:{free_port()}",
        "HOTLINE_HTTP_PORT": str(port),
    }
    process = ManagedProcess(
        "console-no-intake",
        [sys.executable, "-m", "console"],
        platform.logs / "console-no-intake.log",
        env=env,
    )
    process.start()
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(timeout=2) as client:
            for _ in range(100):
                try:
                    if (await client.get(f"{url}/health/ready")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.2)
        yield url
    finally:
        process.stop()


async def test_pages_listing_sites_say_why_when_intake_does_not_answer(
    browser: Browser, console_without_intake: str
) -> None:
    """The answers owed and the incident board list the user's sites: when intake does not
    answer they still open and say so, instead of failing with an error page."""
    context = await browser.new_context(base_url=console_without_intake, locale="zh-CN")
    token = issue_token(DEV_JWT_SECRET, subject="admin", role=Role.ADMIN, sites=["*"])
    await context.add_cookies(
        [{"name": "hotline_session", "value": token, "url": console_without_intake}]
    )
    page = await context.new_page()
    try:
        for path in PAGES:
            response = await page.goto(path)
            assert response is not None and response.status != 500, path
            await expect(page.locator("p.problem").first).to_contain_text("intake did not answer")
    finally:
        await context.close()
