"""The callback agents' screens (回访) in front of a scripted callback and intake, without a
browser (issue #12, CB-04, CB-05, CB-12, CB-13): the queue's tabs ask callback for the right
callbacks on the site's today, the rows say what the agent needs (the request, the resident and
their unit, the reason, how it was paid, the due day with an assumed or overdue one flagged, the
next try, the tries so far, the state) and a reason filter works though callback filters by none;
the call screen shows the callback from callback's own CallbackOut with the request's history, and
offers the outcome and the try to the callers only, by the callback's state. The outcome is sent
with the resident's words verbatim; a try's time to call back is typed in the site's time.
Callback's refusals are shown beside the form, as typed; a reader's POST and a form without this
browser's CSRF token are refused before callback is asked; every label is in both languages."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, get_args
from zoneinfo import ZoneInfo

import httpx
from callback.domain.callback import (
    MAX_NOTE,
    MAX_OPINION,
    MAX_SIGNATURE_REF,
    Callback,
    CallbackReason,
    CallbackStatus,
    ChargeNote,
    Completed,
    Contact,
    Method,
    NotReached,
    Outcome,
)
from callback.entrypoints.http.access import ACCESS
from callback.entrypoints.http.callbacks import ListedStatus, callback_out
from console.bootstrap import create_app
from console.entrypoints.web import (
    CALLBACK_CALLERS,
    CALLBACK_READERS,
    CALLBACK_SCREENS,
    callback_screens_for,
)
from console.entrypoints.web import callbacks as callback_pages
from console.i18n import TEXT
from console.settings import ConsoleSettings
from hotline_libs.auth import Role

from tests.unit.console_forms import form_fields, forms_on
from tests.unit.test_console import problem, signed_in_against
from tests.unit.test_console_finance import keeping

Routes = dict[tuple[str, str], Any]
SHANGHAI = ZoneInfo("Asia/Shanghai")
CALLBACK_ID = uuid.UUID("0b8f4c2e-5f7a-4c1e-9a51-1d2e3f4a5b6c")
REQUEST_ID = uuid.UUID("5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a")
CALLBACK_PATH = f"/callbacks/{CALLBACK_ID}"
PAGE = CALLBACK_PATH
TIMELINE_PATH = f"/service-requests/{REQUEST_ID}/timeline"
COMPLETED_AT = datetime(2099, 3, 2, 6, 30, tzinfo=UTC)  # 14:30 in Shanghai


def today() -> date:
    return datetime.now(SHANGHAI).date()


def a_callback(
    *,
    status: str = "scheduled",
    request_no: str = "SR-DMG-20990302-0001",
    due_on: date | None = None,
    paid: bool = True,
    payment_method: str | None = "cash",
    due_on_assumed: bool = False,
    overdue_reported: bool = False,
    tries: tuple[tuple[NotReached, datetime | None], ...] = (),
    outcome: Outcome | None = None,
    callback_id: uuid.UUID = CALLBACK_ID,
) -> dict[str, Any]:
    """Callback's CallbackOut of a callback in ``status``, as callback writes it."""
    callback = Callback(
        callback_id=callback_id,
        work_order_id=uuid.uuid4(),
        site_id="dmg",
        status=CallbackStatus.SCHEDULED,
        completed=Completed(
            request_id=REQUEST_ID,
            request_no=request_no,
            resident=Contact("王芳", "13800000000", None, "3", "1202"),
            paid=paid,
            payment_method=payment_method,
            completed_at=COMPLETED_AT,
            service_record_no="SR-DMG-000123",
        ),
        reason=CallbackReason.AFTER_PAID_SERVICE if paid else CallbackReason.AFTER_REPAIR,
        due_on=due_on or today() + timedelta(days=2),
        due_on_assumed=due_on_assumed,
        scheduled_at=COMPLETED_AT,
        charge=ChargeNote(uuid.uuid4(), "CH-DMG-0042", Decimal("80.00"), COMPLETED_AT)
        if paid
        else None,
        overdue_reported_at=COMPLETED_AT + timedelta(days=3) if overdue_reported else None,
    )
    now = datetime.now(UTC) - timedelta(hours=1)
    for result, call_back_at in tries:
        callback.try_without_outcome(result, "dmg-cs01", now, "在开会", call_back_at)
    if status == "unreachable":
        callback.try_without_outcome(NotReached.WRONG_NUMBER, "dmg-cs01", now)
    if status == "made":
        callback.record_outcome(
            outcome
            or Outcome(
                False, "门还是关不严\n下次请早点来", Method.VISIT, "dmg-cs01", now, "回访栏-7"
            )
        )
    assert callback.status.value == status
    found: dict[str, Any] = callback_out(callback).model_dump(mode="json")
    return found


