"""The console's finance screens in front of a scripted billing, without a browser: finance's
charges under a tab per state (the queue to price with each problem, what is owed, what is
paid); a charge's page offers the forms its state allows to finance alone (price again and
confirm the agreed prices while it waits; a numbered receipt for the technician who collects
the cash, BIL-11, or a payment by reference, BIL-16, once raised; the receipt out linked to book
or void it); booking the cash counted (BIL-12, BIL-13) shows billing's refusal of another amount
beside the form, as typed; the day of money in shows its totals, per technician and per method,
and warns of a missing number; the day's households served (BIL-15) are listed for the agents
too. Who sees each screen and form follows billing's access table; a reader's POST and a form
without this browser's CSRF token are refused before billing is asked. Money stays the decimal
strings billing sends."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import httpx
from billing.domain.charge import ChargeStatus, PaymentMethod
from billing.domain.receipt import ReceiptStatus
from billing.entrypoints.http.access import ACCESS, ACCOUNTS
from billing.entrypoints.http.receipts import ReferenceMethod
from console.entrypoints.web import (
    ACCOUNT_READERS,
    FINANCE_DESK,
    FINANCE_SCREENS,
    HOUSEHOLDS_SERVED_READERS,
    finance_screens_for,
)
from console.entrypoints.web import cash_days as cash_day_page
from console.entrypoints.web import charges as charge_pages
from console.entrypoints.web import receipts as receipt_pages
from console.i18n import TEXT
from hotline_libs.auth import Role

from tests.unit.console_forms import form_fields, forms_on
from tests.unit.test_console import page_of, problem, signed_in_against

Routes = dict[tuple[str, str], Any]
"""What the scripted APIs answer, by method and path."""
CHARGE_ID = "3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c"
OTHER_ID = "4a3b2c1d-0e9f-4a8b-9c7d-6e5f4a3b2c1d"


def a_charge(**overrides: Any) -> dict[str, Any]:
    """A tap replaced at 3-1202 for 王芳, raised at 80.00 and owed in cash."""
    charge: dict[str, Any] = {
        "charge_id": CHARGE_ID,
        "charge_no": "CH-DMG-20990301-0001",
        "work_order_id": "5b0f3c1e-2a4d-4c6b-9e8f-7a6b5c4d3e2f",
        "work_order_no": "WO-DMG-20990301-0001",
        "service_record_no": "SRV-DMG-0042",
        "request_id": "0f0e0d0c-0b0a-4908-8706-050403020100",
        "request_no": "SR-DMG-20990301-0001",
        "site_id": "dmg",
        "status": "raised",
        "problems": [],
        "payer": {
            "name": "王芳",
            "phone": "+8613900000000",
            "email": None,
            "building": "3",
            "room": "1202",
        },
        "delivered": [{"item_code": "RP-TAP", "quantity": 1, "agreed_unit_price": None}],
        "lines": [
            {
                "item_code": "RP-TAP",
                "item_name": "更换水龙头",
                "unit": "次",
                "unit_price": "80.00",
                "quantity": 1,
                "amount": "80.00",
            }
        ],
        "total": "80.00",
        "currency": "CNY",
        "payment_method": "cash",
        "priced_by": "price_list",
        "note": None,
        "created_at": "2099-03-01T02:20:00+00:00",
        "raised_at": "2099-03-01T02:20:01+00:00",
        "technician_id": "dmg-t01",
        "payment": None,
        "version": 2,
    }
    return charge | overrides


WAITING = a_charge(
    charge_id=OTHER_ID,
    charge_no="CH-DMG-20990301-0002",
    status="needs_pricing",
    problems=["item 'RP-XYZ' is not on the price list of site 'dmg'"],
    delivered=[
        {"item_code": "RP-TAP", "quantity": 2, "agreed_unit_price": "75.00"},
        {"item_code": "RP-XYZ", "quantity": 1, "agreed_unit_price": None},
    ],
    lines=[],
    total=None,
    priced_by=None,
    raised_at=None,
)
PAID = a_charge(
    status="paid",
    payment={
        "method": "wechat_pay",
        "amount": "80.00",
        "reference": "4200001234",
        "paid_at": "2099-03-01T03:00:00+00:00",
        "booked_at": "2099-03-01T03:05:00+00:00",
        "booked_by": "钱会计",
    },
)
PRICE_LIST = [
    {"item_code": "RP-TAP", "name": "更换水龙头", "unit": "次", "unit_price": "80.00"},
]


def a_receipt(number: int = 123, **overrides: Any) -> dict[str, Any]:
    receipt: dict[str, Any] = {
        "site_id": "dmg",
        "number": number,
        "receipt_no": f"DMG-{number:06d}",
        "status": "issued",
        "charge_id": CHARGE_ID,
        "charge_no": "CH-DMG-20990301-0001",
        "service_record_no": "SRV-DMG-0042",
        "amount": "80.00",
        "currency": "CNY",
        "payer_name": "王芳",
        "building": "3",
        "room": "1202",
        "issued_to": "dmg-t01",
        "issued_by": "钱会计",
        "issued_at": "2099-03-01T02:30:00+00:00",
        "booked_at": None,
        "booked_by": None,
        "voided_at": None,
        "voided_by": None,
        "void_reason": None,
        "version": 1,
    }
    return receipt | overrides


def a_cash_day(day: str, **overrides: Any) -> dict[str, Any]:
    """Receipts 121 to 124 drawn: 121 booked (李强), 122 void, 124 still out; 123 held by none;
    a WeChat payment and two transfers booked by reference."""
    booked = a_receipt(121, status="booked", booked_at="2099-03-01T05:00:00+00:00")
    voided = a_receipt(122, status="void", void_reason="写错", amount="45.50")
    out = a_receipt(124, issued_to="dmg-t02", amount="120.00")
    found: dict[str, Any] = {
        "site_id": "dmg",
        "day": day,
        "first_number": 121,
        "last_number": 124,
        "missing_numbers": [123],
        "issued": [booked, voided, out],
        "booked": [booked],
        "voided": [voided],
        "outstanding": [out],
        "cash_booked": "80.00",
        "by_collector": [{"technician_id": "dmg-t01", "receipts": 1, "amount": "80.00"}],
        "other_payments": [
            {"method": "bank_transfer", "payments": 2, "amount": "300.50"},
            {"method": "wechat_pay", "payments": 1, "amount": "0.10"},
        ],
        "currency": "CNY",
    }
    return found | overrides


def households(day: str) -> dict[str, Any]:
    return {
        "site_id": "dmg",
        "day": day,
        "households": [
            {
                "building": "3",
                "room": "1202",
                "name": "王芳",
                "phone": "+8613900000000",
                "charge_id": CHARGE_ID,
                "charge_no": "CH-DMG-20990301-0001",
                "work_order_no": "WO-DMG-20990301-0001",
                "service_record_no": "SRV-DMG-0042",
                "items": ["更换水龙头"],
                "total": "80.00",
                "payment_method": "cash",
                "status": "paid",
            }
        ],
    }


def charge_routes(
    charge: dict[str, Any],
    receipts: list[dict[str, Any]] | None = None,
    more: dict[tuple[str, str], Any] | None = None,
) -> dict[tuple[str, str], Any]:
    """Billing answering one charge, the receipts drawn for it and the site's price list."""
    routes: dict[tuple[str, str], Any] = {
        ("GET", f"/charges/{charge['charge_id']}"): charge,
        ("GET", "/receipts"): page_of(*(receipts or [])),
        ("GET", "/price-lists/dmg"): lambda _: httpx.Response(200, json=PRICE_LIST),
    }
    return routes | (more or {})


