"""The console's own rules, without a browser: forms need this browser's CSRF token, pages need a
session, navigation follows the role, production has no development sign-in, every string shown
is in Chinese and English; and the answer screens in front of a scripted intake (what is late is
red, the API's refusal is shown, a refused form gets a new Idempotency-Key)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from console.bootstrap import create_app
from console.entrypoints.web import SCREENS, SESSION_COOKIE, screens_for
from console.entrypoints.web.answering import TIERS
from console.entrypoints.web.answers import STATUSES
from console.entrypoints.web.board import KINDS as INCIDENT_KINDS
from console.entrypoints.web.requests import served_kinds
from console.i18n import KINDS, ROLES, TEXT, choose_language
from console.settings import ConsoleSettings
from fastapi.testclient import TestClient
from hotline_libs.auth import Role, issue_token
from hotline_libs.settings import DEV_JWT_SECRET

NOWHERE = "http://127.0.0.1:9"  # no API answers: the pages must still behave


def _client(**settings: str) -> TestClient:
    app = create_app(
        ConsoleSettings(intake_url=NOWHERE, **settings)  # type: ignore[arg-type]
    )
    return TestClient(app, follow_redirects=False)


def test_a_form_without_this_browsers_csrf_token_is_refused() -> None:
    with _client() as client:
        forged = client.post("/sign-in", data={"role": "admin", "sites": "*", "csrf": "guess"})
        assert forged.status_code == 403
        page = client.get("/sign-in")
        token = client.cookies["hotline_csrf"]
        assert f'value="{token}"' in page.text
        signed_in = client.post(
            "/sign-in", data={"role": "agent", "sites": "dmg", "name": "李娜", "csrf": token}
        )
        assert signed_in.status_code == 303 and SESSION_COOKIE in signed_in.cookies


def test_pages_send_whoever_has_no_valid_session_to_sign_in() -> None:
    with _client() as client:
        assert client.get("/requests").headers["location"] == "/sign-in"
        client.cookies.set(SESSION_COOKIE, "not-a-token")
        assert client.get("/requests").headers["location"] == "/sign-in?reason=session_ended"


def test_a_site_role_may_not_take_every_site() -> None:
    with _client() as client:
        client.get("/sign-in")
        refused = client.post(
            "/sign-in",
            data={"role": "technician", "sites": "*", "csrf": client.cookies["hotline_csrf"]},
        )
        assert refused.status_code == 400 and "named sites" in refused.text


NAVIGATION = {
    Role.AGENT: [
        "register",
        "requests",
        "owed",
        "complaints",
        "complaint_record",
        "answers",
        "reception_script",
        "incidents",
        "duty",
        "report",
        "message_templates",
        "resident_messages",
    ],
    Role.SUPERVISOR: [
        "register",
        "requests",
        "owed",
        "complaints",
        "complaint_record",
        "answers",
        "reception_script",
        "incidents",
        "duty",
        "report",
        "message_templates",
        "resident_messages",
        "broadcasts",
    ],
    Role.DUTY_STAFF: [
        "register",
        "requests",
        "owed",
        "complaints",
        "complaint_record",
        "answers",
        "reception_script",
        "incidents",
        "duty",
        "report",
        "resident_messages",
        "broadcasts",
    ],
    Role.STEWARD: [
        "register",
        "requests",
        "owed",
        "complaints",
        "complaint_record",
        "answers",
        "reception_script",
        "incidents",
        "report",
    ],
    Role.ADMINISTRATOR: [
        "register",
        "requests",
        "owed",
        "complaints",
        "complaint_record",
        "answers",
        "reception_script",
        "incidents",
        "duty",
        "report",
    ],
    Role.SITE_MANAGER: [
        "register",
        "requests",
        "owed",
        "complaints",
        "complaint_record",
        "answers",
        "reception_script",
        "approvals",
        "incidents",
        "duty",
        "report",
        "message_templates",
        "resident_messages",
        "broadcasts",
    ],
    Role.DIRECTOR: [
        "requests",
        "owed",
        "complaints",
        "complaint_record",
        "answers",
        "reception_script",
        "approvals",
        "incidents",
        "duty",
        "report",
        "message_templates",
        "resident_messages",
        "broadcasts",
    ],
    Role.QUALITY_HEAD: [
        "requests",
        "owed",
        "complaints",
        "complaint_record",
        "answers",
        "reception_script",
        "incidents",
        "duty",
        "report",
        "resident_messages",
        "broadcasts",
    ],
    Role.ADMIN: [
        "register",
        "requests",
        "owed",
        "complaints",
        "complaint_record",
        "answers",
        "reception_script",
        "incidents",
        "duty",
        "report",
        "resident_messages",
        "broadcasts",
    ],
    Role.TECHNICIAN: [],
    Role.FINANCE: [],
    Role.SITE_SYSTEM: [],
}
"""Each role's screens: what intake's access table lets it use. KB-06: the leader in charge
(director, site manager) approves standard answers, not the call-centre supervisor."""


def test_navigation_follows_the_role() -> None:
    assert set(NAVIGATION) == set(Role)
    for role, keys in NAVIGATION.items():
        assert [s.key for s in screens_for(role)] == keys, role
    with _client() as client:
        token = issue_token(DEV_JWT_SECRET, subject="t", role=Role.TECHNICIAN, sites=["dmg"])
        client.cookies.set(SESSION_COOKIE, token)
        assert client.get("/requests/new").status_code == 403


def test_production_signs_in_with_the_providers_token_only() -> None:
    with _client(env="production", jwt_jwks_url="https://idp.example/jwks") as client:
        page = client.get("/sign-in").text
        assert 'name="token"' in page and 'name="role"' not in page


def test_chinese_first_english_on_request() -> None:
    assert choose_language(None, None) == "zh-CN"
    assert choose_language(None, "en-GB,en;q=0.8") == "en"
    assert choose_language("zh-CN", "en-GB") == "zh-CN"


# -- every string in both languages -----------------------------------------------------------
TEMPLATES = Path(create_app.__code__.co_filename).parent / "templates"
SHOWN_BY_VALUE = (
    {screen.key for screen in SCREENS}
    | set(TIERS)
    | set(STATUSES)
    | set(INCIDENT_KINDS)
    | {"standard_answer", "reply", "progress", "first_answer"}  # reply kinds, what is owed
    | {"accepted", "declined", "redirected", "open", "closed"}  # requests' and incidents' states
    | {"session_ended", "signed_out", "not_for_role"}  # reasons the pages name
)


def test_every_string_shown_is_in_chinese_first_and_in_english() -> None:
    used: set[str] = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_]+)["']\s*\)""", template.read_text()))
    assert {"answer_search", "give_answer", "awaiting_approval", "owed_what"} <= used
    assert sorted((used | SHOWN_BY_VALUE) - TEXT.keys()) == []
    assert set(ROLES) == {role.value for role in Role}
    for key, (chinese, english) in {**TEXT, **ROLES}.items():
        assert chinese.strip() and english.strip(), key
        if key != "language":  # the switch names the other language
            assert re.search(r"[\u4e00-\u9fff]", chinese), f"{key}: no Chinese in {chinese!r}"


