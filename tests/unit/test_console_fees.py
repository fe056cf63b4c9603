"""The console's management fee screens in front of a scripted billing, without a browser
(FEE-01 to FEE-06, FEE-10 to FEE-12): the units' fee contracts listed by site and unit and
recorded from the signed paper; a commercial contract's deposits required against held (FEE-11),
one held, the move-out confirmed with its fee cut-off (FEE-12) and a deposit released; a month's
bills with their amount, today's late fee (FEE-03), what is owed today, their state and the
reminders sent, a flagged bill marked for the site to act (FEE-04), and the month's collection
rate against 95% (FEE-10); the month's bills issued with the water and electricity typed a unit
a line (a line the console cannot read named without asking billing, billing's refusal of a line
beside the line it came from) and the run's summary with the units skipped and why; a bill's
page with its lines, payer and liable owner (FEE-05), reminders asked and sent, and its payment:
cash at the desk for what is owed today, the receipt's number then shown and linked (FEE-02), or
by reference (BIL-16). Billing's refusals are shown beside the form, as typed; who sees each
screen and form follows billing's access table; a reader's POST and a form without this
browser's CSRF token are refused before billing is asked; every label is in both languages."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from billing.domain.charge import PaymentMethod
from billing.domain.fee_bill import FeeBillStatus, FeeItem
from billing.domain.fee_contract import DepositKind, UnitKind
from billing.entrypoints.http.access import ACCESS
from console.bootstrap import create_app
from console.entrypoints.web import (
    ACCOUNT_READERS,
    FEE_READERS,
    FINANCE_DESK,
    FINANCE_SCREENS,
    MOVE_OUT_CONFIRMERS,
    finance_screens_for,
)
from console.entrypoints.web import fee_bills as bill_pages
from console.entrypoints.web import fee_contracts as contract_pages
from console.i18n import TEXT
from console.settings import ConsoleSettings
from hotline_libs.auth import Role

from tests.unit.console_forms import form_fields
from tests.unit.test_console import page_of, problem, signed_in_against
from tests.unit.test_console_finance import a_receipt, keeping, posted

Routes = dict[tuple[str, str], Any]
BILL_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
BILL = f"/fee-bills/{BILL_ID}"
CONTRACT = "/fee-contracts/HT-3-1202"
SHOP = "/fee-contracts/HT-S-101"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def a_contract(contract_no: str = "HT-3-1202", **overrides: Any) -> dict[str, Any]:
    """3-1202's residential contract at 3.00 yuan per m² and month, open-ended."""
    contract: dict[str, Any] = {
        "contract_no": contract_no,
        "site_id": "dmg",
        "building": "3",
        "room": "1202",
        "kind": "residential",
        "rate": "3.00",
        "starts_on": "2098-01-01",
        "fee_cut_off": None,
        "monthly_rent": None,
        "deposits_required": {},
        "deposits": [],
        "recorded_at": "2098-01-01T02:00:00+00:00",
        "recorded_by": "钱会计",
    }
    return contract | overrides


def a_deposit(kind: str = "management_fee", **overrides: Any) -> dict[str, Any]:
    deposit: dict[str, Any] = {
        "kind": kind,
        "amount": "1350.00",
        "held_on": "2098-01-01",
        "reference": "DMG-000412",
        "released_on": None,
        "deducted": "0.00",
        "refunded": None,
        "released_reference": None,
    }
    return deposit | overrides


def a_shop(**overrides: Any) -> dict[str, Any]:
    """Shop S-101, 150 m² at 3.00 and 8,000.00 rent a month: it owes three months of each as
    deposits (1,350.00 and 24,000.00, FEE-11); the fee deposit is held."""
    return (
        a_contract(
            "HT-S-101",
            building="S",
            room="101",
            kind="commercial",
            monthly_rent="8000.00",
            deposits_required={"management_fee": "1350.00", "rent": "24000.00"},
            deposits=[a_deposit()],
        )
        | overrides
    )


def a_bill(**overrides: Any) -> dict[str, Any]:
    """3-1202's bill for 2099-01: 89.35 m² × 3.00 = 268.05 and 42.00 of water, overdue; 李雷
    (the tenant) pays, 王芳 (the owner) is liable; one reminder sent, a second asked."""
    bill: dict[str, Any] = {
        "bill_id": BILL_ID,
        "bill_no": "MF-DMG-209901-3-1202",
        "site_id": "dmg",
        "contract_no": "HT-3-1202",
        "building": "3",
        "room": "1202",
        "month": "2099-01",
        "kind": "residential",
        "floor_area_m2": "89.35",
        "rate": "3.00",
        "days": 31,
        "lines": [
            {"item": "management_fee", "amount": "268.05", "description": "89.35 m² × 3.00 yuan"},
            {"item": "water", "amount": "42.00", "description": "水 12 吨"},
        ],
        "amount": "310.05",
        "due_on": "2099-01-10",
        "status": "overdue",
        "late_fee_today": "6.20",
        "owed_today": "316.25",
        "payer": {"name": "李雷", "phone": "+8613800000001", "email": None},
        "owner": {"name": "王芳", "phone": "+8613900000002", "email": None},
        "payment_method": None,
        "payment_reference": None,
        "paid_at": None,
        "late_fee_paid": "0.00",
        "collecting_in": None,
        "rejections": 0,
        "reminders": [
            {
                "number": 1,
                "asked_at": "2099-01-11T01:00:00+00:00",
                "owed": "310.20",
                "late_fee": "0.15",
                "to_owner": False,
                "sent_at": "2099-01-11T01:00:05+00:00",
            },
            {
                "number": 2,
                "asked_at": "2099-01-21T01:00:00+00:00",
                "owed": "311.76",
                "late_fee": "1.71",
                "to_owner": False,
                "sent_at": None,
            },
        ],
        "reminders_sent": 1,
        "next_reminder_at": "2099-01-31T01:00:00+00:00",
        "flagged_at": None,
        "issued_at": "2099-01-01T01:00:00+00:00",
    }
    return bill | overrides


