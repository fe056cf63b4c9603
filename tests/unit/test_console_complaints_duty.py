"""The console's complaint and duty-log screens in front of a scripted intake, without a browser.

Complaints: the queue's clocks in site time with the breached ones in red and named (CMP-04,
CMP-05, CMP-12, CMP-14, CMP-15), the complaint's forms posting what intake's routes take with the
form's Idempotency-Key (CMP-07, CMP-13, CMP-06, CMP-21), intake's refusal shown beside the form as
typed. Duty: late and missed take-overs in red (DUTY-10, DUTY-11), the take-over's open items and
counted items (DUTY-13, DUTY-14), the sign-off (DUTY-15) and each signer's signature (DUTY-08,
DUTY-21, DUTY-22). Who sees each screen follows intake's access table."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from console.bootstrap import create_app
from console.entrypoints.web import DUTY_DESK, SCREENS, SESSION_COOKIE, screens_for
from console.entrypoints.web.complaints import (
    CLOCKS,
    DEPARTMENTS,
    FORMS,
    GRADES,
    LEVELS,
    STATUSES,
    complaint_clocks,
)
from console.entrypoints.web.duty import ENTRY_KINDS, SHIFTS, SIGNATURE_KINDS
from console.entrypoints.web.duty import FORMS as DUTY_FORMS
from console.i18n import TEXT
from hotline_libs.auth import Role, issue_token
from hotline_libs.settings import DEV_JWT_SECRET

from tests.unit.test_console import (
    Handler,
    _client,
    _moment,
    _rows,
    a_service_request,
    page_of,
    signed_in_against,
)

TEMPLATES = Path(create_app.__code__.co_filename).parent / "templates"


ON_THE_REQUEST = ("first_answer_due_at", "first_answer_overdue_at", "replies", "registered_at")


def a_complaint(
    request_no: str, registered_minutes_ago: float = 30, **overrides: Any
) -> dict[str, Any]:
    """A complaint as intake's GET /complaints lists it: just registered, at the duty staff's
    rung, its reply due 2 hours after the call, its register by the end of the day; overrides
    of the request's reply clock and replies, else of its complaint register."""
    request = {name: overrides.pop(name) for name in ON_THE_REQUEST if name in overrides}
    complaint = overrides
    register: dict[str, Any] = {
        "first_responsible": "console-agent-李娜",
        "register_due_at": _moment(600),
        "register_complete": False,
        "register_overdue_at": None,
        "second_of": None,
        "level": "duty_staff",
        "next_escalation_at": _moment(240 - registered_minutes_ago),
        "assessment": None,
        "plan": None,
        "resolution": None,
        "escalations": [],
        "representative": False,
    }
    return (
        a_service_request(
            request_no,
            kind="complaint",
            category="service_quality",
            description="保安态度差",
            registered_at=_moment(-registered_minutes_ago),
            first_answer_due_at=_moment(120 - registered_minutes_ago),
            complaint=register | complaint,
        )
        | request
    )


def an_assessment(validity: str = "valid", minutes_ago: float = 20) -> dict[str, Any]:
    return {
        "validity": validity,
        "grade": "general",
        "reason": "监控录像证实",
        "department": "security" if validity == "valid" else None,
        "by": "console-supervisor-张敏",
        "at": _moment(-minutes_ago),
    }


def _clock_spans(page: str, row: str) -> dict[str, tuple[str, str]]:
    """The clocks of one table row: each clock's classes and the text it shows."""
    found = re.search(rf'data-testid="{row}">(.*?)</tr>', page, re.S)
    assert found, f"no row {row}"
    return {
        what: (classes, re.sub(r"<[^>]+>", "", text).strip())
        for classes, what, text in re.findall(
            r'<span class="(clock[^"]*)" data-testid="clock-([a-z]+)"[^>]*>(.*?)</span>\s*</td>',
            found.group(1),
            re.S,
        )
    }


