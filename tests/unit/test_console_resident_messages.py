"""One resident's messages and preferences (the message log per resident, issue #13 "Screens";
NTF-03: what a resident was told) in front of a scripted notification built from its own code,
without a browser: who reads, records an opt-out, blocks and sets quiet hours is notification's
access table; the number typed as the resident says it is asked in E.164; the page shows the
address's opt-out and block with who set them, and its messages only, newest first, each status
labelled (one the console does not know shown as notification names it), held ones with the
morning in the site's time, suppressed and refused ones with why; the forms go to notification
with their Idempotency-Key and its refusals are shown beside the form, as typed. A form without
this browser's CSRF token is refused before notification is asked; every label is in both
languages."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from console.bootstrap import create_app
from console.entrypoints.web import (
    BLOCKERS,
    OPT_OUT_RECORDERS,
    QUIET_HOURS_SETTERS,
    RESIDENT_MESSAGE_READERS,
    screens_for,
)
from console.entrypoints.web import resident_messages as pages
from console.i18n import TEXT
from console.settings import ConsoleSettings
from hotline_libs.auth import Role
from notification.domain.messages import Channel
from notification.domain.notification import Message, MessageStatus, Notification
from notification.domain.occasions import About
from notification.domain.policy import BUILT_IN_POLICIES
from notification.domain.preferences import REASON_MAX, ContactPreference, OptedOutVia
from notification.entrypoints.http.access import ACCESS
from notification.entrypoints.http.notifications import notification_out
from notification.entrypoints.http.preferences import QUIET_HOURS, QuietHoursOut, preference_out

from tests.unit.console_forms import form_fields, forms_on, part_of, refused_field
from tests.unit.test_console import a_service_request, signed_in_against
from tests.unit.test_console_finance import keeping

Routes = dict[tuple[str, str], Any]
WANG = "+8613800138000"
LI = "+8613900139000"
PREFERENCE = f"/preferences/sms/{WANG}"
PAGE = "/resident-messages?address=13800138000"
AT = datetime(2099, 2, 3, 14, 30, tzinfo=UTC)  # 22:30 in Shanghai, 23:30 in Tokyo
MORNING = datetime(2099, 2, 3, 23, 0, tzinfo=UTC)  # 08:00 in Tokyo


def a_preference(**changed: Any) -> dict[str, Any]:
    kept = replace(ContactPreference(channel=Channel.SMS, address=WANG), **changed)
    found: dict[str, Any] = preference_out(kept).model_dump(mode="json")
    return found


def _message(status: MessageStatus, to: str = WANG, **more: Any) -> Message:
    return Message(
        uuid.uuid4(),
        Channel.SMS,
        to,
        more.pop("template", "request_accepted"),
        "",
        more.pop("body", "【物业服务热线】您的报修已受理"),
        status=status,
        **more,
    )


def a_log(*notifications: Notification) -> dict[str, Any]:
    """notification's page of GET /notifications, as list_notifications builds it."""
    items = [notification_out(n).model_dump(mode="json") for n in notifications]
    return {"items": items, "total": len(items), "limit": 20, "offset": 0}


def _told(site: str, minute: int, *messages: Message) -> Notification:
    return Notification(
        notification_id=uuid.uuid4(),
        about=About(uuid.uuid4(), "ServiceRequestAccepted", uuid.uuid4(), site, uuid.uuid4()),
        messages=list(messages),
        created_at=AT.replace(minute=minute),
    )


def zone_of(site: str, zone: str) -> dict[str, Any]:
    return QuietHoursOut(site_id=site, quiet_hours="default", time_zone=zone).model_dump()


def _changes(calls: list[httpx.Request]) -> list[httpx.Request]:
    return [c for c in calls if c.method != "GET"]