def a_timeline() -> dict[str, Any]:
    return {
        "request_id": str(REQUEST_ID),
        "request_no": "SR-DMG-20990302-0001",
        "site_id": "dmg",
        "entries": [
            {
                "at": "2099-03-02T01:00:00+00:00",
                "service": "intake",
                "what": "ServiceRequestRegistered",
                "summary": "registered by 李娜 (phone)",
                "details": {},
            },
            {
                "at": "2099-03-02T06:30:00+00:00",
                "service": "dispatch",
                "what": "WorkOrderCompleted",
                "summary": "work done, signed by 王芳",
                "details": {},
            },
        ],
    }


def listed(*callbacks: dict[str, Any], total: int | None = None, offset: int = 0) -> Any:
    return {
        "items": list(callbacks),
        "total": len(callbacks) if total is None else total,
        "limit": 50,
        "offset": offset,
    }


def call_routes(callback: dict[str, Any] | None = None) -> Routes:
    return {("GET", CALLBACK_PATH): callback or a_callback(), ("GET", TIMELINE_PATH): a_timeline()}


def _changes(calls: list[httpx.Request]) -> list[httpx.Request]:
    return [c for c in calls if c.method != "GET"]


def _listings(calls: list[httpx.Request]) -> list[httpx.Request]:
    return [c for c in calls if c.url.path == "/callbacks"]


def _row(page: str, request_no: str) -> str:
    return page.split(f'data-testid="callback-{request_no}"', 1)[1].split("</tr>", 1)[0]


# -- who sees what: callback's access table ------------------------------------------------------
def test_cb13_who_reads_and_calls_follows_callbacks_access_table() -> None:
    """CB-13: the call is made by the hotline, or the site's administrator in its place."""
    assert ACCESS["list_callbacks"].roles == CALLBACK_READERS
    assert ACCESS["get_callback"].roles == CALLBACK_READERS
    assert ACCESS["record_outcome"].roles == CALLBACK_CALLERS
    assert ACCESS["record_attempt"].roles == CALLBACK_CALLERS
    for role in Role:
        keys = [s.key for s in callback_screens_for(role)]
        assert ("callbacks" in keys) == (role in CALLBACK_READERS), role
    assert CALLBACK_SCREENS[0].path == "/callbacks"


def test_what_the_screens_offer_is_what_callback_knows() -> None:
    assert tuple(r.value for r in CallbackReason) == callback_pages.REASONS
    assert tuple(r.value for r in NotReached) == callback_pages.RESULTS
    assert tuple(m.value for m in Method) == callback_pages.METHODS
    assert get_args(ListedStatus) == callback_pages.STATUSES
    assert (MAX_OPINION, MAX_NOTE, MAX_SIGNATURE_REF) == (
        callback_pages.MAX_OPINION,
        callback_pages.MAX_NOTE,
        callback_pages.MAX_SIGNATURE_REF,
    )


CALLBACK_ROUTES = {
    ("GET", "/callbacks"): CALLBACK_READERS,
    ("GET", "/callbacks/{callback_id}"): CALLBACK_READERS,
    ("POST", "/callbacks/{callback_id}/outcome"): CALLBACK_CALLERS,
    ("POST", "/callbacks/{callback_id}/attempts"): CALLBACK_CALLERS,
}
"""Each console route of the callback screens and the roles it lets in (callback's)."""