def test_the_queue_shows_each_clock_in_site_time_and_the_breached_ones_in_red() -> None:
    """CMP-04/05: the reply within 2 hours; CMP-12: the register the same day; CMP-15: the
    ladder; CMP-14: the 24-hour target, the ladder's last rung."""
    reply_late = a_complaint("SR-DMG-1", registered_minutes_ago=150)  # due 30 minutes ago
    on_time = a_complaint("SR-DMG-2", first_answer_due_at="2099-01-01T02:00:00+00:00")
    register_late = a_complaint(
        "SR-DMG-3", register_due_at=_moment(-60), register_overdue_at=_moment(-59)
    )
    escalated = a_complaint(
        "SR-DMG-4",
        registered_minutes_ago=300,
        level="supervisor",
        next_escalation_at="2099-01-02T04:30:00+00:00",
        escalations=[{"level": "supervisor", "at": _moment(-60)}],
        first_answer_due_at=None,
        replies=[{"kind": "reply", "text": "已致电", "by": "x", "at": _moment(-200)}],
    )
    resolved = a_complaint(
        "SR-DMG-5",
        first_answer_due_at=None,
        replies=[{"kind": "reply", "text": "已致电", "by": "x", "at": _moment(-10)}],
        register_complete=True,
        next_escalation_at=None,
        assessment=an_assessment(),
        resolution={
            "outcome": "已更换保安",
            "resident_satisfied": True,
            "by": "console-supervisor-张敏",
            "at": _moment(-5),
        },
    )
    answered_late = a_complaint(
        "SR-DMG-6",
        first_answer_due_at=None,
        first_answer_overdue_at=_moment(-30),
        replies=[{"kind": "reply", "text": "已致电", "by": "x", "at": _moment(-20)}],
        register_complete=True,
        assessment=an_assessment(),
    )
    listed = page_of(reply_late, on_time, register_late, escalated, resolved, answered_late)
    with signed_in_against(Role.SUPERVISOR, {("GET", "/complaints"): listed}) as (client, calls):
        page = client.get("/complaints")
        client.get("/complaints", params={"status": "resolved", "site_id": "dmg"})
        client.get("/complaints", params={"status": "all"})
    assert page.status_code == 200
    assert _rows(page.text) == {
        "complaint-SR-DMG-1": "late",  # the reply past due, before intake's clock noticed
        "complaint-SR-DMG-2": "",
        "complaint-SR-DMG-3": "late",  # the register counted overdue
        "complaint-SR-DMG-4": "late",  # with the supervisor: it stayed open past the first rung
        "complaint-SR-DMG-5": "",  # resolved: its clocks stopped
        "complaint-SR-DMG-6": "",  # answered late, nothing running is late
    }
    clocks = _clock_spans(page.text, "complaint-SR-DMG-1")
    assert clocks["reply"][0] == "clock running late" and clocks["reply"][1].endswith("已超时")
    assert "late" not in clocks["register"][0] and "已超时" not in clocks["register"][1]
    assert clocks["escalation"][1].startswith("值班员 → 客服主管")
    assert clocks["resolution"][1] == "升至主管后显示"  # intake names no target before

    on_time_clocks = _clock_spans(page.text, "complaint-SR-DMG-2")
    assert on_time_clocks["reply"] == ("clock running", "到期 2099-01-01 10:00")  # UTC+8

    assert "late" in _clock_spans(page.text, "complaint-SR-DMG-3")["register"][0]

    escalated_clocks = _clock_spans(page.text, "complaint-SR-DMG-4")
    assert escalated_clocks["escalation"] == (
        "clock running late",
        "客服主管 · 已升级 → 上级经理 2099-01-02 12:30",
    )
    assert escalated_clocks["resolution"] == ("clock running", "到期 2099-01-02 12:30")
    assert escalated_clocks["reply"][0] == "clock done"

    resolved_clocks = _clock_spans(page.text, "complaint-SR-DMG-5")
    assert resolved_clocks["escalation"] == ("clock stopped", "值班员 · 已停止")
    assert resolved_clocks["resolution"][0] == "clock done"
    assert resolved_clocks["resolution"][1].startswith("已解决 ")
    assert resolved_clocks["register"][1].startswith("已完成 ")
    assert re.search(r'data-testid="complaint-status">已解决 · 有效投诉', page.text)

    answered = _clock_spans(page.text, "complaint-SR-DMG-6")
    assert answered["reply"][0] == "clock done late" and answered["reply"][1].endswith("已超时")

    asked = [dict(c.url.params) for c in calls if c.url.path == "/complaints"]
    assert asked == [
        {"limit": "50", "offset": "0", "open": "true"},  # the open ones by default
        {"limit": "50", "offset": "0", "site_id": "dmg", "open": "false"},
        {"limit": "50", "offset": "0"},
    ]
    assert 'hx-trigger="every 30s"' in page.text  # the queue refreshes itself


