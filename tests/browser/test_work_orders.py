"""Dispatch's work orders in the console: the technician works an order on a phone, from taking
it to the customer's signature, draws materials (one charged to the customer) and opens on
today's work; the dispatcher's board shows a site's orders by state, an order's page the
customer's signature, and the duty staff reassign one and void a cancelled one, the history
saying who and why."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hotline_infra.stack import Stack
from hotline_libs.auth import Role
from playwright.async_api import Page, ViewportSize, expect

from tests.browser.conftest import screenshot
from tests.support import auth, client, register, repair_request, technician_of, work_order_of

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

PHONE = ViewportSize(width=390, height=844)
SHANGHAI = ZoneInfo("Asia/Shanghai")
SIGNATURES = Path(__file__).resolve().parents[2] / ".hotline" / "console" / "signatures"


async def sign_in(
    page: Page, role: str, sites: list[str], name: str, technician_id: str = ""
) -> None:
    await page.goto("/sign-in")
    await page.select_option("#role", role)
    for site in sites:
        await page.check(f"#site-{site}")
    await page.fill("#name", name)
    if technician_id:
        await page.fill("#technician_id", technician_id)
    await page.click("form.card button[type=submit]")


async def fits_the_phone(page: Page) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px phone"


async def a_dispatched_order(platform: Stack) -> dict[str, Any]:
    """A paid repair of a tap at dmg, 3-1202, given to a technician on duty."""
    request = await register(platform, repair_request())
    return await work_order_of(platform, request["request_id"], status="dispatched")


async def order_in_dispatch(platform: Stack, work_order_id: str) -> dict[str, Any]:
    async with client(platform, "dispatch") as dispatch:
        found = await dispatch.get(f"/work-orders/{work_order_id}", headers=auth())
    assert found.status_code == 200, found.text
    order: dict[str, Any] = found.json()
    return order


async def step(page: Page, name: str) -> None:
    """Press the step's big button and wait for the page saying it was done."""
    await page.get_by_test_id(f"step-{name}").locator("button[type=submit]").click()
    await expect(page.get_by_test_id("done")).to_be_visible()