# -- who sees what: notification's access table ------------------------------------------------
def test_who_reads_records_and_blocks_is_notifications() -> None:
    assert ACCESS["list_notifications"].roles == RESIDENT_MESSAGE_READERS
    assert ACCESS["get_preference"].roles >= RESIDENT_MESSAGE_READERS
    assert ACCESS["set_opt_out"].roles & RESIDENT_MESSAGE_READERS == OPT_OUT_RECORDERS
    assert ACCESS["set_block"].roles == BLOCKERS
    assert ACCESS["set_quiet_hours"].roles == QUIET_HOURS_SETTERS
    assert ACCESS["get_quiet_hours"].roles >= QUIET_HOURS_SETTERS
    for role in Role:
        keys = [s.key for s in screens_for(role)]
        assert ("resident_messages" in keys) == (role in RESIDENT_MESSAGE_READERS), role


def test_what_the_page_offers_is_what_notification_knows() -> None:
    assert pages.REASON_MAX == REASON_MAX
    assert pages.QUIET_HOURS.pattern == QUIET_HOURS
    assert {s.value for s in MessageStatus} <= set(pages.STATUSES)
    for key in [f"rm_status_{s}" for s in pages.STATUSES] + [
        f"rm_type_{t}" for t in BUILT_IN_POLICIES
    ]:
        assert key in TEXT, key
    for via in OptedOutVia:
        assert f"rm_via_{via.value}" in TEXT
    for key, (zh, en) in TEXT.items():
        if key.startswith(("rm_", "resident_messages")):
            assert zh and en and zh != en, key


ROUTES = {
    ("GET", "/resident-messages"): RESIDENT_MESSAGE_READERS,
    ("POST", "/resident-messages/opt-out"): OPT_OUT_RECORDERS,
    ("POST", "/resident-messages/block"): BLOCKERS,
    ("POST", "/resident-messages/quiet-hours"): QUIET_HOURS_SETTERS,
}


def test_every_route_is_listed_and_refuses_whom_notification_refuses() -> None:
    app = create_app(ConsoleSettings())
    served = {
        (method.upper(), path)
        for path, methods in app.openapi()["paths"].items()
        if path.startswith("/resident-messages")
        for method in methods
    }
    assert served == set(ROUTES)
    for role in Role:
        with signed_in_against(role, {}) as (client, calls):
            client.get("/sign-in")
            csrf = client.cookies.get("hotline_csrf", "")
            for (method, path), roles in ROUTES.items():
                form = {"csrf": csrf, "address": "x"} if method == "POST" else None
                answer = client.request(method, path, data=form)
                assert (answer.status_code == 403) == (role not in roles), (role, method, path)
        assert _changes(calls) == [], role  # "x" is no address: nothing is asked


def test_a_form_without_this_browsers_csrf_token_is_refused_before_notification_is_asked() -> None:
    with signed_in_against(Role.ADMIN, {}) as (client, calls):
        client.get("/resident-messages")
        for (method, path), _ in ROUTES.items():
            if method != "POST":
                continue
            fields = {"key": "k-1", "address": WANG, "blocked": "1", "reason": "x"}
            missing = client.post(path, data=fields)
            forged = client.post(path, data=fields | {"csrf": "guess"})
            assert (missing.status_code, forged.status_code) == (403, 403), path
    assert _changes(calls) == []


# -- the address as typed ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("13800138000", ("sms", WANG)),
        (" 138 0013 8000 ", ("sms", WANG)),
        ("138-0013-8000", ("sms", WANG)),
        ("+86 138 0013 8000", ("sms", WANG)),
        ("8613800138000", ("sms", WANG)),
        ("008613800138000", ("sms", WANG)),
        ("+85291234567", ("sms", "+85291234567")),
        (" Wang.Fang@Example.COM ", ("email", "wang.fang@example.com")),
        ("12345", None),
        ("23800138000", None),
        ("wang@", None),
        ("王芳", None),
    ],
)
def test_the_number_is_asked_in_e164_as_the_resident_says_it(
    typed: str, found: tuple[str, str] | None
) -> None:
    assert pages.address_of(typed) == found