def test_the_ladders_top_rung_misses_the_resolution_target() -> None:
    """CMP-14: still open when the higher manager has it, the 24-hour target was missed; one
    resolved after that keeps the mark."""
    at_top = a_complaint(
        "SR-DMG-7",
        registered_minutes_ago=1500,
        level="higher_manager",
        next_escalation_at=None,
        escalations=[
            {"level": "supervisor", "at": _moment(-1260)},
            {"level": "higher_manager", "at": _moment(-60)},
        ],
    )
    clocks = {c["what"]: c for c in complaint_clocks(at_top, datetime.now(UTC))}
    assert clocks["resolution"]["late"] and clocks["resolution"]["state"] == "running"
    assert clocks["resolution"]["due_at"] == at_top["complaint"]["escalations"][1]["at"]
    assert clocks["escalation"]["state"] == "stopped" and clocks["escalation"]["late"]
    at_top["complaint"]["resolution"] = {"outcome": "x", "at": _moment(-1)}
    clocks = {c["what"]: c for c in complaint_clocks(at_top, datetime.now(UTC))}
    assert clocks["resolution"]["state"] == "done" and clocks["resolution"]["late"]
    assert not clocks["escalation"]["late"]  # resolved: the ladder no longer counts
    invalid = a_complaint("SR-DMG-8", next_escalation_at=None, register_complete=True)
    invalid["complaint"]["assessment"] = an_assessment("invalid")
    clocks = {c["what"]: c for c in complaint_clocks(invalid, datetime.now(UTC))}
    assert clocks["resolution"]["state"] == "stopped" and not clocks["resolution"]["late"]


def test_the_resolution_target_is_the_sites_last_rung_counted_from_the_call() -> None:
    """CMP-14: generally within 24 hours, the site's own setting (GET /sites/{id}): shown from
    the call on, red once past, kept red on a complaint resolved after it; an invalid one has
    none (CMP-05, CMP-08: explained, not solved)."""
    fresh = a_complaint("SR-DMG-21", registered_at="2099-01-01T02:00:00+00:00")
    missed = a_complaint(
        "SR-DMG-22",
        registered_minutes_ago=60 * 30,
        level="supervisor",
        next_escalation_at=_moment(-60 * 30 + 60 * 24),  # the ladder's rung: missed, unnoticed
    )
    resolved_late = a_complaint(
        "SR-DMG-23",
        registered_minutes_ago=60 * 30,
        register_complete=True,
        next_escalation_at=None,
        assessment=an_assessment(minutes_ago=60 * 29),
        resolution={"outcome": "已道歉", "by": "x", "at": _moment(-60)},
    )
    invalid = a_complaint(
        "SR-DMG-24",
        register_complete=True,
        next_escalation_at=None,
        assessment=an_assessment("invalid"),
    )
    ladder = {"supervisor_after_hours": 4, "higher_manager_after_hours": 24}
    site = {"site_id": "dmg", "escalation": ladder}
    routes: dict[tuple[str, str], Handler | dict[str, Any]] = {
        ("GET", "/complaints"): page_of(fresh, missed, resolved_late, invalid),
        ("GET", "/sites/dmg"): site,
    }
    with signed_in_against(Role.SUPERVISOR, routes) as (client, calls):
        page = client.get("/complaints", params={"status": "all"})
    assert _clock_spans(page.text, "complaint-SR-DMG-21")["resolution"] == (
        "clock running",
        "到期 2099-01-02 10:00",  # 24 hours after the call, in site time
    )
    assert _clock_spans(page.text, "complaint-SR-DMG-22")["resolution"][0] == "clock running late"
    assert _rows(page.text)["complaint-SR-DMG-22"] == "late"
    done_late = _clock_spans(page.text, "complaint-SR-DMG-23")["resolution"]
    assert done_late[0] == "clock done late" and done_late[1].endswith("已超时")
    assert _clock_spans(page.text, "complaint-SR-DMG-24")["resolution"] == (
        "clock stopped",
        "无效投诉，不设处理时限",
    )
    assert [c.url.path for c in calls].count("/sites/dmg") == 1  # once for the page's site


def _complaint_routes(
    found: dict[str, Any], answers: dict[str, Handler | dict[str, Any]]
) -> dict[tuple[str, str], Handler | dict[str, Any]]:
    path = f"/service-requests/{found['request_id']}"
    routes: dict[tuple[str, str], Handler | dict[str, Any]] = {("GET", path): found}
    for suffix, answer in answers.items():
        method = "PUT" if suffix == "representative" else "POST"
        routes[(method, f"{path}/complaint/{suffix}")] = answer
    return routes


def _sent(calls: list[httpx.Request]) -> list[tuple[str, str, Any, str]]:
    return [
        (c.method, c.url.path.rsplit("/", 1)[1], json.loads(c.read()), c.headers["Idempotency-Key"])
        for c in calls
        if c.method in ("POST", "PUT")
    ]