FLAGGED = a_bill(
    bill_id="8d9e6679-7425-40de-944b-e07fc1f90ae8",
    bill_no="MF-DMG-209901-3-1203",
    room="1203",
    status="flagged",
    reminders_sent=3,
    next_reminder_at=None,
    flagged_at="2099-02-20T01:00:00+00:00",
)
PAID_IN_CASH = a_bill(
    status="paid",
    late_fee_today="0.00",
    owed_today="0.00",
    payment_method="cash",
    payment_reference="DMG-000124",
    paid_at="2099-02-10T03:00:00+00:00",
    late_fee_paid="4.65",
    next_reminder_at=None,
)


def a_collection(**overrides: Any) -> dict[str, Any]:
    """2099-01 at dmg: one of two bills paid, 310.05 of 578.10, one flagged."""
    collection: dict[str, Any] = {
        "site_id": "dmg",
        "month": "2099-01",
        "bills": 2,
        "due": "578.10",
        "paid": 1,
        "collected": "310.05",
        "outstanding": "268.05",
        "late_fees_collected": "4.65",
        "flagged": 1,
        "collection_rate": "0.5363",
        "target": "0.95",
        "meets_target": False,
        "as_of": "2099-02-20T02:00:00+00:00",
    }
    return collection | overrides


def bill_routes(bill: dict[str, Any] | None = None) -> Routes:
    return {
        ("GET", "/fee-bills"): page_of(a_bill(), FLAGGED),
        ("GET", "/fee-collection/dmg/2099-01"): a_collection(),
        ("GET", BILL): bill or a_bill(),
        ("GET", "/receipts"): page_of(
            a_receipt(
                124,
                status="booked",
                charge_id=BILL_ID,
                charge_no="MF-DMG-209901-3-1202",
                service_record_no=None,
                amount="314.70",
            )
        ),
    }


def _forms(page: str) -> set[str]:
    return set(re.findall(r'<form [^>]*data-testid="([a-z_-]+)-form"', page))


def _row(page: str, testid: str) -> str:
    found = re.search(rf'data-testid="{re.escape(testid)}"[^>]*>(.*?)</tr>', page, re.S)
    assert found, f"no row {testid}"
    return found.group(1)


def _this_month() -> str:
    return datetime.now(UTC).astimezone(SHANGHAI).strftime("%Y-%m")


def _today() -> str:
    return datetime.now(UTC).astimezone(SHANGHAI).date().isoformat()


# -- who sees what: billing's access table ----------------------------------------------------------
def test_who_reads_and_acts_follows_billings_access_table() -> None:
    for route in (
        "list_fee_contracts",
        "get_fee_contract",
        "list_fee_bills",
        "get_fee_bill",
        "get_fee_collection",
    ):
        assert ACCESS[route].roles == FEE_READERS == ACCOUNT_READERS, route
    for route in (
        "record_fee_contract",
        "hold_deposit",
        "release_deposit",
        "issue_fee_bills",
        "pay_fee_bill",
    ):
        assert ACCESS[route].roles == FINANCE_DESK, route
    assert ACCESS["confirm_move_out"].roles == MOVE_OUT_CONFIRMERS
    # the cash receipt a bill's page links to is read by the same roles
    assert ACCESS["list_receipts"].roles == FEE_READERS
    fees = {"fee_contracts", "fee_bills"}
    for role in Role:
        keys = {s.key for s in finance_screens_for(role)}
        assert (fees <= keys) == (role in FEE_READERS), role
        assert fees & keys in (set(), fees), role
    assert [s.path for s in FINANCE_SCREENS if s.key in fees] == ["/fee-contracts", "/fee-bills"]


def test_what_the_pages_offer_is_what_billing_knows() -> None:
    assert tuple(k.value for k in UnitKind) == contract_pages.KINDS
    assert tuple(k.value for k in DepositKind) == contract_pages.DEPOSIT_KINDS
    assert tuple(s.value for s in FeeBillStatus) == bill_pages.STATUSES
    assert tuple(i.value for i in FeeItem) == bill_pages.ITEMS
    desk = tuple(m.value for m in PaymentMethod if m is not PaymentMethod.BANK_COLLECTION)
    assert desk == bill_pages.DESK_METHODS