def test_what_is_not_an_address_is_said_and_nothing_asked() -> None:
    with signed_in_against(Role.AGENT, {}) as (client, calls):
        page = client.get("/resident-messages", params={"address": "12345"}).text
    assert 'data-testid="not-an-address"' in page
    assert [c.url.path for c in calls if c.url.path != "/sites"] == []


# -- the log -----------------------------------------------------------------------------------
def test_ntf03_the_log_shows_the_residents_messages_newest_first_with_their_statuses() -> None:
    log = a_log(
        _told(
            "qjc",
            40,
            _message(MessageStatus.HELD, template="work_order_dispatched", held_until=MORNING),
        ),
        _told(
            "dmg",
            35,
            _message(
                MessageStatus.SUPPRESSED,
                template="charge_raised",
                refusal="the resident opted out (staff)",
            ),
            _message(MessageStatus.SENT, to=LI, body="给李先生的短信"),  # another resident's
        ),
        _told("dmg", 30, _message(MessageStatus.SENT, sent_at=AT.replace(minute=31))),
    )
    log["items"][2]["messages"][0]["status"] = "bounced"  # a status added later by notification
    routes: Routes = {
        ("GET", PREFERENCE): a_preference(
            opted_out=True,
            opted_out_via=OptedOutVia.STAFF,
            opted_out_by="console-agent-李娜",
            language="en",
        ),
        ("GET", "/notifications"): log,
        ("GET", "/sites/qjc/quiet-hours"): zone_of("qjc", "Asia/Tokyo"),
        ("GET", "/sites/dmg/quiet-hours"): zone_of("dmg", "Asia/Shanghai"),
    }
    with signed_in_against(Role.DIRECTOR, routes) as (client, calls):
        page = client.get(PAGE).text
    asked = next(c for c in calls if c.url.path == "/notifications")
    assert asked.url.params["recipient"] == WANG
    preference = part_of(page, "preference")
    assert 'data-testid="address">+8613800138000<' in preference
    assert 'data-testid="opted-out" data-value="true"' in preference
    assert "业户口头告知，员工登记" in preference and "console-agent-李娜" in preference
    assert 'data-testid="blocked" data-value="false"' in preference
    assert 'data-testid="language" data-value="en">en<' in preference  # asked in the directory
    shown = part_of(page, "messages")
    statuses = re.findall(r'data-testid="message" data-status="([a-z]+)"', shown)
    assert statuses == ["held", "suppressed", "bounced"]
    assert "给李先生的短信" not in page
    rows = shown.split('data-testid="message"')[1:]
    assert "暂缓（免打扰时段）" in rows[0] and "已派维修人员" in rows[0]
    assert 'data-testid="held-until">免打扰时段，待发至 2099-02-04 08:00 (Asia/Tokyo)<' in rows[0]
    assert "2099-02-03 23:40" in rows[0]  # made at 23:40 in Tokyo
    assert "未发送（退订或屏蔽）" in rows[1] and "有偿服务收费" in rows[1]
    assert 'data-testid="refusal">the resident opted out (staff)<' in rows[1]
    assert 'data-testid="message-status">bounced' in rows[2]
    assert "2099-02-03 22:30" in rows[2] and "发出 2099-02-03 22:31" in rows[2]
    assert 'data-testid="page-range">1–3' in page
    assert forms_on(page) == set()  # the director reads


def test_the_log_of_an_address_never_written_to_says_so_with_its_forms() -> None:
    routes: Routes = {
        ("GET", PREFERENCE): a_preference(),
        ("GET", "/notifications"): a_log(),
    }
    with signed_in_against(Role.SUPERVISOR, routes) as (client, _):
        page = client.get(PAGE).text
    assert 'data-testid="no-messages"' in page
    assert forms_on(page) == {"optout", "block"}
    assert "登记退订（业户要求不再接收）" in page and "屏蔽此号码/邮箱" in page
    with signed_in_against(Role.AGENT, routes) as (client, _):
        assert forms_on(client.get(PAGE).text) == {"optout"}