def test_the_complaints_forms_post_what_intake_takes_with_the_forms_key() -> None:
    """CMP-07: assessed valid and sent to a department; CMP-13: the handling plan; CMP-06: the
    resolution; CMP-21: marked representative."""
    found = a_complaint("SR-DMG-9")
    ok: dict[str, Handler | dict[str, Any]] = {
        part: found for part in ("assessment", "handling-plan", "resolution", "representative")
    }
    cid = found["request_id"]
    with signed_in_against(Role.SUPERVISOR, _complaint_routes(found, ok)) as (client, calls):
        client.get(f"/complaints/{cid}")
        csrf = client.cookies["hotline_csrf"]
        posted = [
            client.post(
                f"/complaints/{cid}/assessment",
                data={
                    "validity": "valid",
                    "grade": "serious",
                    "reason": "监控录像证实",
                    "department": "security",
                    "key": "k-a",
                    "csrf": csrf,
                },
            ),
            client.post(
                f"/complaints/{cid}/assessment",
                data={"validity": "invalid", "grade": "minor", "reason": "非物业责任", "key": "k-i"}
                | {"department": "", "csrf": csrf},
            ),
            client.post(
                f"/complaints/{cid}/handling-plan",
                data={"department": "security", "plan": "调换岗位", "key": "k-p", "csrf": csrf},
            ),
            client.post(
                f"/complaints/{cid}/resolution",
                data={"outcome": "已道歉", "resident_satisfied": "true", "key": "k-r"}
                | {"csrf": csrf},
            ),
            client.post(
                f"/complaints/{cid}/resolution",
                data={"outcome": "已道歉", "resident_satisfied": "", "key": "k-u", "csrf": csrf},
            ),
            client.post(
                f"/complaints/{cid}/representative",
                data={"representative": "true", "key": "k-m", "csrf": csrf},
            ),
        ]
    assert [p.status_code for p in posted] == [303] * 6
    assert posted[0].headers["location"] == f"/complaints/{cid}?done=assessment"
    assert posted[2].headers["location"] == f"/complaints/{cid}?done=plan"
    assert _sent(calls) == [
        (
            "POST",
            "assessment",
            {
                "validity": "valid",
                "grade": "serious",
                "reason": "监控录像证实",
                "department": "security",
            },
            "k-a",
        ),
        (
            "POST",
            "assessment",
            {"validity": "invalid", "grade": "minor", "reason": "非物业责任", "department": None},
            "k-i",
        ),
        ("POST", "handling-plan", {"department": "security", "plan": "调换岗位"}, "k-p"),
        ("POST", "resolution", {"outcome": "已道歉", "resident_satisfied": True}, "k-r"),
        ("POST", "resolution", {"outcome": "已道歉", "resident_satisfied": None}, "k-u"),
        ("PUT", "representative", {"representative": True}, "k-m"),
    ]


def test_a_refused_assessment_shows_intakes_problem_beside_the_form_as_typed() -> None:
    found = a_complaint("SR-DMG-10")
    refusal = httpx.Response(
        422,
        json={
            "status": 422,
            "detail": "a valid complaint is sent to the department that solves it",
            "errors": [{"field": "department", "message": "a department is required"}],
        },
    )
    routes = _complaint_routes(found, {"assessment": lambda _: refusal})
    with signed_in_against(Role.AGENT, routes) as (client, _):
        client.get(f"/complaints/{found['request_id']}")
        refused = client.post(
            f"/complaints/{found['request_id']}/assessment",
            data={
                "validity": "valid",
                "grade": "major",
                "reason": "电梯停运两天",
                "department": "",
                "key": "k-1",
                "csrf": client.cookies["hotline_csrf"],
            },
        )
        forged = client.post(
            f"/complaints/{found['request_id']}/assessment",
            data={"validity": "valid", "grade": "major", "reason": "x", "csrf": "guess"},
        )
    assert refused.status_code == 422
    assert "a valid complaint is sent to the department that solves it" in refused.text
    assert '<span class="field-error" role="alert">a department is required</span>' in refused.text
    assert ">电梯停运两天</textarea>" in refused.text  # the form as typed
    assert '<option value="major" selected>' in refused.text
    assert 'value="k-1"' not in refused.text  # intake kept its refusal under that key
    assert forged.status_code == 403


