"""The console's bank-collection screens in front of a scripted billing, without a browser
(FEE-02, BIL-05): the residents' mandates listed by site and unit with their state, recorded from
the paper form and revoked with a day and a reason; the site's collecting account; collection
batches listed latest first, a new one gathered for a site and collection day, its preview (count,
control sum, the debits a page at a time, the charges left out for lack of a mandate), its
pain.008 file streamed through under billing's name, marked sent, and the bank's answer uploaded
and passed on as the raw body: the counts it settled, rejected and left unchanged, or each line
billing could not apply and that nothing was. Billing's refusals are shown beside the form, as
typed; who sees each screen and form follows billing's access table; a reader's POST and a form
without this browser's CSRF token are refused before billing is asked; every label is in both
languages."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import httpx
from billing.domain.collection import BatchStatus, DebitStatus
from billing.domain.mandate import MandateStatus
from billing.entrypoints.http.access import ACCESS
from console.bootstrap import create_app
from console.entrypoints.web import (
    ACCOUNT_KEEPERS,
    ACCOUNT_READERS,
    FINANCE_DESK,
    FINANCE_SCREENS,
    finance_screens_for,
)
from console.entrypoints.web import collection_batches as batch_pages
from console.entrypoints.web import mandates as mandate_pages
from console.i18n import TEXT
from console.settings import ConsoleSettings
from hotline_libs.auth import Role

from tests.unit.console_forms import form_fields, forms_on
from tests.unit.test_console import page_of, problem, signed_in_against
from tests.unit.test_console_finance import CHARGE_ID, a_charge, charge_routes, keeping, posted

Routes = dict[tuple[str, str], Any]
BATCH_ID = "COL-DMG-20990302"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def a_mandate(mandate_id: str = "MD-3-1202", **overrides: Any) -> dict[str, Any]:
    """王芳's mandate for 3-1202, active."""
    mandate: dict[str, Any] = {
        "mandate_id": mandate_id,
        "site_id": "dmg",
        "building": "3",
        "room": "1202",
        "holder": "王芳",
        "account": "6222020200112233445",
        "bank": "102791000123",
        "signed_on": "2098-03-01",
        "status": "active",
        "revoked_on": None,
        "revoke_reason": None,
        "recorded_at": "2099-03-01T02:00:00+00:00",
        "recorded_by": "钱会计",
    }
    return mandate | overrides


def a_creditor(**overrides: Any) -> dict[str, Any]:
    creditor: dict[str, Any] = {
        "site_id": "dmg",
        "name": "西安大明宫物业服务有限公司",
        "account": "61050110123456789012",
        "bank": "105791000012",
        "scheme_id": "CN-DMG-0001",
        "recorded_at": "2099-03-01T02:00:00+00:00",
        "recorded_by": "钱会计",
    }
    return creditor | overrides


def a_batch(**overrides: Any) -> dict[str, Any]:
    """Two debits gathered for 2099-03-02, 160.00 in all; one charge without a mandate."""
    batch: dict[str, Any] = {
        "batch_id": BATCH_ID,
        "site_id": "dmg",
        "collection_date": "2099-03-02",
        "status": "ready",
        "number_of_debits": 2,
        "control_sum": "160.00",
        "currency": "CNY",
        "without_mandate": ["CH-DMG-20990301-0009"],
        "created_at": "2099-03-01T02:00:00+00:00",
        "created_by": "钱会计",
        "sent_at": None,
        "settled": 0,
        "settled_sum": "0.00",
        "rejected": 0,
        "rejected_sum": "0.00",
        "open_debits": 2,
        "difference": "160.00",
    }
    return batch | overrides


def a_debit(n: int = 1, **overrides: Any) -> dict[str, Any]:
    debit: dict[str, Any] = {
        "end_to_end_id": f"CH-DMG-20990301-{n:04d}",
        "charge_id": CHARGE_ID,
        "amount": "80.00",
        "mandate_id": f"MD-3-{1200 + n}",
        "holder": "王芳",
        "account": "6222020200112233445",
        "bank": "102791000123",
        "status": "pending",
        "reason_code": None,
        "reason": None,
        "answered_at": None,
    }
    return debit | overrides


def batch_routes(batch: dict[str, Any] | None = None, debits: list[Any] | None = None) -> Routes:
    """Billing answering one batch and its debits (filtered by status, as billing does)."""
    found = debits if debits is not None else [a_debit(1), a_debit(2)]

    def listing(request: httpx.Request) -> httpx.Response:
        status = request.url.params.get("status")
        return httpx.Response(200, json=[d for d in found if status in (None, d["status"])])

    return {
        ("GET", f"/collection-batches/{BATCH_ID}"): batch or a_batch(),
        ("GET", f"/collection-batches/{BATCH_ID}/debits"): listing,
    }


