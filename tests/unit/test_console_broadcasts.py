"""The broadcasts' screens (issue #13 "Screens"; NTF-07 notices, NTF-08 outages) in front of a
scripted notification answering with its own models, without a browser: who reads, counts,
composes and cancels is notification's access table; the list shows each broadcast's kind,
audience, status and progress; the audience count shows notification's readers by channel and
building before anything is sent; a broadcast goes to notification as its request model wants it
(units typed as 3-1202, a send time in the site's time with its offset) with its Idempotency-Key;
notification's refusal naming ``sms_text`` is shown beside that field with what was typed kept; a
broadcast's page polls its progress every 2 s while it is prepared or sent and stops when done,
showing the report per building with each failure's reason. A form without this browser's CSRF
token is refused before notification is asked; every label is in both languages."""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from console.bootstrap import create_app
from console.entrypoints.web import BROADCAST_READERS, BROADCASTERS, screens_for
from console.entrypoints.web import broadcasts as pages
from console.i18n import TEXT
from console.settings import ConsoleSettings
from hotline_libs.auth import Role
from hotline_libs.errors import RuleViolation
from notification.domain.broadcasts import (
    Batch,
    Broadcast,
    BroadcastAudience,
    BroadcastKind,
    BroadcastMessage,
    BroadcastStatus,
    Composition,
    Outcome,
    Unit,
    check,
)
from notification.domain.messages import Channel
from notification.entrypoints.http.access import ACCESS
from notification.entrypoints.http.broadcasts import (
    AudienceCountOut,
    BroadcastIn,
    broadcast_out,
)

from tests.unit.console_forms import part_of
from tests.unit.test_console import signed_in_against

Routes = dict[tuple[str, str], Any]
AT = datetime(2099, 2, 3, 1, 30, tzinfo=UTC)
BROADCAST_ID = uuid.UUID("6f1c0b3e-8a1d-4c8e-9d55-0a6a3c1f2b11")
PAGE = f"/broadcasts/{BROADCAST_ID}"
API = f"/broadcasts/{BROADCAST_ID}"
COMPOSITION = Composition(
    "{{ site }}：{{ building }}栋明日9:00-12:00停水。",
    "{{ site }}停水通知",
    "{{ name }}您好：{{ building }}栋明日停水。",
)


def a_broadcast(
    status: BroadcastStatus = BroadcastStatus.SENDING,
    counts: dict[Outcome, int] | None = None,
    audience: BroadcastAudience | None = None,
) -> Broadcast:
    return Broadcast(
        broadcast_id=BROADCAST_ID,
        kind=BroadcastKind.OUTAGE,
        audience=audience or BroadcastAudience("dmg", building="3"),
        composition=COMPOSITION,
        send_at=AT,
        created_at=AT,
        created_by="console-site_manager-t",
        status=status,
        batches=1,
        counts=counts if counts is not None else {Outcome.QUEUED: 2, Outcome.SENT: 3},
        unreachable=1,
    )


def answer(broadcast: Broadcast) -> dict[str, Any]:
    found: dict[str, Any] = broadcast_out(broadcast).model_dump(mode="json")
    return found


def a_report(broadcast: Broadcast) -> dict[str, Any]:
    """Notification's report of a done broadcast: building 3 sent two and failed one."""
    messages = [
        BroadcastMessage(uuid.uuid4(), Channel.SMS, "+8613800000001", "3", "1201", "", "x"),
        BroadcastMessage(uuid.uuid4(), Channel.SMS, "+8613800000002", "3", "1202", "", "x"),
        BroadcastMessage(uuid.uuid4(), Channel.EMAIL, "li@example.com", "3", "1203", "s", "x"),
    ]
    messages[0].outcome = messages[1].outcome = Outcome.SENT
    messages[2].outcome, messages[2].reason = Outcome.FAILED, "mailbox full"
    batch = Batch(BROADCAST_ID, 0, messages)
    counts = Counter(m.outcome for m in batch.messages)
    return {
        "broadcast": answer(broadcast),
        "buildings": [
            {"building": "3", "queued": 0, "sent": counts[Outcome.SENT], "failed": 1},
        ],
        "failures": [
            {
                "recipient": m.recipient,
                "building": m.building,
                "room": m.room,
                "channel": m.channel.value,
                "reason": m.reason,
            }
            for m in batch.messages
            if m.outcome is Outcome.FAILED
        ],
    }