# -- pages in front of a scripted intake --------------------------------------------------------
Handler = Callable[[httpx.Request], httpx.Response]
SITES = {"items": [{"site_id": "dmg", "name": "东明阁"}], "total": 1, "limit": 500, "offset": 0}


def _moment(minutes: float) -> str:
    return (datetime.now(UTC) + timedelta(minutes=minutes)).isoformat()


def a_promise(**overrides: Any) -> dict[str, Any]:
    promise: dict[str, Any] = {
        "tier": "30_minutes",
        "promised_by": "console-agent-李娜",
        "promised_at": _moment(-40),
        "due_at": "2099-01-01T02:00:00+00:00",
        "kept_at": None,
        "breached_at": None,
    }
    return promise | overrides


def a_service_request(request_no: str, **overrides: Any) -> dict[str, Any]:
    found: dict[str, Any] = {
        "request_id": str(uuid.uuid5(uuid.NAMESPACE_URL, request_no)),
        "request_no": request_no,
        "site_id": "dmg",
        "kind": "consultation",
        "category": "property_service",
        "status": "accepted",
        "description": "问管理费怎么收",
        "triage_note": None,
        "resident": {"name": "钱秀兰", "phone": "13900000000", "building": "2", "room": "602"},
        "registered_at": _moment(-60),
        "replies": [],
        "promises": [],
        "first_answer_due_at": None,
        "first_answer_overdue_at": None,
    }
    return found | overrides


def a_standard_answer(**overrides: Any) -> dict[str, Any]:
    draft: dict[str, Any] = {
        "revision": 2,
        "question": "装修押金什么时候退?",
        "answer": "装修验收合格后30日内退还",
        "drafted_by": "console-agent-李娜",
        "drafted_at": _moment(-5),
        "approved_by": None,
        "approved_at": None,
    }
    approved = draft | {
        "revision": 1,
        "answer": "装修验收合格后退还",
        "approved_by": "console-director-王总",
        "approved_at": _moment(-600),
    }
    found: dict[str, Any] = {
        "answer_id": "6f1c2e3d-4a4f-4b9c-8d7e-6f5a4b3c2d10",
        "document_no": "SA-DMG-0007",
        "site_id": "dmg",
        "kind": "consultation",
        "topic": "property_service",
        "status": "in_use",
        "approved": approved,
        "draft": draft,
        "revision_reason": None,
        "withdrawn_at": None,
        "version": 3,
    }
    return found | overrides


