"""Bank collection in the console over billing on the real stack (FEE-02, BIL-05): finance records
the site's collecting account and a resident's mandate (an IBAN that fails its check digits
refused beside the field, as typed), a signed repair owed by bank collection is gathered into a
new batch, whose preview shows the debit, count and control sum; the pain.008 file downloads
under billing's name and names the debit and the control sum; the batch is marked sent. The
bank's answer is uploaded: a pain.002 naming a debit the batch does not hold is refused with the
line and its fault and nothing changes; the right one settles one debit and rejects the other,
the batch shows both and the rejected charge is owed again with the bank's reason."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hotline_infra.stack import Stack
from hotline_libs.auth import Role
from playwright.async_api import FilePayload, Page, expect

from tests.bank_answers import Answered, pain002
from tests.browser.conftest import screenshot
from tests.browser.test_console import sign_in
from tests.support import auth, client, signed_paid_repair

pytestmark = [
    pytest.mark.browser,
    pytest.mark.e2e,
    pytest.mark.usefixtures("service_logs_on_failure"),
]

SITE = "dmg"
ACCOUNT = "6222020200112233445"
BANK = "102791000123"


def a_collection_day() -> str:
    """A collection day no other test gathers a batch for (one batch per site and day)."""
    days = 60 + uuid.uuid4().int % 15_000
    return (datetime.now(UTC) + timedelta(days=days)).date().isoformat()


async def owed_by_bank_collection(platform: Stack) -> tuple[str, dict[str, Any]]:
    """A signed tap replacement at a unit of its own in building 3, to be paid by bank
    collection: the unit's room and billing's raised charge."""
    room = f"B{uuid.uuid4().hex[:6]}"
    _, charge = await signed_paid_repair(
        platform, site_id=SITE, payment_method="bank_collection", room=room
    )
    return room, charge


async def with_mandates(platform: Stack, rooms: list[str]) -> None:
    """The site's collecting account and a mandate for each unit, recorded through billing."""
    finance = auth(Role.FINANCE, [SITE])
    async with client(platform, "billing") as billing:
        creditor = await billing.put(
            f"/site-creditors/{SITE}",
            json={
                "name": "西安大明宫物业服务有限公司",
                "account": "61050110123456789012",
                "bank": "105791000012",
            },
            headers={**finance, "Idempotency-Key": str(uuid.uuid4())},
        )
        assert creditor.status_code == 200, creditor.text
        for room in rooms:
            mandate = await billing.put(
                f"/mandates/MD-{room}",
                json={
                    "site_id": SITE,
                    "building": "3",
                    "room": room,
                    "holder": "王芳",
                    "account": ACCOUNT,
                    "bank": BANK,
                    "signed_on": "2025-03-01",
                },
                headers={**finance, "Idempotency-Key": str(uuid.uuid4())},
            )
            assert mandate.status_code == 200, mandate.text


def bank_file(name: str, content: bytes) -> FilePayload:
    return {"name": name, "mimeType": "application/xml", "buffer": content}


async def gather_and_send(page: Page, day: str) -> str:
    """A new batch for ``day`` through the list's form, marked sent; its id."""
    await page.goto("/collection-batches")
    await page.locator("#b-site").select_option(SITE)
    await page.locator("#b-date").fill(day)
    await page.get_by_test_id("gather-batch").click()
    await expect(page.get_by_test_id("done")).to_contain_text("托收批次已生成")
    batch_id = (await page.get_by_test_id("batch-id").inner_text()).strip()
    await page.get_by_test_id("mark-sent").click()
    await expect(page.get_by_test_id("batch-status")).to_have_attribute("data-status", "sent")
    return batch_id