# every console route of these screens and the roles it lets in (billing's)
FEE_ROUTES = {
    ("GET", "/fee-contracts"): FEE_READERS,
    ("POST", "/fee-contracts"): FINANCE_DESK,
    ("GET", "/fee-contracts/{contract_no}"): FEE_READERS,
    ("POST", "/fee-contracts/{contract_no}/move-out"): MOVE_OUT_CONFIRMERS,
    ("POST", "/fee-contracts/{contract_no}/deposits/{kind}"): FINANCE_DESK,
    ("POST", "/fee-contracts/{contract_no}/deposits/{kind}/release"): FINANCE_DESK,
    ("GET", "/fee-bills"): FEE_READERS,
    ("POST", "/fee-bills"): FINANCE_DESK,
    ("GET", "/fee-bills/{bill_id}"): FEE_READERS,
    ("POST", "/fee-bills/{bill_id}/payments"): FINANCE_DESK,
}
"""Each console route of the management fee screens and the roles it lets in."""


def _concrete(path: str) -> str:
    return (
        path.replace("{contract_no}", "HT-3-1202")
        .replace("{kind}", "rent")
        .replace("{bill_id}", BILL_ID)
    )


def test_every_fee_route_is_listed_and_refuses_whom_billing_refuses() -> None:
    app = create_app(ConsoleSettings())
    served = {
        (method.upper(), path)
        for path, methods in app.openapi()["paths"].items()
        if path.startswith(("/fee-contracts", "/fee-bills"))
        for method in methods
    }
    assert served == set(FEE_ROUTES)  # a new route is added here, with its roles
    for role in Role:
        with signed_in_against(role, {}) as (client, calls):
            client.get("/sign-in")
            csrf = client.cookies.get("hotline_csrf", "")
            for (method, path), roles in FEE_ROUTES.items():
                form = {"csrf": csrf} if method == "POST" else None
                answer = client.request(method, _concrete(path), data=form)
                assert (answer.status_code == 403) == (role not in roles), (role, method, path)
        changes = [c for c in calls if c.method in ("POST", "PUT")]
        assert changes == [] or role in FINANCE_DESK | MOVE_OUT_CONFIRMERS, role


def test_a_form_without_this_browsers_csrf_token_is_refused_before_billing_is_asked() -> None:
    with signed_in_against(Role.ADMIN, {}) as (client, calls):
        client.get("/fee-bills")
        for (method, path), _ in FEE_ROUTES.items():
            if method != "POST":
                continue
            missing = client.post(_concrete(path), data={"key": "k-1"})
            forged = client.post(_concrete(path), data={"key": "k-1", "csrf": "guess"})
            assert (missing.status_code, forged.status_code) == (403, 403), path
    assert posted(calls) == [] and not [c for c in calls if c.method == "PUT"]


