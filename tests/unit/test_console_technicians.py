"""The console's technicians screen (维修/服务人员) in front of a scripted dispatch, without a
browser: a site's technicians are listed from every page of dispatch's listing, their trades and
skills by name (the ten housekeeping items by theirs, TAX-07); the roster keepers add one or
change one, PUT to dispatch with the form's Idempotency-Key (on duty false when unticked: what
automatic assignment reads, DSP-02), and land back on the list saying so; dispatch's refusal is
shown beside the form as typed, and what the page refuses itself (no trade, no id, an id already
at the site) never reaches dispatch. Who sees the screen and its form follows dispatch's access
table."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from console.entrypoints.web import (
    ROSTER_KEEPERS,
    SESSION_COOKIE,
    TECHNICIAN_READERS,
    work_screens_for,
)
from console.entrypoints.web.technicians import (
    DONE,
    EMERGENCY_SKILL,
    HOUSEKEEPING_SKILLS,
    REPAIR_SKILLS,
    SKILL_GROUPS,
    TRADES,
)
from console.i18n import TEXT
from dispatch.domain import technician as dispatch_technician
from dispatch.domain.work_order import TRADE_FOR_BOARD
from dispatch.entrypoints.http.access import ACCESS
from hotline_libs.auth import Role, issue_token
from hotline_libs.settings import DEV_JWT_SECRET

from tests.unit.test_console import _client, page_of, problem, signed_in_against


def a_technician(technician_id: str, name: str, **overrides: Any) -> dict[str, Any]:
    technician: dict[str, Any] = {
        "technician_id": technician_id,
        "site_id": "dmg",
        "name": name,
        "phone": "+8613900000101",
        "trades": ["maintenance"],
        "skills": [],
        "on_duty": True,
    }
    return technician | overrides


LI = a_technician("dmg-t01", "李强", skills=["lifts", "plumbing"])
ZHAO = a_technician("dmg-t02", "赵敏", on_duty=False)
WANG = a_technician(
    "dmg-t03",
    "王芳",
    phone="+8613900000103",
    trades=["housekeeping"],
    skills=["carpet_cleaning", "new_home_clean"],
)


def two_pages(sent: list[httpx.Request] | None = None) -> Any:
    """Dispatch's listing two technicians a page: 李强 and 赵敏, then 王芳."""

    def listing(request: httpx.Request) -> httpx.Response:
        if sent is not None:
            sent.append(request)
        offset = int(request.url.params.get("offset", "0"))
        items = [LI, ZHAO, WANG][offset : offset + 2]
        return httpx.Response(200, json={"items": items, "total": 3, "limit": 2, "offset": offset})

    return listing


def routes(more: dict[tuple[str, str], Any] | None = None) -> dict[tuple[str, str], Any]:
    return {("GET", "/technicians"): two_pages(), **(more or {})}


def saving(answers: list[httpx.Response], sent: list[httpx.Request]) -> Any:
    """A PUT /technicians/{id} answering ``answers`` in turn, keeping what it was sent."""

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return answers[min(len(sent), len(answers)) - 1]

    return handler


def _form(client: Any, **fields: Any) -> dict[str, Any]:
    client.get("/technicians?site_id=dmg")
    return {"csrf": client.cookies["hotline_csrf"], "site_id": "dmg", "key": "k-1", **fields}


def _row(page: str, technician_id: str) -> str:
    found = re.search(rf'data-testid="technician-{technician_id}"[^>]*>(.*?)</tr>', page, re.S)
    assert found, f"no row for {technician_id}"
    return found.group(1)


def _ticked(page: str, name: str) -> set[str]:
    return set(re.findall(rf'name="{name}" value="([^"]+)"[^>]*\bchecked\b', page))