def refusal(violation: RuleViolation) -> httpx.Response:
    """Notification's 422 for a rule its domain refused (hotline_libs.problems' shape)."""
    return httpx.Response(
        422,
        json={
            "status": 422,
            "detail": violation.message,
            "errors": [{"field": violation.field, "message": violation.message}],
        },
    )


def _form(client: Any, path: str = "/broadcasts", **fields: Any) -> dict[str, Any]:
    client.get(path)
    return {"csrf": client.cookies["hotline_csrf"], "key": "k-1", **fields}


def test_who_reads_counts_composes_and_cancels_is_notifications() -> None:
    assert ACCESS["create_broadcast"].roles == BROADCASTERS
    assert ACCESS["cancel_broadcast"].roles == BROADCASTERS
    for route in ("list_broadcasts", "get_broadcast", "count_audience", "broadcast_report"):
        assert ACCESS[route].roles == BROADCAST_READERS, route
    for role in Role:
        keys = [s.key for s in screens_for(role)]
        assert ("broadcasts" in keys) == (role in BROADCAST_READERS), role


def test_what_the_screen_offers_is_what_notification_knows() -> None:
    assert tuple(k.value for k in BroadcastKind) == pages.KINDS
    assert tuple(s.value for s in BroadcastStatus) == pages.STATUSES
    fields = BroadcastIn.model_fields
    assert set(fields) == {"kind", "audience", "sms_text", "email_subject", "email_body", "send_at"}
    for name, bound in (("sms_text", 1000), ("email_subject", 200), ("email_body", 20_000)):
        assert any(getattr(m, "max_length", None) == bound for m in fields[name].metadata), name
    assert (pages.MAX_SMS, pages.MAX_SUBJECT, pages.MAX_BODY) == (1000, 200, 20_000)
    for key in [k for k in TEXT if k.startswith("bc_") or k == "broadcasts"]:
        zh, en = TEXT[key]
        assert zh and en, key
    for kind in pages.KINDS:
        assert f"bc_kind_{kind}" in TEXT
    for status in pages.STATUSES:
        assert f"bc_status_{status}" in TEXT


ROUTES = {
    ("GET", "/broadcasts"): BROADCAST_READERS,
    ("POST", "/broadcasts"): BROADCASTERS,
    ("POST", "/broadcasts/audience"): BROADCAST_READERS,
    ("GET", "/broadcasts/{broadcast_id}"): BROADCAST_READERS,
    ("POST", "/broadcasts/{broadcast_id}/cancel"): BROADCASTERS,
}


def test_every_route_is_listed_and_refuses_whom_notification_refuses() -> None:
    app = create_app(ConsoleSettings())
    served = {
        (method.upper(), path)
        for path, methods in app.openapi()["paths"].items()
        if path.startswith("/broadcasts")
        for method in methods
    }
    assert served == set(ROUTES)
    for role in Role:
        with signed_in_against(role, {}) as (client, calls):
            client.get("/sign-in")
            csrf = client.cookies.get("hotline_csrf", "")
            for (method, path), roles in ROUTES.items():
                form = {"csrf": csrf} if method == "POST" else None
                concrete = path.replace("{broadcast_id}", str(BROADCAST_ID))
                got = client.request(method, concrete, data=form)
                assert (got.status_code == 403) == (role not in roles), (role, method, path)
        if role not in BROADCASTERS:
            assert [c for c in calls if c.method != "GET"] == [], role


def test_a_form_without_this_browsers_csrf_token_is_refused_before_notification_is_asked() -> None:
    with signed_in_against(Role.SITE_MANAGER, {}) as (client, calls):
        client.get("/broadcasts")
        for path in ("/broadcasts", "/broadcasts/audience", f"{PAGE}/cancel"):
            fields = {"key": "k-1", "site_id": "dmg", "sms_text": "x"}
            missing = client.post(path, data=fields)
            forged = client.post(path, data=fields | {"csrf": "guess"})
            assert (missing.status_code, forged.status_code) == (403, 403), path
    assert [c for c in calls if c.method != "GET" or "audiences" in c.url.path] == []