def keeping(sent: list[httpx.Request], answer: httpx.Response) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return answer

    return handler


def posted(calls: list[httpx.Request]) -> list[httpx.Request]:
    return [c for c in calls if c.method == "POST"]


# -- who sees what: billing's access table --------------------------------------------------------
def test_who_sees_the_finance_screens_and_forms_follows_billings_access() -> None:
    assert ACCOUNTS == ACCOUNT_READERS
    for route in ("list_charges", "get_charge", "list_receipts", "get_receipt", "get_cash_day"):
        assert ACCESS[route].roles == ACCOUNT_READERS, route
    for route in (
        "price_again",
        "confirm_agreed",
        "issue_receipt",
        "book_cash",
        "void_receipt",
        "record_payment",
    ):
        assert ACCESS[route].roles == FINANCE_DESK, route
    assert ACCESS["list_households_served"].roles == HOUSEHOLDS_SERVED_READERS
    for role in Role:
        keys = [s.key for s in finance_screens_for(role)]
        assert ("charges" in keys) == (role in ACCOUNT_READERS), role
        assert ("households_served" in keys) == (role in HOUSEHOLDS_SERVED_READERS), role
    assert [s.key for s in finance_screens_for(Role.AGENT)] == ["households_served"]
    assert finance_screens_for(Role.TECHNICIAN) == []