def test_a_complaints_page_offers_each_role_its_actions() -> None:
    """Assess, plan, resolve: whoever registers calls; mark representative: quality control,
    the supervisor, the director (CMP-21); a resolved complaint takes no more steps."""
    fresh = a_complaint("SR-DMG-11")
    assessed = a_complaint("SR-DMG-12", assessment=an_assessment(), register_complete=True)
    resolved = a_complaint(
        "SR-DMG-13",
        assessment=an_assessment(),
        register_complete=True,
        next_escalation_at=None,
        resolution={"outcome": "已道歉", "resident_satisfied": None, "by": "x", "at": _moment(-1)},
    )
    not_one = a_service_request("SR-DMG-14", complaint=None)
    routes: dict[tuple[str, str], Handler | dict[str, Any]] = {
        ("GET", f"/service-requests/{r['request_id']}"): r
        for r in (fresh, assessed, resolved, not_one)
    }
    forms = ("assess", "plan-form", "resolve", "mark")

    def offered(role: Role, found: dict[str, Any]) -> list[str]:
        with signed_in_against(role, routes) as (client, _):
            page = client.get(f"/complaints/{found['request_id']}")
        assert page.status_code == 200, page.text
        return [form for form in forms if f'data-testid="{form}"' in page.text]

    assert offered(Role.AGENT, fresh) == ["assess"]
    assert offered(Role.AGENT, assessed) == ["assess", "plan-form", "resolve"]
    assert offered(Role.SUPERVISOR, assessed) == ["assess", "plan-form", "resolve", "mark"]
    assert offered(Role.QUALITY_HEAD, assessed) == ["mark"]
    assert offered(Role.SUPERVISOR, resolved) == ["mark"]
    with signed_in_against(Role.AGENT, routes) as (client, _):
        page = client.get(f"/complaints/{assessed['request_id']}")
        missing = client.get(f"/complaints/{not_one['request_id']}")
        client.cookies.set(
            SESSION_COOKIE,
            issue_token(DEV_JWT_SECRET, subject="t", role=Role.DIRECTOR, sites=["dmg"]),
        )
        director = client.post(
            f"/complaints/{assessed['request_id']}/resolution",
            data={"outcome": "x", "csrf": client.cookies["hotline_csrf"]},
        )
    assert "监控录像证实" in page.text and "安全护卫部" in page.text  # the assessment shown
    assert missing.status_code == 404 and "该请求不是投诉" in missing.text
    assert director.status_code == 403  # oversight reads complaints, it does not resolve them


COMPLAINT_READERS = {
    Role.AGENT,
    Role.SUPERVISOR,
    Role.DUTY_STAFF,
    Role.STEWARD,
    Role.ADMINISTRATOR,
    Role.SITE_MANAGER,
    Role.ADMIN,
    Role.DIRECTOR,
    Role.QUALITY_HEAD,
}
"""Who reads the complaints: intake's list_complaints allows REGISTRARS (the hotline's and the
sites' desks, the admin) and OVERSIGHT (director, quality head, admin)."""


@pytest.mark.parametrize("role", list(Role))
def test_the_complaints_are_shown_to_whom_intake_lets_read_them(role: Role) -> None:
    assert ("complaints" in [s.key for s in screens_for(role)]) == (role in COMPLAINT_READERS)
    with _client() as client:
        token = issue_token(DEV_JWT_SECRET, subject="t", role=role, sites=["dmg"])
        client.cookies.set(SESSION_COOKIE, token)
        listed = client.get("/complaints")
        page = client.get("/complaints/00000000-0000-4000-8000-000000000000")
    if role in COMPLAINT_READERS:
        assert '<a href="/complaints" data-screen="complaints">' in listed.text
        assert listed.status_code == page.status_code == 503  # theirs; no intake answers here
    else:
        assert listed.status_code == page.status_code == 403
        assert "您的角色不能使用此页面" in listed.text
        assert 'data-screen="complaints"' not in listed.text


def test_every_key_the_complaint_screens_build_is_in_both_languages() -> None:
    """The templates build some keys from codes (``t("grade_" ~ g)``): each exists."""
    built = (
        {f"clock_{c}" for c in CLOCKS}
        | {f"level_{level}" for level in LEVELS}
        | {f"grade_{g}" for g in GRADES}
        | {f"department_{d}" for d in DEPARTMENTS}
        | {f"complaints_{s}" for s in STATUSES}
        | {f"done_form_{f}" for f in FORMS}
        | {"done_reply", "done_register", "done_resolution", "valid", "invalid"}
        | {"not_a_complaint"}
        | {screen.key for screen in SCREENS}
    )
    assert sorted(built - TEXT.keys()) == []
    sources = "".join(p.read_text() for p in TEMPLATES.glob("*.html"))
    for prefix in ("clock_", "level_", "grade_", "department_", "complaints_", "done_form_"):
        assert f't("{prefix}" ~' in sources, prefix  # still built so: this list is complete


# -- the duty log and its handover ---------------------------------------------------------------
LOG_ID = "dmg:2026-11-24:early"