def test_ntf08_the_list_shows_kind_audience_status_and_progress_a_page_at_a_time() -> None:
    units = BroadcastAudience("dmg", units=(Unit("3", "1202"), Unit("3", "1203")))
    listed = {
        "items": [answer(a_broadcast()), answer(a_broadcast(BroadcastStatus.DONE, audience=units))],
        "total": 45,
        "limit": 20,
        "offset": 20,
    }
    asked: list[httpx.Request] = []

    def page_of(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        return httpx.Response(200, json=listed)

    with signed_in_against(Role.DIRECTOR, {("GET", "/broadcasts"): page_of}) as (client, _):
        page = client.get("/broadcasts?site_id=dmg&offset=20").text
    assert dict(asked[0].url.params) == {"limit": "20", "offset": "20", "site_id": "dmg"}
    rows = page.split('data-testid="broadcast"')[1:]
    assert len(rows) == 2
    assert 'data-status="sending"' in rows[0] and "发送中" in rows[0]
    assert "停水停电" in rows[0] and "一栋楼 3" in rows[0]
    assert 'data-testid="sent">3<' in rows[0] and 'data-testid="queued">2<' in rows[0]
    assert "指定房号 3-1202, 3-1203" in rows[1] and "已完成" in rows[1]
    assert "21–40" in page and 'data-testid="next-page"' in page
    assert 'data-testid="compose-form"' not in page  # the director reads, does not compose


def test_ntf07_the_audience_is_counted_before_anything_is_sent_the_form_kept() -> None:
    counted = AudienceCountOut(
        site_id="dmg",
        readers=4,
        by_channel={Channel.SMS: 3, Channel.EMAIL: 1},
        by_building={"1": 2, "2": 2},
        unreachable=1,
    ).model_dump(mode="json")
    asked: list[httpx.Request] = []

    def count(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        return httpx.Response(200, json=counted)

    routes: Routes = {
        ("GET", "/broadcasts"): {"items": [], "total": 0, "limit": 20, "offset": 0},
        ("GET", "/broadcast-audiences/dmg"): count,
    }
    with signed_in_against(Role.SITE_MANAGER, routes) as (client, calls):
        form = _form(client, site_id="dmg", scope="units", units="3-1202\n\n3/1203\n3-1202")
        form |= {"sms_text": "{{ room }}明日停水"}
        page = client.post("/broadcasts/audience", data=form).text
    assert asked[0].url.params.get_list("unit") == ["3/1202", "3/1203"]
    shown = part_of(page, "audience-count", "</p>")
    assert 'data-testid="readers">4<' in shown and 'data-testid="by-channel-sms">3<' in shown
    assert 'data-testid="by-channel-email">1<' in shown and 'data-testid="unreachable">1<' in shown
    assert 'data-testid="by-building-1">1栋 2<' in shown
    assert "{{ room }}明日停水</textarea>" in page and "3/1203" in page
    assert [c for c in calls if c.method == "POST"] == []


def test_a_line_that_is_not_a_unit_is_refused_beside_the_units_without_asking() -> None:
    routes: Routes = {("GET", "/broadcasts"): {"items": [], "total": 0, "limit": 20, "offset": 0}}
    with signed_in_against(Role.SUPERVISOR, routes) as (client, calls):
        form = _form(client, site_id="dmg", scope="units", units="3-1202\n三栋")
        refused = client.post("/broadcasts", data=form)
    assert refused.status_code == 422
    assert 'data-testid="error-units"' in refused.text and "三栋" in refused.text
    assert [c for c in calls if c.url.path.startswith("/broadcast") and c.method == "POST"] == []


def test_ntf08_a_refused_template_is_shown_beside_its_field_as_typed_then_sent() -> None:
    with pytest.raises(RuleViolation) as refused_by_domain:
        check(Composition("{{ fee }}元", "停水", "明日停水"))
    assert refused_by_domain.value.field == "sms_text"
    sent: list[httpx.Request] = []
    answers = [refusal(refused_by_domain.value), httpx.Response(201, json=answer(a_broadcast()))]

    def create(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return answers[len(sent) - 1]

    routes: Routes = {
        ("GET", "/broadcasts"): {"items": [], "total": 0, "limit": 20, "offset": 0},
        ("POST", "/broadcasts"): create,
    }
    with signed_in_against(Role.DUTY_STAFF, routes) as (client, _):
        form = _form(client, site_id="dmg", scope="building", building="3", kind="outage")
        form |= {"sms_text": "{{ fee }}元", "email_subject": "停水", "email_body": "明日停水"}
        form |= {"send_at": "2099-02-03T18:00"}
        refused = client.post("/broadcasts", data=form)
        # notification kept its refusal under the key: the form carries a new one
        kept = re.search(
            r'name="key" value="([^"]+)"', part_of(refused.text, "compose-form", "</form>")
        )
        assert kept is not None and kept.group(1) != "k-1"
        done = client.post(
            "/broadcasts",
            data=form | {"sms_text": "{{ building }}栋明日停水", "key": kept.group(1)},
            follow_redirects=False,
        )
    assert refused.status_code == 422
    assert 'data-testid="error-sms_text"' in refused.text and "fee" in refused.text
    assert "{{ fee }}元</textarea>" in refused.text and 'value="2099-02-03T18:00"' in refused.text
    body = json.loads(sent[1].content)
    assert BroadcastIn.model_validate(body).audience.building == "3"
    assert body["send_at"] == "2099-02-03T18:00:00+08:00"  # the site's time (Asia/Shanghai)
    assert body["sms_text"] == "{{ building }}栋明日停水" and body["kind"] == "outage"
    assert sent[0].headers["Idempotency-Key"] == "k-1"
    assert sent[1].headers["Idempotency-Key"] == kept.group(1)
    assert done.status_code == 303 and done.headers["location"] == PAGE


def test_a_broadcast_being_sent_is_polled_every_two_seconds_and_may_be_cancelled() -> None:
    routes: Routes = {("GET", API): answer(a_broadcast())}
    with signed_in_against(Role.SITE_MANAGER, routes) as (client, calls):
        page = client.get(PAGE).text
        partial = client.get(PAGE, headers={"HX-Request": "true"}).text
    progress = part_of(page, "broadcast-progress")
    assert 'data-live="true"' in page and 'hx-trigger="every 2s"' in page
    assert 'data-testid="sent">3<' in progress and 'data-testid="cancel-broadcast"' in progress
    assert "<html" not in partial and 'id="broadcast-progress"' in partial
    assert [c.url.path for c in calls if c.url.path.endswith("/report")] == []


def test_a_done_broadcast_stops_polling_and_shows_its_report_with_the_failures() -> None:
    done = a_broadcast(BroadcastStatus.DONE, {Outcome.SENT: 2, Outcome.FAILED: 1})
    routes: Routes = {("GET", API): answer(done), ("GET", f"{API}/report"): a_report(done)}
    with signed_in_against(Role.QUALITY_HEAD, routes) as (client, _):
        page = client.get(PAGE).text
    assert 'data-live="false"' in page and "hx-trigger" not in part_of(page, "broadcast-progress")
    assert 'data-testid="cancel-broadcast"' not in page
    building = part_of(page, "report-building", "</tr>")
    assert 'data-testid="building-sent">2<' in building
    assert 'data-testid="building-failed">1<' in building
    failure = part_of(page, "failure", "</tr>")
    assert "li@example.com" in failure and "mailbox full" in failure and "3-1203" in failure


def test_a_cancel_goes_to_notification_with_its_key() -> None:
    sent: list[httpx.Request] = []

    def cancel(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=answer(a_broadcast(BroadcastStatus.CANCELLED)))

    routes: Routes = {("GET", API): answer(a_broadcast()), ("POST", f"{API}/cancel"): cancel}
    with signed_in_against(Role.SUPERVISOR, routes) as (client, _):
        form = _form(client, PAGE)
        done = client.post(f"{PAGE}/cancel", data=form, follow_redirects=False)
    assert sent[0].headers["Idempotency-Key"] == "k-1"
    assert done.status_code == 303 and done.headers["location"] == f"{PAGE}?done=cancelled"


def test_an_id_that_is_not_a_broadcasts_is_not_asked_for() -> None:
    with signed_in_against(Role.ADMIN, {}) as (client, calls):
        page = client.get("/broadcasts/not-an-id")
    assert page.status_code == 404
    assert [c for c in calls if c.url.path.startswith("/broadcasts")] == []