async def test_dsp03_dsp04_dsp05_acc01_a_technician_works_an_order_on_the_phone_to_the_signature(
    page: Page, platform: Stack
) -> None:
    """On a 390 px phone the technician sees the order among theirs (the address, the resident,
    a number to tap), takes it (接单, DSP-03), sets out and arrives (DSP-04), agrees the fee from
    the site's price list at its list price (DSP-05), starts, finishes paid in cash, and the
    customer draws a signature and signs satisfied (ACC-01): signed off, in dispatch too."""
    order = await a_dispatched_order(platform)
    technician = order["technician"]
    number = order["work_order_no"]
    await page.set_viewport_size(PHONE)
    await sign_in(page, "technician", ["dmg"], technician["name"], technician["technician_id"])
    await expect(page.locator("nav[aria-label=work] a[data-screen=my_work_orders]")).to_be_visible()
    await page.goto("/my-work-orders")
    card = page.get_by_test_id(f"order-{number}")
    await expect(card).to_contain_text("3-1202")
    await expect(card).to_contain_text("王芳")
    await expect(card.get_by_test_id("call")).to_have_attribute(
        "href", f"tel:{order['resident']['phone']}"
    )
    await fits_the_phone(page)
    await screenshot(page, "my-work-orders-phone")

    await card.locator("a.wo-open").click()
    await expect(page.get_by_test_id("work-order-no")).to_have_text(number)
    await step(page, "accept")
    await expect(page.get_by_test_id("order-status")).to_have_attribute("data-status", "accepted")
    await step(page, "set_out")
    await step(page, "arrive")
    await expect(page.get_by_test_id("order-status")).to_have_attribute("data-status", "arrived")

    quote = page.get_by_test_id("step-quote")
    await quote.locator("#quote-RP-TAP").check()
    listed = await quote.locator("#quote-RP-TAP-price").input_value()
    assert listed, "the agreed price starts at the list price"
    await fits_the_phone(page)
    await screenshot(page, "my-work-order-quote-phone")
    await step(page, "quote")
    await expect(page.get_by_test_id("agreed-items")).to_contain_text("RP-TAP × 1")
    await step(page, "start")
    await expect(page.get_by_test_id("step-complete").locator("#payment_method")).to_have_value(
        "cash"
    )
    await step(page, "complete")

    sign = page.get_by_test_id("step-sign_off")
    await expect(sign.locator("#signed_by")).to_have_value("王芳")
    pad = sign.get_by_test_id("signature-pad")
    await pad.scroll_into_view_if_needed()
    box = await pad.bounding_box()
    assert box is not None
    await page.mouse.move(box["x"] + 20, box["y"] + 100)
    await page.mouse.down()
    for x, y in ((60, 40), (110, 120), (160, 50), (220, 110), (280, 60)):
        await page.mouse.move(box["x"] + x, box["y"] + y, steps=4)
    await page.mouse.up()
    await sign.locator("#satisfied-yes").check()
    await sign.locator("#opinion").fill("修得很好")
    await fits_the_phone(page)
    await screenshot(page, "my-work-order-sign-off-phone")
    await step(page, "sign_off")
    await expect(page.get_by_test_id("order-status")).to_have_attribute("data-status", "signed_off")
    await expect(page.get_by_test_id("signed-by")).to_contain_text("王芳")
    await expect(page.get_by_test_id("no-steps")).to_be_visible()

    signed = await order_in_dispatch(platform, order["work_order_id"])
    assert signed["status"] == "signed_off"
    assert signed["signed_by"] == "王芳" and signed["satisfied"] is True
    assert signed["taken_at"] and signed["arrived_at"] and signed["service_record_no"]
    assert [i["item_code"] for i in signed["agreed_items"]] == ["RP-TAP"]
    assert signed["payment_method"] == "cash"
    steps = [change["step"] for change in signed["history"]]
    assert steps[-7:] == ["accept", "set_out", "arrive", "quote", "start", "complete", "sign_off"]
    assert {c["actor"]["subject"] for c in signed["history"][-7:]} == {technician["technician_id"]}
    kept = list((SIGNATURES / order["work_order_id"]).glob("*.png"))
    assert kept and kept[0].read_bytes().startswith(b"\x89PNG"), "the drawn signature is kept"
    await page.goto("/my-work-orders")
    await expect(page.get_by_test_id(f"order-{number}")).to_have_count(0)


async def test_acc05_the_board_shows_an_order_under_its_state_and_duty_staff_reassign_it(
    page: Page, platform: Stack
) -> None:
    """The dispatcher's board for dmg lists a dispatched order under 已派工待接单 with its
    dispatch clock; the duty staff may take the technician's steps in their place (ACC-05), and
    reassign it to another maintenance technician of the site: dispatch gives it to them and the
    history says who reassigned it and why."""
    order = await a_dispatched_order(platform)
    number = order["work_order_no"]
    other = "dmg-t02" if order["technician"]["technician_id"] == "dmg-t01" else "dmg-t01"
    await sign_in(page, "duty_staff", ["dmg"], "张敏")
    await expect(page.locator("nav[aria-label=work] a[data-screen=work_orders]")).to_be_visible()
    await page.goto("/work-orders?site_id=dmg")
    card = page.get_by_test_id("group-dispatched").get_by_test_id(f"board-{number}")
    await expect(card).to_be_visible()
    await expect(card.get_by_test_id("clock-dispatch")).to_contain_text("按时")
    await screenshot(page, "work-orders-board")

    await card.locator("a").first.click()
    await expect(page.get_by_test_id("work-order-no")).to_have_text(number)
    await expect(page.get_by_test_id("step-accept")).to_be_visible()  # in the technician's place
    reassign = page.get_by_test_id("step-reassign")
    await reassign.locator("select[name=technician_id]").select_option(other)
    await reassign.locator("textarea[name=reason]").fill("原维修人员请假")
    await step(page, "reassign")
    await expect(page.get_by_test_id("technician")).to_contain_text(other)
    last = page.get_by_test_id("history").locator("li").last
    await expect(last).to_have_attribute("data-step", "reassign")
    await expect(last.get_by_test_id("actor")).to_have_text("张敏")
    await expect(last.get_by_test_id("reason")).to_have_text("原维修人员请假")
    await screenshot(page, "work-order-desk")

    reassigned = await order_in_dispatch(platform, order["work_order_id"])
    assert reassigned["status"] == "dispatched"
    assert reassigned["technician"]["technician_id"] == other
    assert reassigned["history"][-1]["reason"] == "原维修人员请假"


