"""A site's residents and units imported from files and exported in the browser (CH-13, CH-14,
CH-15): a file with faulty lines is refused whole, each fault shown with its line and column and
nothing imported; the corrected file imports, with its counts; units from an XLSX name their
residents by phone; the lists download in the same columns. On the real stack."""

from __future__ import annotations

import io
import time
import uuid

import httpx
import pytest
from hotline_infra.stack import Stack
from hotline_libs.auth import Role
from openpyxl import Workbook
from playwright.async_api import Page, expect

from tests.browser.conftest import a_site_with_its_own_shifts, screenshot
from tests.browser.test_console import sign_in
from tests.support import auth

pytestmark = [
    pytest.mark.browser,
    pytest.mark.e2e,
    pytest.mark.usefixtures("service_logs_on_failure"),
]
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def phone(n: int) -> str:
    return f"139{(int(time.time() * 1000) + n) % 100_000_000:08d}"


async def residents_of(platform: Stack, site_id: str) -> list[dict[str, object]]:
    async with httpx.AsyncClient(base_url=platform.service_url("intake"), timeout=15) as intake:
        listed = await intake.get(
            "/residents", params={"site_id": site_id}, headers=auth(Role.ADMIN)
        )
        assert listed.status_code == 200, listed.text
        items: list[dict[str, object]] = listed.json()["items"]
        return items


async def upload(page: Page, kind: str, name: str, content: bytes, media_type: str) -> None:
    form = page.get_by_test_id(f"import-{kind}")
    await form.locator("input[type=file]").set_input_files(
        {"name": name, "mimeType": media_type, "buffer": content}
    )
    await form.locator("button[type=submit]").click()


async def test_ch13_a_faulty_residents_file_imports_nothing_and_names_each_line(
    page: Page, platform: Stack
) -> None:
    """CH-13/CH-14: the site's manager uploads the residents' list; a faulty line (a phone that
    is no number, a resident without a name) refuses the file whole: the page lists each fault by
    line and column and no resident is kept. Corrected, the list imports (2 added); CH-15: the
    units' XLSX names each unit by building and room, its owner by phone; the residents' list
    downloads as CSV in the columns it was imported in."""
    marker = uuid.uuid4().hex[:6]
    site_id = await a_site_with_its_own_shifts(platform, marker)
    owner, tenant = phone(1), phone(2)
    await sign_in(page, "site_manager", [site_id], "刘经理")
    await page.locator("nav[aria-label=directory]").get_by_text("业户资料导入导出").click()

    faulty = (
        "site_id,name,phone,preferred_channel\n"
        f"{site_id},吴昊,{owner},sms\n"
        f"{site_id},马丽,12345,sms\n"
        f"{site_id},,{tenant},sms\n"
    )
    await upload(page, "residents", "residents.csv", faulty.encode(), CSV)
    refused = page.get_by_test_id("import-refused")
    await expect(refused.get_by_test_id("problem")).to_contain_text("nothing was imported")
    await expect(refused.get_by_test_id("problem")).to_contain_text("residents.csv")
    await expect(refused.get_by_test_id("fault-3").locator("td").nth(1)).to_have_text("phone")
    await expect(refused.get_by_test_id("fault-3")).to_contain_text("12345")
    await expect(refused.get_by_test_id("fault-4")).to_contain_text("name")
    await expect(refused.get_by_test_id("fault-2")).to_have_count(0)  # the good line
    await screenshot(page, "import-refused")
    assert await residents_of(platform, site_id) == []

    good = (
        "site_id,name,phone,preferred_channel\n"
        f"{site_id},吴昊,{owner},sms\n"
        f"{site_id},马丽,{tenant},sms\n"
    )
    await upload(page, "residents", "residents.csv", good.encode(), CSV)
    await expect(page.get_by_test_id("count-lines")).to_contain_text("2")
    await expect(page.get_by_test_id("count-added")).to_contain_text("2")
    assert {r["name"] for r in await residents_of(platform, site_id)} == {"吴昊", "马丽"}

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["site_id", "building", "room", "floor_area_m2", "owner_phone", "tenant_phones"])
    sheet.append([site_id, "3", 1202, 98.5, owner, tenant])
    units = io.BytesIO()
    workbook.save(units)
    await upload(page, "units", "units.xlsx", units.getvalue(), XLSX)
    await expect(page.get_by_test_id("imported")).to_contain_text("房屋名单已导入")
    await expect(page.get_by_test_id("count-added")).to_contain_text("1")
    await screenshot(page, "import-done")

    async with page.expect_download() as download_info:
        await page.get_by_test_id(f"export-{site_id}-residents-csv").click()
    download = await download_info.value
    path = await download.path()
    exported = path.read_text(encoding="utf-8-sig")
    assert exported.splitlines()[0].startswith("site_id,name,phone")
    assert f"{site_id},吴昊,+86{owner}" in exported


async def test_the_director_downloads_but_does_not_import(page: Page) -> None:
    """The director reads the lists (intake's export_directory) but does not change them."""
    await sign_in(page, "director", ["dmg"], "王总")
    await page.goto("/directory")
    await expect(page.get_by_test_id("exports")).to_contain_text("CSV")
    await expect(page.get_by_test_id("import-residents")).to_have_count(0)
    await sign_in(page, "agent", ["dmg"], "李娜")
    await expect(page.locator("nav[aria-label=directory]")).not_to_contain_text("导入")
    response = await page.goto("/directory")
    assert response is not None and response.status == 403