async def test_fee02_a_batch_from_its_preview_to_the_file_for_the_bank(
    page: Page, platform: Stack, tmp_path: Path
) -> None:
    room, charge = await owed_by_bank_collection(platform)
    number, total = charge["charge_no"], charge["total"]
    await sign_in(page, "finance", [SITE], "钱会计")
    finance_nav = page.locator("nav[aria-label=finance]")

    # the site's collecting account
    await finance_nav.locator("a[data-screen=site_creditors]").click()
    await expect(page.locator("#sc-site")).to_have_value(SITE)
    form = page.get_by_test_id("creditor-form")
    await form.locator("#c-name").fill("西安大明宫物业服务有限公司")
    await form.locator("#c-account").fill("6105 0110 1234 5678 9012")
    await form.locator("#c-bank").fill("105791000012")
    await form.locator("#c-scheme-id").fill("CN-DMG-0001")
    await page.get_by_test_id("save-creditor").click()
    await expect(page.get_by_test_id("done")).to_contain_text("收款账户已保存")
    await expect(page.get_by_test_id("creditor-account")).to_have_text("61050110123456789012")

    # the resident's mandate: an IBAN failing its check digits refused beside it, as typed
    await finance_nav.locator("a[data-screen=mandates]").click()
    mandate_id = f"MD-{room}"
    form = page.get_by_test_id("mandate-form")
    await form.locator("#m-id").fill(mandate_id)
    await form.locator("#m-site").select_option(SITE)
    await form.locator("#m-building").fill("3")
    await form.locator("#m-room").fill(room)
    await form.locator("#m-holder").fill("王芳")
    await form.locator("#m-account").fill("DE89370400440532013001")
    await form.locator("#m-bank").fill(BANK)
    await form.locator("#m-signed-on").fill("2025-03-01")
    await page.get_by_test_id("record-mandate").click()
    await expect(page.get_by_test_id("error-account")).to_contain_text("not a valid IBAN")
    await expect(page.locator("#m-account")).to_have_value("DE89370400440532013001")
    await expect(page.locator("#m-room")).to_have_value(room)
    await screenshot(page, "mandate-refused")
    await page.locator("#m-account").fill("6222 0202 0011 2233 445")
    await page.get_by_test_id("record-mandate").click()
    await expect(page.get_by_test_id("done")).to_contain_text("托收协议已登记")
    await expect(page.get_by_test_id("mandate-status")).to_have_attribute("data-status", "active")
    await expect(page.get_by_test_id("account")).to_have_text(ACCOUNT)
    await page.get_by_test_id("unit-mandates").click()
    await expect(page.get_by_test_id(f"mandate-{mandate_id}")).to_be_visible()

    # a new batch: its preview names the debit, the count and the control sum
    await finance_nav.locator("a[data-screen=collection_batches]").click()
    await page.locator("#b-site").select_option(SITE)
    await page.locator("#b-date").fill(a_collection_day())
    await page.get_by_test_id("gather-batch").click()
    await expect(page.get_by_test_id("done")).to_contain_text("托收批次已生成")
    await expect(page.get_by_test_id("batch-status")).to_have_attribute("data-status", "ready")
    debit = page.get_by_test_id(f"debit-{number}")
    await expect(debit.get_by_test_id("amount")).to_have_text(f"¥{total}")
    await expect(debit.get_by_test_id("status")).to_have_text("待回复")
    batch_id = (await page.get_by_test_id("batch-id").inner_text()).strip()
    control_sum = (await page.get_by_test_id("control-sum").inner_text()).strip().lstrip("¥")
    count = int((await page.get_by_test_id("batch-count").inner_text()).strip())
    assert count >= 1
    await screenshot(page, "collection-batch")

    # the file for the bank, under billing's name
    async with page.expect_download() as downloading:
        await page.get_by_test_id("download-file").click()
    download = await downloading.value
    assert download.suggested_filename == f"{batch_id}.xml"
    saved = tmp_path / download.suggested_filename
    await download.save_as(saved)
    document = saved.read_text(encoding="utf-8")
    assert f"<EndToEndId>{number}</EndToEndId>" in document
    assert re.search(rf"<GrpHdr>.*?<NbOfTxs>{count}</NbOfTxs>", document, re.S)
    assert re.search(rf"<GrpHdr>.*?<CtrlSum>{re.escape(control_sum)}</CtrlSum>", document, re.S)
    assert f"<MndtId>{mandate_id}</MndtId>" in document

    # marked sent: the bank's answer is awaited
    await page.get_by_test_id("mark-sent").click()
    await expect(page.get_by_test_id("done")).to_contain_text("已标记为已发送")
    await expect(page.get_by_test_id("batch-status")).to_have_attribute("data-status", "sent")
    await expect(page.get_by_test_id("answer-form")).to_be_visible()
    await expect(page.get_by_test_id("sending-form")).to_have_count(0)
    await finance_nav.locator("a[data-screen=collection_batches]").click()
    await expect(page.get_by_test_id(f"batch-{batch_id}").get_by_test_id("status")).to_have_text(
        "已发送银行"
    )

    # the charge says which batch collects it; a site manager reads the batch without forms
    await page.goto(f"/charges/{charge['charge_id']}")
    await expect(page.get_by_test_id("collecting-in")).to_have_text(batch_id)
    await sign_in(page, "site_manager", [SITE], "赵经理")
    await page.goto(f"/collection-batches/{batch_id}")
    await expect(page.get_by_test_id(f"debit-{number}")).to_be_visible()
    await expect(page.get_by_test_id("batch-forms")).to_have_count(0)