def test_the_list_pages_through_dispatch_and_names_trades_and_skills() -> None:
    """Every page of dispatch's listing, not only the first; skills by name, the housekeeping
    items by theirs (TAX-07); on duty only leaves 赵敏 (off duty) out."""
    asked: list[httpx.Request] = []
    listing = {("GET", "/technicians"): two_pages(asked)}
    with signed_in_against(Role.AGENT, listing) as (client, _):
        page = client.get("/technicians")  # the user's only site
        on_duty = client.get("/technicians?site_id=dmg&on_duty=true")
    assert page.status_code == 200, page.text
    assert [r.url.params["offset"] for r in asked] == ["0", "2", "0", "2"]
    assert {r.url.params["site_id"] for r in asked} == {"dmg"}
    li, zhao, wang = (_row(page.text, t) for t in ("dmg-t01", "dmg-t02", "dmg-t03"))
    assert "李强" in li and "水暖" in li and "电梯" in li and "维修" in li
    assert 'data-on-duty="true"' in li
    assert "赵敏" in zhao and "通才" in zhao and 'data-on-duty="false"' in zhao
    assert "王芳" in wang and "家政保洁" in wang and "家庭开荒" in wang and "地毯清洗" in wang
    assert 'href="tel:+8613900000103"' in wang
    assert 'data-testid="technician-dmg-t02"' not in on_duty.text
    assert 'data-testid="technician-dmg-t03"' in on_duty.text
    english = client_in_english(listing)
    assert "Plumbing" in english and "New-home deep clean" in english


def client_in_english(listing: dict[tuple[str, str], Any]) -> str:
    with signed_in_against(Role.AGENT, listing) as (client, _):
        client.cookies.set("hotline_lang", "en")
        return client.get("/technicians?site_id=dmg").text


def test_a_keeper_has_the_form_a_reader_only_the_list() -> None:
    with signed_in_against(Role.DUTY_STAFF, routes()) as (client, _):
        kept = client.get("/technicians?site_id=dmg")
    assert 'data-testid="technician-form"' in kept.text
    assert 'data-testid="edit-dmg-t01"' in kept.text
    boxes = re.findall(r'name="skills" value="([^"]+)"', kept.text)
    assert boxes == [*REPAIR_SKILLS, *HOUSEKEEPING_SKILLS]
    assert 'data-testid="skills-housekeeping_items"' in kept.text
    assert "漏水" in kept.text  # beside plumbing: what a water leak sends a plumber for
    assert re.search(r'id="t-on-duty"[^>]*\bchecked\b', kept.text)  # a new one: on duty
    with signed_in_against(Role.AGENT, routes()) as (client, calls):
        read = client.get("/technicians?site_id=dmg&edit=dmg-t01")
        csrf = client.cookies["hotline_csrf"]
        refused = client.post(
            "/technicians",
            data={"csrf": csrf, "site_id": "dmg", "technician_id": "dmg-t01", "name": "李强"},
        )
    assert read.status_code == 200 and 'data-testid="technician-dmg-t01"' in read.text
    assert 'data-testid="technician-form"' not in read.text and "edit-dmg-t01" not in read.text
    assert refused.status_code == 403
    assert not any(c.method == "PUT" for c in calls)


def test_who_sees_the_screen_follows_dispatchs_access() -> None:
    assert ACCESS["list_technicians"].roles == TECHNICIAN_READERS
    assert ACCESS["save_technician"].roles == ROSTER_KEEPERS
    for role in Role:
        keys = [s.key for s in work_screens_for(role)]
        assert ("technicians" in keys) == (role in TECHNICIAN_READERS), role
    with _client() as client:
        for role in (Role.TECHNICIAN, Role.FINANCE):
            token = issue_token(DEV_JWT_SECRET, subject="x", role=role, sites=["dmg"])
            client.cookies.set(SESSION_COOKIE, token)
            assert client.get("/technicians?site_id=dmg").status_code == 403, role


def test_the_trades_and_skills_offered_are_dispatchs() -> None:
    assert set(TRADES) == set(TRADE_FOR_BOARD.values())
    assert tuple(dispatch_technician.REPAIR_SKILLS) == REPAIR_SKILLS
    assert tuple(dispatch_technician.HOUSEKEEPING_SKILLS) == HOUSEKEEPING_SKILLS
    assert len(HOUSEKEEPING_SKILLS) == 10  # TAX-07: the ten housekeeping items
    assert EMERGENCY_SKILL == dispatch_technician.EMERGENCY_SKILL
    assert set(EMERGENCY_SKILL.values()) <= set(REPAIR_SKILLS)