def test_every_callback_route_is_listed_and_refuses_whom_callback_refuses() -> None:
    app = create_app(ConsoleSettings())
    served = {
        (method.upper(), path)
        for path, methods in app.openapi()["paths"].items()
        if path.startswith("/callbacks")
        for method in methods
    }
    assert served == set(CALLBACK_ROUTES)  # a new route is added here, with its roles
    for role in Role:
        with signed_in_against(role, call_routes()) as (client, calls):
            client.get("/sign-in")
            csrf = client.cookies.get("hotline_csrf", "")
            for (method, path), roles in CALLBACK_ROUTES.items():
                form = {"csrf": csrf} if method == "POST" else None
                concrete = path.replace("{callback_id}", str(CALLBACK_ID))
                answer = client.request(method, concrete, data=form)
                assert (answer.status_code == 403) == (role not in roles), (role, method, path)
        if role not in CALLBACK_CALLERS:
            assert _changes(calls) == [], role


def test_a_form_without_this_browsers_csrf_token_is_refused_before_callback_is_asked() -> None:
    with signed_in_against(Role.AGENT, call_routes()) as (client, calls):
        client.get(PAGE)
        for (method, path), _ in CALLBACK_ROUTES.items():
            if method != "POST":
                continue
            concrete = path.replace("{callback_id}", str(CALLBACK_ID))
            missing = client.post(concrete, data={"key": "k-1", "opinion": "好"})
            forged = client.post(concrete, data={"key": "k-1", "csrf": "guess"})
            assert (missing.status_code, forged.status_code) == (403, 403), path
    assert _changes(calls) == []


# -- the queue -----------------------------------------------------------------------------------
def test_each_tab_asks_callback_for_its_callbacks_on_the_sites_today() -> None:
    routes: Routes = {("GET", "/callbacks"): listed()}
    day = today()
    with signed_in_against(Role.AGENT, routes) as (client, calls):
        opened = client.get("/callbacks")
        for tab in callback_pages.TABS:
            assert client.get("/callbacks", params={"tab": tab}).status_code == 200
        client.get("/callbacks", params={"tab": "made", "offset": "50"})
    asked = [dict(c.url.params) for c in _listings(calls)]
    paging = {"site_id": "dmg", "limit": "50", "offset": "0"}  # the user's only site
    assert asked[0] == paging | {"status": "scheduled"}  # all to call, the default
    assert 'data-tab="to_call"' in opened.text
    assert asked[1:7] == [
        paging
        | {
            "status": "scheduled",
            "due_on_or_after": day.isoformat(),
            "due_on_or_before": day.isoformat(),
        },
        paging | {"status": "scheduled", "due_on_or_before": (day - timedelta(days=1)).isoformat()},
        paging | {"status": "scheduled", "due_on_or_after": (day + timedelta(days=1)).isoformat()},
        paging | {"status": "scheduled"},
        paging | {"status": "made"},
        paging | {"status": "unreachable"},
    ]
    assert asked[7]["offset"] == "50"
    assert 'data-testid="no-callbacks"' in opened.text