async def test_fee02_the_banks_answer_refused_line_by_line_then_applied(
    page: Page, platform: Stack
) -> None:
    (paid_room, paid), (refused_room, refused) = [
        await owed_by_bank_collection(platform) for _ in range(2)
    ]
    await with_mandates(platform, [paid_room, refused_room])
    await sign_in(page, "finance", [SITE], "钱会计")
    batch_id = await gather_and_send(page, a_collection_day())
    await expect(page.get_by_test_id(f"debit-{paid['charge_no']}")).to_be_visible()
    await expect(page.get_by_test_id(f"debit-{refused['charge_no']}")).to_be_visible()

    # a file naming a debit the batch does not hold: the line and its fault, nothing applied
    unknown = f"CH-DMG-20990101-{uuid.uuid4().int % 10_000:04d}"
    wrong = pain002(
        batch_id,
        [Answered(paid["charge_no"], paid["total"]), Answered(unknown, "80.00")],
        message_id=f"BANK-{uuid.uuid4().hex[:8]}",
    )
    await page.locator("#answer-file").set_input_files(files=bank_file("bank-answer.xml", wrong))
    await page.get_by_test_id("import-answer").click()
    report = page.get_by_test_id("answer-refused")
    await expect(report.get_by_test_id("answer-problem")).to_contain_text("bank-answer.xml")
    await expect(report.get_by_test_id("nothing-applied")).to_contain_text("未导入")
    fault = report.get_by_test_id("fault-2")
    await expect(fault.get_by_test_id("position")).to_have_text("2")
    await expect(fault.get_by_test_id("fault")).to_contain_text(f"{unknown} is not a debit")
    await expect(report.get_by_test_id("fault-1")).to_have_count(0)
    await expect(page.get_by_test_id("batch-status")).to_have_attribute("data-status", "sent")
    await expect(page.get_by_test_id("settled")).to_have_text("0 · ¥0.00")
    await expect(
        page.get_by_test_id(f"debit-{paid['charge_no']}").get_by_test_id("status")
    ).to_have_text("待回复")
    await screenshot(page, "bank-answer-refused")

    # the right file: one settled, one rejected for insufficient funds
    right = pain002(
        batch_id,
        [
            Answered(paid["charge_no"], paid["total"]),
            Answered(
                refused["charge_no"], refused["total"], rejected_with="AM04", words="余额不足"
            ),
        ],
        message_id=f"BANK-{uuid.uuid4().hex[:8]}",
    )
    await page.locator("#answer-file").set_input_files(files=bank_file("bank-answer-2.xml", right))
    await page.get_by_test_id("import-answer").click()
    await expect(page.get_by_test_id("answer-settled")).to_have_text("已扣款 1")
    await expect(page.get_by_test_id("answer-rejected")).to_have_text("被退回 1")
    await expect(page.get_by_test_id("answer-unchanged")).to_have_text("无变化 0")
    await expect(page.get_by_test_id("settled")).to_contain_text(f"¥{paid['total']}")
    await expect(page.get_by_test_id("rejected")).to_contain_text(f"¥{refused['total']}")
    rejected_row = page.get_by_test_id(f"debit-{refused['charge_no']}")
    await expect(rejected_row.get_by_test_id("status")).to_contain_text("AM04")
    await expect(
        page.get_by_test_id(f"debit-{paid['charge_no']}").get_by_test_id("status")
    ).to_have_text("已扣款")
    await screenshot(page, "bank-answer-applied")

    # the rejected charge is owed again, with the bank's reason; the settled one is paid
    await rejected_row.get_by_test_id("open-charge").click()
    await expect(page.get_by_test_id("charge-status")).to_have_attribute("data-status", "raised")
    await expect(page.get_by_test_id("rejection-AM04")).to_contain_text(batch_id)
    await expect(page.get_by_test_id("collecting-in")).to_have_count(0)
    await page.goto(f"/charges/{paid['charge_id']}")
    await expect(page.get_by_test_id("charge-status")).to_have_attribute("data-status", "paid")
    await expect(page.get_by_test_id("payment-method")).to_have_text("银行托收")

    # on a phone's width the batch's figures and debits stack, each value with its label
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.goto(f"/collection-batches/{batch_id}")
    await expect(rejected_row.get_by_test_id("amount")).to_be_visible()
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await screenshot(page, "collection-batch-phone")