def _today(days: int = 0) -> str:
    return (datetime.now(UTC).astimezone(SHANGHAI).date() + timedelta(days=days)).isoformat()


# -- who sees what: billing's access table ----------------------------------------------------------
def test_who_reads_and_acts_follows_billings_access_table() -> None:
    for route in (
        "list_mandates",
        "get_mandate",
        "get_site_creditor",
        "list_batches",
        "get_batch",
        "list_batch_debits",
    ):
        assert ACCESS[route].roles == ACCOUNT_READERS, route
    for route in (
        "record_mandate",
        "revoke_mandate",
        "gather_batch",
        "download_batch_file",
        "mark_batch_sent",
        "import_bank_answer",
    ):
        assert ACCESS[route].roles == FINANCE_DESK, route
    assert ACCESS["record_site_creditor"].roles == ACCOUNT_KEEPERS
    collection = {"collection_batches", "mandates", "site_creditors"}
    for role in Role:
        keys = {s.key for s in finance_screens_for(role)}
        assert (collection <= keys) == (role in ACCOUNT_READERS), role
        assert collection & keys in (set(), collection), role
    assert [s.path for s in FINANCE_SCREENS if s.key in collection] == [
        "/collection-batches",
        "/mandates",
        "/site-creditors",
    ]


def test_what_the_pages_offer_is_what_billing_knows() -> None:
    assert tuple(s.value for s in MandateStatus) == mandate_pages.STATUSES
    assert tuple(s.value for s in BatchStatus) == batch_pages.STATUSES
    assert tuple(s.value for s in DebitStatus) == batch_pages.DEBIT_STATUSES


# every console route of these screens: who may open it, and whether it is a form (CSRF-checked)
COLLECTION_ROUTES = {
    ("GET", "/mandates"): ACCOUNT_READERS,
    ("POST", "/mandates"): FINANCE_DESK,
    ("GET", "/mandates/{mandate_id}"): ACCOUNT_READERS,
    ("POST", "/mandates/{mandate_id}/revocation"): FINANCE_DESK,
    ("GET", "/site-creditors"): ACCOUNT_READERS,
    ("POST", "/site-creditors"): ACCOUNT_KEEPERS,
    ("GET", "/collection-batches"): ACCOUNT_READERS,
    ("POST", "/collection-batches"): FINANCE_DESK,
    ("GET", "/collection-batches/{batch_id}"): ACCOUNT_READERS,
    ("GET", "/collection-batches/{batch_id}/pain008"): FINANCE_DESK,
    ("POST", "/collection-batches/{batch_id}/sending"): FINANCE_DESK,
    ("POST", "/collection-batches/{batch_id}/answers"): FINANCE_DESK,
}
"""Each console route of the bank-collection screens and the roles it lets in (billing's)."""


def _concrete(path: str) -> str:
    return path.replace("{mandate_id}", "MD-3-1202").replace("{batch_id}", BATCH_ID)


def test_every_collection_route_is_listed_and_refuses_whom_billing_refuses() -> None:
    app = create_app(ConsoleSettings())
    prefixes = ("/mandates", "/site-creditors", "/collection-batches")
    served = {
        (method.upper(), path)
        for path, methods in app.openapi()["paths"].items()
        if path.startswith(prefixes)
        for method in methods
    }
    assert served == set(COLLECTION_ROUTES)  # a new route is added here, with its roles
    for role in (Role.AGENT, Role.TECHNICIAN, Role.DIRECTOR, Role.SITE_MANAGER, Role.FINANCE):
        with signed_in_against(role, {}) as (client, calls):
            client.get("/mandates")
            csrf = client.cookies.get("hotline_csrf", "")
            for (method, path), roles in COLLECTION_ROUTES.items():
                form = {"csrf": csrf} if method == "POST" else None
                answer = client.request(method, _concrete(path), data=form)
                if role not in roles:
                    assert answer.status_code == 403, (role, method, path)
        assert posted(calls) == [] or role in FINANCE_DESK | ACCOUNT_KEEPERS, role


def test_a_form_without_this_browsers_csrf_token_is_refused_before_billing_is_asked() -> None:
    with signed_in_against(Role.FINANCE, {}) as (client, calls):
        client.get("/mandates")
        for (method, path), _ in COLLECTION_ROUTES.items():
            if method != "POST":
                continue
            missing = client.post(_concrete(path), data={"key": "k-1"})
            forged = client.post(_concrete(path), data={"key": "k-1", "csrf": "guess"})
            assert (missing.status_code, forged.status_code) == (403, 403), path
    assert posted(calls) == [] and not [c for c in calls if c.method == "PUT"]