def a_duty_log(log_id: str = LOG_ID, **overrides: Any) -> dict[str, Any]:
    """A log as intake's duty routes show it: opened, its relief due in 5 hours, nothing
    written."""
    site_id, day, shift = log_id.split(":")
    log: dict[str, Any] = {
        "log_id": log_id,
        "site_id": site_id,
        "day": day,
        "shift": shift,
        "starts_at": _moment(-180),
        "relief_due_at": _moment(300),
        "opened_by": "console-duty_staff-赵强",
        "carried_over": [],
        "entries": [],
        "handover": None,
        "signatures": [],
        "closed": False,
        "version": 1,
    }
    return log | overrides


def a_handover(**overrides: Any) -> dict[str, Any]:
    handover: dict[str, Any] = {
        "outgoing": "console-duty_staff-赵强",
        "incoming": "console-duty_staff-钱丽",
        "open_items": ["5-802 投诉噪音, 待物业管家回复"],
        "counted_items": [{"name": "对讲机", "count": 2}],
        "taken_over_at": _moment(-5),
        "late_minutes": None,
        "outgoing_signed_at": None,
    }
    return handover | overrides


def test_the_duty_list_shows_late_and_missed_take_overs_in_red() -> None:
    """DUTY-10: a late take-over is recorded and shown; DUTY-11/DUTY-12: the relief is due 15
    minutes before the shift ends, and one not come by then is overdue."""
    listed = page_of(
        a_duty_log("dmg:2026-11-24:early", relief_due_at="2099-01-01T07:15:00+00:00"),
        a_duty_log("dmg:2026-11-23:early", relief_due_at=_moment(-30)),
        a_duty_log(
            "dmg:2026-11-22:early",
            relief_due_at=_moment(-300),
            handover=a_handover(late_minutes=12),
        ),
        a_duty_log(
            "dmg:2026-11-21:early",
            relief_due_at=_moment(-3000),
            handover=a_handover(outgoing_signed_at=_moment(-2990)),
            signatures=[{"kind": "daily_read", "by": "console-supervisor-张敏", "at": _moment(-1)}],
            closed=True,
        ),
    )
    with signed_in_against(Role.DUTY_STAFF, {("GET", "/duty-logs"): listed}) as (client, calls):
        page = client.get("/duty")
        client.get("/duty", params={"site_id": "dmg", "day": "2026-11-22"})
    assert page.status_code == 200
    assert _rows(page.text) == {
        "log-dmg:2026-11-24:early": "",
        "log-dmg:2026-11-23:early": "late",  # the relief is overdue
        "log-dmg:2026-11-22:early": "late",  # taken over 12 minutes late
        "log-dmg:2026-11-21:early": "",
    }
    states = dict(
        re.findall(
            r'data-testid="log-([^"]+)">.*?data-testid="handover-state">(.*?)</span>',
            page.text,
            re.S,
        )
    )
    assert states == {
        "dmg:2026-11-24:early": "值班中",
        "dmg:2026-11-23:early": "接班人逾时未到",
        "dmg:2026-11-22:early": "待交班人签名 · 接班迟到 12 分钟",
        "dmg:2026-11-21:early": "已交接",
    }
    assert "2099-01-01 15:15" in page.text  # the relief due in site time
    assert "每日查阅 · console-supervisor-张敏" in page.text
    assert 'hx-trigger="every 30s"' in page.text
    asked = [dict(c.url.params) for c in calls if c.url.path == "/duty-logs"]
    assert asked == [
        {"limit": "20", "offset": "0"},
        {"limit": "20", "offset": "0", "site_id": "dmg", "day_from": "2026-11-22"}
        | {"day_to": "2026-11-22"},
    ]


def _duty_routes(
    log: dict[str, Any], answers: dict[str, Handler | dict[str, Any]]
) -> dict[tuple[str, str], Handler | dict[str, Any]]:
    path = f"/duty-logs/{log['log_id']}"
    routes: dict[tuple[str, str], Handler | dict[str, Any]] = {("GET", path): log}
    routes |= {("POST", f"{path}/{step}"): answer for step, answer in answers.items()}
    return routes