async def test_dsp06_duty_staff_void_a_cancelled_order_and_the_history_says_who_and_why(
    page: Page, platform: Stack
) -> None:
    """A customer called the repair off (DSP-06): the board shows the cancelled order under
    已取消待作废; the duty staff void it from its page with a reason, and the history names them;
    a reason left out is refused beside the field first."""
    order = await a_dispatched_order(platform)
    number = order["work_order_no"]
    async with client(platform, "dispatch") as dispatch:
        cancelled = await dispatch.post(
            f"/work-orders/{order['work_order_id']}/cancellation",
            json={"reason": "业户自行修好了"},
            headers={**technician_of(order), "Idempotency-Key": f"cancel-{number}"},
        )
    assert cancelled.status_code == 201, cancelled.text
    await sign_in(page, "duty_staff", ["dmg"], "张敏")
    await page.goto("/work-orders?site_id=dmg")
    card = page.get_by_test_id("group-awaiting_void").get_by_test_id(f"board-{number}")
    await expect(card).to_be_visible()
    await card.locator("a").first.click()

    void = page.get_by_test_id("step-void")
    await void.locator("button[type=submit]").click()
    await expect(page.get_by_test_id("step-void").get_by_test_id("error-reason")).to_be_visible()
    await page.get_by_test_id("step-void").locator("textarea[name=reason]").fill("业户取消，作废")
    await step(page, "void")
    await expect(page.get_by_test_id("order-status")).to_have_attribute("data-status", "voided")
    history = page.get_by_test_id("history")
    cancel = history.locator("li[data-step=cancel]")
    await expect(cancel.get_by_test_id("reason")).to_have_text("业户自行修好了")
    voided = history.locator("li[data-step=void]")
    await expect(voided.get_by_test_id("actor")).to_have_text("张敏")
    await expect(voided.get_by_test_id("reason")).to_have_text("业户取消，作废")

    found = await order_in_dispatch(platform, order["work_order_id"])
    assert found["status"] == "voided"
    assert found["history"][-1]["actor"]["role"] == Role.DUTY_STAFF.value
    await page.goto("/work-orders?site_id=dmg")
    await expect(page.get_by_test_id(f"board-{number}")).to_have_count(0)