# -- the forms ---------------------------------------------------------------------------------
def test_an_agent_records_an_opt_out_on_the_residents_word() -> None:
    sent: list[httpx.Request] = []
    opted = a_preference(opted_out=True, opted_out_via=OptedOutVia.STAFF)
    routes: Routes = {
        ("GET", PREFERENCE): a_preference(),
        ("GET", "/notifications"): a_log(),
        ("PUT", f"{PREFERENCE}/opt-out"): keeping(sent, httpx.Response(200, json=opted)),
    }
    with signed_in_against(Role.AGENT, routes) as (client, _):
        fields = form_fields(client, PAGE, address="138 0013 8000", opted_out="1")
        done = client.post("/resident-messages/opt-out", data=fields)
        page = client.get(done.headers["location"]).text
    assert json.loads(sent[0].content) == {"opted_out": True}
    assert sent[0].headers["Idempotency-Key"] == "k-1"
    assert done.status_code == 303
    assert "done=opted_out" in done.headers["location"]
    assert 'data-testid="done">已登记退订<' in page


def test_a_block_without_its_reason_is_refused_beside_the_form_then_recorded() -> None:
    sent: list[httpx.Request] = []
    answers = [
        httpx.Response(200, json=a_preference(blocked=True, block_reason="号码已易主")),
        refused_field(422, "a block needs its reason", "reason"),
    ]
    routes: Routes = {
        ("GET", PREFERENCE): a_preference(),
        ("GET", "/notifications"): a_log(),
        ("PUT", f"/blocklist/sms/{WANG}"): lambda r: keeping(sent, answers.pop())(r),
    }
    with signed_in_against(Role.SUPERVISOR, routes) as (client, _):
        fields = form_fields(client, PAGE, address="13800138000", blocked="1", reason="   ")
        refused = client.post("/resident-messages/block", data=fields)
        fields |= {"reason": " 号码已易主 ", "key": "k-2"}
        done = client.post("/resident-messages/block", data=fields)
    assert refused.status_code == 422
    form = part_of(refused.text, "block-form", "</form>")
    assert 'data-testid="block-problem">a block needs its reason<' in form
    assert 'data-testid="error-reason">a block needs its reason<' in form
    key = re.search(r'name="key" value="([^"]+)"', form)
    assert key and key[1] != "k-1"  # notification kept its refusal: the corrected form is new
    assert json.loads(sent[0].content) == {"blocked": True, "reason": None}
    assert json.loads(sent[1].content) == {"blocked": True, "reason": "号码已易主"}
    assert sent[1].headers["Idempotency-Key"] == "k-2"
    assert "done=blocked" in done.headers["location"]


def test_a_reason_typed_is_kept_when_notification_refuses_it() -> None:
    routes: Routes = {
        ("GET", PREFERENCE): a_preference(),
        ("GET", "/notifications"): a_log(),
        ("PUT", f"/blocklist/sms/{WANG}"): lambda _: refused_field(422, "too long", "reason"),
    }
    with signed_in_against(Role.SITE_MANAGER, routes) as (client, _):
        fields = form_fields(
            client, PAGE, address=WANG, blocked="1", reason="新机主 <要求> 不再发送"
        )
        refused = client.post("/resident-messages/block", data=fields)
    form = part_of(refused.text, "block-form", "</form>")
    assert 'value="新机主 &lt;要求&gt; 不再发送"' in form