def page_of(*items: dict[str, Any]) -> dict[str, Any]:
    return {"items": list(items), "total": len(items), "limit": 50, "offset": 0}


def problem(status: int, detail: str) -> httpx.Response:
    return httpx.Response(status, json={"status": status, "detail": detail, "errors": []})


@contextmanager
def signed_in_against(
    role: Role, routes: dict[tuple[str, str], Handler | dict[str, Any]]
) -> Iterator[tuple[TestClient, list[httpx.Request]]]:
    """A client signed in as ``role`` in front of an intake answering ``routes`` (method, path);
    yields it with the calls intake received."""
    calls: list[httpx.Request] = []

    def intake(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if request.url.path == "/sites":
            return httpx.Response(200, json=SITES)
        answer = routes.get((request.method, request.url.path))
        if answer is None:
            return problem(404, f"nothing at {request.url.path}")
        return answer(request) if callable(answer) else httpx.Response(200, json=answer)

    with _client() as client:
        client.app.state.http = httpx.AsyncClient(  # type: ignore[attr-defined]
            transport=httpx.MockTransport(intake)
        )
        token = issue_token(DEV_JWT_SECRET, subject=f"console-{role}-t", role=role, sites=["dmg"])
        client.cookies.set(SESSION_COOKIE, token)
        yield client, calls


def _rows(page: str) -> dict[str, str]:
    """Each table row's test id and its class."""
    return {
        testid: classes
        for classes, testid in re.findall(r'<tr class="([^"]*)" data-testid="([^"]+)"', page)
    }


def test_the_owed_queue_shows_due_times_in_site_time_and_overdue_ones_in_red() -> None:
    owed = page_of(
        a_service_request("SR-DMG-1", promises=[a_promise(due_at=_moment(-5))]),
        a_service_request("SR-DMG-2", promises=[a_promise()]),
        a_service_request(
            "SR-DMG-3", first_answer_due_at=_moment(-1), first_answer_overdue_at=_moment(-1)
        ),
        a_service_request("SR-DMG-4", first_answer_due_at=_moment(600)),
        a_service_request(
            "SR-DMG-5", promises=[a_promise(due_at=_moment(5), breached_at=_moment(-1))]
        ),
    )
    with signed_in_against(Role.SUPERVISOR, {("GET", "/service-requests/owing-answers"): owed}) as (
        client,
        _,
    ):
        page = client.get("/answers/owed")
    assert page.status_code == 200
    assert _rows(page.text) == {
        "owed-SR-DMG-1": "late",  # a promise past due, before intake's clock noticed
        "owed-SR-DMG-2": "",
        "owed-SR-DMG-3": "late",  # a first answer counted overdue
        "owed-SR-DMG-4": "",
        "owed-SR-DMG-5": "late",  # a promise counted breached
    }
    assert "2099-01-01 10:00" in page.text  # 02:00 UTC is 10:00 in Asia/Shanghai


def test_a_request_page_highlights_a_breached_promise_and_shows_the_answer_given() -> None:
    found = a_service_request(
        "SR-DMG-9",
        replies=[
            {
                "kind": "standard_answer",
                "text": "住宅每月每平方米1.80元",
                "by": "console-agent-李娜",
                "at": _moment(-30),
                "document_no": "SA-DMG-0007",
                "revision": 1,
            }
        ],
        promises=[a_promise(due_at=_moment(-10), breached_at=_moment(-9))],
    )
    path = f"/service-requests/{found['request_id']}"
    with signed_in_against(
        Role.AGENT, {("GET", path): found, ("GET", f"{path}/timeline"): {"entries": []}}
    ) as (client, _):
        page = client.get(f"/requests/{found['request_id']}")
        missing = client.get("/requests/00000000-0000-4000-8000-000000000000")
    assert page.status_code == 200
    assert 'class="late"' in page.text and "SA-DMG-0007" in page.text
    assert 'id="answer-q"' in page.text  # an agent answers from here
    assert missing.status_code == 404 and "nothing at /service-requests/" in missing.text


def test_the_words_search_answers_in_use_and_the_filters_list_them() -> None:
    listed = page_of(a_standard_answer())
    routes: dict[tuple[str, str], Handler | dict[str, Any]] = {
        ("GET", "/standard-answers/search"): listed,
        ("GET", "/standard-answers"): listed,
    }
    with signed_in_against(Role.AGENT, routes) as (client, calls):
        by_words = client.get("/answers", params={"q": "管理费标准", "site_id": "dmg"})
        by_filters = client.get(
            "/answers", params={"status": "in_use", "awaiting_approval": "true"}
        )
    assert by_words.status_code == by_filters.status_code == 200
    asked = [(c.url.path, dict(c.url.params)) for c in calls if c.url.path != "/sites"]
    assert asked == [
        (
            "/standard-answers/search",
            {"limit": "20", "offset": "0", "q": "管理费标准", "site_id": "dmg"},
        ),
        (
            "/standard-answers",
            {"limit": "20", "offset": "0", "status": "in_use", "awaiting_approval": "true"},
        ),
    ]
    assert 'href="/answers/6f1c2e3d-4a4f-4b9c-8d7e-6f5a4b3c2d10"' in by_filters.text


def test_the_approval_posts_the_revision_read_and_shows_the_apis_refusal() -> None:
    waiting = a_standard_answer()
    refusal = "a standard answer is approved by the leader in charge, not by who drafted it"
    routes: dict[tuple[str, str], Handler | dict[str, Any]] = {
        ("GET", "/standard-answers"): page_of(waiting),
        ("POST", f"/standard-answers/{waiting['answer_id']}/approval"): lambda _: problem(
            422, refusal
        ),
    }
    with signed_in_against(Role.DIRECTOR, routes) as (client, calls):
        queue = client.get("/answers/approvals")
        assert "装修验收合格后30日内退还" in queue.text and "装修验收合格后退还" in queue.text
        refused = client.post(
            f"/answers/{waiting['answer_id']}/approval",
            data={"revision": "2", "key": "k-1", "csrf": client.cookies["hotline_csrf"]},
        )
    assert refused.status_code == 422 and refusal in refused.text
    approval = next(c for c in calls if c.method == "POST")
    assert approval.read() == b'{"revision":2}' and approval.headers["Idempotency-Key"] == "k-1"


def test_a_refused_draft_gets_a_new_key_and_a_call_that_timed_out_keeps_it() -> None:
    answers: list[httpx.Response] = [problem(422, "question must show text")]

    def draft(_: httpx.Request) -> httpx.Response:
        if not answers:
            raise httpx.ReadTimeout("intake is slow")
        return answers.pop()

    routes: dict[tuple[str, str], Handler | dict[str, Any]] = {("POST", "/standard-answers"): draft}
    with signed_in_against(Role.AGENT, routes) as (client, _):
        client.get("/answers/new")
        form = {
            "site_id": "dmg",
            "topic": "consultation:property_service",
            "question": "?",
            "answer": "装修验收合格后30日内退还",
            "key": "first-key",
            "csrf": client.cookies["hotline_csrf"],
        }
        refused = client.post("/answers/new", data=form)
        timed_out = client.post("/answers/new", data=form)
    assert refused.status_code == 422 and 'value="first-key"' not in refused.text
    assert timed_out.status_code == 503 and 'value="first-key"' in timed_out.text


def test_the_register_forms_boards_follow_the_site_chosen() -> None:
    """TAX-01: the boards a site serves (its ``services``), in the form's order; changing the
    site swaps the board choice out of band beside the categories, the board chosen kept when
    the site serves it, else its first; categories only of the boards offered."""
    assert served_kinds(["repair", "consultation"]) == ["consultation", "repair"]
    assert served_kinds(None) == list(KINDS)  # intake did not say: intake still checks
    site = {"site_id": "t1", "name": "测试苑", "services": ["complaint", "consultation"]}
    with signed_in_against(Role.AGENT, {("GET", "/sites/t1"): site}) as (client, _):
        swap = "/requests/new/categories"
        moved = client.get(swap, params={"site_id": "t1", "kind": "repair"}).text
        kept = client.get(swap, params={"site_id": "t1", "kind": "complaint"}).text
        everywhere = client.get(swap, params={"site_id": "dmg", "kind": "repair"}).text

    def boards(swapped: str) -> list[tuple[str, str]]:
        field = swapped.split('<div id="kind-field" hx-swap-oob="true">', 1)[1]
        return re.findall(r'<option value="(\w+)" (selected)?', field.split("</select>")[0])

    assert boards(moved) == [("consultation", "selected"), ("complaint", "")]
    assert boards(kept) == [("consultation", ""), ("complaint", "selected")]
    assert re.findall(r'data-kind="(\w+)"', moved) == ["consultation", "complaint"]
    assert [kind for kind, _ in boards(everywhere)] == list(KINDS)  # dmg: not said