def test_the_desk_opens_writes_takes_over_and_signs_off_with_what_intake_takes() -> None:
    """DUTY-04: written in the log; DUTY-13/DUTY-14: the open items heard and the items counted,
    the rows left empty skipped; DUTY-15: the outgoing signs off; DUTY-08: the supervisor reads."""
    log = a_duty_log()
    answers: dict[str, Handler | dict[str, Any]] = {
        step: log for step in ("entries", "take-over", "sign-off", "signatures")
    }
    routes = _duty_routes(log, answers) | {("POST", "/duty-logs"): log}
    with signed_in_against(Role.SUPERVISOR, routes) as (client, calls):
        client.get("/duty")
        csrf = client.cookies["hotline_csrf"]
        posted = [
            client.post(
                "/duty",
                data={"site_id": "dmg", "day": "2026-11-24", "shift": "early"}
                | {"key": "k-o", "csrf": csrf},
            ),
            client.post(
                f"/duty/{LOG_ID}/entries",
                data={"kind": "event", "text": "3-1202来电报水管漏水, 已派单", "key": "k-e"}
                | {"csrf": csrf},
            ),
            client.post(
                f"/duty/{LOG_ID}/take-over",
                data={
                    "outgoing": " console-duty_staff-赵强 ",
                    "open_items": "5-802 投诉噪音\n\n  钥匙柜门锁松动 \n",
                    "item_name": ["对讲机", "钥匙", "", ""],
                    "item_count": ["2", " 12 ", "", ""],
                    "key": "k-t",
                    "csrf": csrf,
                },
            ),
            client.post(f"/duty/{LOG_ID}/sign-off", data={"key": "k-s", "csrf": csrf}),
            client.post(
                f"/duty/{LOG_ID}/signatures",
                data={"kind": "daily_read", "key": "k-r", "csrf": csrf},
            ),
        ]
    assert [p.status_code for p in posted] == [303] * 5
    assert posted[0].headers["location"] == f"/duty/{LOG_ID}"
    assert posted[2].headers["location"] == f"/duty/{LOG_ID}?done=take_over"
    sent = [
        (c.url.path, c.read(), c.headers["Idempotency-Key"]) for c in calls if c.method == "POST"
    ]
    assert [(path, json.loads(body) if body else None, key) for path, body, key in sent] == [
        ("/duty-logs", {"site_id": "dmg", "day": "2026-11-24", "shift": "early"}, "k-o"),
        (
            f"/duty-logs/{LOG_ID}/entries",
            {"kind": "event", "text": "3-1202来电报水管漏水, 已派单"},
            "k-e",
        ),
        (
            f"/duty-logs/{LOG_ID}/take-over",
            {
                "outgoing": "console-duty_staff-赵强",
                "open_items": ["5-802 投诉噪音", "钥匙柜门锁松动"],
                "counted_items": [{"name": "对讲机", "count": 2}, {"name": "钥匙", "count": 12}],
            },
            "k-t",
        ),
        (f"/duty-logs/{LOG_ID}/sign-off", None, "k-s"),
        (f"/duty-logs/{LOG_ID}/signatures", {"kind": "daily_read"}, "k-r"),
    ]


def test_a_count_that_is_no_number_and_intakes_refusals_are_shown_on_the_log() -> None:
    taken = a_duty_log("dmg:2026-11-24:middle", handover=a_handover())
    refusal = "the handover is signed by the outgoing console-duty_staff-赵强"
    routes = _duty_routes(a_duty_log(), {}) | _duty_routes(
        taken,
        {
            "sign-off": lambda _: httpx.Response(
                422, json={"status": 422, "detail": refusal, "errors": [{"field": "by"}]}
            )
        },
    )
    with signed_in_against(Role.DUTY_STAFF, routes) as (client, calls):
        client.get(f"/duty/{LOG_ID}")
        csrf = client.cookies["hotline_csrf"]
        miscounted = client.post(
            f"/duty/{LOG_ID}/take-over",
            data={
                "outgoing": "console-duty_staff-赵强",
                "open_items": "5-802 投诉噪音",
                "item_name": ["对讲机"],
                "item_count": ["两"],
                "key": "k-t",
                "csrf": csrf,
            },
        )
        refused = client.post(
            f"/duty/{taken['log_id']}/sign-off", data={"key": "k-s", "csrf": csrf}
        )
        asked = len(calls)
        bad_id = client.get("/duty/%2E%2E")  # a path segment, not a log id
    assert miscounted.status_code == 422
    assert "对讲机: count &#39;两&#39; is not a number" in miscounted.text
    assert 'value="两"' in miscounted.text and ">5-802 投诉噪音</textarea>" in miscounted.text
    assert not any(c.url.path.endswith("/take-over") for c in calls)  # refused before intake
    assert refused.status_code == 422 and refusal in refused.text
    assert bad_id.status_code == 404 and "没有这份值班记录" in bad_id.text
    assert len(calls) == asked  # intake is asked for logs only, never for another path