def test_a_blocked_address_shows_its_reason_and_who_and_the_form_lifts_it() -> None:
    sent: list[httpx.Request] = []
    blocked = a_preference(blocked=True, block_reason="号码已易主", blocked_by="刘主管")
    routes: Routes = {
        ("GET", PREFERENCE): blocked,
        ("GET", "/notifications"): a_log(),
        ("PUT", f"/blocklist/sms/{WANG}"): keeping(sent, httpx.Response(200, json=a_preference())),
    }
    with signed_in_against(Role.ADMIN, routes) as (client, _):
        page = client.get(PAGE).text
        done = client.post(
            "/resident-messages/block", data=form_fields(client, PAGE, address=WANG, blocked="0")
        )
    preference = part_of(page, "preference")
    assert 'data-testid="block-reason">号码已易主<' in preference and "刘主管" in preference
    assert "解除屏蔽" in part_of(page, "block-form", "</form>")
    assert json.loads(sent[0].content) == {"blocked": False, "reason": None}
    assert "done=unblocked" in done.headers["location"]


def test_an_email_address_is_asked_in_lower_case() -> None:
    sent: list[httpx.Request] = []
    email = "/preferences/email/wang.fang@example.com"
    routes: Routes = {
        ("GET", email): a_preference(channel=Channel.EMAIL, address="wang.fang@example.com"),
        ("GET", "/notifications"): lambda r: keeping(sent, httpx.Response(200, json=a_log()))(r),
    }
    with signed_in_against(Role.AGENT, routes) as (client, _):
        page = client.get("/resident-messages", params={"address": "Wang.Fang@Example.com"})
    assert page.status_code == 200 and 'data-testid="channel">电子邮件<' in page.text
    assert sent[0].url.params["recipient"] == "wang.fang@example.com"


def test_a_sites_quiet_hours_are_shown_and_set() -> None:
    sent: list[httpx.Request] = []
    answers = [
        httpx.Response(200, json={**zone_of("dmg", "Asia/Shanghai"), "quiet_hours": "21:00-07:30"}),
        refused_field(422, "quiet_hours: not HH:MM-HH:MM", "quiet_hours"),
    ]
    routes: Routes = {
        ("GET", "/sites/dmg/quiet-hours"): zone_of("dmg", "Asia/Shanghai"),
        ("PUT", "/sites/dmg/quiet-hours"): lambda r: keeping(sent, answers.pop())(r),
    }
    path = "/resident-messages?site_id=dmg"
    with signed_in_against(Role.AGENT, routes) as (client, _):
        assert "quiethours" not in forms_on(client.get(path).text)
    with signed_in_against(Role.SITE_MANAGER, routes) as (client, _):
        page = client.get(path).text
        refused = client.post(
            "/resident-messages/quiet-hours",
            data=form_fields(client, path, site_id="dmg", quiet_hours="22-8"),
        )
        done = client.post(
            "/resident-messages/quiet-hours",
            data=form_fields(client, path, site_id="dmg", quiet_hours="21:00-07:30", key="k-2"),
        )
    assert 'data-testid="quiet-hours-value">default<' in page and "Asia/Shanghai" in page
    assert refused.status_code == 422
    form = part_of(refused.text, "quiethours-form", "</form>")
    assert "not HH:MM-HH:MM" in form and 'value="22-8"' in form
    assert json.loads(sent[1].content) == {"quiet_hours": "21:00-07:30"}
    assert "done=quiet_hours" in done.headers["location"]


def test_a_requests_page_opens_its_residents_messages_for_whom_may_read_them() -> None:
    found = a_service_request("SR-DMG-9")
    path = f"/service-requests/{found['request_id']}"
    routes: Routes = {("GET", path): found, ("GET", f"{path}/timeline"): {"entries": []}}
    link = f'href="/resident-messages?{urlencode({"address": found["resident"]["phone"]})}"'
    with signed_in_against(Role.AGENT, routes) as (client, _):
        assert link in client.get(f"/requests/{found['request_id']}").text
    with signed_in_against(Role.STEWARD, routes) as (client, _):
        page = client.get(f"/requests/{found['request_id']}")
    assert page.status_code == 200 and 'data-testid="residents-messages"' not in page.text