# -- fee contracts -----------------------------------------------------------------------------------
def test_fee06_the_contracts_are_listed_by_site_and_unit_with_their_terms() -> None:
    asked: list[httpx.Request] = []
    moved = a_contract("HT-3-1202-OLD", starts_on="2090-01-01", fee_cut_off="2097-12-31")

    def listing(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        return httpx.Response(200, json=page_of(a_contract(), moved, a_shop()))

    with signed_in_against(Role.FINANCE, {("GET", "/fee-contracts"): listing}) as (client, _):
        every = client.get("/fee-contracts")
        unit = client.get("/fee-contracts?site_id=dmg&building=3&room=1202&offset=50")
    with signed_in_against(Role.DIRECTOR, {("GET", "/fee-contracts"): listing}) as (client, _):
        read = client.get("/fee-contracts")
    assert every.status_code == unit.status_code == read.status_code == 200, every.text
    assert [dict(r.url.params) for r in asked[:2]] == [
        {"limit": "50", "offset": "0"},
        {"limit": "50", "offset": "50", "site_id": "dmg", "building": "3", "room": "1202"},
    ]
    row = _row(every.text, "contract-HT-3-1202")
    assert "dmg · 3-1202" in row and "住宅" in row and "¥3.00/m²" in row and "2098-01-01" in row
    assert "2097-12-31" in _row(every.text, "contract-HT-3-1202-OLD")
    shop = _row(every.text, "contract-HT-S-101")
    assert "商业" in shop and "¥8000.00" in shop
    assert _forms(every.text) == {"contract"}
    assert f'id="fc-starts-on" name="starts_on" type="date" value="{_today()}"' in every.text
    # the form opens on the unit asked about
    assert 'id="fc-form-building" name="building" value="3"' in unit.text
    assert _forms(read.text) == set()


CONTRACT_FORM = {
    "contract_no": " HT-S-101 ",
    "site_id": "dmg",
    "building": "S",
    "room": "101",
    "kind": "commercial",
    "rate": " 3.00 ",
    "starts_on": "2098-01-01",
    "monthly_rent": "8000.00",
}


def test_fee06_fee11_a_contract_is_put_to_billing_as_typed() -> None:
    sent: list[httpx.Request] = []
    routes: Routes = {
        ("GET", "/fee-contracts"): page_of(),
        ("PUT", SHOP): keeping(sent, httpx.Response(200, json=a_shop())),
        ("GET", SHOP): a_shop(),
    }
    with signed_in_against(Role.FINANCE, routes) as (client, _):
        form = form_fields(client, "/fee-contracts", **CONTRACT_FORM)
        done = client.post("/fee-contracts", data=form)
        back = client.get(done.headers["location"])
        residential = client.post(
            "/fee-contracts",
            data=form | {"kind": "residential", "monthly_rent": " ", "key": "k-2"},
        )
    assert done.status_code == 303, done.text
    assert done.headers["location"] == f"{SHOP}?done=recorded"
    assert json.loads(sent[0].content) == {
        "site_id": "dmg",
        "building": "S",
        "room": "101",
        "kind": "commercial",
        "rate": "3.00",  # a decimal string, never a float
        "starts_on": "2098-01-01",
        "monthly_rent": "8000.00",
    }
    assert sent[0].headers["Idempotency-Key"] == "k-1"
    assert "物业费合同已登记" in back.text
    assert residential.status_code == 303
    assert "monthly_rent" not in json.loads(sent[1].content)  # left empty: not sent


def test_billings_refusal_of_a_contract_is_shown_beside_the_form_as_typed() -> None:
    invalid = httpx.Response(
        422,
        json={
            "status": 422,
            "detail": "rate: String should match pattern",
            "errors": [{"field": "rate", "message": "String should match pattern"}],
        },
    )
    overlaps = problem(
        409,
        "unit S-101 has contract HT-S-100 from 2097-01-01 (open-ended): confirm its move-out "
        "before the new contract starts",
    )
    answers = [overlaps, invalid]
    routes: Routes = {
        ("GET", "/fee-contracts"): page_of(),
        ("PUT", SHOP): lambda _: answers.pop(),
    }
    with signed_in_against(Role.FINANCE, routes) as (client, calls):
        form = form_fields(client, "/fee-contracts", **CONTRACT_FORM | {"rate": "3,00"})
        refused = client.post("/fee-contracts", data=form)
        clash = client.post("/fee-contracts", data=form | {"rate": "3.00"})
        slash = client.post("/fee-contracts", data=form | {"contract_no": "HT/S/101"})
    assert refused.status_code == 422
    assert 'data-testid="error-rate">String should match pattern' in refused.text
    assert 'id="fc-rate" name="rate" inputmode="decimal" value="3,00"' in refused.text
    assert 'id="fc-form-room" name="room" value="101"' in refused.text
    assert 'id="fc-rent" name="monthly_rent" inputmode="decimal" value="8000.00"' in refused.text
    assert clash.status_code == 409
    assert re.search(r'data-testid="contract-problem">unit S-101 has contract HT-S-100', clash.text)
    # a '/' cannot travel in billing's path: refused here, beside the field
    assert slash.status_code == 422 and 'data-testid="error-contract_no">合同编号为' in slash.text
    assert len([c for c in calls if c.method == "PUT"]) == 2


def test_fee11_a_shops_deposits_required_against_held_and_the_one_left_is_offered() -> None:
    with signed_in_against(Role.FINANCE, {("GET", SHOP): a_shop()}) as (client, _):
        page = client.get(SHOP)
    with signed_in_against(Role.SITE_MANAGER, {("GET", SHOP): a_shop()}) as (client, _):
        manager = client.get(SHOP)
    with signed_in_against(Role.DIRECTOR, {("GET", SHOP): a_shop()}) as (client, _):
        read = client.get(SHOP)
    assert page.status_code == 200, page.text
    fee = _row(page.text, "deposit-management_fee")
    assert "物业管理费保证金" in fee and "¥1350.00" in fee and "DMG-000412" in fee
    rent = _row(page.text, "deposit-rent")
    assert "房租押金" in rent and "¥24000.00" in rent and "未收" in rent
    assert 'data-testid="deposit-rent" data-state="missing"' in page.text
    # the rent deposit is offered, filled in with what is required; the move-out too
    assert _forms(page.text) == {"hold-rent", "move-out"}
    assert 'id="hold-rent-amount" name="amount" inputmode="decimal" value="24000.00"' in page.text
    assert f'name="held_on" type="date" value="{_today()}"' in page.text
    # the site's manager confirms a move-out only; a director reads
    assert _forms(manager.text) == {"move-out"}
    assert _forms(read.text) == set() and "deposit-rent" in read.text


def test_a_residential_contract_holds_no_deposit() -> None:
    with signed_in_against(Role.FINANCE, {("GET", CONTRACT): a_contract()}) as (client, _):
        page = client.get(CONTRACT)
    assert 'data-testid="no-deposits"' in page.text
    assert _forms(page.text) == {"move-out"}


def test_fee11_a_deposit_is_put_and_billings_refusal_of_too_little_shown_beside_it() -> None:
    sent: list[httpx.Request] = []
    too_little = httpx.Response(
        422,
        json={
            "status": 422,
            "detail": "the rent deposit is 24000.00 yuan (3 months); 8000.00 was given",
            "errors": [
                {
                    "field": "amount",
                    "message": "the rent deposit is 24000.00 yuan (3 months); 8000.00 was given",
                }
            ],
        },
    )
    answers = [httpx.Response(200, json=a_shop()), too_little]

    def hold(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return answers.pop()

    routes: Routes = {("GET", SHOP): a_shop(), ("PUT", f"{SHOP}/deposits/rent"): hold}
    with signed_in_against(Role.FINANCE, routes) as (client, _):
        form = form_fields(
            client, SHOP, amount="8000.00", held_on="2098-01-01", reference=" 转账 77 "
        )
        refused = client.post(f"{SHOP}/deposits/rent", data=form)
        done = client.post(f"{SHOP}/deposits/rent", data=form | {"amount": "24000.00"})
        unknown = client.post(f"{SHOP}/deposits/water", data=form)
    assert refused.status_code == 422
    assert 'data-testid="error-amount">the rent deposit is 24000.00 yuan' in refused.text
    assert 'id="hold-rent-amount" name="amount" inputmode="decimal" value="8000.00"' in refused.text
    assert (
        'id="hold-rent-reference" name="reference" maxlength="64" value="转账 77"' in refused.text
    )
    assert done.status_code == 303 and done.headers["location"] == f"{SHOP}?done=held#deposits"
    assert json.loads(sent[1].content) == {
        "amount": "24000.00",
        "held_on": "2098-01-01",
        "reference": "转账 77",
    }
    assert unknown.status_code == 404 and len(sent) == 2


def test_fee12_the_move_out_fixes_the_cut_off_and_billings_409_is_shown() -> None:
    sent: list[httpx.Request] = []
    billed = problem(
        409,
        "fee contract HT-S-101 is billed for MF-DMG-209902-S-101 after the cut-off 2099-01-20",
    )
    answers = [httpx.Response(200, json=a_shop(fee_cut_off="2099-02-28")), billed]

    def move_out(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return answers.pop()

    routes: Routes = {("GET", SHOP): a_shop(), ("POST", f"{SHOP}/move-out"): move_out}
    with signed_in_against(Role.SITE_MANAGER, routes) as (client, _):
        form = form_fields(client, SHOP, fee_cut_off="2099-01-20", note=" 迁出确认书 0042 ")
        refused = client.post(f"{SHOP}/move-out", data=form)
        done = client.post(f"{SHOP}/move-out", data=form | {"fee_cut_off": "2099-02-28"})
    assert refused.status_code == 409
    assert re.search(
        r'data-testid="move-out-problem">fee contract HT-S-101 is billed', refused.text
    )
    assert 'id="move-out-cut-off" name="fee_cut_off" type="date" value="2099-01-20"' in refused.text
    assert done.status_code == 303
    assert json.loads(sent[0].content) == {"fee_cut_off": "2099-01-20", "note": "迁出确认书 0042"}
    assert json.loads(sent[1].content)["fee_cut_off"] == "2099-02-28"


def test_after_the_move_out_a_held_deposit_is_released_less_what_is_kept() -> None:
    sent: list[httpx.Request] = []
    moved = a_shop(fee_cut_off="2099-02-28")
    released = a_shop(
        fee_cut_off="2099-02-28",
        deposits=[
            a_deposit(
                released_on="2099-03-05",
                deducted="268.05",
                refunded="1081.95",
                released_reference="退款-0042",
            )
        ],
    )
    routes: Routes = {
        ("GET", SHOP): moved,
        ("POST", f"{SHOP}/deposits/management_fee/release"): keeping(
            sent, httpx.Response(200, json=released)
        ),
    }
    with signed_in_against(Role.FINANCE, routes) as (client, _):
        page = client.get(SHOP)
        form = form_fields(
            client, SHOP, released_on="2099-03-05", deducted="268.05", reference="退款-0042"
        )
        done = client.post(f"{SHOP}/deposits/management_fee/release", data=form)
    with signed_in_against(Role.FINANCE, {("GET", SHOP): released}) as (client, _):
        after = client.get(SHOP)
    # moved out: no move-out form; the rent deposit still to pay in, the fee one to release
    assert _forms(page.text) == {"hold-rent", "release-management_fee"}
    assert "2099-02-28" in page.text
    assert done.status_code == 303
    assert json.loads(sent[0].content) == {
        "released_on": "2099-03-05",
        "deducted": "268.05",
        "reference": "退款-0042",
    }
    row = _row(after.text, "deposit-management_fee")
    assert "2099-03-05" in row and "¥268.05" in row and "¥1081.95" in row and "退款-0042" in row
    assert "release-management_fee" not in _forms(after.text)


# -- the month's bills and the collection rate -----------------------------------------------------
def test_fee03_fee04_fee10_the_months_bills_late_fees_flag_and_collection_rate() -> None:
    asked: list[httpx.Request] = []

    def listing(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        return httpx.Response(200, json=page_of(a_bill(), FLAGGED))

    routes = bill_routes() | {("GET", "/fee-bills"): listing}
    with signed_in_against(Role.FINANCE, routes) as (client, _):
        page = client.get("/fee-bills?site_id=dmg&month=2099-01")
        unpaid = client.get("/fee-bills?site_id=dmg&month=2099-01&status=unpaid&building=3")
        flagged = client.get("/fee-bills?site_id=dmg&month=2099-01&status=flagged")
        paid = client.get("/fee-bills?site_id=dmg&month=2099-01&status=paid&offset=50")
    assert page.status_code == 200, page.text
    base = {"limit": "50", "site_id": "dmg", "month": "2099-01"}
    assert [dict(r.url.params) for r in asked] == [
        base | {"offset": "0"},
        base | {"offset": "0", "building": "3", "paid": "false"},
        base | {"offset": "0", "flagged": "true"},
        base | {"offset": "50", "paid": "true"},
    ]
    row = _row(page.text, "bill-3-1202")
    assert "MF-DMG-209901-3-1202" in row and "李雷" in row and "¥310.05" in row
    assert "¥6.20" in row and "¥316.25" in row and "逾期" in row and ">1/3<" in row
    assert f'href="{BILL}"' in row
    # a flagged bill is marked: the site must act (FEE-04)
    assert 'data-testid="bill-3-1203" data-status="flagged" class="late flagged"' in page.text
    marked = _row(page.text, "bill-3-1203")
    assert 'data-testid="flag">管理处需采取措施' in marked and ">3/3<" in marked
    # the month's collection rate against 95% (FEE-10)
    assert 'data-meets="no">53.63%' in page.text and "目标 95.00%" in page.text
    assert 'data-testid="below-target"' in page.text
    assert 'data-testid="collection-due">¥578.10 · 2' in page.text
    assert 'data-testid="collection-collected">¥310.05 · 1' in page.text
    assert 'data-testid="collection-outstanding">¥268.05' in page.text
    assert 'data-testid="collection-late-fees">¥4.65' in page.text
    assert 'data-testid="collection-flagged">1' in page.text
    assert 'data-testid="tab-unpaid" aria-current="page"' in unpaid.text
    assert flagged.status_code == paid.status_code == 200
    assert _forms(page.text) == {"issue"}


def test_the_bills_open_on_this_month_of_the_first_site_and_readers_see_no_form() -> None:
    month = _this_month()
    routes: Routes = {
        ("GET", "/fee-bills"): page_of(),
        ("GET", f"/fee-collection/dmg/{month}"): a_collection(
            month=month,
            bills=0,
            due="0.00",
            collected="0.00",
            outstanding="0.00",
            collection_rate=None,
            meets_target=None,
            flagged=0,
            paid=0,
            late_fees_collected="0.00",
        ),
    }
    with signed_in_against(Role.DIRECTOR, routes) as (client, calls):
        page = client.get("/fee-bills")
    assert page.status_code == 200, page.text
    listing = next(c for c in calls if c.url.path == "/fee-bills")
    assert dict(listing.url.params)["month"] == month
    assert f'id="fb-month" name="month" type="month" value="{month}"' in page.text
    assert 'data-meets="none">—' in page.text and 'data-testid="no-bills"' in page.text
    assert _forms(page.text) == set()


METERS = """\
# building,room,water,electricity,note
3,1202,42.00,96.72,水 12 吨, 电 186 度

3，1203\t\t55.10
"""


def test_fee01_the_months_bills_are_issued_with_the_meters_typed_and_the_run_shown() -> None:
    sent: list[httpx.Request] = []
    run = {
        "site_id": "dmg",
        "month": "2099-01",
        "issued": 2,
        "issued_total": "578.10",
        "already_billed": 1,
        "skipped": [
            {"unit": "5-501", "reason": "the unit is not in the directory (no floor area)"}
        ],
    }
    routes = bill_routes() | {("POST", "/fee-bills"): keeping(sent, httpx.Response(200, json=run))}
    with signed_in_against(Role.FINANCE, routes) as (client, _):
        form = form_fields(client, "/fee-bills", site_id="dmg", month="2099-01", meters=METERS)
        done = client.post("/fee-bills", data=form)
    assert done.status_code == 200, done.text
    assert json.loads(sent[0].content) == {
        "site_id": "dmg",
        "month": "2099-01",
        "meters": [
            {
                "building": "3",
                "room": "1202",
                "water": "42.00",
                "electricity": "96.72",
                "note": "水 12 吨, 电 186 度",  # the note keeps its commas
            },
            {"building": "3", "room": "1203", "electricity": "55.10"},  # no water typed
        ],
    }
    assert sent[0].headers["Idempotency-Key"] == "k-1"
    assert 'data-testid="run-issued">新出账 2' in done.text
    assert 'data-testid="run-total">金额 ¥578.10' in done.text
    assert 'data-testid="run-already">此前已出账 1' in done.text
    skipped = re.search(r'data-testid="skipped-5-501">(.*?)</li>', done.text)
    assert skipped and "the unit is not in the directory" in skipped.group(1)
    # the month's bills and its rate under the run
    assert 'data-testid="bill-3-1202"' in done.text and "53.63%" in done.text


def test_lines_the_console_cannot_read_are_named_without_asking_billing() -> None:
    meters = "3,1202,42.00\n3,1202,10\n\n,1204,5\n3-1205\n"
    with signed_in_against(Role.FINANCE, bill_routes()) as (client, calls):
        form = form_fields(client, "/fee-bills", site_id="dmg", month="2099-01", meters=meters)
        refused = client.post("/fee-bills", data=form)
    assert refused.status_code == 422
    assert posted(calls) == []
    faults = dict(re.findall(r'data-testid="meter-fault-(\d+)">(.*?)</li>', refused.text))
    assert set(faults) == {"2", "4", "5"}
    assert "前面的行" in faults["2"] and "栋和房号" in faults["4"] and "至少填写" in faults["5"]
    assert f"{meters}</textarea>" in refused.text  # kept as typed


def test_billings_refusal_of_a_line_is_shown_beside_the_line_it_came_from() -> None:
    invalid = httpx.Response(
        422,
        json={
            "status": 422,
            "detail": "meters.1.water: Value error, give an amount in yuan above zero",
            "errors": [
                {"field": "meters.1.water", "message": "Value error, give an amount in yuan"}
            ],
        },
    )
    no_contract = httpx.Response(
        422,
        json={
            "status": 422,
            "detail": "meters name units with no fee contract running in 2099-01: 9-999",
            "errors": [
                {
                    "field": "meters",
                    "message": "meters name units with no fee contract running in 2099-01: 9-999",
                }
            ],
        },
    )
    answers = [no_contract, invalid]
    routes = bill_routes() | {("POST", "/fee-bills"): lambda _: answers.pop()}
    meters = "# the first floor\n3,1202,42.00\n\n3,1203,abc\n"
    with signed_in_against(Role.FINANCE, routes) as (client, _):
        form = form_fields(client, "/fee-bills", site_id="dmg", month="2099-01", meters=meters)
        refused = client.post("/fee-bills", data=form)
        unknown = client.post("/fee-bills", data=form | {"meters": "9,999,10"})
    assert refused.status_code == 422
    # billing's meters.1 is the textarea's line 4: the comment and the blank line are not sent
    fault = re.search(r'data-testid="meter-fault-4">(.*?)</li>', refused.text)
    assert fault and "水费" in fault.group(1) and "give an amount in yuan" in fault.group(1)
    assert 'data-testid="meter-fault-1"' not in refused.text
    assert 'id="issue-month" name="month" type="month" value="2099-01"' in refused.text
    assert 'data-testid="error-meters">meters name units with no fee contract' in unknown.text


# -- one bill and its payment ---------------------------------------------------------------------
def test_fee05_fee14_a_bill_shows_its_lines_payer_liable_owner_and_reminders() -> None:
    with signed_in_against(Role.FINANCE, bill_routes()) as (client, _):
        page = client.get(BILL)
    with signed_in_against(Role.DIRECTOR, bill_routes()) as (client, _):
        read = client.get(BILL)
    assert page.status_code == 200, page.text
    assert 'data-testid="bill-status" data-status="overdue">逾期' in page.text
    assert 'data-testid="owed-today">¥316.25' in page.text
    assert "89.35 m² × ¥3.00 · 31 天" in page.text
    assert "物业管理费" in _row(page.text, "line-management_fee")
    water = _row(page.text, "line-water")
    assert "水费" in water and "水 12 吨" in water and "¥42.00" in water
    assert re.search(r'data-testid="late-fee" class="late">¥6.20', page.text)
    payer = re.search(r'data-testid="payer">(.*?)</dd>', page.text)
    assert payer and "李雷" in payer.group(1)
    assert "业主（欠费最终责任人）" in page.text and 'data-testid="owner">王芳' in page.text
    # reminders: asked and sent, one asked again; the next one (site's time)
    assert 'data-testid="reminders-sent">1/3' in page.text
    assert "2099-01-11 09:00:05" not in page.text  # to the minute
    assert "2099-01-11 09:00" in _row(page.text, "reminder-1")
    assert 'data-testid="reminder-2" data-sent="no"' in page.text
    assert "未发出" in _row(page.text, "reminder-2")
    assert 'data-testid="next-reminder">下次催缴： 2099-01-31 09:00' in page.text
    assert 'data-testid="flagged"' not in page.text
    # cash at the desk, filled in with what is owed today; or by reference
    assert _forms(page.text) == {"cash", "transfer"}
    assert 'id="cash-amount" name="amount" inputmode="decimal" value="316.25"' in page.text
    assert _forms(read.text) == set()


def test_fee04_a_flagged_bill_says_the_site_must_act() -> None:
    routes = bill_routes() | {("GET", BILL): FLAGGED}
    with signed_in_against(Role.FINANCE, routes) as (client, _):
        page = client.get(BILL)
    assert 'data-testid="bill-status" data-status="flagged"' in page.text
    assert re.search(r'data-testid="flagged">经三次催缴仍未缴费.*?2099-02-20 09:00', page.text)
    assert _forms(page.text) == {"cash", "transfer"}  # still paid at the desk


def test_fee02_fee03_cash_at_the_desk_a_wrong_amount_refused_then_the_receipt_shown() -> None:
    sent: list[httpx.Request] = []
    short = httpx.Response(
        422,
        json={
            "status": 422,
            "detail": "fee bill MF-DMG-209901-3-1202 is 316.25 yuan today (310.05 and a late fee "
            "of 6.20); 310.05 was handed in",
            "errors": [
                {
                    "field": "amount",
                    "message": "fee bill MF-DMG-209901-3-1202 is 316.25 yuan today (310.05 and "
                    "a late fee of 6.20); 310.05 was handed in",
                }
            ],
        },
    )
    answers = [httpx.Response(200, json=PAID_IN_CASH), short]

    def pay(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return answers.pop()

    routes = bill_routes() | {("POST", f"{BILL}/payments"): pay}
    with signed_in_against(Role.FINANCE, routes) as (client, _):
        form = form_fields(client, BILL, method="cash", amount=" 310.05 ", site_id="dmg")
        refused = client.post(f"{BILL}/payments", data=form)
        done = client.post(f"{BILL}/payments", data=form | {"amount": "316.25", "key": "k-2"})
    with signed_in_against(Role.FINANCE, bill_routes(PAID_IN_CASH)) as (client, calls):
        paid = client.get(f"{BILL}?done=paid")
    assert refused.status_code == 422
    assert re.search(
        r'data-testid="cash-problem">fee bill MF-DMG-209901-3-1202 is 316.25', refused.text
    )
    assert 'data-testid="error-amount">fee bill' in refused.text
    assert 'id="cash-amount" name="amount" inputmode="decimal" value="310.05"' in refused.text
    assert json.loads(sent[0].content) == {"method": "cash", "amount": "310.05"}
    assert json.loads(sent[1].content) == {"method": "cash", "amount": "316.25"}
    assert sent[1].headers["Idempotency-Key"] == "k-2"
    assert done.status_code == 303 and done.headers["location"] == f"{BILL}?done=paid#payment"
    # the receipt drawn, named and linked to its page
    assert 'data-testid="done-receipt-no">DMG-000124' in paid.text
    assert 'href="/receipts/dmg/124" data-testid="done-receipt"' in paid.text
    assert 'href="/receipts/dmg/124" data-testid="open-receipt">DMG-000124' in paid.text
    assert 'data-testid="late-fee-paid">¥4.65' in paid.text
    assert 'data-testid="payment-method">现金' in paid.text
    asked = next(c for c in calls if c.url.path == "/receipts")
    assert dict(asked.url.params)["charge_id"] == BILL_ID
    assert _forms(paid.text) == set()  # paid: nothing more to take


def test_bil16_a_transfer_is_recorded_by_its_reference_in_the_sites_time() -> None:
    sent: list[httpx.Request] = []
    no_reference = httpx.Response(
        422,
        json={
            "status": 422,
            "detail": "reference is required for wechat_pay: the transaction's number",
            "errors": [
                {
                    "field": "reference",
                    "message": "reference is required for wechat_pay: the transaction's number",
                }
            ],
        },
    )
    paid = a_bill(status="paid", payment_method="wechat_pay", payment_reference="4200001234")
    answers = [httpx.Response(200, json=paid), no_reference]

    def pay(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return answers.pop()

    routes = bill_routes() | {("POST", f"{BILL}/payments"): pay}
    with signed_in_against(Role.FINANCE, routes) as (client, _):
        form = form_fields(
            client,
            BILL,
            method="wechat_pay",
            reference=" ",
            amount="316.25",
            paid_at="2099-02-10T11:30",
            site_id="dmg",
        )
        refused = client.post(f"{BILL}/payments", data=form)
        done = client.post(f"{BILL}/payments", data=form | {"reference": "4200001234"})
    assert refused.status_code == 422
    assert 'data-testid="transfer-problem">reference is required' in refused.text
    assert 'data-testid="error-reference">reference is required' in refused.text
    assert '<option value="wechat_pay" selected>' in refused.text
    assert (
        'id="transfer-paid-at" name="paid_at" type="datetime-local" value="2099-02-10T11:30"'
        in (refused.text)
    )
    assert json.loads(sent[0].content) == {
        "method": "wechat_pay",
        "amount": "316.25",
        "paid_at": "2099-02-10T11:30:00+08:00",  # typed in the site's time
    }
    assert json.loads(sent[1].content)["reference"] == "4200001234"
    assert done.status_code == 303


def test_a_bill_at_the_bank_is_not_paid_at_the_desk() -> None:
    collecting = a_bill(status="collecting", collecting_in="COL-DMG-20990302")
    with signed_in_against(Role.FINANCE, bill_routes(collecting)) as (client, _):
        page = client.get(BILL)
    assert _forms(page.text) == set()
    assert 'href="/collection-batches/COL-DMG-20990302"' in page.text


def test_a_fee_bills_receipt_opens_on_the_bill() -> None:
    receipt = a_receipt(
        124, status="booked", charge_id=BILL_ID, charge_no="MF-DMG-209901-3-1202", amount="316.25"
    )
    with signed_in_against(Role.FINANCE, {("GET", "/receipts/dmg/124"): receipt}) as (client, _):
        page = client.get("/receipts/dmg/124")
    assert f'href="{BILL}" data-testid="open-charge">MF-DMG-209901-3-1202' in page.text


# -- both languages ---------------------------------------------------------------------------------
def test_every_label_the_screens_build_is_in_both_languages() -> None:
    built = (
        {"fee_contracts", "fee_bills"}
        | {f"fee_kind_{k}" for k in contract_pages.KINDS}
        | {f"fee_deposit_{k}" for k in contract_pages.DEPOSIT_KINDS}
        | {f"fee_contract_done_{d}" for d in contract_pages.DONE}
        | {f"fee_status_{s}" for s in bill_pages.STATUSES}
        | {f"fee_bills_tab_{t}" for t in bill_pages.TABS}
        | {f"fee_item_{i}" for i in bill_pages.ITEMS}
        | {f"payment_{m}" for m in bill_pages.DESK_METHODS}
        | {"fee_meter_line_values", "fee_meter_line_unit", "fee_meter_line_twice"}
        | {"fee_meters_unread", "fee_contract_no_invalid"}
    )
    assert sorted(built - TEXT.keys()) == []


def test_the_screens_speak_english_when_asked() -> None:
    routes = bill_routes() | {("GET", SHOP): a_shop()}
    with signed_in_against(Role.FINANCE, routes) as (client, _):
        client.cookies.set("hotline_lang", "en")
        bills = client.get("/fee-bills?site_id=dmg&month=2099-01").text
        bill = client.get(BILL).text
        shop = client.get(SHOP).text
    assert "Collection rate" in bills and "Below target" in bills and "Site to act" in bills
    assert "Issue a month&#39;s bills" in bills and "Late fee today" in bills
    assert "Owner (liable for arrears)" in bill and "Take cash at the desk" in bill
    assert "Rent deposit" in shop and "Confirm the move-out" in shop