def test_cb12_a_row_says_what_the_agent_needs_and_opens_the_call() -> None:
    late = a_callback(
        request_no="SR-DMG-1", due_on=today() - timedelta(days=1), overdue_reported=True
    )
    tried = a_callback(
        request_no="SR-DMG-2",
        paid=False,
        payment_method=None,
        due_on_assumed=True,
        callback_id=uuid.uuid4(),
        tries=(
            (NotReached.NO_ANSWER, None),
            (NotReached.CALL_BACK_LATER, datetime(2099, 3, 5, 2, 0, tzinfo=UTC)),
        ),
    )
    routes: Routes = {("GET", "/callbacks"): listed(late, tried)}
    with signed_in_against(Role.AGENT, routes) as (client, calls):
        page = client.get("/callbacks").text
    first = _row(page, "SR-DMG-1")
    assert f'href="/callbacks/{CALLBACK_ID}"' in first
    assert "王芳 · 3-1202" in first
    assert "有偿服务后回访" in first and "现金" in first
    assert 'data-late="true"' in first and ">逾期<" in first
    assert re.search(r'<tr class="late" data-testid="callback-SR-DMG-1"', page)
    assert 'data-testid="tries">0<' in first and "待回访" in first
    second = _row(page, "SR-DMG-2")
    assert "维修后回访" in second and "免费" in second
    assert 'data-late="false"' in second and 'data-testid="due-assumed"' in second
    assert 'data-testid="next-try">2099-03-05 10:00<' in second  # in the site's time
    assert 'data-testid="tries">2<' in second
    assert _changes(calls) == []


def test_a_reason_callback_adds_later_is_shown_and_filtered_as_it_comes() -> None:
    visit = a_callback(request_no="SR-DMG-3") | {"reason": "key_customer_visit"}
    routes: Routes = {("GET", "/callbacks"): listed(visit)}
    with signed_in_against(Role.SUPERVISOR, routes) as (client, _):
        page = client.get("/callbacks").text
    assert 'data-testid="reason">key_customer_visit<' in _row(page, "SR-DMG-3")
    assert '<option value="key_customer_visit" >key_customer_visit</option>' in page


def test_the_reason_filter_is_callbacks() -> None:
    repairs = [
        a_callback(request_no=f"SR-DMG-R{n}", paid=False, callback_id=uuid.uuid4())
        for n in range(3)
    ]
    routes: Routes = {("GET", "/callbacks"): listed(*repairs, total=3)}
    with signed_in_against(Role.AGENT, routes) as (client, calls):
        page = client.get("/callbacks", params={"reason": "after_repair", "tab": "to_call"}).text
        wrong = client.get("/callbacks", params={"reason": "<script>"}).text
    asked = [dict(c.url.params) for c in _listings(calls)]
    assert asked[0]["reason"] == "after_repair" and asked[0]["status"] == "scheduled"
    assert asked[0]["limit"] == "50"
    assert len(re.findall(r'data-testid="callback-SR-DMG-R\d"', page)) == 3
    assert '<option value="after_repair" selected>维修后回访</option>' in page
    assert "reason" not in asked[-1] and "&lt;script&gt;" not in wrong


def test_callbacks_refusal_of_the_list_is_shown() -> None:
    refusal = problem(422, "due_on_or_before: give a date as YYYY-MM-DD")
    with signed_in_against(Role.AGENT, {("GET", "/callbacks"): lambda _: refusal}) as (client, _):
        got = client.get("/callbacks")
    assert got.status_code == 422 and 'data-testid="problem">due_on_or_before' in got.text


# -- the call ------------------------------------------------------------------------------------
def test_cb12_the_call_shows_the_resident_the_record_the_charge_the_history_and_the_tries() -> None:
    callback = a_callback(
        tries=((NotReached.CALL_BACK_LATER, datetime(2099, 3, 5, 2, 0, tzinfo=UTC)),)
    )
    with signed_in_against(Role.AGENT, call_routes(callback)) as (client, calls):
        page = client.get(PAGE).text
    assert 'data-testid="request-no">SR-DMG-20990302-0001<' in page
    assert 'href="tel:13800000000"' in page and 'data-testid="unit">3-1202<' in page
    assert f'href="/requests/{REQUEST_ID}"' in page
    assert 'data-testid="service-record">SR-DMG-000123<' in page and "服务及回访记录表" in page
    assert "CH-DMG-0042" in page and "¥80.00" in page
    assert 'href="/charges/' not in page  # an agent does not read finance's charges
    assert 'data-testid="completed-at">2099-03-02 14:30<' in page
    history = page.split('data-testid="timeline"', 1)[1].split("</ol>", 1)[0]
    assert "2099-03-02 09:00 · intake · ServiceRequestRegistered" in history
    assert "work done, signed by 王芳" in history
    tried = page.split('data-testid="attempt-1"', 1)[1].split("</tr>", 1)[0]
    assert "约定稍后再打" in tried and "在开会" in tried and "dmg-cs01" in tried
    assert 'data-testid="next-at">2099-03-05 10:00<' in tried
    assert 'data-testid="next-try">2099-03-05 10:00<' in page
    assert forms_on(page) == {"outcome", "attempt"}
    assert [c.url.path for c in calls if c.url.path.startswith("/service-requests")] == [
        TIMELINE_PATH
    ]