def test_what_the_pages_offer_is_what_billing_knows() -> None:
    assert tuple(s.value for s in ChargeStatus) == charge_pages.STATUSES
    assert tuple(m.value for m in PaymentMethod) == charge_pages.PAYMENT_METHODS
    assert tuple(m.value for m in ReferenceMethod) == charge_pages.REFERENCE_METHODS
    assert tuple(s.value for s in ReceiptStatus) == receipt_pages.STATUSES


def test_the_finance_navigation_is_its_own_group() -> None:
    with signed_in_against(Role.FINANCE, {("GET", "/charges"): page_of()}) as (client, _):
        page = client.get("/charges").text
    nav = page.split('<nav aria-label="finance"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'data-screen="([a-z_]+)"', nav) == [s.key for s in FINANCE_SCREENS]
    served: Routes = {("GET", "/households-served/dmg/2099-03-01"): households("2099-03-01")}
    with signed_in_against(Role.AGENT, served) as (client, _):
        agent = client.get("/households-served?site_id=dmg&day=2099-03-01")
        refused = [client.get(p).status_code for p in ("/charges", "/receipts", "/cash-days")]
        charge = client.get(f"/charges/{CHARGE_ID}")
    assert agent.status_code == 200
    assert refused == [403, 403, 403] and charge.status_code == 403


def test_finance_lands_on_its_charges_and_the_agents_keep_their_desk() -> None:
    with signed_in_against(Role.FINANCE, {}) as (client, _):
        assert client.get("/").headers["location"] == "/charges"
    with signed_in_against(Role.AGENT, {}) as (client, _):
        assert client.get("/").headers["location"] == "/requests/new"


# -- the charges ----------------------------------------------------------------------------------
def test_the_charges_are_listed_per_state_newest_first_with_the_queues_problems() -> None:
    asked: list[httpx.Request] = []

    def listing(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        status = request.url.params.get("status")
        found = {"needs_pricing": [WAITING], "raised": [a_charge()], "paid": [PAID]}
        items = found.get(status or "", [WAITING, PAID, a_charge()])
        return httpx.Response(200, json=page_of(*items))

    with signed_in_against(Role.FINANCE, {("GET", "/charges"): listing}) as (client, _):
        queue = client.get("/charges")
        owed = client.get("/charges?site_id=dmg&status=raised")
        paid = client.get("/charges?status=paid")
        every = client.get("/charges?status=all&offset=50")
    assert queue.status_code == owed.status_code == paid.status_code == every.status_code == 200
    params = [dict(r.url.params) for r in asked]
    assert params == [
        {"limit": "50", "offset": "0", "status": "needs_pricing"},
        {"limit": "50", "offset": "0", "site_id": "dmg", "status": "raised"},
        {"limit": "50", "offset": "0", "status": "paid"},
        {"limit": "50", "offset": "50"},
    ]
    assert 'data-tab="needs_pricing"' in queue.text
    row = _row(queue.text, WAITING["charge_no"])
    assert "not on the price list" in row and "RP-XYZ × 1" in row and "3-1202 · 王芳" in row
    assert "待财务核价" in row and f'href="/charges/{OTHER_ID}"' in row
    owed_row = _row(owed.text, "CH-DMG-20990301-0001")
    assert "更换水龙头 × 1" in owed_row and "¥80.00" in owed_row and "现金" in owed_row
    assert "待收款" in owed_row
    assert "微信支付" in _row(paid.text, "CH-DMG-20990301-0001")
    assert every.text.count('data-testid="charge-CH-DMG-') == 3
    assert 'aria-current="page">全部' in every.text


def _row(page: str, number: str) -> str:
    found = re.search(
        rf'data-testid="(?:charge|receipt|household)-{number}"[^>]*>(.*?)</tr>', page, re.S
    )
    assert found, f"no row for {number}"
    return found.group(1)


def test_a_waiting_charge_offers_finance_price_again_and_the_agreed_prices() -> None:
    with signed_in_against(Role.FINANCE, charge_routes(WAITING)) as (client, _):
        page = client.get(f"/charges/{OTHER_ID}")
    assert page.status_code == 200, page.text
    assert forms_on(page.text) == {"pricing", "agreed"}
    assert "not on the price list" in page.text
    # the listed item by its name, the technician's agreed price kept; the unlisted one asks its
    # name and unit
    assert re.search(r'name="lines.0.unit_price" inputmode="decimal" value="75.00"', page.text)
    assert "更换水龙头" in page.text and 'name="lines.1.item_name"' in page.text
    assert 'name="lines.0.item_name"' not in page.text
    with signed_in_against(Role.DIRECTOR, charge_routes(WAITING)) as (client, _):
        read = client.get(f"/charges/{OTHER_ID}")
    assert read.status_code == 200 and forms_on(read.text) == set()


def test_a_raised_charge_offers_finance_a_receipt_or_a_payment_and_readers_none() -> None:
    with signed_in_against(Role.FINANCE, charge_routes(a_charge())) as (client, calls):
        page = client.get(f"/charges/{CHARGE_ID}")
    assert page.status_code == 200, page.text
    assert forms_on(page.text) == {"receipt", "payment"}
    assert (
        'id="receipt-technician" name="technician_id" maxlength="60" value="dmg-t01"' in page.text
    )
    assert 'id="payment-amount" name="amount" inputmode="decimal" value="80.00"' in page.text
    methods = re.findall(r'<option value="(\w+)"', page.text.split('id="payment-method"')[1])
    assert methods[:3] == ["bank_transfer", "wechat_pay", "alipay"]
    assert 'data-testid="service-record">SRV-DMG-0042' in page.text
    [receipts] = [c for c in calls if c.url.path == "/receipts"]
    assert receipts.url.params["charge_id"] == CHARGE_ID
    for reader in (Role.DIRECTOR, Role.SITE_MANAGER, Role.ADMINISTRATOR):
        with signed_in_against(reader, charge_routes(a_charge())) as (client, _):
            read = client.get(f"/charges/{CHARGE_ID}")
        assert read.status_code == 200 and forms_on(read.text) == set(), reader
    with signed_in_against(Role.ADMIN, charge_routes(a_charge())) as (client, _):
        assert forms_on(client.get(f"/charges/{CHARGE_ID}").text) == {"receipt", "payment"}


def test_a_receipt_out_is_linked_to_book_or_void_it_instead_of_the_forms() -> None:
    routes = charge_routes(a_charge(), [a_receipt(123), a_receipt(120, status="void")])
    with signed_in_against(Role.FINANCE, routes) as (client, _):
        page = client.get(f"/charges/{CHARGE_ID}")
    assert forms_on(page.text) == set()
    out = page.text.split('data-testid="receipt-out"', 1)[1].split("</p>", 1)[0]
    assert "DMG-000123" in out and "dmg-t01" in out
    assert (
        'href="/receipts/dmg/123#book-form"' in out and 'href="/receipts/dmg/123#void-form"' in out
    )
    assert 'data-testid="receipt-DMG-000120" data-status="void"' in page.text


def test_a_paid_charge_shows_its_payment_and_no_form() -> None:
    with signed_in_against(Role.FINANCE, charge_routes(PAID)) as (client, _):
        page = client.get(f"/charges/{CHARGE_ID}")
    assert forms_on(page.text) == set()
    assert 'data-testid="payment-reference">4200001234' in page.text
    assert 'data-testid="payment-method">微信支付' in page.text
    assert "2099-03-01 11:00" in page.text  # paid at 03:00 UTC: 11:00 in Asia/Shanghai


def test_bil11_issuing_a_receipt_posts_the_collector_and_names_the_receipt() -> None:
    sent: list[httpx.Request] = []
    issued = httpx.Response(201, json=a_receipt(123, issued_to="dmg-t02"))
    more = {("POST", f"/charges/{CHARGE_ID}/receipts"): keeping(sent, issued)}
    with signed_in_against(Role.FINANCE, charge_routes(a_charge(), more=more)) as (client, _):
        form = form_fields(client, f"/charges/{CHARGE_ID}", technician_id=" dmg-t02 ")
        done = client.post(f"/charges/{CHARGE_ID}/receipts", data=form)
        client.post(
            f"/charges/{CHARGE_ID}/receipts", data=form | {"technician_id": "", "key": "k-2"}
        )
        back = client.get(done.headers["location"])
    assert done.status_code == 303, done.text
    where = urlsplit(done.headers["location"])
    assert where.path == f"/charges/{CHARGE_ID}"
    query = parse_qs(where.query)
    assert query == {"done": ["receipt"], "receipt_no": ["DMG-000123"], "issued_to": ["dmg-t02"]}
    assert json.loads(sent[0].content) == {"technician_id": "dmg-t02"}
    assert sent[0].headers["Idempotency-Key"] == "k-1"
    assert json.loads(sent[1].content) == {}  # billing's default: who did the work
    notice = back.text.split('data-testid="done"', 1)[1].split("</p>", 1)[0]
    assert "已开具收据" in notice and "DMG-000123" in notice and "dmg-t02" in notice


def test_billing_refusing_a_receipt_is_shown_beside_its_form_as_typed() -> None:
    refusal = "charge CH-DMG-20990301-0001 is already paid (wechat_pay, 4200001234)"
    more = {("POST", f"/charges/{CHARGE_ID}/receipts"): lambda _: problem(409, refusal)}
    with signed_in_against(Role.FINANCE, charge_routes(a_charge(), more=more)) as (client, _):
        form = form_fields(client, f"/charges/{CHARGE_ID}", technician_id="dmg-t09")
        refused = client.post(f"/charges/{CHARGE_ID}/receipts", data=form)
    assert refused.status_code == 409
    beside = re.search(r'data-testid="receipt-problem">([^<]*)<', refused.text)
    assert beside and "already paid" in beside.group(1)
    assert 'name="technician_id" maxlength="60" value="dmg-t09"' in refused.text
    assert 'name="key" value="k-1"' in refused.text  # a 409 kept no answer: the same key


def test_bil16_a_payment_is_posted_by_its_reference_and_the_charge_is_paid() -> None:
    sent: list[httpx.Request] = []
    more = {
        ("POST", f"/charges/{CHARGE_ID}/payments"): keeping(sent, httpx.Response(200, json=PAID))
    }
    with signed_in_against(Role.FINANCE, charge_routes(a_charge(), more=more)) as (client, _):
        form = form_fields(
            client,
            f"/charges/{CHARGE_ID}",
            site_id="dmg",
            method="wechat_pay",
            reference=" 4200001234 ",
            amount="80.00",
            paid_at="2099-03-01T10:30",
        )
        done = client.post(f"/charges/{CHARGE_ID}/payments", data=form)
        now = client.post(f"/charges/{CHARGE_ID}/payments", data=form | {"paid_at": ""})
    assert done.status_code == 303, done.text
    assert parse_qs(urlsplit(done.headers["location"]).query) == {"done": ["payment"]}
    assert json.loads(sent[0].content) == {
        "method": "wechat_pay",
        "reference": "4200001234",
        "amount": "80.00",  # the decimal string as typed: never a float
        "paid_at": "2099-03-01T10:30:00+08:00",  # typed in the site's time
    }
    assert sent[0].headers["Idempotency-Key"] == "k-1"
    assert now.status_code == 303 and "paid_at" not in json.loads(sent[1].content)


def test_billing_refusing_a_payment_keeps_what_was_typed() -> None:
    refusal = "receipt DMG-000123 is out with dmg-t01 to collect this charge in cash: void it first"
    more = {("POST", f"/charges/{CHARGE_ID}/payments"): lambda _: problem(422, refusal)}
    with signed_in_against(Role.FINANCE, charge_routes(a_charge(), more=more)) as (client, _):
        form = form_fields(
            client, f"/charges/{CHARGE_ID}", method="alipay", reference="2099030122001", amount="80"
        )
        refused = client.post(f"/charges/{CHARGE_ID}/payments", data=form)
    assert refused.status_code == 422
    assert re.search(r'data-testid="payment-problem">receipt DMG-000123 is out', refused.text)
    assert (
        'value="2099030122001"' in refused.text
        and 'name="amount" inputmode="decimal" value="80"' in refused.text
    )
    assert re.search(r'<option value="alipay" selected>', refused.text)
    key = re.search(r'id="payment-form".*?name="key" value="([^"]+)"', refused.text, re.S)
    assert key and key.group(1) != "k-1"  # billing kept its 422: a new key for the next try


def test_the_agreed_prices_are_posted_as_typed_and_pricing_again_says_how_it_went() -> None:
    sent: list[httpx.Request] = []
    raised = httpx.Response(200, json=a_charge(charge_id=OTHER_ID))
    still = httpx.Response(200, json=WAITING)
    pricing: list[httpx.Response] = [raised, still]
    more = {
        ("POST", f"/charges/{OTHER_ID}/agreed-prices"): keeping(sent, raised),
        ("POST", f"/charges/{OTHER_ID}/pricing"): lambda _: pricing.pop(),
    }
    with signed_in_against(Role.FINANCE, charge_routes(WAITING, more=more)) as (client, _):
        form = form_fields(
            client,
            f"/charges/{OTHER_ID}",
            **{
                "lines.0.item_code": "RP-TAP",
                "lines.0.unit_price": "",
                "lines.1.item_code": "RP-XYZ",
                "lines.1.unit_price": " 45.50 ",
                "lines.1.item_name": "疏通地漏",
                "lines.1.unit": "次",
                "payment_method": "cash",
                "note": " 见服务及回访记录表 No.0042 ",
            },
        )
        agreed = client.post(f"/charges/{OTHER_ID}/agreed-prices", data=form)
        waiting = client.post(f"/charges/{OTHER_ID}/pricing", data=form | {"key": "k-3"})
        priced = client.post(f"/charges/{OTHER_ID}/pricing", data=form | {"key": "k-4"})
    assert agreed.status_code == 303, agreed.text
    assert json.loads(sent[0].content) == {
        "lines": [
            {"item_code": "RP-XYZ", "unit_price": "45.50", "item_name": "疏通地漏", "unit": "次"}
        ],
        "payment_method": "cash",
        "note": "见服务及回访记录表 No.0042",
    }
    assert agreed.headers["location"] == f"/charges/{OTHER_ID}?done=agreed"
    assert waiting.headers["location"] == f"/charges/{OTHER_ID}?done=still_waiting"
    assert priced.headers["location"] == f"/charges/{OTHER_ID}?done=pricing"


def test_a_refused_agreed_price_is_shown_beside_its_line() -> None:
    invalid = httpx.Response(
        422,
        json={
            "status": 422,
            "detail": "lines.0.unit_price: give an amount in yuan above zero",
            "errors": [
                {"field": "lines.0.unit_price", "message": "give an amount in yuan above zero"}
            ],
        },
    )
    more = {("POST", f"/charges/{OTHER_ID}/agreed-prices"): lambda _: invalid}
    with signed_in_against(Role.FINANCE, charge_routes(WAITING, more=more)) as (client, _):
        form = form_fields(
            client,
            f"/charges/{OTHER_ID}",
            **{
                "lines.0.item_code": "RP-TAP",
                "lines.1.item_code": "RP-XYZ",
                "lines.1.unit_price": "-3",
            },
        )
        refused = client.post(f"/charges/{OTHER_ID}/agreed-prices", data=form)
    assert refused.status_code == 422
    # billing numbers the lines sent (row 0, left empty, was not): shown beside the row typed
    assert re.search(r'data-testid="error-lines.1.unit_price">give an amount', refused.text)
    assert 'data-testid="error-lines.0.unit_price"' not in refused.text
    assert 'name="lines.1.unit_price" inputmode="decimal" value="-3"' in refused.text


# -- the receipt books ----------------------------------------------------------------------------
def test_the_receipt_book_lists_by_state_and_links_finance_to_book_or_void() -> None:
    asked: list[httpx.Request] = []

    def listing(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        return httpx.Response(
            200,
            json=page_of(
                a_receipt(124),
                a_receipt(121, status="booked", booked_at="2099-03-01T05:00:00+00:00"),
            ),
        )

    with signed_in_against(Role.FINANCE, {("GET", "/receipts"): listing}) as (client, _):
        book = client.get("/receipts")
        out = client.get("/receipts?site_id=dmg&status=issued&issued_to=dmg-t01")
    with signed_in_against(Role.DIRECTOR, {("GET", "/receipts"): listing}) as (client, _):
        read = client.get("/receipts")
    assert book.status_code == out.status_code == 200
    assert [dict(r.url.params) for r in asked[:2]] == [
        {"limit": "50", "offset": "0"},
        {
            "limit": "50",
            "offset": "0",
            "site_id": "dmg",
            "status": "issued",
            "issued_to": "dmg-t01",
        },
    ]
    row = _row(book.text, "DMG-000124")
    assert "¥80.00" in row and "dmg-t01" in row and "3-1202 · 王芳" in row
    assert "2099-03-01 10:30" in row and f'href="/charges/{CHARGE_ID}"' in row
    assert 'data-testid="book-DMG-000124"' in row
    assert "book-DMG-000121" not in book.text  # booked: nothing to do
    assert "book-DMG-" not in read.text


def test_an_issued_receipt_offers_finance_booking_and_voiding() -> None:
    routes: Routes = {("GET", "/receipts/dmg/123"): a_receipt(123)}
    with signed_in_against(Role.FINANCE, routes) as (client, _):
        page = client.get("/receipts/dmg/123")
    assert page.status_code == 200, page.text
    assert forms_on(page.text) == {"book", "void"}
    assert 'data-testid="service-record">SRV-DMG-0042' in page.text  # BIL-09
    with signed_in_against(Role.SITE_MANAGER, routes) as (client, _):
        assert forms_on(client.get("/receipts/dmg/123").text) == set()
    booked: Routes = {("GET", "/receipts/dmg/121"): a_receipt(121, status="booked")}
    with signed_in_against(Role.FINANCE, booked) as (client, _):
        assert forms_on(client.get("/receipts/dmg/121").text) == set()


def test_bil12_booking_another_amount_shows_billings_refusal_beside_the_form_as_typed() -> None:
    refusal = (
        "receipt DMG-000123 is for 80.00 yuan; 70.00 was handed in. Count the cash again, or void "
        "the receipt and issue a new one"
    )
    sent: list[httpx.Request] = []
    routes: Routes = {
        ("GET", "/receipts/dmg/123"): a_receipt(123),
        ("POST", "/receipts/dmg/123/booking"): keeping(sent, problem(422, refusal)),
    }
    with signed_in_against(Role.FINANCE, routes) as (client, _):
        form = form_fields(client, "/receipts/dmg/123", amount=" 70.00 ")
        refused = client.post("/receipts/dmg/123/booking", data=form)
    assert refused.status_code == 422
    beside = re.search(r'data-testid="book-problem">([^<]*)<', refused.text)
    assert beside and "80.00 yuan; 70.00 was handed in" in beside.group(1)
    assert re.search(
        r'id="book-amount" name="amount" inputmode="decimal" value=" 70.00 "', refused.text
    )
    assert json.loads(sent[0].content) == {"amount": "70.00"}
    key = re.search(r'id="book-form".*?name="key" value="([^"]+)"', refused.text, re.S)
    assert key and key.group(1) != "k-1"


def test_bil13_the_cash_counted_is_booked_and_a_receipt_voided_with_its_reason() -> None:
    sent: list[httpx.Request] = []
    routes: Routes = {
        ("GET", "/receipts/dmg/123"): a_receipt(123),
        ("POST", "/receipts/dmg/123/booking"): keeping(
            sent, httpx.Response(200, json=a_receipt(123, status="booked"))
        ),
        ("POST", "/receipts/dmg/123/void"): keeping(
            sent, httpx.Response(200, json=a_receipt(123, status="void"))
        ),
    }
    with signed_in_against(Role.FINANCE, routes) as (client, _):
        form = form_fields(client, "/receipts/dmg/123", amount="80.00")
        booked = client.post("/receipts/dmg/123/booking", data=form)
        voided = client.post(
            "/receipts/dmg/123/void", data=form | {"reason": " 写错 ", "key": "k-2"}
        )
        back = client.get(booked.headers["location"])
    assert (
        booked.status_code == 303 and booked.headers["location"] == "/receipts/dmg/123?done=booked"
    )
    assert voided.headers["location"] == "/receipts/dmg/123?done=voided"
    assert [json.loads(r.content) for r in sent] == [{"amount": "80.00"}, {"reason": "写错"}]
    assert [r.headers["Idempotency-Key"] for r in sent] == ["k-1", "k-2"]
    assert "现金已入账" in back.text


def test_a_readers_post_is_refused_before_billing_is_asked() -> None:
    routes = charge_routes(a_charge()) | {("GET", "/receipts/dmg/123"): a_receipt(123)}
    for reader in (Role.DIRECTOR, Role.SITE_MANAGER, Role.ADMINISTRATOR):
        with signed_in_against(reader, routes) as (client, calls):
            form = form_fields(client, f"/charges/{CHARGE_ID}", amount="80.00", reason="x")
            answers = [
                client.post(path, data=form).status_code
                for path in (
                    f"/charges/{CHARGE_ID}/receipts",
                    f"/charges/{CHARGE_ID}/payments",
                    f"/charges/{CHARGE_ID}/pricing",
                    f"/charges/{CHARGE_ID}/agreed-prices",
                    "/receipts/dmg/123/booking",
                    "/receipts/dmg/123/void",
                )
            ]
        assert answers == [403] * 6, reader
        assert posted(calls) == []


def test_a_form_without_this_browsers_csrf_token_is_refused() -> None:
    routes = charge_routes(a_charge()) | {("GET", "/receipts/dmg/123"): a_receipt(123)}
    with signed_in_against(Role.FINANCE, routes) as (client, calls):
        form = form_fields(client, f"/charges/{CHARGE_ID}", amount="80.00")
        missing = {k: v for k, v in form.items() if k != "csrf"}
        answers = [
            client.post(f"/charges/{CHARGE_ID}/receipts", data=missing).status_code,
            client.post("/receipts/dmg/123/booking", data=missing).status_code,
            client.post(
                f"/charges/{CHARGE_ID}/payments", data=form | {"csrf": "guess"}
            ).status_code,
        ]
    assert answers == [403, 403, 403]
    assert posted(calls) == []


# -- the day of money in and the households served ------------------------------------------------
def test_bil12_bil13_bil16_the_cash_day_sums_the_day_and_warns_of_a_missing_number() -> None:
    today = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()
    routes: Routes = {
        ("GET", f"/cash-days/dmg/{today}"): a_cash_day(today),
        ("GET", f"/households-served/dmg/{today}"): households(today),
    }
    with signed_in_against(Role.FINANCE, routes) as (client, calls):
        page = client.get("/cash-days")  # the user's only site, today in its time
    assert page.status_code == 200, page.text
    assert {c.url.path for c in calls} >= {
        f"/cash-days/dmg/{today}",
        f"/households-served/dmg/{today}",
    }
    text = page.text
    warning = text.split('data-testid="missing-numbers"', 1)[1].split("</p>", 1)[0]
    assert "缺号" in warning and "123" in warning
    assert 'data-testid="numbers">121–124' in text
    assert 'data-testid="cash-booked">¥80.00' in text
    assert 'data-testid="by-reference">¥300.60' in text
    assert 'data-testid="money-in">¥380.60' in text  # 80.00 + 300.50 + 0.10, as decimals
    assert 'data-testid="count-booked">1 · ¥80.00' in text
    assert 'data-testid="count-outstanding">1 · ¥120.00' in text
    assert 'data-testid="count-voided">1 · ¥45.50' in text
    assert 'data-testid="collector-dmg-t01"' in text
    assert "银行转账" in text.split('data-testid="method-bank_transfer"')[1].split("</tr>")[0]
    outstanding = text.split('data-testid="receipts-outstanding"')[1].split("</section>")[0]
    assert "DMG-000124" in outstanding and "dmg-t02" in outstanding
    served = text.split('data-testid="households-served"')[1]
    assert "CH-DMG-20990301-0001" in served and "3-1202 · 王芳" in served


def test_a_day_without_a_gap_has_no_warning_and_a_bad_day_is_refused() -> None:
    day = "2099-03-01"
    routes: Routes = {
        ("GET", f"/cash-days/dmg/{day}"): a_cash_day(day, missing_numbers=[]),
        ("GET", f"/households-served/dmg/{day}"): households(day),
    }
    with signed_in_against(Role.DIRECTOR, routes) as (client, calls):
        whole = client.get(f"/cash-days?site_id=dmg&day={day}")
        bad = client.get("/cash-days?site_id=dmg&day=0")
    assert whole.status_code == 200 and 'data-testid="missing-numbers"' not in whole.text
    assert 'href="/cash-days?site_id=dmg&amp;day=2099-02-28"' in whole.text
    assert bad.status_code == 422 and "is not a date" in bad.text
    assert not any("/cash-days/dmg/0" in c.url.path for c in calls)


def test_bil15_the_households_served_are_listed_for_the_agents_who_call_them_back() -> None:
    day = "2099-03-01"
    routes: Routes = {("GET", f"/households-served/dmg/{day}"): households(day)}
    with signed_in_against(Role.AGENT, routes) as (client, _):
        page = client.get(f"/households-served?site_id=dmg&day={day}")
    assert page.status_code == 200, page.text
    row = _row(page.text, "CH-DMG-20990301-0001")
    assert "3-1202 · 王芳" in row and "更换水龙头" in row and "¥80.00" in row and "已收款" in row
    assert "/charges/" not in row  # an agent does not read charges
    with signed_in_against(Role.FINANCE, routes) as (client, _):
        finance = client.get(f"/households-served?site_id=dmg&day={day}")
    assert f'href="/charges/{CHARGE_ID}"' in finance.text


def test_every_label_the_screens_build_is_in_both_languages() -> None:
    built = (
        {s.key for s in FINANCE_SCREENS}
        | {f"charge_{s}" for s in charge_pages.STATUSES}
        | {f"charges_tab_{t}" for t in charge_pages.TABS}
        | {f"payment_{m}" for m in charge_pages.PAYMENT_METHODS}
        | {f"charge_done_{d}" for d in charge_pages.DONE}
        | {"priced_by_price_list", "priced_by_agreed"}
        | {f"receipt_{s}" for s in receipt_pages.STATUSES}
        | {f"receipts_tab_{t}" for t in receipt_pages.TABS}
        | {f"receipt_done_{d}" for d in receipt_pages.DONE}
        | {f"cash_day_{g}" for g in cash_day_page.RECEIPT_GROUPS}
    )
    assert sorted(built - TEXT.keys()) == []


def test_money_is_summed_as_decimals() -> None:
    assert cash_day_page.total_of("0.10", "0.20", None, "1000000.05") == "1000000.35"