def test_a_log_page_offers_each_role_its_steps() -> None:
    """The desk writes, takes over and signs off (DUTY_DESK); the supervisor and site manager
    sign it read or reviewed, the director a sample (DUTY-08, DUTY-21, DUTY-22); quality control
    reads only; a log handed over and signed takes no more entries."""
    fresh = a_duty_log("dmg:2026-11-24:early")
    taken = a_duty_log("dmg:2026-11-24:middle", handover=a_handover())
    closed = a_duty_log(
        "dmg:2026-11-24:late",
        handover=a_handover(outgoing_signed_at=_moment(-1)),
        closed=True,
    )
    routes: dict[tuple[str, str], Handler | dict[str, Any]] = {
        ("GET", f"/duty-logs/{log['log_id']}"): log for log in (fresh, taken, closed)
    }
    steps = (
        "write",
        "take-over",
        "sign-off",
        "sign-daily_read",
        "sign-monthly",
        "sign-sample",
    )

    def offered(role: Role, log: dict[str, Any]) -> list[str]:
        with signed_in_against(role, routes) as (client, _):
            page = client.get(f"/duty/{log['log_id']}")
        assert page.status_code == 200, page.text
        return [step for step in steps if f'data-testid="{step}"' in page.text]

    assert offered(Role.DUTY_STAFF, fresh) == ["write", "take-over"]
    assert offered(Role.AGENT, taken) == ["write", "sign-off"]
    assert offered(Role.DUTY_STAFF, closed) == []
    assert offered(Role.SUPERVISOR, closed) == ["sign-daily_read", "sign-monthly"]
    assert offered(Role.SITE_MANAGER, fresh) == ["sign-daily_read", "sign-monthly"]
    assert offered(Role.DIRECTOR, taken) == ["sign-sample"]
    assert offered(Role.ADMIN, closed) == ["sign-daily_read", "sign-monthly", "sign-sample"]
    assert offered(Role.QUALITY_HEAD, taken) == []
    with signed_in_against(Role.DUTY_STAFF, routes) as (client, _):
        page = client.get(f"/duty/{taken['log_id']}")
        signing = client.post(
            f"/duty/{LOG_ID}/signatures",
            data={"kind": "daily_read", "csrf": client.cookies["hotline_csrf"]},
        )
    assert 'value="console-duty_staff-赵强"' not in page.text  # taken over: no take-over form
    assert "接班人签名: console-duty_staff-钱丽" in page.text
    assert "交班人签名: console-duty_staff-赵强" in page.text and "待交班人签名" in page.text
    assert signing.status_code == 403  # the desk does not sign its own log read
    with signed_in_against(Role.DUTY_STAFF, routes) as (client, _):
        prefilled = client.get(f"/duty/{fresh['log_id']}")
    assert 'id="t-outgoing" name="outgoing" maxlength="100" value="console-duty_staff-赵强"' in (
        prefilled.text
    )  # who opened the log is whom the incoming relieves, unless changed


DUTY_READERS = {
    Role.AGENT,
    Role.SUPERVISOR,
    Role.DUTY_STAFF,
    Role.ADMINISTRATOR,
    Role.SITE_MANAGER,
    Role.DIRECTOR,
    Role.ADMIN,
    Role.QUALITY_HEAD,
}
"""Who reads duty logs (DUTY-07, internal only): intake's DUTY_DESK, DUTY_SIGNERS and the
quality head; not the steward, technician, finance or a site's system."""


@pytest.mark.parametrize("role", list(Role))
def test_the_duty_log_is_shown_to_whom_intake_lets_read_it(role: Role) -> None:
    assert ("duty" in [s.key for s in screens_for(role)]) == (role in DUTY_READERS)
    with _client() as client:
        token = issue_token(DEV_JWT_SECRET, subject="t", role=role, sites=["dmg"])
        client.cookies.set(SESSION_COOKIE, token)
        listed = client.get("/duty")
        page = client.get(f"/duty/{LOG_ID}")
    if role in DUTY_READERS:
        assert '<a href="/duty" data-screen="duty">' in listed.text
        assert listed.status_code == page.status_code == 503  # theirs; no intake answers here
        assert ('data-testid="open-log"' in listed.text) == (role in DUTY_DESK)
    else:
        assert listed.status_code == page.status_code == 403
        assert "您的角色不能使用此页面" in listed.text
        assert 'data-screen="duty"' not in listed.text


def test_every_key_the_duty_screens_build_is_in_both_languages() -> None:
    built = (
        {f"shift_{code}" for code in SHIFTS}
        | {f"entry_{kind}" for kind in ENTRY_KINDS}
        | {f"signature_{kind}" for kind in SIGNATURE_KINDS}
        | {f"done_duty_{form}" for form in DUTY_FORMS}
        | {"on_duty", "relief_overdue", "awaiting_sign_off", "handed_over", "no_such_duty_log"}
    )
    assert sorted(built - TEXT.keys()) == []
    sources = "".join(p.read_text() for p in TEMPLATES.glob("*.html"))
    for prefix in ("shift_", "entry_", "signature_", "done_duty_"):
        assert f't("{prefix}" ~' in sources, prefix
    assert "t(state.word)" in sources  # the handover's state words, above
