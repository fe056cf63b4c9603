"""The console's price-list screen in front of a scripted billing, without a browser (BIL-01 to
BIL-04): a site's versions with when each takes effect (in the site's time), the approval each
rests on and which is in effect or scheduled; the items of a version with their Chinese and
English names, unit, price and kind; finance, the site's manager and the admin set one item's
price (a PUT to billing, in effect at once) or schedule a whole new version from the latest one's
items, and billing's refusal is shown beside the form, as typed (a refused row beside the row it
came from). Readers see no form; a reader's POST and a form without this browser's CSRF token are
refused before billing is asked; every label is in both languages."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from billing.domain.price_list import ItemKind
from billing.entrypoints.http.access import ACCESS
from console.bootstrap import create_app
from console.entrypoints.web import (
    ACCOUNT_KEEPERS,
    ACCOUNT_READERS,
    PRICE_LIST_READERS,
    finance_screens_for,
)
from console.entrypoints.web import price_lists as price_pages
from console.i18n import TEXT
from console.settings import ConsoleSettings
from hotline_libs.auth import Role

from tests.unit.console_forms import form_fields, forms_on
from tests.unit.test_console import problem, signed_in_against
from tests.unit.test_console_finance import keeping, posted

Routes = dict[tuple[str, str], Any]
VERSIONS = "/price-lists/dmg/versions"


def an_item(code: str = "RP-TAP", **overrides: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "item_code": code,
        "name": "更换水龙头",
        "name_en": "Tap replacement",
        "unit": "次",
        "unit_price": "80.00",
        "kind": "special_paid",
    }
    return item | overrides


def a_version(number: int, **overrides: Any) -> dict[str, Any]:
    version: dict[str, Any] = {
        "number": number,
        "effective_from": "2099-01-01T00:00:00+08:00",
        "approval_ref": "西物价备〔2098〕12号",
        "recorded_at": "2098-12-20T02:00:00+00:00",
        "recorded_by": "钱会计",
        "in_effect": False,
        "items": [
            an_item(),
            an_item("HK-GLASS", name="玻璃清洗", name_en=None, unit="平方米", unit_price="5.50"),
        ],
    }
    return version | overrides


def a_price_list() -> dict[str, Any]:
    """Version 1 in effect since 2099-01-01; version 2 scheduled for 2199-01-01 at 85.00 a tap,
    without the glass cleaning, under a new approval."""
    return {
        "site_id": "dmg",
        "versions": [
            a_version(1, in_effect=True),
            a_version(
                2,
                effective_from="2199-01-01T00:00:00+08:00",
                approval_ref="西物价备〔2198〕3号",
                items=[an_item(unit_price="85.00")],
            ),
        ],
    }


def _row(page: str, testid: str) -> str:
    found = re.search(rf'data-testid="{re.escape(testid)}"[^>]*>(.*?)</tr>', page, re.S)
    assert found, f"no row {testid}"
    return found.group(1)


def test_who_reads_and_keeps_the_price_lists_follows_billings_access_table() -> None:
    assert ACCESS["set_price_list_item"].roles == ACCOUNT_KEEPERS
    assert ACCESS["schedule_price_list"].roles == ACCOUNT_KEEPERS
    assert ACCESS["get_price_list_versions"].roles >= PRICE_LIST_READERS
    assert ACCOUNT_KEEPERS <= PRICE_LIST_READERS == ACCOUNT_READERS
    for role in Role:
        keys = [s.key for s in finance_screens_for(role)]
        assert ("price_lists" in keys) == (role in PRICE_LIST_READERS), role
    assert tuple(k.value for k in ItemKind) == price_pages.KINDS


PRICE_LIST_ROUTES = {
    ("GET", "/price-lists"): PRICE_LIST_READERS,
    ("POST", "/price-lists/items"): ACCOUNT_KEEPERS,
    ("POST", "/price-lists/versions"): ACCOUNT_KEEPERS,
}
"""Each console route of the price-list screen and the roles it lets in."""


def test_every_price_list_route_is_listed_and_refuses_whom_billing_refuses() -> None:
    paths = create_app(ConsoleSettings()).openapi()["paths"]
    served = {
        (method.upper(), path)
        for path, methods in paths.items()
        if path.startswith("/price-lists")
        for method in methods
    }
    assert served == set(PRICE_LIST_ROUTES)  # a new route is added here, with its roles
    for role in Role:
        with signed_in_against(role, {("GET", VERSIONS): a_price_list()}) as (client, calls):
            client.get("/sign-in")
            csrf = client.cookies.get("hotline_csrf", "")
            for (method, path), roles in PRICE_LIST_ROUTES.items():
                form = {"csrf": csrf} if method == "POST" else None
                answer = client.request(method, path, data=form)
                assert (answer.status_code == 403) == (role not in roles), (role, path)
        assert role in ACCOUNT_KEEPERS or not [c for c in calls if c.method != "GET"], role


def test_bil03_bil04_the_versions_with_their_dates_approvals_and_the_items_in_effect() -> None:
    with signed_in_against(Role.FINANCE, {("GET", VERSIONS): a_price_list()}) as (client, _):
        page = client.get("/price-lists")  # the user's only site
        second = client.get("/price-lists?site_id=dmg&version=2")
    assert page.status_code == 200, page.text
    first = _row(page.text, "version-1")
    assert "2099-01-01 00:00" in first and "西物价备〔2098〕12号" in first and "现行" in first
    assert 'data-state="in_effect"' in page.text and 'data-state="scheduled"' in page.text
    assert "待生效" in _row(page.text, "version-2")
    assert 'data-testid="shown-version">1' in page.text
    tap = _row(page.text, "item-RP-TAP")
    assert "更换水龙头" in tap and "Tap replacement" in tap and "¥80.00" in tap
    assert "次" in tap and "特约服务（有偿）" in tap and 'data-testid="edit-RP-TAP"' in tap
    assert "玻璃清洗" in _row(page.text, "item-HK-GLASS")
    assert 'data-testid="shown-version">2' in second.text and "¥85.00" in second.text
    assert "edit-RP-TAP" not in second.text  # an item is set in the version in effect
    # a version waits ahead: setting one item now is refused by billing, the page says so first
    assert 'data-testid="scheduled-ahead"' in page.text
    assert forms_on(page.text) == {"item", "version"}


def test_the_new_version_starts_as_the_latest_ones_items_and_blank_rows() -> None:
    with signed_in_against(Role.SITE_MANAGER, {("GET", VERSIONS): a_price_list()}) as (client, _):
        page = client.get("/price-lists?site_id=dmg&item=RP-TAP")
    assert forms_on(page.text) == {"item", "version"}
    # the item form opens on the item in effect asked for
    assert 'id="i-code" name="item_code" value="RP-TAP"' in page.text
    assert 'id="i-price" name="unit_price" inputmode="decimal" value="80.00"' in page.text
    rows = re.findall(r'data-testid="row-(\d+)"', page.text)
    assert rows == ["0", "1", "2", "3"]  # version 2's one item, then three blank rows
    assert 'name="items.0.unit_price" inputmode="decimal" value="85.00"' in page.text
    assert 'name="items.1.item_code" value=""' in page.text
    assert 'id="v-approval" name="approval_ref" value="西物价备〔2198〕3号"' in page.text


def test_a_site_without_a_list_says_so_and_offers_blank_rows_to_the_keepers() -> None:
    routes: Routes = {("GET", VERSIONS): lambda _: problem(404, "site 'dmg' has no price list")}
    with signed_in_against(Role.FINANCE, routes) as (client, _):
        page = client.get("/price-lists")
    assert page.status_code == 200 and 'data-testid="no-price-list"' in page.text
    assert re.findall(r'data-testid="row-(\d+)"', page.text) == ["0", "1", "2"]


def test_readers_see_the_list_without_the_forms_and_their_posts_are_refused() -> None:
    routes: Routes = {("GET", VERSIONS): a_price_list()}
    for reader in (Role.DIRECTOR, Role.ADMINISTRATOR):
        with signed_in_against(reader, routes) as (client, calls):
            page = client.get("/price-lists?site_id=dmg&item=RP-TAP")
            form = form_fields(client, "/price-lists", site_id="dmg", item_code="RP-TAP")
            answers = [
                client.post(path, data=form).status_code
                for path in ("/price-lists/items", "/price-lists/versions")
            ]
        assert page.status_code == 200 and forms_on(page.text) == set(), reader
        assert "edit-RP-TAP" not in page.text
        assert answers == [403, 403] and posted(calls) == [], reader
    with signed_in_against(Role.AGENT, routes) as (client, _):
        assert client.get("/price-lists").status_code == 403


def test_a_form_without_this_browsers_csrf_token_is_refused() -> None:
    with signed_in_against(Role.FINANCE, {("GET", VERSIONS): a_price_list()}) as (client, calls):
        form = form_fields(client, "/price-lists", site_id="dmg", item_code="RP-TAP")
        missing = {k: v for k, v in form.items() if k != "csrf"}
        answers = [
            client.post("/price-lists/items", data=missing).status_code,
            client.post("/price-lists/versions", data=form | {"csrf": "guess"}).status_code,
        ]
    assert answers == [403, 403]
    assert posted(calls) == [] and not [c for c in calls if c.method == "PUT"]


ITEM_FORM = {
    "site_id": "dmg",
    "item_code": " RP-HEATER ",
    "name": " 更换热水器 ",
    "name_en": "",
    "unit": "台",
    "unit_price": " 300.00 ",
    "kind": "special_paid",
}


def test_bil02_an_items_price_is_put_to_billing_as_typed() -> None:
    sent: list[httpx.Request] = []
    routes: Routes = {
        ("GET", VERSIONS): a_price_list(),
        ("PUT", "/price-lists/dmg/items/RP-HEATER"): keeping(
            sent, httpx.Response(200, json=[an_item()])
        ),
    }
    with signed_in_against(Role.FINANCE, routes) as (client, _):
        form = form_fields(client, "/price-lists", **ITEM_FORM)
        done = client.post("/price-lists/items", data=form)
        back = client.get(done.headers["location"])
    assert done.status_code == 303, done.text
    where = urlsplit(done.headers["location"])
    assert where.path == "/price-lists" and where.fragment == "items"
    assert parse_qs(where.query) == {"site_id": ["dmg"], "done": ["item"], "saved": ["RP-HEATER"]}
    assert json.loads(sent[0].content) == {
        "name": "更换热水器",
        "unit": "台",
        "unit_price": "300.00",  # a decimal string, never a float
        "kind": "special_paid",
    }
    assert sent[0].headers["Idempotency-Key"] == "k-1"
    assert "已设置价格：<strong>RP-HEATER" in back.text


def test_billings_refusal_of_an_item_is_shown_beside_the_form_as_typed() -> None:
    later = problem(
        409,
        "version 2 takes effect at 2199-01-01T00:00:00+08:00: correct the list through a new version after it",
    )
    invalid = httpx.Response(
        422,
        json={
            "status": 422,
            "detail": "unit_price: give an amount in yuan above zero",
            "errors": [{"field": "unit_price", "message": "give an amount in yuan above zero"}],
        },
    )
    answers = [later, invalid]
    routes: Routes = {
        ("GET", VERSIONS): a_price_list(),
        ("PUT", "/price-lists/dmg/items/RP-HEATER"): lambda _: answers.pop(),
    }
    with signed_in_against(Role.FINANCE, routes) as (client, calls):
        form = form_fields(client, "/price-lists", **ITEM_FORM | {"unit_price": "-3"})
        refused = client.post("/price-lists/items", data=form)
        clash = client.post("/price-lists/items", data=form | {"unit_price": "300"})
        no_code = client.post("/price-lists/items", data=form | {"item_code": " "})
    assert refused.status_code == 422
    assert 'data-testid="error-unit_price">give an amount in yuan above zero' in refused.text
    assert 'id="i-price" name="unit_price" inputmode="decimal" value="-3"' in refused.text
    assert 'id="i-name" name="name" value="更换热水器"' in refused.text
    assert clash.status_code == 409
    assert re.search(r'data-testid="item-problem">version 2 takes effect', clash.text)
    assert (
        no_code.status_code == 422
        and 'data-testid="error-item_code">请填写项目代码' in no_code.text
    )
    assert len([c for c in calls if c.method == "PUT"]) == 2


VERSION_FORM = {
    "site_id": "dmg",
    "effective_from": "2199-07-01T00:00",
    "approval_ref": " 西物价备〔2199〕7号 ",
    "items.0.item_code": "RP-TAP",
    "items.0.name": "更换水龙头",
    "items.0.name_en": "Tap replacement",
    "items.0.unit": "次",
    "items.0.unit_price": "90.00",
    "items.0.kind": "special_paid",
    # the glass cleaning left out: its code emptied
    "items.1.item_code": "",
    "items.1.name": "玻璃清洗",
    "items.1.name_en": "",
    "items.1.unit": "平方米",
    "items.1.unit_price": "5.50",
    "items.1.kind": "special_paid",
    "items.2.item_code": "RT-LIGHT",
    "items.2.name": "公共照明报修",
    "items.2.name_en": "",
    "items.2.unit": "次",
    "items.2.unit_price": "0",
    "items.2.kind": "routine",
    "items.3.item_code": "",
    "items.3.name": "",
    "items.3.name_en": "",
    "items.3.unit": "",
    "items.3.unit_price": "",
    "items.3.kind": "special_paid",
}


def test_bil04_a_new_version_is_scheduled_from_the_rows_in_the_sites_time() -> None:
    sent: list[httpx.Request] = []
    scheduled = a_price_list()
    scheduled["versions"].append(a_version(3, effective_from="2199-07-01T00:00:00+08:00"))
    routes: Routes = {
        ("GET", VERSIONS): a_price_list(),
        ("POST", VERSIONS): keeping(sent, httpx.Response(201, json=scheduled)),
    }
    with signed_in_against(Role.ADMIN, routes) as (client, _):
        form = form_fields(client, "/price-lists?site_id=dmg", **VERSION_FORM)
        done = client.post("/price-lists/versions", data=form)
    assert done.status_code == 303, done.text
    assert done.headers["location"] == "/price-lists?site_id=dmg&version=3&done=version#versions"
    assert json.loads(sent[0].content) == {
        "items": [
            {
                "item_code": "RP-TAP",
                "name": "更换水龙头",
                "unit": "次",
                "unit_price": "90.00",
                "kind": "special_paid",
                "name_en": "Tap replacement",
            },
            {
                "item_code": "RT-LIGHT",
                "name": "公共照明报修",
                "unit": "次",
                "unit_price": "0",
                "kind": "routine",
            },
        ],
        "effective_from": "2199-07-01T00:00:00+08:00",  # typed in the site's time
        "approval_ref": "西物价备〔2199〕7号",
    }


def test_a_refused_row_is_shown_beside_the_row_it_came_from() -> None:
    invalid = httpx.Response(
        422,
        json={
            "status": 422,
            "detail": "items.1.unit_price: give an amount in yuan above zero",
            "errors": [
                {"field": "items.1.unit_price", "message": "give an amount in yuan above zero"}
            ],
        },
    )
    past = problem(422, "effective_from lies in the past: a version takes effect now or later")
    answers = [past, invalid]
    routes: Routes = {
        ("GET", VERSIONS): a_price_list(),
        ("POST", VERSIONS): lambda _: answers.pop(),
    }
    with signed_in_against(Role.FINANCE, routes) as (client, _):
        form = form_fields(client, "/price-lists?site_id=dmg", **VERSION_FORM)
        refused = client.post("/price-lists/versions", data=form | {"items.2.unit_price": "-1"})
        too_early = client.post("/price-lists/versions", data=form | {"key": "k-2"})
    assert refused.status_code == 422
    # billing's items.1 is the form's row 2: row 1 (its code emptied) was not sent
    assert 'data-testid="error-items.2.unit_price">give an amount' in refused.text
    assert 'data-testid="error-items.1.unit_price"' not in refused.text
    assert 'name="items.2.unit_price" inputmode="decimal" value="-1"' in refused.text
    assert 'name="items.1.name" value="玻璃清洗"' in refused.text  # the emptied row kept
    assert (
        'id="v-effective" name="effective_from" type="datetime-local" value="2199-07-01T00:00"'
        in refused.text
    )
    assert re.search(
        r'data-testid="version-problem">effective_from lies in the past', too_early.text
    )


def test_every_label_the_screen_builds_is_in_both_languages() -> None:
    built = {f"item_kind_{k}" for k in price_pages.KINDS} | {
        "price_lists",
        "price_item_code_needed",
        "price_done_item",
        "price_done_version",
    }
    assert sorted(built - TEXT.keys()) == []
    with signed_in_against(Role.FINANCE, {("GET", VERSIONS): a_price_list()}) as (client, _):
        client.cookies.set("hotline_lang", "en")
        page = client.get("/price-lists").text
    assert "Approval reference" in page and "In effect" in page and "Scheduled" in page
    assert "Special paid service" in page and "Schedule a new version" in page