def test_a_new_technician_is_put_to_dispatch_and_the_list_says_so() -> None:
    """DSP-02: on duty is what automatic assignment reads; unticked, dispatch is sent false,
    not left to a default. A housekeeping item is a skill of its own (TAX-07)."""
    sent: list[httpx.Request] = []
    saved = httpx.Response(200, json=a_technician("dmg-t09", "孙丽", on_duty=False))
    more = {("PUT", "/technicians/dmg-t09"): saving([saved], sent)}
    with signed_in_against(Role.DUTY_STAFF, routes(more)) as (client, _):
        form = _form(
            client,
            new="1",
            technician_id=" dmg-t09 ",
            name="孙丽",
            phone="+8613900000109",
            trades=["housekeeping"],
            skills=["floor_waxing", "glass_cleaning"],
        )
        added = client.post("/technicians", data=form)
        back = client.get(added.headers["location"].split("#")[0])
    assert added.status_code == 303, added.text
    where = urlsplit(added.headers["location"])
    assert where.path == "/technicians" and where.fragment == "technicians"
    query = parse_qs(where.query)
    assert query == {"site_id": ["dmg"], "done": ["added"], "saved": ["dmg-t09"]}
    [put] = sent
    assert put.url.path == "/technicians/dmg-t09"
    assert put.headers["Idempotency-Key"] == "k-1"
    assert json.loads(put.content) == {
        "site_id": "dmg",
        "name": "孙丽",
        "phone": "+8613900000109",
        "trades": ["housekeeping"],
        "skills": ["floor_waxing", "glass_cleaning"],
        "on_duty": False,
    }
    assert 'data-testid="done"' in back.text and "已添加" in back.text


def test_a_technician_opens_in_the_form_and_is_changed_off_duty() -> None:
    sent: list[httpx.Request] = []
    saved = httpx.Response(200, json=LI | {"on_duty": False})
    more = {("PUT", "/technicians/dmg-t01"): saving([saved], sent)}
    with signed_in_against(Role.SITE_MANAGER, routes(more)) as (client, _):
        editing = client.get("/technicians?site_id=dmg&edit=dmg-t01")
        csrf = client.cookies["hotline_csrf"]
        form = {
            "csrf": csrf,
            "site_id": "dmg",
            "technician_id": "dmg-t01",
            "name": "李强",
            "phone": "+8613900000101",
            "trades": ["maintenance"],
            "skills": ["lifts", "plumbing"],
            "key": "k-2",
        }
        changed = client.post("/technicians", data=form)
        missing = client.get("/technicians?site_id=dmg&edit=dmg-t77")
    assert 'data-testid="technician-id">dmg-t01<' in editing.text
    assert (
        'name="new"' not in editing.text and 'name="technician_id" value="dmg-t01"' in editing.text
    )
    assert _ticked(editing.text, "skills") == {"lifts", "plumbing"}
    assert _ticked(editing.text, "trades") == {"maintenance"}
    assert re.search(r'id="t-on-duty"[^>]*\bchecked\b', editing.text)
    assert changed.status_code == 303
    assert parse_qs(urlsplit(changed.headers["location"]).query)["done"] == ["changed"]
    assert json.loads(sent[0].content)["on_duty"] is False
    assert missing.status_code == 404 and "dmg-t77" in missing.text
    assert 'name="new" value="1"' in missing.text  # the form opens on a new one instead


def test_dispatch_refusing_the_technician_is_shown_beside_the_form_as_typed() -> None:
    sent: list[httpx.Request] = []
    unknown = httpx.Response(
        422,
        json={
            "status": 422,
            "detail": "skills ['welding'] are not skills dispatch knows; known: carpet_care, ...",
            "errors": [],
        },
    )
    short = httpx.Response(
        422,
        json={
            "status": 422,
            "detail": "phone: String should have at least 5 characters",
            "errors": [{"field": "phone", "message": "String should have at least 5 characters"}],
        },
    )
    taken = problem(409, "technician id 'dmg-t08' is taken; choose another")
    more = {("PUT", "/technicians/dmg-t08"): saving([unknown, short, taken], sent)}
    with signed_in_against(Role.SUPERVISOR, routes(more)) as (client, _):
        form = _form(
            client,
            new="1",
            technician_id="dmg-t08",
            name="周杰",
            phone="+8613900000108",
            trades=["maintenance"],
            skills=["gas", "welding"],
            on_duty="true",
        )
        refused = client.post("/technicians", data=form)
        too_short = client.post("/technicians", data=form | {"phone": "123"})
        elsewhere = client.post("/technicians", data=form)
    assert refused.status_code == 422
    beside = re.search(r'data-testid="technician-problem">([^<]*)<', refused.text)
    assert beside and "are not skills dispatch knows" in beside.group(1)
    assert 'id="t-id" name="technician_id" value="dmg-t08"' in refused.text
    assert 'value="周杰"' in refused.text and 'value="+8613900000108"' in refused.text
    assert _ticked(refused.text, "skills") == {"gas", "welding"}  # the refused one, to untick
    assert _ticked(refused.text, "trades") == {"maintenance"}
    assert re.search(r'id="t-on-duty"[^>]*\bchecked\b', refused.text)
    key = re.search(r'name="key" value="([^"]+)"', refused.text)
    assert key and key.group(1) != "k-1"  # dispatch kept its 422: a new key for the next try
    assert 'data-testid="technician-dmg-t01"' in refused.text  # the list still beside it
    assert too_short.status_code == 422
    assert re.search(r'data-testid="error-phone">String should have at least 5', too_short.text)
    assert elsewhere.status_code == 409 and "is taken; choose another" in elsewhere.text
    assert len(sent) == 3