def test_cb13_who_sees_which_form_follows_the_role_and_the_state() -> None:
    seen: dict[tuple[Role, str], set[str]] = {}
    for status in ("scheduled", "unreachable", "made"):
        for role in (Role.AGENT, Role.ADMINISTRATOR, Role.SITE_MANAGER, Role.QUALITY_HEAD):
            with signed_in_against(role, call_routes(a_callback(status=status))) as (client, _):
                got = client.get(PAGE)
            assert got.status_code == 200, (role, status)
            seen[role, status] = forms_on(got.text)
    callers = {"scheduled": {"outcome", "attempt"}, "unreachable": {"outcome"}, "made": set()}
    assert seen == {
        (role, status): callers[status] if role in CALLBACK_CALLERS else set()
        for role, status in seen
    }


def test_cb04_cb05_a_made_callback_shows_its_outcome_verbatim() -> None:
    with signed_in_against(Role.SITE_MANAGER, call_routes(a_callback(status="made"))) as (
        client,
        _,
    ):
        page = client.get(PAGE).text
    outcome = page.split('data-testid="outcome"', 1)[1].split("</section>", 1)[0]
    assert 'data-satisfied="false"' in outcome and "不满意" in outcome
    assert 'data-testid="outcome-opinion">门还是关不严\n下次请早点来<' in outcome
    assert 'data-method="visit">上门<' in outcome
    assert 'data-testid="outcome-signature-ref">回访栏-7<' in outcome
    assert 'data-testid="outcome-agent">dmg-cs01<' in outcome
    assert 'data-testid="callback-status" data-status="made">已回访' in page
    assert 'href="/charges/' in page  # the site's manager reads the charge


def test_the_call_opens_though_intake_does_not_give_the_history() -> None:
    routes = call_routes() | {("GET", TIMELINE_PATH): lambda _: problem(503, "intake is down")}
    with signed_in_against(Role.AGENT, routes) as (client, _):
        got = client.get(PAGE)
    assert got.status_code == 200
    assert 'data-testid="history-problem">intake is down' in got.text
    assert forms_on(got.text) == {"outcome", "attempt"}


def test_a_callback_that_callback_does_not_know_shows_its_refusal() -> None:
    with signed_in_against(Role.AGENT, {}) as (client, _):
        got = client.get(f"/callbacks/{uuid.uuid4()}")
    assert got.status_code == 404 and "nothing at /callbacks/" in got.text


def test_cb04_cb05_the_outcome_is_sent_with_the_residents_words_verbatim() -> None:
    sent: list[httpx.Request] = []
    made = httpx.Response(201, json=a_callback(status="made"))
    routes = call_routes() | {("POST", f"{CALLBACK_PATH}/outcome"): keeping(sent, made)}
    words = "  门还是关不严\r\n下次请早点来  "
    typed = {
        "satisfied": "false",
        "opinion": words,
        "method": "visit",
        "signature_ref": " 回访栏-7 ",
    }
    with signed_in_against(Role.ADMINISTRATOR, routes) as (client, _):
        done = client.post(f"{PAGE}/outcome", data=form_fields(client, PAGE) | typed)
        phone = client.post(
            f"{PAGE}/outcome",
            data=form_fields(client, PAGE)
            | {"key": "k-2", "satisfied": "true", "opinion": "很好", "method": "phone"},
        )
    assert done.status_code == 303
    assert done.headers["location"] == f"{PAGE}?done=outcome#outcome"
    assert json.loads(sent[0].content) == {
        "satisfied": False,
        "opinion": words,
        "method": "visit",
        "signature_ref": "回访栏-7",
    }
    assert sent[0].headers["Idempotency-Key"] == "k-1"
    assert json.loads(sent[1].content) == {"satisfied": True, "opinion": "很好", "method": "phone"}
    assert phone.status_code == 303


