"""The callback screens after the call (issue #12) in front of a scripted callback, without a
browser: the queue at a glance on top of the queue, each count opening its tab and reason
(CB-01); a callback not drawn for the month's sample opened by its address, its kind and draw in
small print (CB-03, CB-10); the rectifications (整改) and one case with its loops (CB-07, CB-09);
a site's callback policy (回访规定) with its versions, version 0 the manuals' rules (CB-02, CB-03,
CB-10, CB-11), the form for a new version for those callback lets set one, its refusals beside
the field as typed, and a month's samples as an auditor recomputes them. Every fixture is written
by callback's own models, and who may open what is callback's access table; a form without this
browser's CSRF token is refused before callback is asked; every label is in both languages."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from callback.domain.callback import CallbackReason, Contact
from callback.domain.policy import (
    MANUALS,
    MANUALS_VERSION,
    MAX_RECTIFICATION_LOOPS,
    MIN_SHARE,
    MONTH_DONE_BEFORE_DAY,
    SERVICES,
    PolicyVersion,
    Rule,
    Trigger,
)
from callback.domain.rectification import Loop, Rectification, RectificationStatus
from callback.domain.sample import CallbackSample
from callback.entrypoints.http.access import ACCESS
from callback.entrypoints.http.callbacks import CallbackOut, QueueOut, QueueRow
from callback.entrypoints.http.policies import (
    METHOD,
    PolicyOut,
    PolicyVersionIn,
    SamplesOut,
    sample_out,
    version_out,
)
from callback.entrypoints.http.rectifications import rectification_out
from console.bootstrap import create_app
from console.entrypoints.web import (
    CALLBACK_POLICY_READERS,
    CALLBACK_POLICY_SETTERS,
    CALLBACK_READERS,
    CALLBACK_SCREENS,
    DISPATCHERS,
    RECTIFICATION_READERS,
    SAMPLE_READERS,
    callback_screens_for,
)
from console.entrypoints.web import callback_policies as policy_pages
from console.entrypoints.web import callbacks as callback_pages
from console.entrypoints.web import rectifications as rectification_pages
from console.i18n import TEXT
from console.settings import ConsoleSettings
from hotline_libs.auth import Role

from tests.unit.console_forms import form_fields, part_of
from tests.unit.test_console import problem, signed_in_against
from tests.unit.test_console_callbacks import CALLBACK_PATH, a_callback, call_routes, listed

Routes = dict[tuple[str, str], Any]
SHANGHAI = ZoneInfo("Asia/Shanghai")
RECTIFICATION_ID = uuid.UUID("7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d")
REQUEST_ID = uuid.UUID("5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a")
WORK_ORDER_ID = uuid.UUID("1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d")
FIRST_CALL = uuid.UUID("0b8f4c2e-5f7a-4c1e-9a51-1d2e3f4a5b6c")
SECOND_CALL = uuid.UUID("2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f")
LAST_CALL = uuid.UUID("3d4e5f6a-7b8c-4d9e-8f0a-1b2c3d4e5f6a")
OPENED_AT = datetime(2099, 3, 4, 2, 15, tzinfo=UTC)  # 10:15 in Shanghai
RECTIFICATION_PATH = f"/rectifications/{RECTIFICATION_ID}"
POLICY_PATH = "/callback-policies/dmg"
VERSIONS_PATH = f"{POLICY_PATH}/versions"


def today() -> date:
    return datetime.now(SHANGHAI).date()


def this_month() -> str:
    return today().strftime("%Y-%m")


# -- callback's answers, as its own models write them ------------------------------------------
def a_rectification(
    *, status: str = "open", loops: int = 1, followed_satisfied: bool | None = None
) -> dict[str, Any]:
    """Callback's RectificationOut: a repair's case found wanting ``loops`` times (each loop but
    the last followed up unsatisfied; the last followed up as ``followed_satisfied`` says)."""
    rectification = Rectification(
        rectification_id=RECTIFICATION_ID,
        site_id="dmg",
        request_id=REQUEST_ID,
        request_no="SR-DMG-20990302-0001",
        work_order_id=WORK_ORDER_ID,
        resident=Contact("王芳", "13800000000", None, "3", "1202"),
        case_reason=CallbackReason.AFTER_REPAIR,
        limit=2,
        status=RectificationStatus(status),
    )
    words = ["门还是关不严\n晚上漏风", "还是关不严"]
    calls = [FIRST_CALL, SECOND_CALL, LAST_CALL]
    for n in range(loops):
        last = n + 1 == loops
        followed = None if last and followed_satisfied is None else calls[n + 1]
        satisfied = followed_satisfied if last else False
        opened = OPENED_AT + timedelta(days=3 * n)
        rectification.loops.append(Loop(n + 1, calls[n], words[n], opened, followed, satisfied))
    if status == "escalated":
        rectification.escalated_at = OPENED_AT + timedelta(days=7)
    if status == "closed":
        rectification.closed_at = OPENED_AT + timedelta(days=7)
    found: dict[str, Any] = rectification_out(rectification).model_dump(mode="json")
    return found


def a_policy(*versions: PolicyVersion, in_force: PolicyVersion = MANUALS_VERSION) -> Any:
    """Callback's PolicyOut of the site: ``versions`` set, ``in_force`` on the site's today."""
    return PolicyOut(
        site_id="dmg",
        in_force=version_out(in_force),
        versions=[version_out(v) for v in versions],
        floors=dict(MIN_SHARE),
        most_working_days={t: 2 if t in SERVICES else 5 for t in Trigger},
        manuals=version_out(MANUALS_VERSION),
    ).model_dump(mode="json")


def a_version(number: int, effective_from: date, bank_share: int = 90) -> PolicyVersion:
    return PolicyVersion(
        version=number,
        effective_from=effective_from,
        rules=dict(MANUALS) | {Trigger.BANK_COLLECTED: Rule(bank_share, 2)},
        month_done_before_day=8,
        rectification_limit=3,
        set_by="console-site_manager-刘经理",
        set_at=datetime(2099, 3, 1, 1, 0, tzinfo=UTC),
        note="托收回访提高到90%",
    )


CASES = [uuid.UUID(int=n + 1) for n in range(5)]


def the_samples(month: str = "2099-03") -> Any:
    sample = CallbackSample("dmg", month, "bank_collected", seed="5eed" * 8)
    for case in CASES:
        sample.draw(case, 80)
    return SamplesOut(
        site_id="dmg", month=month, method=METHOD, samples=[sample_out(sample)]
    ).model_dump(mode="json")


def a_queue() -> Any:
    return QueueOut(
        rows=[
            QueueRow(
                site_id="dmg",
                reason=CallbackReason.AFTER_REPAIR,
                overdue=2,
                due_today=0,
                later=5,
                unreachable=1,
            ),
            QueueRow(
                site_id="dmg",
                reason=CallbackReason.AFTER_RECTIFICATION,
                overdue=0,
                due_today=3,
                later=0,
                unreachable=0,
            ),
        ],
        today={"dmg": today()},
    ).model_dump(mode="json")


def policy_routes(policy: Any = None, samples: Any = None) -> Routes:
    return {
        ("GET", POLICY_PATH): policy or a_policy(),
        ("GET", f"/callback-samples/dmg/{this_month()}"): samples or the_samples(this_month()),
    }


def rectification_routes() -> Routes:
    return {
        ("GET", "/rectifications"): listed(a_rectification()),
        ("GET", RECTIFICATION_PATH): a_rectification(),
    }


def _changes(calls: list[httpx.Request]) -> list[httpx.Request]:
    return [c for c in calls if c.method != "GET"]


def typed_version(**changes: str) -> dict[str, str]:
    """The new-version form as a site's manager fills it in: the manuals' rules, tomorrow."""
    typed = {
        "effective_from": (today() + timedelta(days=1)).isoformat(),
        "month_done_before_day": "10",
        "rectification_limit": "2",
        "note": "",
    }
    for trigger, rule in MANUALS.items():
        typed[f"rules.{trigger.value}.share"] = str(rule.share)
        typed[f"rules.{trigger.value}.within_working_days"] = str(rule.within_working_days)
    return typed | changes


# -- who sees what: callback's access table -----------------------------------------------------
def test_who_opens_each_screen_follows_callbacks_access_table() -> None:
    assert ACCESS["get_queue"].roles == CALLBACK_READERS
    assert ACCESS["list_rectifications"].roles == RECTIFICATION_READERS
    assert ACCESS["get_rectification"].roles == RECTIFICATION_READERS
    assert ACCESS["get_policy"].roles == CALLBACK_POLICY_READERS
    assert ACCESS["add_policy_version"].roles == CALLBACK_POLICY_SETTERS
    assert ACCESS["get_samples"].roles == SAMPLE_READERS
    assert {Role.SITE_MANAGER, Role.DIRECTOR, Role.ADMIN} == CALLBACK_POLICY_SETTERS
    for role in Role:
        keys = [s.key for s in callback_screens_for(role)]
        shown = ["callbacks", "rectifications", "callback_policies"]
        assert [k for k in keys if k in shown] == (shown if role in CALLBACK_READERS else []), role
    assert [s.path for s in CALLBACK_SCREENS][:3] == [
        "/callbacks",
        "/rectifications",
        "/callback-policies",
    ]


def test_what_the_screens_offer_is_what_callback_knows() -> None:
    assert tuple(t.value for t in Trigger) == callback_pages.TRIGGERS
    assert tuple(s.value for s in RectificationStatus) == tuple(
        sorted(rectification_pages.TABS, key=["open", "closed", "escalated"].index)
    )
    assert (MONTH_DONE_BEFORE_DAY, MAX_RECTIFICATION_LOOPS) == (
        policy_pages.MONTH_DONE_BEFORE_DAY,
        policy_pages.MAX_RECTIFICATION_LOOPS,
    )
    assert PolicyVersionIn.model_fields["note"].metadata[-1].max_length == policy_pages.MAX_NOTE
    assert set(QueueRow.model_fields) - {"site_id", "reason"} == set(callback_pages.COUNTS)
    assert set(callback_pages.COUNTS) <= set(callback_pages.TABS)  # each count opens its tab


ROUTES = {
    ("GET", "/rectifications"): RECTIFICATION_READERS,
    ("GET", "/rectifications/{rectification_id}"): RECTIFICATION_READERS,
    ("GET", "/callback-policies"): CALLBACK_POLICY_READERS,
    ("GET", "/callback-policies/{site_id}"): CALLBACK_POLICY_READERS,
    ("POST", "/callback-policies/{site_id}/versions"): CALLBACK_POLICY_SETTERS,
}
"""Each console route of these screens and the roles it lets in (callback's)."""


def test_every_route_is_listed_and_refuses_whom_callback_refuses() -> None:
    app = create_app(ConsoleSettings())
    served = {
        (method.upper(), path)
        for path, methods in app.openapi()["paths"].items()
        if path.startswith(("/rectifications", "/callback-policies"))
        for method in methods
    }
    assert served == set(ROUTES)  # a new route is added here, with its roles
    routes = rectification_routes() | policy_routes()
    for role in Role:
        with signed_in_against(role, routes) as (client, calls):
            client.get("/sign-in")
            csrf = client.cookies.get("hotline_csrf", "")
            for (method, path), roles in ROUTES.items():
                form = {"csrf": csrf} if method == "POST" else None
                concrete = path.replace("{rectification_id}", str(RECTIFICATION_ID))
                concrete = concrete.replace("{site_id}", "dmg")
                answer = client.request(method, concrete, data=form, follow_redirects=False)
                assert (answer.status_code == 403) == (role not in roles), (role, method, path)
        if role not in CALLBACK_POLICY_SETTERS:
            assert _changes(calls) == [], role


def test_a_version_without_this_browsers_csrf_token_is_refused_before_callback_is_asked() -> None:
    with signed_in_against(Role.SITE_MANAGER, policy_routes()) as (client, calls):
        client.get(POLICY_PATH)
        missing = client.post(VERSIONS_PATH, data={"key": "k-1"} | typed_version())
        forged = client.post(VERSIONS_PATH, data={"key": "k-1", "csrf": "guess"})
    assert (missing.status_code, forged.status_code) == (403, 403)
    assert _changes(calls) == []


# -- the queue at a glance (CB-01) ------------------------------------------------------------------
def test_cb01_the_queue_at_a_glance_counts_per_site_and_reason_each_opening_its_tab() -> None:
    routes: Routes = {("GET", "/callbacks"): listed(), ("GET", "/callback-queue"): a_queue()}
    with signed_in_against(Role.AGENT, routes) as (client, calls):
        page = client.get("/callbacks").text
        client.get("/callbacks", params={"tab": "later", "reason": "after_repair"})
    asked = [dict(c.url.params) for c in calls if c.url.path == "/callback-queue"]
    assert asked == [{"site_id": "dmg"}, {"site_id": "dmg"}]  # the user's only site
    repairs = part_of(page, "glance-dmg-after_repair", "</tr>")
    assert "东明阁" in repairs and today().isoformat() in repairs and "维修后回访" in repairs
    overdue = "/callbacks?site_id=dmg&amp;tab=overdue&amp;reason=after_repair"
    assert f'<a href="{overdue}" class="late" data-testid="open-overdue">2</a>' in repairs
    assert 'href="/callbacks?site_id=dmg&amp;tab=later&amp;reason=after_repair"' in repairs
    assert (
        'data-testid="open-later">5<' in repairs and 'data-testid="open-unreachable">1<' in repairs
    )
    assert 'data-testid="due_today"><span class="muted">0</span>' in repairs
    rework = part_of(page, "glance-dmg-after_rectification", "</tr>")
    assert "整改后回访" in rework and 'data-testid="open-due_today">3<' in rework
    later = [dict(c.url.params) for c in calls if c.url.path == "/callbacks"][-1]
    tomorrow = (today() + timedelta(days=1)).isoformat()
    assert later["status"] == "scheduled" and later["due_on_or_after"] == tomorrow
    assert later["reason"] == "after_repair" and "due_on_or_before" not in later


def test_the_queue_opens_though_callback_gives_no_glance() -> None:
    routes: Routes = {
        ("GET", "/callbacks"): listed(a_callback()),
        ("GET", "/callback-queue"): lambda _: problem(503, "callback is busy"),
    }
    with signed_in_against(Role.SUPERVISOR, routes) as (client, _):
        got = client.get("/callbacks")
    assert got.status_code == 200
    assert 'data-testid="glance-problem">callback is busy' in got.text
    assert 'data-testid="callback-SR-DMG-20990302-0001"' in got.text


# -- a callback not drawn, its kind and draw on the call (CB-03, CB-10) ---------------------------
def test_cb03_a_callback_not_drawn_opens_as_such_without_forms_its_draw_in_small_print() -> None:
    not_drawn = CallbackOut.model_validate(
        a_callback(payment_method="bank_collection")
        | {
            "status": "not_drawn",
            "trigger": "bank_collected",
            "policy_version": 0,
            "draw": {"position": 7, "draw": 8412, "share": 80, "drawn": False, "by_lot": False},
        }
    ).model_dump(mode="json")
    with signed_in_against(Role.AGENT, call_routes(not_drawn)) as (client, _):
        page = client.get(CALLBACK_PATH).text
    assert 'data-status="not_drawn">未抽中 (本月抽样回访未抽到)<' in page
    assert 'data-testid="not-drawn"' in page
    assert re.findall(r'<form [^>]*method="post"', page) == [
        '<form method="post"'
    ]  # only the header's sign-out
    note = part_of(page, "policy-note", "</p>")
    assert 'data-trigger="bank_collected"' in note and "银行托收服务" in note
    assert 'href="/callback-policies/dmg"' in note and "按操作手册" in note
    assert 'data-drawn="false"' in note
    assert "本月序号 7" in note and "抽签值 8412" in note and "回访比例 80%" in note
    assert "未抽中" in note
    assert 'href="/callback-policies/dmg?month=2099-03#samples">2099-03<' in note


def test_a_drawn_callback_says_whether_by_lot_or_to_keep_the_rate() -> None:
    for by_lot, said in ((True, "抽中 (抽签)"), (False, "抽中 (保证比例)")):
        drawn = a_callback() | {
            "trigger": "invalid_complaint",
            "policy_version": 2,
            "draw": {"position": 3, "draw": 120, "share": 50, "drawn": True, "by_lot": by_lot},
        }
        with signed_in_against(Role.AGENT, call_routes(drawn)) as (client, _):
            page = client.get(CALLBACK_PATH).text
        note = part_of(page, "policy-note", "</p>")
        assert "无效投诉" in note and "回访规定版本 2" in note and said in note
        assert "按操作手册" not in note and 'data-drawn="true"' in note


# -- rectifications (CB-07, CB-09) ----------------------------------------------------------------
def test_cb07_each_tab_asks_callback_for_its_rectifications() -> None:
    routes: Routes = {("GET", "/rectifications"): listed()}
    with signed_in_against(Role.QUALITY_HEAD, routes) as (client, calls):
        opened = client.get("/rectifications")
        for tab in rectification_pages.TABS:
            client.get("/rectifications", params={"tab": tab})
        client.get("/rectifications", params={"tab": "closed", "offset": "50"})
    asked = [dict(c.url.params) for c in calls if c.url.path == "/rectifications"]
    paging = {"site_id": "dmg", "limit": "50", "offset": "0"}
    assert asked[:4] == [
        paging | {"status": "open"},
        paging | {"status": "open"},
        paging | {"status": "escalated"},
        paging | {"status": "closed"},
    ]
    assert asked[4]["offset"] == "50"
    assert 'data-tab="open"' in opened.text and 'data-testid="no-rectifications"' in opened.text


def test_cb07_cb09_a_row_says_the_case_its_loops_of_the_limit_and_the_latest_words() -> None:
    escalated = a_rectification(status="escalated", loops=2) | {
        "rectification_id": str(uuid.uuid4()),
        "request_no": "SR-DMG-2",
    }
    routes: Routes = {("GET", "/rectifications"): listed(a_rectification(), escalated)}
    with signed_in_against(Role.SITE_MANAGER, routes) as (client, calls):
        page = client.get("/rectifications", params={"tab": "open"}).text
    row = part_of(page, "rectification-SR-DMG-20990302-0001", "</tr>")
    assert f'href="{RECTIFICATION_PATH}"' in row
    assert 'data-testid="resident">王芳 · 3-1202<' in row
    assert 'data-testid="reason">维修后回访<' in row
    assert 'data-testid="loops">1/2<' in row
    assert "门还是关不严\n晚上漏风" in row
    assert 'data-testid="opened-at">2099-03-04 10:15<' in row  # in the site's time
    assert 'data-testid="status">整改中<' in row
    assert re.search(r'<tr class="" data-testid="rectification-SR-DMG-20990302-0001"', page)
    late = part_of(page, "rectification-SR-DMG-2", "</tr>")
    assert re.search(r'<tr class="late" data-testid="rectification-SR-DMG-2"', page)
    assert 'data-testid="loops">2/2<' in late and "还是关不严" in late
    assert '<strong class="late">已上报</strong>' in late
    assert _changes(calls) == []


def test_cb07_cb09_the_case_shows_every_loop_with_its_calls_the_request_and_the_work_order() -> (
    None
):
    closed = a_rectification(status="closed", loops=2, followed_satisfied=True)
    routes: Routes = {("GET", RECTIFICATION_PATH): closed}
    with signed_in_against(Role.SITE_MANAGER, routes) as (client, calls):
        page = client.get(RECTIFICATION_PATH).text
    assert 'data-testid="request-no">SR-DMG-20990302-0001<' in page
    assert f'href="/requests/{REQUEST_ID}"' in page
    assert f'href="/work-orders/{WORK_ORDER_ID}" data-testid="work-order-link"' in page
    assert 'data-status="closed">已关闭<' in page and 'data-testid="loops">2/2<' in page
    assert 'data-testid="closed-at">2099-03-11 10:15<' in page
    first = part_of(page, "loop-1", "</li>")
    assert f'href="/callbacks/{FIRST_CALL}" data-testid="found-by"' in first
    assert 'data-testid="loop-opinion">门还是关不严\n晚上漏风<' in first
    assert f'href="/callbacks/{SECOND_CALL}" data-testid="followed-by"' in first
    assert '<strong class="late">不满意</strong>' in first
    second = part_of(page, "loop-2", "</li>")
    assert f'href="/callbacks/{SECOND_CALL}" data-testid="found-by"' in second
    assert 'data-testid="loop-opened-at">2099-03-07 10:15<' in second
    assert "<strong>满意</strong>" in second
    assert "第 2 次整改" in second and "第 1 次整改" in first
    assert "<form" not in page.split("<main>", 1)[1]  # nothing to do here: no form
    assert _changes(calls) == []


def test_an_open_loop_waits_for_its_follow_up_and_an_agent_does_not_open_the_work_order() -> None:
    with signed_in_against(Role.AGENT, rectification_routes()) as (client, _):
        page = client.get(RECTIFICATION_PATH).text
    assert 'data-testid="loop-1" data-satisfied="none"' in page
    assert "尚待整改后回访" in page
    assert 'href="/work-orders/' not in page  # not a dispatcher: no work order screen
    assert Role.AGENT not in DISPATCHERS and Role.SITE_MANAGER in DISPATCHERS


def test_a_rectification_callback_does_not_know_shows_its_refusal() -> None:
    with signed_in_against(Role.AGENT, {}) as (client, _):
        got = client.get(f"/rectifications/{uuid.uuid4()}")
    assert got.status_code == 404 and "nothing at /rectifications/" in got.text


# -- a site's policy (CB-02, CB-03, CB-10, CB-11) -------------------------------------------------
def test_a_user_of_one_site_opens_its_policy_others_pick_one() -> None:
    with signed_in_against(Role.SITE_MANAGER, policy_routes()) as (client, _):
        mine = client.get("/callback-policies", follow_redirects=False)
        chosen = client.get("/callback-policies", params={"site_id": "qjc"}, follow_redirects=False)
    assert (mine.status_code, mine.headers["location"]) == (303, POLICY_PATH)
    assert chosen.headers["location"] == "/callback-policies/qjc"


def test_cb02_cb03_the_manuals_rules_are_version_0_in_force_with_their_floors() -> None:
    with signed_in_against(Role.SITE_MANAGER, policy_routes()) as (client, calls):
        page = client.get(POLICY_PATH).text
    in_force = part_of(page, "in-force", "</section>")
    assert 'data-testid="in-force-version">0<' in in_force and "按操作手册" in in_force
    bank = part_of(in_force, "rule-bank_collected", "</tr>")
    assert "银行托收服务" in bank and 'data-testid="share">80%<' in bank
    assert 'data-testid="within">2<' in bank and 'data-testid="floor">80%<' in bank
    assert 'data-testid="floor">—<' in part_of(in_force, "rule-repair", "</tr>")
    assert 'data-testid="share">50%<' in part_of(in_force, "rule-invalid_complaint", "</tr>")
    assert 'data-testid="month-done-before">10<' in in_force
    assert 'data-testid="rectification-limit">2<' in in_force
    version = part_of(page, "version-0", "</tr>")
    assert 'data-state="in_force"' in page and "按操作手册" in version and "现行" in version
    form = part_of(page, "version-form", "</form>")  # filled from the version in force
    assert f'name="effective_from" type="date" min="{today()}" value="{today()}"' in form
    assert 'name="rules.bank_collected.share" type="number"' in form
    assert re.search(r'name="rules\.bank_collected\.share"[^>]*min="80"[^>]*value="80"', form)
    assert re.search(r'name="rules\.repair\.within_working_days"[^>]*value="2"', form)
    assert 'data-testid="floor-cash_paid">操作手册下限 100%<' in form
    assert 'name="month_done_before_day"' in form and 'value="10"' in form
    assert _changes(calls) == []


def test_a_version_from_tomorrow_is_listed_ahead_with_version_0_still_in_force() -> None:
    tomorrow = today() + timedelta(days=1)
    policy = a_policy(a_version(1, tomorrow))
    with signed_in_against(Role.DIRECTOR, policy_routes(policy)) as (client, _):
        page = client.get(POLICY_PATH).text
    assert 'data-testid="in-force-version">0<' in page
    assert 'data-testid="version-0" data-state="in_force"' in page
    ahead = part_of(page, "version-1", "</tr>")
    assert 'data-state="scheduled"' in page and "待生效" in ahead
    assert f'data-testid="effective-from">{tomorrow}<' in ahead
    assert "银行托收服务: 90% · 2" in ahead and "托收回访提高到90%" in ahead
    assert "console-site_manager-刘经理 · 2099-03-01 09:00" in ahead


def test_once_a_sites_version_is_in_force_the_manuals_are_listed_superseded() -> None:
    first = a_version(1, today() - timedelta(days=30))
    with signed_in_against(Role.ADMIN, policy_routes(a_policy(first, in_force=first))) as (
        client,
        _,
    ):
        page = client.get(POLICY_PATH).text
    assert 'data-testid="in-force-version">1<' in page
    assert 'data-testid="version-0" data-state="superseded"' in page
    assert 'data-testid="version-1" data-state="in_force"' in page
    assert re.search(r'name="rules\.bank_collected\.share"[^>]*value="90"', page)


def test_cb13_only_those_callback_lets_set_a_version_see_the_form() -> None:
    for role in (Role.AGENT, Role.QUALITY_HEAD, Role.SITE_MANAGER, Role.DIRECTOR):
        with signed_in_against(role, policy_routes()) as (client, _):
            page = client.get(POLICY_PATH).text
        assert ('data-testid="version-form"' in page) == (role in CALLBACK_POLICY_SETTERS), role
        assert 'data-testid="in-force"' in page


def test_cb03_a_new_version_is_sent_as_typed_and_the_page_says_whether_it_was_added() -> None:
    sent: list[httpx.Request] = []
    tomorrow = today() + timedelta(days=1)
    added = httpx.Response(201, json=a_policy(a_version(1, tomorrow)))
    same = httpx.Response(200, json=a_policy(a_version(1, tomorrow)))
    answers = iter((added, same))

    def versions(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return next(answers)

    routes = policy_routes() | {("POST", VERSIONS_PATH): versions}
    typed = typed_version(
        **{
            "rules.bank_collected.share": " 90 ",
            "note": " 托收回访提高到90% ",
            "rectification_limit": "3",
        }
    )
    with signed_in_against(Role.SITE_MANAGER, routes) as (client, _):
        done = client.post(VERSIONS_PATH, data=form_fields(client, POLICY_PATH) | typed)
        again = client.post(VERSIONS_PATH, data=form_fields(client, POLICY_PATH) | typed)
        page = client.get(again.headers["location"].split("#")[0]).text
    assert done.status_code == 303
    assert done.headers["location"] == f"{POLICY_PATH}?done=added#versions"
    assert again.headers["location"] == f"{POLICY_PATH}?done=same#versions"
    assert 'data-testid="done">与最新版本相同, 未新增版本<' in page
    body = json.loads(sent[0].content)
    assert body == {
        "effective_from": tomorrow.isoformat(),
        "rules": {
            t.value: {
                "share": 90 if t is Trigger.BANK_COLLECTED else r.share,
                "within_working_days": r.within_working_days,
            }
            for t, r in MANUALS.items()
        },
        "month_done_before_day": 10,
        "rectification_limit": 3,
        "note": "托收回访提高到90%",
    }
    PolicyVersionIn.model_validate(body)  # what callback takes
    assert sent[0].headers["Idempotency-Key"] == "k-1"
    without_note = typed_version()
    assert "note" not in policy_pages.version_body(without_note)


def test_cb03_a_share_under_the_floor_is_refused_beside_its_field_as_typed() -> None:
    refusal = httpx.Response(
        422,
        json={
            "status": 422,
            "detail": "bank_collected: the share called back is 80 to 100 percent",
            "errors": [
                {
                    "field": "rules.bank_collected.share",
                    "message": "bank_collected: the share called back is 80 to 100 percent "
                    "(the manuals' floor)",
                }
            ],
        },
    )
    routes = policy_routes() | {("POST", VERSIONS_PATH): lambda _: refusal}
    typed = typed_version(
        **{"rules.bank_collected.share": "70", "note": "试行 <b>", "month_done_before_day": "8"}
    )
    with signed_in_against(Role.SITE_MANAGER, routes) as (client, _):
        refused = client.post(VERSIONS_PATH, data=form_fields(client, POLICY_PATH) | typed)
    assert refused.status_code == 422
    form = part_of(refused.text, "version-form", "</form>")
    assert 'data-testid="version-problem">bank_collected: the share' in form
    field = part_of(form, "rule-field-bank_collected", "</div>\n    </div>")
    assert 'data-testid="error-rules.bank_collected.share">bank_collected' in field
    assert re.search(r'name="rules\.bank_collected\.share"[^>]*value="70"', form)
    assert re.search(r'name="month_done_before_day"[^>]*value="8"', form)
    assert ">试行 &lt;b&gt;</textarea>" in form
    assert f'value="{typed["effective_from"]}"' in form
    key = re.search(r'name="key" value="([^"]+)"', form)
    assert key and key[1] != "k-1"  # callback kept its refusal: a corrected form is a new call
    assert 'data-testid="in-force-version">0<' in refused.text  # the policy still shown


def test_cb02_a_day_past_and_a_later_version_are_refused_where_they_are() -> None:
    past = httpx.Response(
        422,
        json={
            "status": 422,
            "detail": "a policy version takes effect today or later",
            "errors": [{"field": "effective_from", "message": "today or later"}],
        },
    )
    later = problem(
        409, "version 1 takes effect on 2099-04-01: a new version takes effect after it"
    )
    for answer, status in ((past, 422), (later, 409)):
        routes = policy_routes() | {("POST", VERSIONS_PATH): lambda _, a=answer: a}
        typed = typed_version(effective_from="2000-01-01")
        with signed_in_against(Role.ADMIN, routes) as (client, _):
            refused = client.post(VERSIONS_PATH, data=form_fields(client, POLICY_PATH) | typed)
        assert refused.status_code == status
        form = part_of(refused.text, "version-form", "</form>")
        assert 'value="2000-01-01"' in form
        if status == 422:
            assert 'data-testid="error-effective_from">today or later<' in form
        else:
            assert 'data-testid="version-problem">version 1 takes effect' in form
            assert 'name="key" value="k-1"' in form  # nothing kept: the same key again


# -- a month's samples (CB-03, CB-10) -------------------------------------------------------------
def test_cb03_cb10_a_months_samples_show_how_to_recompute_each_draw() -> None:
    routes = policy_routes() | {("GET", "/callback-samples/dmg/2099-03"): the_samples()}
    with signed_in_against(Role.QUALITY_HEAD, routes) as (client, calls):
        page = client.get(POLICY_PATH, params={"month": "2099-03"}).text
        client.get(POLICY_PATH, params={"month": "2099-13"})
    asked = [c.url.path for c in calls if c.url.path.startswith("/callback-samples")]
    assert asked == ["/callback-samples/dmg/2099-03", f"/callback-samples/dmg/{this_month()}"]
    samples = part_of(page, "samples-section", "</section>")
    assert 'name="month" type="month" value="2099-03"' in samples
    assert "SHA-256" in part_of(samples, "sample-method", "</p>")
    bank = part_of(samples, "sample-bank_collected", "</table>")
    assert "银行托收服务" in bank and 'data-testid="seed">' + "5eed" * 8 + "<" in bank
    assert 'data-testid="cases">5<' in bank
    sample = the_samples()["samples"][0]
    drawn = sample["drawn"]
    assert f'data-testid="drawn">{drawn}<' in bank
    assert f"{drawn / 5 * 100:.1f}%</span> · 回访比例 80%" in bank
    for draw in sample["draws"]:
        row = part_of(bank, f"draw-bank_collected-{draw['position']}", "</tr>")
        assert f'href="/callbacks/{draw["case_id"]}"' in row
        assert f">{draw['draw']}<" in row
        said = (
            ("抽中 (抽签)" if draw["by_lot"] else "抽中 (保证比例)") if draw["drawn"] else "未抽中"
        )
        assert said in row


def test_a_month_without_samples_says_so_and_a_refusal_of_them_leaves_the_policy() -> None:
    empty = SamplesOut(site_id="dmg", month=this_month(), method=METHOD, samples=[])
    with signed_in_against(Role.AGENT, policy_routes(samples=empty.model_dump(mode="json"))) as (
        client,
        _,
    ):
        page = client.get(POLICY_PATH).text
    assert 'data-testid="no-samples"' in page
    routes = policy_routes() | {
        ("GET", f"/callback-samples/dmg/{this_month()}"): lambda _: problem(503, "down")
    }
    with signed_in_against(Role.AGENT, routes) as (client, _):
        got = client.get(POLICY_PATH)
    assert got.status_code == 200 and 'data-testid="samples-problem">down' in got.text
    assert 'data-testid="in-force"' in got.text


def test_a_policy_callback_refuses_is_said() -> None:
    routes: Routes = {("GET", POLICY_PATH): lambda _: problem(403, "not your site")}
    with signed_in_against(Role.SITE_MANAGER, routes) as (client, _):
        got = client.get(POLICY_PATH)
    assert got.status_code == 403 and 'data-testid="problem">not your site' in got.text
    assert 'data-testid="version-form"' not in got.text


# -- both languages --------------------------------------------------------------------------------
def test_every_label_the_screens_build_is_in_both_languages() -> None:
    built = (
        {s.key for s in CALLBACK_SCREENS}
        | {f"callbacks_tab_{t}" for t in callback_pages.TABS}
        | {f"callback_status_{s}" for s in callback_pages.UNLISTED}
        | {f"callback_trigger_{t}" for t in callback_pages.TRIGGERS}
        | {f"rectification_status_{s}" for s in rectification_pages.TABS}
        | {f"callback_policy_done_{d}" for d in policy_pages.DONE}
    )
    assert sorted(built - TEXT.keys()) == []
    for key in built:
        chinese, english = TEXT[key]
        assert re.search(r"[\u4e00-\u9fff]", chinese) and english.isascii(), key
    assert [TEXT[f"callback_trigger_{t}"][0] for t in callback_pages.TRIGGERS] == [
        "现金收费服务",
        "银行托收服务",
        "其他方式付费服务",
        "免费维修",
        "有效投诉",
        "无效投诉",
    ]
    assert TEXT["callback_status_not_drawn"][0] == "未抽中 (本月抽样回访未抽到)"
    assert TEXT["callback_policy_manuals"][0] == "按操作手册"


def test_the_screens_speak_english_when_asked() -> None:
    routes = rectification_routes() | policy_routes()
    with signed_in_against(Role.SITE_MANAGER, routes) as (client, _):
        client.cookies.set("hotline_lang", "en")
        listing = client.get("/rectifications").text
        case = client.get(RECTIFICATION_PATH).text
        policy = client.get(POLICY_PATH).text
    assert "Rectifications" in listing and "After a repair" in listing
    assert "Found wanting by" in case and "Not followed up yet" in case
    assert "The manuals&#39; rules" in policy and "Service collected by the bank" in policy
    assert "Set a new version" in policy and "The month&#39;s samples" in policy