async def test_dsp07_acc01_a_charged_material_on_the_phone_and_the_signature_on_the_board(
    page: Page, platform: Stack
) -> None:
    """On the phone the technician draws a socket panel charged to the customer as the price
    list's RP-SOCKET and borrows a ladder (a tool asks for no charge): both listed, the panel with
    its charge. Once the work is finished the charged panel cannot come back (dispatch's refusal
    shown beside it). The customer signs on the phone; the dispatcher's page shows who signed,
    when, satisfied, and the signature drawn."""
    order = await a_dispatched_order(platform)
    technician = order["technician"]
    number = order["work_order_no"]
    await page.set_viewport_size(PHONE)
    await sign_in(page, "technician", ["dmg"], technician["name"], technician["technician_id"])
    await expect(page.locator("nav[aria-label=work] a[data-screen=my_work_orders]")).to_be_visible()
    await page.goto(f"/my-work-orders/{order['work_order_id']}")
    await expect(page.get_by_test_id("work-order-no")).to_have_text(number)
    await step(page, "accept")

    draw = page.get_by_test_id("draw-form")
    await expect(draw.get_by_test_id("charge-as-field")).to_be_visible()
    await draw.locator("#draw-item").fill("86型插座面板")
    await draw.locator("#draw-quantity").fill("1")
    await draw.locator("#draw-charge-as").fill("RP-SOCKET")
    await fits_the_phone(page)
    await screenshot(page, "my-work-order-materials-phone")
    await draw.locator("button[type=submit]").click()
    await expect(page.get_by_test_id("done")).to_be_visible()
    panel = page.get_by_test_id("material-1")
    await expect(panel).to_contain_text("86型插座面板")
    await expect(panel.get_by_test_id("charge-as")).to_have_text("收费: RP-SOCKET")

    draw = page.get_by_test_id("draw-form")
    await draw.locator("#draw-kind-tool").check()
    await expect(draw.get_by_test_id("charge-as-field")).to_be_hidden()
    await draw.locator("#draw-item").fill("人字梯")
    await draw.locator("button[type=submit]").click()
    await expect(page.get_by_test_id("done")).to_be_visible()
    ladder = page.get_by_test_id("material-2")
    await expect(ladder).to_contain_text("人字梯")
    await expect(ladder).to_have_attribute("data-kind", "tool")
    await expect(ladder.get_by_test_id("charge-as")).to_have_count(0)
    await fits_the_phone(page)

    await step(page, "set_out")
    await step(page, "arrive")
    await page.get_by_test_id("step-quote").locator("#quote-RP-TAP").check()
    await step(page, "quote")
    await step(page, "start")
    await expect(page.get_by_test_id("step-complete").locator("#payment_method")).to_have_value(
        "cash"
    )
    await step(page, "complete")
    back = page.get_by_test_id("give-back-1")
    await back.locator("button[type=submit]").click()
    refused = page.get_by_test_id("give-back-1").get_by_test_id("refused-give_back-1")
    await expect(refused).to_be_visible()
    await expect(page.get_by_test_id("material-1").get_by_test_id("still-out")).to_contain_text("1")

    sign = page.get_by_test_id("step-sign_off")
    pad = sign.get_by_test_id("signature-pad")
    await pad.scroll_into_view_if_needed()
    box = await pad.bounding_box()
    assert box is not None
    await page.mouse.move(box["x"] + 30, box["y"] + 90)
    await page.mouse.down()
    for x, y in ((70, 30), (120, 130), (170, 40), (230, 120), (290, 50)):
        await page.mouse.move(box["x"] + x, box["y"] + y, steps=4)
    await page.mouse.up()
    await sign.locator("#satisfied-yes").check()
    await step(page, "sign_off")
    await expect(page.get_by_test_id("order-status")).to_have_attribute("data-status", "signed_off")
    await expect(page.get_by_test_id("sign-off").get_by_test_id("signature-image")).to_be_visible()
    await fits_the_phone(page)

    signed = await order_in_dispatch(platform, order["work_order_id"])
    assert [(m["item"], m["kind"], m["charge_as"]) for m in signed["materials"]] == [
        ("86型插座面板", "material", "RP-SOCKET"),
        ("人字梯", "tool", None),
    ]
    assert "RP-SOCKET" in [i["item_code"] for i in signed["items"]], "charged with the work"

    await page.set_viewport_size({"width": 1280, "height": 900})
    await sign_in(page, "duty_staff", ["dmg"], "张敏")
    await expect(page.locator("nav[aria-label=work] a[data-screen=work_orders]")).to_be_visible()
    await page.goto(f"/work-orders/{order['work_order_id']}")
    sign_off = page.get_by_test_id("sign-off")
    await expect(sign_off.get_by_test_id("sign-off-by")).to_have_text("王芳")
    await expect(sign_off.get_by_test_id("sign-off-satisfied")).to_have_attribute(
        "data-satisfied", "true"
    )
    await expect(sign_off.get_by_test_id("sign-off-at")).to_have_text(
        re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
    )
    image = sign_off.get_by_test_id("signature-image")
    await expect(image).to_be_visible()
    loaded = await image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert loaded, "the signature drawn on the phone is shown"
    await expect(page.get_by_test_id("material-1").get_by_test_id("charge-as")).to_have_text(
        "收费: RP-SOCKET"
    )
    await screenshot(page, "work-order-desk-signed-off")