def test_cb05_a_visit_without_the_signed_record_is_refused_beside_the_field_as_typed() -> None:
    sent: list[httpx.Request] = []
    refusal = httpx.Response(
        422,
        json={
            "status": 422,
            "detail": "signature_ref is the reference of the record the resident signed",
            "errors": [{"field": "signature_ref", "message": "required on a visit"}],
        },
    )
    routes = call_routes() | {("POST", f"{CALLBACK_PATH}/outcome"): keeping(sent, refusal)}
    typed = {"satisfied": "false", "opinion": "门还是关不严 <b>", "method": "visit"}
    with signed_in_against(Role.AGENT, routes) as (client, _):
        refused = client.post(f"{PAGE}/outcome", data=form_fields(client, PAGE) | typed)
    assert refused.status_code == 422
    assert "signature_ref" not in json.loads(sent[0].content)  # nothing typed: none sent
    form = refused.text.split('data-testid="outcome-form"', 1)[1].split("</form>", 1)[0]
    assert 'data-testid="outcome-problem">signature_ref is the reference' in form
    assert 'data-testid="error-signature_ref">required on a visit<' in form
    assert ">门还是关不严 &lt;b&gt;</textarea>" in form  # kept as typed, escaped
    assert 'value="false" id="cb-satisfied-no" checked' in form
    assert 'value="visit" id="cb-method-visit" checked' in form
    key = re.search(r'name="key" value="([^"]+)"', form)
    assert key and key[1] != "k-1"  # callback kept its refusal: a corrected form is a new call
    assert 'data-testid="attempt-form"' in refused.text


def test_an_outcome_refused_once_another_stands_is_shown_though_the_form_is_gone() -> None:
    refusal = problem(409, f"callback {CALLBACK_ID} already has a different outcome")
    routes = call_routes(a_callback(status="made")) | {
        ("POST", f"{CALLBACK_PATH}/outcome"): lambda _: refusal
    }
    typed = {"satisfied": "true", "opinion": "好", "method": "phone"}
    with signed_in_against(Role.AGENT, routes) as (client, _):
        refused = client.post(f"{PAGE}/outcome", data=form_fields(client, PAGE) | typed)
    assert refused.status_code == 409
    assert 'data-testid="problem">callback' in refused.text and forms_on(refused.text) == set()


def test_a_try_to_call_back_later_is_sent_in_the_sites_time() -> None:
    sent: list[httpx.Request] = []
    tried = httpx.Response(201, json=a_callback())
    routes = call_routes() | {("POST", f"{CALLBACK_PATH}/attempts"): keeping(sent, tried)}
    typed = {"result": "call_back_later", "call_back_at": "2099-03-05T10:00", "note": " 在开会 "}
    with signed_in_against(Role.AGENT, routes) as (client, _):
        done = client.post(f"{PAGE}/attempts", data=form_fields(client, PAGE) | typed)
        nobody = client.post(
            f"{PAGE}/attempts",
            data=form_fields(client, PAGE) | {"key": "k-2", "result": "no_answer"},
        )
    assert done.headers["location"] == f"{PAGE}?done=attempt#attempts"
    assert json.loads(sent[0].content) == {
        "result": "call_back_later",
        "note": "在开会",
        "call_back_at": "2099-03-05T10:00:00+08:00",
    }
    assert sent[0].headers["Idempotency-Key"] == "k-1"
    assert json.loads(sent[1].content) == {"result": "no_answer"}
    assert nobody.status_code == 303


