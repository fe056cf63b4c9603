"""The message templates (通知模板, issue #13) in the console over notification's API on the real
stack, four eyes: the call centre's supervisor opens the templates from the navigation, starts a
draft of the English SMS of a reply (reply_given; residents are sent Chinese, so the other tests'
messages stay as they are), previews it: a name the message type does not have is refused beside
the body, as typed; the text fixed, the preview shows it rendered with the type's example data
and the SMS's characters (signature included), encoding and parts. The draft is saved; its author
is not offered its approval. The director opens the same template, sees the draft with its author
and approves it: it is the current version, approved by the director, and the list says so."""

from __future__ import annotations

import uuid

import pytest
from hotline_infra.stack import Stack
from hotline_libs.auth import Role
from playwright.async_api import Page, expect

from tests.browser.conftest import screenshot
from tests.browser.test_callback_kpis import as_
from tests.support import auth, client

pytestmark = [
    pytest.mark.browser,
    pytest.mark.e2e,
    pytest.mark.usefixtures("service_logs_on_failure"),
]

SUPERVISOR, DIRECTOR = "张主管", "王总"


async def test_a_draft_previewed_then_approved_by_another_member(
    page: Page, platform: Stack
) -> None:
    marker = uuid.uuid4().hex[:6]
    body = "Your {{ 'complaint' if complaint else 'request' }} {{ request_no }}: " + marker
    nav = page.locator("nav[aria-label=main]")

    # the supervisor opens the templates and starts from the English SMS of a reply
    await as_(page, "supervisor", "dmg", SUPERVISOR)
    await nav.locator("a[data-screen=message_templates]").click()
    row = page.get_by_test_id("type-reply_given")
    await expect(row).to_be_visible()
    await row.get_by_test_id("open-type").click()
    template = page.get_by_test_id("template-sms-en")
    await template.get_by_test_id("start-from").click()
    form = page.get_by_test_id("draft-form")
    await expect(form.locator("#mt-channel")).to_have_value("sms")
    await expect(form.locator("#mt-language")).to_have_value("en")
    await expect(form.locator("#mt-body")).to_have_value(
        "Your {% if complaint %}complaint{% else %}request{% endif %} {{ request_no }}"
        "{% if site_name %} at {{ site_name }}{% endif %}, our answer: {{ text|quoted }}"
    )

    # a name the type does not have is refused beside the body, as typed
    await form.locator("#mt-body").fill("Dear {{ nickname }}")
    await page.get_by_test_id("preview-button").click()
    form = page.get_by_test_id("draft-form")
    await expect(form.get_by_test_id("error-body")).to_contain_text("nickname")
    await expect(form.locator("#mt-body")).to_have_value("Dear {{ nickname }}")

    # fixed, the preview renders it with the example data, the SMS measured with the signature
    await form.locator("#mt-body").fill(body)
    await page.get_by_test_id("preview-button").click()
    preview = page.get_by_test_id("preview")
    rendered = f"Your request SR-DMG-20261123-0002: {marker}"
    await expect(preview.get_by_test_id("preview-body")).to_have_text(rendered)
    await expect(preview.get_by_test_id("sms-encoding")).to_have_text("UCS-2")  # 【物业服务热线】
    await expect(preview.get_by_test_id("sms-characters")).to_have_text(str(8 + len(rendered)))
    await expect(preview.get_by_test_id("sms-parts")).to_have_text("1")
    await expect(page.locator("#mt-body")).to_have_value(body)
    await screenshot(page, "message-template-preview")

    await page.get_by_test_id("write-draft").click()
    await expect(page.get_by_test_id("done")).to_contain_text("草稿已保存")
    template = page.get_by_test_id("template-sms-en")
    draft = template.locator("tr[data-state=draft]").first
    await expect(draft.get_by_test_id("body")).to_have_text(body)
    await expect(draft.get_by_test_id("own-draft")).to_be_visible()
    await expect(draft.get_by_test_id("approve-form")).to_have_count(0)
    number = (await draft.get_attribute("data-testid") or "").removeprefix("version-")

    # the director approves it: the current version, approved by them
    await as_(page, "director", "dmg", DIRECTOR)
    await page.goto("/message-templates/reply_given")
    template = page.get_by_test_id("template-sms-en")
    draft = template.get_by_test_id(f"version-{number}")
    await expect(draft.get_by_test_id("written-by")).to_contain_text(SUPERVISOR)
    await draft.get_by_test_id("approve").click()
    await expect(page.get_by_test_id("done")).to_contain_text("已批准")
    template = page.get_by_test_id("template-sms-en")
    await expect(template).to_have_attribute("data-current", number)
    approved = template.get_by_test_id(f"version-{number}")
    await expect(approved).to_have_attribute("data-state", "approved")
    await expect(approved.get_by_test_id("decided-by")).to_contain_text(DIRECTOR)
    await screenshot(page, "message-template-approved")

    await page.goto("/message-templates")
    current = page.get_by_test_id("type-reply_given").get_by_test_id("current-sms-en")
    await expect(current).to_contain_text(f"版本 {number}")

    # notification sends it from now on: the version is its current one
    async with client(platform, "notification") as notification:
        found = (await notification.get("/templates", headers=auth(Role.AGENT))).json()
    reply = next(t for t in found if t["message_type"] == "reply_given")
    sms_en = next(t for t in reply["templates"] if (t["channel"], t["language"]) == ("sms", "en"))
    assert sms_en["current"] == int(number)