def later_today_in_shanghai() -> datetime:
    """A moment later today on the site's clock (the appointment must not be past)."""
    now = datetime.now(UTC)
    midnight = datetime.combine(
        now.astimezone(SHANGHAI).date() + timedelta(days=1), datetime.min.time(), SHANGHAI
    )
    at = min(now + timedelta(minutes=10), midnight - timedelta(minutes=1))
    if at - now < timedelta(seconds=40):
        pytest.skip("too close to midnight in Shanghai to book an appointment for today")
    return at


async def given_to(platform: Stack, order: dict[str, Any], technician_id: str) -> None:
    """The order given to ``technician_id`` by the duty staff, unless it is theirs already."""
    if order["technician"] and order["technician"]["technician_id"] == technician_id:
        return
    async with client(platform, "dispatch") as dispatch:
        given = await dispatch.post(
            f"/work-orders/{order['work_order_id']}/assignment",
            json={"technician_id": technician_id, "reason": "同一维修人员处理"},
            headers={**auth(Role.DUTY_STAFF), "Idempotency-Key": str(uuid.uuid4())},
        )
    assert given.status_code in (200, 201), given.text


async def test_the_phone_opens_on_todays_work_and_links_to_every_open_order(
    page: Page, platform: Stack
) -> None:
    """A technician with an order booked for later today and one booked in three days sees the
    first on their phone's list (today in Shanghai time, the default), not the second; the link
    to every open order lists both."""
    today_order = await work_order_of(
        platform,
        (
            await register(
                platform, repair_request(appointment_at=later_today_in_shanghai().isoformat())
            )
        )["request_id"],
        status="dispatched",
    )
    technician = today_order["technician"]
    later = datetime.now(UTC) + timedelta(days=3)
    later_request = await register(platform, repair_request(appointment_at=later.isoformat()))
    later_order = await work_order_of(platform, later_request["request_id"])
    await given_to(platform, later_order, technician["technician_id"])

    await page.set_viewport_size(PHONE)
    await sign_in(page, "technician", ["dmg"], technician["name"], technician["technician_id"])
    await expect(page.locator("nav[aria-label=work] a[data-screen=my_work_orders]")).to_be_visible()
    await page.goto("/my-work-orders")
    await expect(page.get_by_test_id("showing")).to_have_attribute("data-showing", "today")
    todays = page.get_by_test_id(f"order-{today_order['work_order_no']}")
    await expect(todays).to_be_visible()
    await expect(todays.get_by_test_id("appointment")).to_contain_text(
        datetime.now(SHANGHAI).strftime("%Y-%m-%d")
    )
    await expect(page.get_by_test_id(f"order-{later_order['work_order_no']}")).to_have_count(0)
    await expect(page.get_by_test_id("my-shifts")).to_be_visible()
    await fits_the_phone(page)
    await screenshot(page, "my-work-orders-today-phone")

    await page.get_by_test_id("show-all").click()
    await expect(page.get_by_test_id("showing")).to_have_attribute("data-showing", "all")
    await expect(page.get_by_test_id(f"order-{later_order['work_order_no']}")).to_be_visible()
    await expect(page.get_by_test_id(f"order-{today_order['work_order_no']}")).to_be_visible()
    await fits_the_phone(page)
    await page.get_by_test_id("show-today").click()
    await expect(page.get_by_test_id(f"order-{later_order['work_order_no']}")).to_have_count(0)