def test_a_wrong_number_gives_the_call_up_and_the_page_says_so() -> None:
    given_up = httpx.Response(201, json=a_callback(status="unreachable"))
    routes = call_routes(a_callback(status="unreachable")) | {
        ("POST", f"{CALLBACK_PATH}/attempts"): lambda _: given_up
    }
    with signed_in_against(Role.AGENT, routes) as (client, _):
        done = client.post(
            f"{PAGE}/attempts", data=form_fields(client, PAGE) | {"result": "wrong_number"}
        )
        page = client.get(done.headers["location"].split("#")[0]).text
    assert done.headers["location"] == f"{PAGE}?done=given_up#attempts"
    assert 'data-testid="done">已列为无法联系<' in page
    assert forms_on(page) == {"outcome"}  # reached another way, the outcome is still recorded
    assert "号码错误" in page and "不再联系" in page


def test_a_try_refused_is_shown_beside_its_form_as_typed() -> None:
    refusal = httpx.Response(
        422,
        json={
            "status": 422,
            "detail": "call_back_at lies ahead of now",
            "errors": [{"field": "call_back_at", "message": "call_back_at lies ahead of now"}],
        },
    )
    routes = call_routes() | {("POST", f"{CALLBACK_PATH}/attempts"): lambda _: refusal}
    typed = {"result": "call_back_later", "call_back_at": "2000-01-01T10:00", "note": "明早"}
    with signed_in_against(Role.AGENT, routes) as (client, _):
        refused = client.post(f"{PAGE}/attempts", data=form_fields(client, PAGE) | typed)
    assert refused.status_code == 422
    form = refused.text.split('data-testid="attempt-form"', 1)[1].split("</form>", 1)[0]
    assert 'data-testid="error-call_back_at">call_back_at lies ahead of now<' in form
    assert 'value="2000-01-01T10:00"' in form and ">明早</textarea>" in form
    assert 'value="call_back_later" id="cb-result-call_back_later" checked' in form


# -- both languages --------------------------------------------------------------------------------
def test_every_label_the_screens_build_is_in_both_languages() -> None:
    built = (
        {s.key for s in CALLBACK_SCREENS}
        | {f"callbacks_tab_{t}" for t in callback_pages.TABS}
        | {f"callback_status_{s}" for s in callback_pages.STATUSES}
        | {f"callback_reason_{r}" for r in callback_pages.REASONS}
        | {f"callback_result_{r}" for r in callback_pages.RESULTS}
        | {f"callback_method_{m}" for m in callback_pages.METHODS}
        | {f"callback_done_{d}" for d in callback_pages.DONE}
    )
    assert sorted(built - TEXT.keys()) == []
    for key in built:
        chinese, english = TEXT[key]
        assert re.search(r"[\u4e00-\u9fff]", chinese) and english.isascii(), key
    assert TEXT["callback_result_no_answer"][0] == "无人接听"
    assert TEXT["callback_result_wrong_number"][0] == "号码错误"
    assert TEXT["callback_result_call_back_later"][0] == "约定稍后再打"
    assert (TEXT["callback_method_phone"][0], TEXT["callback_method_visit"][0]) == ("电话", "上门")


def test_the_screens_speak_english_when_asked() -> None:
    routes = call_routes(a_callback(status="made")) | {
        ("GET", "/callbacks"): listed(a_callback(status="made"))
    }
    with signed_in_against(Role.AGENT, routes) as (client, _):
        client.cookies.set("hotline_lang", "en")
        queue = client.get("/callbacks", params={"tab": "made"}).text
        page = client.get(PAGE).text
    assert "Callbacks" in queue and "After a paid service" in queue and "All to call" in queue
    assert (
        "not satisfied" in page and "Home visit" in page and "Service and callback record" in page
    )