# -- mandates --------------------------------------------------------------------------------------
def test_the_mandates_are_listed_by_site_and_unit_with_their_state() -> None:
    asked: list[httpx.Request] = []
    revoked = a_mandate(
        "MD-3-1202-OLD", status="revoked", revoked_on="2099-02-01", revoke_reason="业户撤销委托"
    )

    def listing(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        return httpx.Response(200, json=page_of(a_mandate(), revoked))

    with signed_in_against(Role.FINANCE, {("GET", "/mandates"): listing}) as (client, _):
        every = client.get("/mandates")
        unit = client.get("/mandates?site_id=dmg&building=3&room=1202&status=active&offset=50")
    with signed_in_against(Role.DIRECTOR, {("GET", "/mandates"): listing}) as (client, _):
        read = client.get("/mandates")
    assert every.status_code == unit.status_code == read.status_code == 200, every.text
    assert [dict(r.url.params) for r in asked[:2]] == [
        {"limit": "50", "offset": "0"},
        {
            "limit": "50",
            "offset": "50",
            "site_id": "dmg",
            "building": "3",
            "room": "1202",
            "status": "active",
        },
    ]
    row = _row(every.text, "mandate-MD-3-1202")
    assert "dmg · 3-1202" in row and "王芳" in row and "6222020200112233445" in row
    assert "102791000123" in row and "有效" in row and 'data-testid="revoke-MD-3-1202"' in row
    old = _row(every.text, "mandate-MD-3-1202-OLD")
    assert "已撤销 · 2099-02-01 · 业户撤销委托" in old and "revoke-" not in old
    assert forms_on(every.text) == {"mandate"}
    # the form opens on the unit asked about
    assert 'id="m-building" name="building" value="3"' in unit.text
    assert forms_on(read.text) == set() and "revoke-" not in read.text


def _row(page: str, testid: str) -> str:
    found = re.search(rf'data-testid="{re.escape(testid)}"[^>]*>(.*?)</tr>', page, re.S)
    assert found, f"no row {testid}"
    return found.group(1)


MANDATE_FORM = {
    "mandate_id": " MD-3-1202 ",
    "site_id": "dmg",
    "building": "3",
    "room": "1202",
    "holder": " 王芳 ",
    "account": "6222 0202 0011 2233 445",
    "bank": "102791000123",
    "signed_on": "2098-03-01",
}


def test_fee02_a_signed_mandate_is_put_to_billing_as_typed() -> None:
    sent: list[httpx.Request] = []
    routes: Routes = {
        ("GET", "/mandates"): page_of(),
        ("PUT", "/mandates/MD-3-1202"): keeping(sent, httpx.Response(200, json=a_mandate())),
        ("GET", "/mandates/MD-3-1202"): a_mandate(),
    }
    with signed_in_against(Role.FINANCE, routes) as (client, _):
        form = form_fields(client, "/mandates", **MANDATE_FORM)
        done = client.post("/mandates", data=form)
        back = client.get(done.headers["location"])
    assert done.status_code == 303, done.text
    assert done.headers["location"] == "/mandates/MD-3-1202?done=recorded"
    assert json.loads(sent[0].content) == {
        "site_id": "dmg",
        "building": "3",
        "room": "1202",
        "holder": "王芳",
        "account": "6222 0202 0011 2233 445",  # billing writes it as the bank file needs it
        "bank": "102791000123",
        "signed_on": "2098-03-01",
    }
    assert sent[0].headers["Idempotency-Key"] == "k-1"
    assert "托收协议已登记" in back.text and forms_on(back.text) == {"revoke"}


def test_billings_refusal_of_an_account_or_a_bank_is_shown_beside_it_as_typed() -> None:
    invalid = httpx.Response(
        422,
        json={
            "status": 422,
            "detail": "account 'DE89370400440532013001' is not a valid IBAN",
            "errors": [
                {
                    "field": "account",
                    "message": "account 'DE89370400440532013001' is not a valid IBAN",
                }
            ],
        },
    )
    conflict = problem(409, "mandate MD-3-1202 is recorded with other details: revoke it")
    answers = [conflict, invalid]
    routes: Routes = {
        ("GET", "/mandates"): page_of(a_mandate()),
        ("PUT", "/mandates/MD-3-1202"): lambda _: answers.pop(),
    }
    with signed_in_against(Role.FINANCE, routes) as (client, _):
        form = form_fields(
            client, "/mandates", **MANDATE_FORM | {"account": "DE89370400440532013001"}
        )
        refused = client.post("/mandates", data=form)
        clash = client.post("/mandates", data=form)
    assert refused.status_code == 422
    beside = 'data-testid="error-account">account &#39;DE89370400440532013001&#39; is not a valid'
    assert beside in refused.text
    assert 'id="m-account" name="account" value="DE89370400440532013001"' in refused.text
    assert 'id="m-holder" name="holder" value="王芳"' in refused.text
    key = re.search(r'data-testid="mandate-form">.*?name="key" value="([^"]+)"', refused.text, re.S)
    assert key and key.group(1) != "k-1"  # billing kept its 422: a new key for the next try
    assert clash.status_code == 409
    assert re.search(r'data-testid="mandate-problem">mandate MD-3-1202 is recorded', clash.text)
    assert 'name="key" value="k-1"' in clash.text  # a 409 kept no answer: the same key
    assert "mandate-MD-3-1202" in clash.text  # the unit's mandates listed beside the form


def test_an_id_billings_route_cannot_carry_is_refused_without_asking_billing() -> None:
    with signed_in_against(Role.FINANCE, {("GET", "/mandates"): page_of()}) as (client, calls):
        form = form_fields(client, "/mandates", **MANDATE_FORM | {"mandate_id": "MD/3/1202"})
        slash = client.post("/mandates", data=form)
        empty = client.post("/mandates", data=form | {"mandate_id": ""})
    assert slash.status_code == empty.status_code == 422
    assert 'data-testid="error-mandate_id">协议编号为1至35位' in slash.text
    assert not [c for c in calls if c.method == "PUT"]


def test_a_mandate_is_revoked_on_a_day_for_a_reason_and_billings_409_is_shown() -> None:
    sent: list[httpx.Request] = []
    revoked = a_mandate(status="revoked", revoked_on="2099-03-05", revoke_reason="账户已销户")
    answers = [
        problem(409, "mandate MD-3-1202 was revoked on 2099-02-01"),
        httpx.Response(200, json=revoked),
    ]

    def revoke(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return answers.pop()

    routes: Routes = {
        ("GET", "/mandates/MD-3-1202"): a_mandate(),
        ("POST", "/mandates/MD-3-1202/revocation"): revoke,
    }
    with signed_in_against(Role.FINANCE, routes) as (client, _):
        page = client.get("/mandates/MD-3-1202")
        form = form_fields(
            client, "/mandates/MD-3-1202", revoked_on="2099-03-05", reason=" 账户已销户 "
        )
        done = client.post("/mandates/MD-3-1202/revocation", data=form)
        clash = client.post("/mandates/MD-3-1202/revocation", data=form | {"key": "k-2"})
    assert f'id="revoked-on" name="revoked_on" type="date" value="{_today()}"' in page.text
    assert done.headers["location"] == "/mandates/MD-3-1202?done=revoked"
    assert json.loads(sent[0].content) == {"revoked_on": "2099-03-05", "reason": "账户已销户"}
    assert clash.status_code == 409
    assert re.search(r'data-testid="revoke-problem">mandate MD-3-1202 was revoked', clash.text)
    assert 'id="revoke-reason" name="reason" maxlength="300" value="账户已销户"' in clash.text
    with signed_in_against(Role.SITE_MANAGER, routes) as (client, _):
        assert forms_on(client.get("/mandates/MD-3-1202").text) == set()


# -- the collecting account ------------------------------------------------------------------------
def test_the_collecting_account_is_shown_and_kept_by_finance_and_the_site_manager() -> None:
    sent: list[httpx.Request] = []
    routes: Routes = {
        ("GET", "/site-creditors/dmg"): a_creditor(),
        ("PUT", "/site-creditors/dmg"): keeping(sent, httpx.Response(200, json=a_creditor())),
    }
    for keeper in (Role.FINANCE, Role.SITE_MANAGER):
        with signed_in_against(keeper, routes) as (client, _):
            page = client.get("/site-creditors")
            form = form_fields(
                client,
                "/site-creditors",
                site_id="dmg",
                name=" 西安大明宫物业服务有限公司 ",
                account="61050110123456789012",
                bank="105791000012",
                scheme_id="",
            )
            done = client.post("/site-creditors", data=form)
        assert 'data-testid="creditor-account">61050110123456789012' in page.text
        assert forms_on(page.text) == {"creditor"}
        assert 'id="c-scheme-id" name="scheme_id" value="CN-DMG-0001"' in page.text
        assert done.headers["location"] == "/site-creditors?site_id=dmg&done=saved", keeper
    assert json.loads(sent[0].content) == {
        "name": "西安大明宫物业服务有限公司",
        "account": "61050110123456789012",
        "bank": "105791000012",
    }
    with signed_in_against(Role.DIRECTOR, routes) as (client, _):
        read = client.get("/site-creditors?site_id=dmg")
    assert read.status_code == 200 and forms_on(read.text) == set()


def test_a_site_without_an_account_says_so_and_a_bad_bank_is_refused_beside_it() -> None:
    invalid = httpx.Response(
        422,
        json={
            "status": 422,
            "detail": "bank must be a BIC (8 or 11 characters) or a 12-digit clearing member id",
            "errors": [{"field": "bank", "message": "bank must be a BIC (8 or 11 characters)"}],
        },
    )
    routes: Routes = {
        ("GET", "/site-creditors/dmg"): lambda _: problem(404, "site 'dmg' has no account"),
        ("PUT", "/site-creditors/dmg"): lambda _: invalid,
    }
    with signed_in_against(Role.FINANCE, routes) as (client, _):
        page = client.get("/site-creditors")
        form = form_fields(
            client,
            "/site-creditors",
            site_id="dmg",
            name="大明宫物业",
            account="61050110123456789012",
            bank="1057",
            scheme_id="",
        )
        refused = client.post("/site-creditors", data=form)
    assert page.status_code == 200 and 'data-testid="no-creditor"' in page.text
    assert refused.status_code == 422
    assert 'data-testid="error-bank">bank must be a BIC' in refused.text
    assert 'id="c-bank" name="bank" value="1057"' in refused.text


# -- batches ---------------------------------------------------------------------------------------
def test_the_batches_are_listed_latest_first_with_their_state_and_a_new_one_is_offered() -> None:
    asked: list[httpx.Request] = []
    sent_one = a_batch(
        batch_id="COL-DMG-20990201",
        collection_date="2099-02-01",
        status="sent",
        settled=1,
        settled_sum="80.00",
        open_debits=1,
        difference="80.00",
    )

    def listing(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        return httpx.Response(200, json=page_of(a_batch(), sent_one))

    routes: Routes = {("GET", "/collection-batches"): listing}
    with signed_in_against(Role.FINANCE, routes) as (client, _):
        page = client.get("/collection-batches")
        site = client.get("/collection-batches?site_id=dmg&offset=50")
    with signed_in_against(Role.SITE_MANAGER, routes) as (client, _):
        read = client.get("/collection-batches")
    assert [dict(r.url.params) for r in asked[:2]] == [
        {"limit": "50", "offset": "0"},
        {"limit": "50", "offset": "50", "site_id": "dmg"},
    ]
    assert page.text.index(BATCH_ID) < page.text.index("COL-DMG-20990201")  # billing's order
    row = _row(page.text, f"batch-{BATCH_ID}")
    assert "待发送" in row and "¥160.00" in row and f'href="/collection-batches/{BATCH_ID}"' in row
    assert "已发送银行" in _row(page.text, "batch-COL-DMG-20990201")
    # a new batch: the user's site, tomorrow in the site's time (the earliest the bank takes)
    assert forms_on(page.text) == {"batch"}
    assert f'id="b-date" name="collection_date" type="date" value="{_today(1)}"' in page.text
    assert site.status_code == 200 and forms_on(read.text) == set()


def test_a_new_batch_is_posted_and_opens_its_preview_or_billing_refuses_beside_the_form() -> None:
    sent: list[httpx.Request] = []
    too_soon = httpx.Response(
        422,
        json={
            "status": 422,
            "detail": "collection_date must be on or after 2099-03-02",
            "errors": [
                {
                    "field": "collection_date",
                    "message": "collection_date must be on or after 2099-03-02",
                }
            ],
        },
    )
    answers = [too_soon, httpx.Response(201, json=a_batch())]
    routes: Routes = {
        ("GET", "/collection-batches"): page_of(),
        ("POST", "/collection-batches"): lambda r: keeping(sent, answers.pop())(r),
    }
    with signed_in_against(Role.FINANCE, routes) as (client, _):
        form = form_fields(
            client, "/collection-batches", site_id="dmg", collection_date="2099-03-02"
        )
        done = client.post("/collection-batches", data=form)
        refused = client.post(
            "/collection-batches", data=form | {"collection_date": "2099-03-01", "key": "k-2"}
        )
    assert done.headers["location"] == f"/collection-batches/{BATCH_ID}?done=gathered"
    assert json.loads(sent[0].content) == {"site_id": "dmg", "collection_date": "2099-03-02"}
    assert sent[0].headers["Idempotency-Key"] == "k-1"
    assert refused.status_code == 422
    assert 'data-testid="error-collection_date">collection_date must be on or after' in refused.text
    assert 'id="b-date" name="collection_date" type="date" value="2099-03-01"' in refused.text


def test_fee02_the_batch_preview_shows_its_count_control_sum_debits_and_those_left_out() -> None:
    debits = [a_debit(n) for n in range(1, 61)]
    with signed_in_against(Role.FINANCE, batch_routes(debits=debits)) as (client, _):
        page = client.get(f"/collection-batches/{BATCH_ID}?done=gathered")
        second = client.get(f"/collection-batches/{BATCH_ID}?offset=50")
    assert page.status_code == 200, page.text
    text = page.text
    assert 'data-testid="batch-count">2' in text and 'data-testid="control-sum">¥160.00' in text
    assert 'data-testid="batch-status" data-status="ready">待发送' in text
    assert "托收批次已生成" in text
    assert 'data-testid="left-out-CH-DMG-20990301-0009"' in text
    # the debits a page at a time, over billing's whole list
    assert text.count('data-testid="debit-CH-DMG-') == 50
    assert 'data-testid="page-range">1–50 共 60' in text
    assert f'href="/collection-batches/{BATCH_ID}?status=all&offset=50"' in text
    assert second.text.count('data-testid="debit-CH-DMG-') == 10
    row = _row(text, "debit-CH-DMG-20990301-0001")
    assert "王芳" in row and "6222020200112233445" in row and "MD-3-1201" in row
    assert "¥80.00" in row and "待回复" in row and f'href="/charges/{CHARGE_ID}"' in row
    # finance downloads the file and marks the batch sent; the answer waits until it is sent
    assert f'href="/collection-batches/{BATCH_ID}/pain008"' in text
    assert forms_on(text) == {"sending"}
    with signed_in_against(Role.DIRECTOR, batch_routes()) as (client, _):
        read = client.get(f"/collection-batches/{BATCH_ID}")
    assert read.status_code == 200 and forms_on(read.text) == set()
    assert "/pain008" not in read.text  # billing gives the file to finance alone


def test_the_reconciliation_and_the_rejected_debits_of_an_answered_batch() -> None:
    batch = a_batch(
        status="sent",
        sent_at="2099-03-01T03:00:00+00:00",
        settled=1,
        settled_sum="80.00",
        rejected=1,
        rejected_sum="80.00",
        open_debits=0,
        difference="0.00",
    )
    debits = [
        a_debit(1, status="settled"),
        a_debit(2, status="rejected", reason_code="AM04", reason="余额不足"),
    ]
    with signed_in_against(Role.FINANCE, batch_routes(batch, debits)) as (client, calls):
        page = client.get(f"/collection-batches/{BATCH_ID}")
        rejected = client.get(f"/collection-batches/{BATCH_ID}?status=rejected")
    assert 'data-testid="settled">1 · ¥80.00' in page.text
    assert 'data-testid="rejected">1 · ¥80.00' in page.text
    assert (
        'data-testid="open">0' in page.text
        and 'data-testid="difference" class="">¥0.00' in page.text
    )
    assert "2099-03-01 11:00" in page.text  # sent at 03:00 UTC, in the site's time
    assert forms_on(page.text) == {"answer"}
    debit_calls = [c for c in calls if c.url.path.endswith("/debits")]
    assert dict(debit_calls[-1].url.params) == {"status": "rejected"}
    assert rejected.text.count('data-testid="debit-CH-DMG-') == 1
    assert "被退回 · AM04 · 余额不足" in _row(rejected.text, "debit-CH-DMG-20990301-0002")


def test_the_file_is_streamed_through_under_billings_name() -> None:
    body = b'<?xml version="1.0"?><Document>' + b"x" * 300_000 + b"</Document>"
    disposition = f'attachment; filename="{BATCH_ID}.xml"'
    routes: Routes = {
        ("GET", f"/collection-batches/{BATCH_ID}/pain008"): lambda _: httpx.Response(
            200,
            content=body,
            headers={"Content-Type": "application/xml", "Content-Disposition": disposition},
        ),
        ("GET", "/collection-batches/COL-DMG-20990303/pain008"): lambda _: problem(
            409, "batch COL-DMG-20990303 holds no debits: there is no file to send"
        ),
    }
    with signed_in_against(Role.FINANCE, routes) as (client, calls):
        got = client.get(f"/collection-batches/{BATCH_ID}/pain008")
        empty = client.get("/collection-batches/COL-DMG-20990303/pain008")
    assert got.status_code == 200 and got.content == body
    assert got.headers["content-disposition"] == disposition
    assert got.headers["content-type"].startswith("application/xml")
    assert calls[-2].headers["Authorization"].startswith("Bearer ")  # the user's own token
    assert empty.status_code == 409 and "holds no debits" in empty.text
    with signed_in_against(Role.DIRECTOR, routes) as (client, calls):
        assert client.get(f"/collection-batches/{BATCH_ID}/pain008").status_code == 403
    assert calls == []


def test_marking_sent_posts_and_billings_409_is_shown_beside_the_form() -> None:
    answers = [
        problem(409, f"batch {BATCH_ID} holds no debits: there is nothing to send"),
        httpx.Response(200, json=a_batch(status="sent")),
    ]
    sent: list[httpx.Request] = []
    routes = batch_routes() | {
        ("POST", f"/collection-batches/{BATCH_ID}/sending"): lambda r: keeping(sent, answers.pop())(
            r
        )
    }
    with signed_in_against(Role.FINANCE, routes) as (client, _):
        form = form_fields(client, f"/collection-batches/{BATCH_ID}")
        done = client.post(f"/collection-batches/{BATCH_ID}/sending", data=form)
        refused = client.post(f"/collection-batches/{BATCH_ID}/sending", data=form | {"key": "k-2"})
    assert done.headers["location"] == f"/collection-batches/{BATCH_ID}?done=sent"
    assert sent[0].headers["Idempotency-Key"] == "k-1"
    assert refused.status_code == 409
    assert re.search(r'data-testid="sending-problem">batch COL-DMG-20990302 holds no', refused.text)


PAIN002 = (
    b'<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:'
    b'pain.002.001.10"><CstmrPmtStsRpt/></Document>'
)


def _answer_routes(answer: Any) -> Routes:
    batch = a_batch(status="sent", sent_at="2099-03-01T03:00:00+00:00")
    return batch_routes(batch) | {("POST", f"/collection-batches/{BATCH_ID}/answers"): answer}


def test_fee02_the_banks_answer_is_passed_on_raw_and_the_page_says_what_it_did() -> None:
    sent: list[httpx.Request] = []
    imported = {
        "batch": a_batch(status="reconciled"),
        "kind": "pain.002",
        "settled": 1,
        "rejected": 1,
        "unchanged": 0,
        "already_imported": False,
    }
    again = imported | {"settled": 0, "rejected": 0, "unchanged": 2, "already_imported": True}
    answers = [httpx.Response(200, json=again), httpx.Response(200, json=imported)]

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return answers.pop()

    with signed_in_against(Role.FINANCE, _answer_routes(answer)) as (client, _):
        page = client.get(f"/collection-batches/{BATCH_ID}")
        csrf = client.cookies["hotline_csrf"]
        files = {"file": ("bank-answer.xml", PAIN002, "text/xml")}
        done = client.post(
            f"/collection-batches/{BATCH_ID}/answers",
            data={"csrf": csrf, "key": "k-1"},
            files=files,
        )
        shown = client.get(done.headers["location"])
        twice = client.post(
            f"/collection-batches/{BATCH_ID}/answers",
            data={"csrf": csrf, "key": "k-2"},
            files=files,
        )
        shown_twice = client.get(twice.headers["location"])
    assert forms_on(page.text) == {"answer"} and 'enctype="multipart/form-data"' in page.text
    assert done.status_code == 303, done.text
    assert sent[0].content == PAIN002  # the file as the bank wrote it, not the form around it
    assert sent[0].headers["Content-Type"] == "application/xml"
    assert sent[0].headers["Idempotency-Key"] == "k-1"
    query = parse_qs(urlsplit(done.headers["location"]).query)
    assert query == {
        "done": ["answer"],
        "settled": ["1"],
        "rejected": ["1"],
        "unchanged": ["0"],
        "kind": ["pain.002"],
        "again": ["0"],
    }
    notice = shown.text.split('data-testid="done"', 1)[1].split("</p>", 1)[0]
    assert "银行回复已导入 (pain.002)" in notice
    assert "已扣款 1" in notice and "被退回 1" in notice and "无变化 0" in notice
    assert "该文件此前已导入" in shown_twice.text


def test_a_refused_answer_shows_each_line_and_that_nothing_was_applied() -> None:
    refusal = httpx.Response(
        422,
        json={
            "status": 422,
            "detail": "the bank file has 2 line(s) billing cannot apply; nothing was applied",
            "errors": [
                {"field": "transaction 3", "message": "CH-X-9 is not a debit of batch"},
                {
                    "field": "transaction 1",
                    "message": "CH-DMG-20990301-0001 was 80.00; the bank says 8.00",
                },
            ],
        },
    )
    with signed_in_against(Role.FINANCE, _answer_routes(lambda _: refusal)) as (client, _):
        client.get(f"/collection-batches/{BATCH_ID}")
        refused = client.post(
            f"/collection-batches/{BATCH_ID}/answers",
            data={"csrf": client.cookies["hotline_csrf"], "key": "k-1"},
            files={"file": ("bank-answer.xml", PAIN002, "application/xml")},
        )
    assert refused.status_code == 422
    report = refused.text.split('data-testid="answer-refused"', 1)[1].split("</table>", 1)[0]
    assert "bank-answer.xml" in report and "nothing was applied" in report
    assert 'data-testid="nothing-applied">该文件未导入，批次和收费单均未改变' in report
    assert report.index('data-testid="fault-1"') < report.index('data-testid="fault-3"')
    line = _row(report, "fault-3")
    assert 'data-testid="position">3' in line and "CH-X-9 is not a debit of batch" in line
    assert "the bank says 8.00" in _row(report, "fault-1")
    key = re.search(r'id="answer-form".*?name="key" value="([^"]+)"', refused.text, re.S)
    assert key and key.group(1) != "k-1"


def test_a_whole_file_refused_and_an_empty_upload_never_sent() -> None:
    not_xml = httpx.Response(
        422,
        json={
            "status": 422,
            "detail": "the file is not a bank answer billing can read; nothing was applied",
            "errors": [{"field": "file", "message": "a DTD is not allowed"}],
        },
    )
    with signed_in_against(Role.FINANCE, _answer_routes(lambda _: not_xml)) as (client, calls):
        client.get(f"/collection-batches/{BATCH_ID}")
        csrf = client.cookies["hotline_csrf"]
        whole = client.post(
            f"/collection-batches/{BATCH_ID}/answers",
            data={"csrf": csrf, "key": "k-1"},
            files={"file": ("x.xml", b"<!DOCTYPE d><d/>", "application/xml")},
        )
        empty = client.post(
            f"/collection-batches/{BATCH_ID}/answers",
            data={"csrf": csrf, "key": "k-2"},
            files={"file": ("empty.xml", b"", "application/xml")},
        )
    assert whole.status_code == 422
    assert 'data-testid="position">整个文件' in whole.text and "a DTD is not allowed" in whole.text
    assert empty.status_code == 422 and "请选择银行回复文件" in empty.text
    assert len(posted(calls)) == 1


# -- the charge at the bank ------------------------------------------------------------------------
def test_a_charge_shows_the_batch_collecting_it_and_the_banks_refusals() -> None:
    at_bank = a_charge(payment_method="bank_collection", collecting_in=BATCH_ID, rejections=[])
    owed_again = a_charge(
        payment_method="bank_collection",
        collecting_in=None,
        rejections=[
            {
                "batch_id": BATCH_ID,
                "code": "AM04",
                "reason": "余额不足",
                "at": "2099-03-03T01:00:00Z",
            }
        ],
    )
    with signed_in_against(Role.FINANCE, charge_routes(at_bank)) as (client, _):
        collecting = client.get(f"/charges/{CHARGE_ID}")
    with signed_in_against(Role.FINANCE, charge_routes(owed_again)) as (client, _):
        refused = client.get(f"/charges/{CHARGE_ID}")
    assert f'<a href="/collection-batches/{BATCH_ID}">{BATCH_ID}</a>' in collecting.text
    assert 'data-testid="rejection-AM04"' in refused.text and "AM04 · 余额不足" in refused.text


# -- both languages ---------------------------------------------------------------------------------
def test_every_label_the_screens_build_is_in_both_languages() -> None:
    built = (
        {s.key for s in FINANCE_SCREENS}
        | {f"mandate_{s}" for s in mandate_pages.STATUSES}
        | {f"mandates_tab_{t}" for t in mandate_pages.TABS}
        | {f"mandate_done_{d}" for d in mandate_pages.DONE}
        | {f"batch_{s}" for s in batch_pages.STATUSES}
        | {f"debit_{s}" for s in batch_pages.DEBIT_STATUSES}
        | {f"debits_tab_{t}" for t in batch_pages.DEBIT_TABS}
        | {f"batch_done_{d}" for d in batch_pages.DONE}
        | {"mandate_id_invalid", "site_needed", "answer_choose_file"}
    )
    assert sorted(built - TEXT.keys()) == []
    for key in built:
        chinese, english = TEXT[key]
        assert re.search(r"[\u4e00-\u9fff]", chinese) and english.isascii(), key


def test_the_screens_speak_english_when_asked() -> None:
    routes = batch_routes() | {("GET", "/mandates"): page_of(a_mandate())}
    with signed_in_against(Role.FINANCE, routes) as (client, _):
        client.cookies.set("hotline_lang", "en")
        batch = client.get(f"/collection-batches/{BATCH_ID}").text
        listed = client.get("/mandates").text
    assert (
        "Control sum" in batch and "Mark sent" in batch and "Left out: no active mandate" in batch
    )
    assert "Bank collection" in batch and "Collecting account" in batch and "Price lists" in batch
    assert "Record a mandate" in listed and "Account holder" in listed and "Active" in listed
