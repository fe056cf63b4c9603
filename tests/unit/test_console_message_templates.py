"""The message templates' screens (issue #13, templates) in front of a scripted notification,
without a browser: who reads, previews, writes and approves is notification's access table; the
list shows each template's current version and the drafts waiting; a type's page shows every
version with its state, author and approver, and approve/reject only on another member's draft;
the preview shows what notification renders (the SMS's characters, encoding and parts); a draft
and a decision go to notification as its request models want them, with their Idempotency-Key;
its refusals (an unknown name, the author's own approval) are shown on the page, as typed. A
form without this browser's CSRF token is refused before notification is asked; every label is
in both languages."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import httpx
from console.bootstrap import create_app
from console.entrypoints.web import TEMPLATE_KEEPERS, TEMPLATE_READERS, screens_for
from console.entrypoints.web import message_templates as pages
from console.i18n import TEXT
from console.settings import ConsoleSettings
from hotline_libs.auth import Role
from notification.domain.messages import SIGNATURE
from notification.domain.template_texts import BUILT_IN
from notification.domain.template_versions import (
    MAX_BODY,
    MAX_REASON,
    MAX_SUBJECT,
    TemplateHistory,
    TemplateKey,
    VersionState,
)
from notification.domain.templates import Channel, Language, TemplateText
from notification.entrypoints.http.access import ACCESS
from notification.entrypoints.http.templates import (
    DraftIn,
    PreviewIn,
    RejectionIn,
    message_type_out,
    message_types_out,
    preview_out,
)

from tests.unit.console_forms import form_fields, part_of
from tests.unit.test_console import problem, signed_in_against

Routes = dict[tuple[str, str], Any]
TYPE = "request_accepted"
PAGE = f"/message-templates/{TYPE}"
API = f"/templates/{TYPE}"
SMS_ZH = f"{API}/sms/zh-CN"
KEY = TemplateKey(TYPE, Channel.SMS, Language.ZH_CN)
AT = datetime(2099, 2, 3, 1, 30, tzinfo=UTC)
TEXT_V1 = TemplateText("受理：{{ request_no }}", "{{ name }}您好，单号 {{ request_no }} 已受理。")


def me(role: Role) -> str:
    """How notification names the signed-in user of these tests (their token's subject)."""
    return f"console-{role}-t"


def a_history(author: str = "console-supervisor-t", approved: bool = False) -> TemplateHistory:
    """Notification's versions of the type's Chinese SMS: version 1 by ``author``, a draft or
    approved by another member; version 2 a rejected draft."""
    history = TemplateHistory(KEY)
    history.write(TEXT_V1, author, AT, SIGNATURE)
    if approved:
        history.approve(1, "someone-else", AT)
    history.write(TemplateText("受理", "单号 {{ request_no }}"), author, AT, SIGNATURE)
    history.reject(2, "someone-else", "太简略", AT)
    return history


def type_answer(history: TemplateHistory | None = None) -> dict[str, Any]:
    found: dict[str, Any] = message_type_out(TYPE, [history or a_history()]).model_dump(mode="json")
    return found


def _changes(calls: list[httpx.Request]) -> list[httpx.Request]:
    return [c for c in calls if c.method != "GET" and not c.url.path.endswith("/preview")]


def test_who_reads_previews_writes_and_approves_is_notifications() -> None:
    assert ACCESS["get_message_type"].roles == TEMPLATE_READERS
    assert ACCESS["preview_template"].roles == TEMPLATE_READERS
    for route in ("write_template_version", "approve_template_version", "reject_template_version"):
        assert ACCESS[route].roles == TEMPLATE_KEEPERS, route
    for role in Role:
        keys = [s.key for s in screens_for(role)]
        assert ("message_templates" in keys) == (role in TEMPLATE_READERS), role


def test_what_the_screen_offers_is_what_notification_knows() -> None:
    assert (MAX_SUBJECT, max(MAX_BODY.values()), MAX_REASON) == (
        pages.MAX_SUBJECT,
        pages.MAX_BODY,
        pages.MAX_REASON,
    )
    assert tuple(s.value for s in VersionState) == pages.STATES
    assert tuple(c.value for c in Channel) == pages.CHANNELS
    assert tuple(lang.value for lang in Language) == pages.LANGUAGES
    assert set(DraftIn.model_fields) == {"subject", "body"}
    assert set(RejectionIn.model_fields) == {"reason"}
    assert {"subject", "body"} <= set(PreviewIn.model_fields)
    for message_type in BUILT_IN:
        assert f"message_type_{message_type}" in TEXT, message_type
    for key in [k for k in TEXT if k.startswith(("template_", "message_type"))]:
        zh, en = TEXT[key]
        assert zh and en, key


ROUTES = {
    ("GET", "/message-templates"): TEMPLATE_READERS,
    ("GET", "/message-templates/{message_type}"): TEMPLATE_READERS,
    ("POST", "/message-templates/{message_type}/preview"): TEMPLATE_READERS,
    ("POST", "/message-templates/{message_type}/versions"): TEMPLATE_KEEPERS,
    (
        "POST",
        "/message-templates/{message_type}/{channel}/{language}/versions/{number}/approve",
    ): TEMPLATE_KEEPERS,
    (
        "POST",
        "/message-templates/{message_type}/{channel}/{language}/versions/{number}/reject",
    ): TEMPLATE_KEEPERS,
}


def _concrete(path: str) -> str:
    return (
        path.replace("{message_type}", TYPE)
        .replace("{channel}", "sms")
        .replace("{language}", "zh-CN")
        .replace("{number}", "1")
    )


def test_every_route_is_listed_and_refuses_whom_notification_refuses() -> None:
    app = create_app(ConsoleSettings())
    served = {
        (method.upper(), path)
        for path, methods in app.openapi()["paths"].items()
        if path.startswith("/message-templates")
        for method in methods
    }
    assert served == set(ROUTES)
    for role in Role:
        with signed_in_against(role, {}) as (client, calls):
            client.get("/sign-in")
            csrf = client.cookies.get("hotline_csrf", "")
            for (method, path), roles in ROUTES.items():
                form = {"csrf": csrf} if method == "POST" else None
                answer = client.request(method, _concrete(path), data=form)
                assert (answer.status_code == 403) == (role not in roles), (role, method, path)
        if role not in TEMPLATE_KEEPERS:
            assert _changes(calls) == [], role


def test_a_form_without_this_browsers_csrf_token_is_refused_before_notification_is_asked() -> None:
    with signed_in_against(Role.DIRECTOR, {("GET", API): type_answer()}) as (client, calls):
        client.get(PAGE)
        for (method, path), _ in ROUTES.items():
            if method != "POST":
                continue
            fields = {"key": "k-1", "subject": "x", "body": "y", "reason": "z"}
            missing = client.post(_concrete(path), data=fields)
            forged = client.post(_concrete(path), data=fields | {"csrf": "guess"})
            assert (missing.status_code, forged.status_code) == (403, 403), path
    assert [c for c in calls if c.method != "GET"] == []


def test_the_list_shows_each_templates_current_version_and_the_drafts_waiting() -> None:
    waiting = TemplateHistory(KEY)
    waiting.write(TEXT_V1, "someone", AT, SIGNATURE)
    listed = message_types_out([waiting])
    answer = [t.model_dump(mode="json") for t in listed]
    routes: Routes = {("GET", "/templates"): lambda r: httpx.Response(200, json=answer)}
    with signed_in_against(Role.AGENT, routes) as (client, _):
        page = client.get("/message-templates").text
    row = part_of(page, f"type-{TYPE}", "</tr>")
    assert "服务请求已受理" in row
    sms = part_of(row, "current-sms-zh-CN", "</td>")
    assert "版本 0" in sms and 'data-testid="drafts">1 ' in sms
    assert 'data-testid="drafts"' not in part_of(row, "current-email-zh-CN", "</td>")
    assert page.count('data-testid="type-') == len(BUILT_IN)


def test_a_types_page_shows_every_version_with_its_state_author_and_approver() -> None:
    history = a_history(approved=True)
    with signed_in_against(Role.AGENT, {("GET", API): type_answer(history)}) as (client, _):
        page = client.get(PAGE).text
    sms = part_of(page, "template-sms-zh-CN", "</table>")
    assert 'data-current="1"' in sms
    first = part_of(sms, "version-1", "</tr>")
    assert 'data-state="approved"' in sms and "console-supervisor-t" in first
    assert "someone-else" in first
    second = part_of(sms, "version-2", "</tr>")
    assert 'data-testid="reason">太简略<' in second
    zero = part_of(sms, "version-0", "</tr>")
    assert "内置" in zero and "已停用" in zero
    assert 'data-testid="approve-form"' not in page  # an agent reads and previews only
    assert 'data-testid="write-draft"' not in page and 'data-testid="preview-button"' in page
    # the form starts from the current version of the template chosen (the Chinese SMS)
    assert "{{ name }}您好，单号 {{ request_no }} 已受理。</textarea>" in page


def test_four_eyes_the_author_is_not_offered_the_approval_of_their_own_draft() -> None:
    mine = a_history(author=me(Role.SUPERVISOR))
    theirs = a_history(author="another-member")
    with signed_in_against(Role.SUPERVISOR, {("GET", API): type_answer(mine)}) as (client, _):
        own = part_of(client.get(PAGE).text, "template-sms-zh-CN", "</table>")
    assert 'data-testid="own-draft"' in own and 'data-testid="approve-form"' not in own
    assert 'data-testid="reject-form"' in own  # an author may withdraw their draft
    with signed_in_against(Role.DIRECTOR, {("GET", API): type_answer(theirs)}) as (client, _):
        other = part_of(client.get(PAGE).text, "template-sms-zh-CN", "</table>")
    assert 'data-testid="approve-form"' in other
    assert 'action="/message-templates/request_accepted/sms/zh-CN/versions/1/approve"' in other


def test_the_preview_shows_what_notification_renders_with_the_sms_length() -> None:
    sent: list[httpx.Request] = []
    rendered = preview_out(KEY, TEXT_V1, None).model_dump(mode="json")

    def previewed(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=rendered)

    routes: Routes = {("GET", API): type_answer(), ("POST", f"{SMS_ZH}/preview"): previewed}
    with signed_in_against(Role.AGENT, routes) as (client, _):
        form = form_fields(client, PAGE, channel="sms", language="zh-CN")
        form |= {"subject": TEXT_V1.subject, "body": TEXT_V1.body}
        page = client.post(f"{PAGE}/preview", data=form).text
    assert json.loads(sent[0].content) == {"subject": TEXT_V1.subject, "body": TEXT_V1.body}
    shown = part_of(page, "preview", "</section>")
    assert 'data-testid="preview-body">张先生您好，单号 SR-DMG-20261123-0001 已受理。<' in shown
    assert f'data-testid="sms-characters">{rendered["sms"]["characters"]}<' in shown
    assert 'data-testid="sms-encoding">UCS-2<' in shown
    assert 'data-testid="sms-parts">1<' in shown


def test_a_draft_refused_is_shown_beside_the_field_as_typed_then_written() -> None:
    sent: list[httpx.Request] = []
    answers = [
        httpx.Response(
            422,
            json={
                "status": 422,
                "detail": "body: 'nickname' is undefined",
                "errors": [{"field": "body", "message": "body: 'nickname' is undefined"}],
            },
        ),
        httpx.Response(201, json={}),
    ]

    def written(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return answers[len(sent) - 1]

    routes: Routes = {("GET", API): type_answer(), ("POST", f"{SMS_ZH}/versions"): written}
    with signed_in_against(Role.SITE_MANAGER, routes) as (client, _):
        form = form_fields(client, PAGE, channel="sms", language="zh-CN")
        form |= {"subject": "受理", "body": "{{ nickname }}您好"}
        refused = client.post(f"{PAGE}/versions", data=form)
        done = client.post(
            f"{PAGE}/versions", data=form | {"body": "{{ name }}您好"}, follow_redirects=False
        )
    assert refused.status_code == 422
    assert 'data-testid="error-body"' in refused.text and "nickname" in refused.text
    assert "{{ nickname }}您好</textarea>" in refused.text
    assert json.loads(sent[1].content) == {"subject": "受理", "body": "{{ name }}您好"}
    # notification kept its refusal under the key: the page's form carries a new one
    assert 'name="key" value="k-1"' not in part_of(refused.text, "draft-form", "</form>")
    assert done.status_code == 303 and "done=written" in done.headers["location"]


def test_an_approval_goes_to_notification_and_the_authors_own_is_shown_refused() -> None:
    sent: list[httpx.Request] = []
    answers = [
        problem(422, "version 1 was written by you: another member approves it"),
        httpx.Response(200, json={}),
    ]

    def decided(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return answers[len(sent) - 1]

    routes: Routes = {
        ("GET", API): type_answer(),
        ("POST", f"{SMS_ZH}/versions/1/approve"): decided,
    }
    with signed_in_against(Role.DIRECTOR, routes) as (client, _):
        form = form_fields(client, PAGE)
        path = f"{PAGE}/sms/zh-CN/versions/1/approve"
        refused = client.post(path, data=form)
        done = client.post(path, data=form, follow_redirects=False)
    assert refused.status_code == 422
    assert 'data-testid="decide-problem"' in refused.text and "another member" in refused.text
    assert done.status_code == 303 and "done=approved" in done.headers["location"]
    assert all(r.headers["Idempotency-Key"] for r in sent)


def test_a_rejection_sends_its_reason() -> None:
    sent: list[httpx.Request] = []

    def decided(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={})

    routes: Routes = {("GET", API): type_answer(), ("POST", f"{SMS_ZH}/versions/1/reject"): decided}
    with signed_in_against(Role.SUPERVISOR, routes) as (client, _):
        form = form_fields(client, PAGE, reason="语气太生硬")
        done = client.post(f"{PAGE}/sms/zh-CN/versions/1/reject", data=form, follow_redirects=False)
    assert json.loads(sent[0].content) == {"reason": "语气太生硬"}
    assert done.status_code == 303 and "done=rejected" in done.headers["location"]


def test_an_unknown_message_type_is_not_asked_for() -> None:
    with signed_in_against(Role.AGENT, {}) as (client, calls):
        page = client.get("/message-templates/NOT-A-TYPE")
    assert page.status_code == 404 and not [c for c in calls if "/templates" in c.url.path]
    assert re.search(r"no such message type", page.text)