def test_what_the_page_refuses_itself_never_reaches_dispatch() -> None:
    """No trade ticked, a new one without a usable id, or an id already at the site (the PUT
    would change that technician): refused with the reason beside its field, dispatch not
    asked to save."""
    with signed_in_against(Role.DUTY_STAFF, routes()) as (client, calls):
        form = _form(client, new="1", technician_id="dmg-t09", name="孙丽", phone="+8613900000109")
        no_trade = client.post("/technicians", data=form | {"skills": ["sofa_care"]})
        no_id = client.post("/technicians", data=form | {"technician_id": "", "trades": ["x"]})
        spaced = client.post("/technicians", data=form | {"technician_id": "a b/c"})
        taken = client.post(
            "/technicians", data=form | {"technician_id": "dmg-t03", "trades": ["housekeeping"]}
        )
    assert no_trade.status_code == 422
    assert re.search(r'data-testid="error-trades">请至少勾选一个工种', no_trade.text)
    assert 'value="孙丽"' in no_trade.text and _ticked(no_trade.text, "skills") == {"sofa_care"}
    assert no_id.status_code == 422 and 'data-testid="error-technician_id"' in no_id.text
    assert 'data-testid="error-trades"' not in no_id.text
    assert spaced.status_code == 422 and 'data-testid="error-technician_id"' in spaced.text
    assert taken.status_code == 409
    assert re.search(r'data-testid="error-technician_id">该工号已是本项目', taken.text)
    assert not any(c.method == "PUT" for c in calls)


def test_a_form_without_this_browsers_csrf_token_is_refused() -> None:
    with signed_in_against(Role.DUTY_STAFF, routes()) as (client, calls):
        form = _form(client, new="1", technician_id="dmg-t09", name="孙丽", trades=["maintenance"])
        missing = client.post("/technicians", data={k: v for k, v in form.items() if k != "csrf"})
        forged = client.post("/technicians", data=form | {"csrf": "guess"})
    assert missing.status_code == 403 and forged.status_code == 403
    assert not any(c.method == "PUT" for c in calls)


def test_the_rosters_rows_open_their_technician_for_a_keeper() -> None:
    month = "2099-03"
    roster: dict[tuple[str, str], Any] = {
        ("GET", "/technicians"): page_of(LI, ZHAO),
        ("GET", f"/technician-rosters/dmg/{month}"): lambda _: problem(404, "none yet"),
    }
    with signed_in_against(Role.DUTY_STAFF, roster) as (client, _):
        kept = client.get(f"/technician-rosters?site_id=dmg&month={month}")
    with signed_in_against(Role.AGENT, roster) as (client, _):
        read = client.get(f"/technician-rosters?site_id=dmg&month={month}")
    edit = "/technicians?site_id=dmg&amp;edit=dmg-t01#technician-form"
    assert f'href="{edit}" data-testid="edit-technician-dmg-t01"' in kept.text
    assert "edit-technician-" not in read.text


def test_every_label_the_screen_builds_is_in_both_languages() -> None:
    built = (
        {f"trade_{t}" for t in TRADES}
        | {f"skill_{s}" for s in (*REPAIR_SKILLS, *HOUSEKEEPING_SKILLS)}
        | {f"technician_skills_{group}" for group, _ in SKILL_GROUPS}
        | {f"emergency_{kind}" for kind in EMERGENCY_SKILL}
        | {f"technician_done_{d}" for d in DONE}
        | {"technicians", "technician_id_invalid", "technician_id_taken"}
        | {"technician_trade_needed", "technician_not_listed"}
    )
    assert sorted(built - TEXT.keys()) == []
