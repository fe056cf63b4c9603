"""A leaver's job handed over on the console (岗位交接, DUTY-25, DUTY-15) in front of a scripted
intake, without a browser: the staff form's login, intake's refusal to mark someone with duties
gone shown beside "active" with a way to the handover form, the form offering the site's other
active staff and sending what intake takes, a refusal beside its field, the handover's page with
the open work linking to each request, the take-over offered to the successor and those who take
it over for them with intake's refusal beside the button, and the staff list marking who is
handing over."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import httpx
import pytest
from console.adapters.api import ApiProblem
from console.entrypoints.web.job_handovers import (
    REASONS,
    STATES,
    WORK_KINDS,
    handover_body,
    handover_state,
    leaving_refusal,
    pending_by_leaver,
    successors,
)
from console.i18n import TEXT
from hotline_libs.auth import Role

from tests.unit.test_console import Handler, _moment, page_of, problem, signed_in_against
from tests.unit.test_console_quality import TEMPLATES

HANDOVER_ID = "3b0c5a0e-7f55-4f7e-9d0c-1f1f6a2b9c01"
REQUEST_ID = "9a3e1c44-5b1d-4f0e-8f2a-0c6d7e8f9a10"
LEAVING = (
    "dmg-zj is steward of 3, 4; information liaison; 1 open complaints or promised replies: hand "
    "the job over to a successor first (POST /staff/dmg-zj/handover, DUTY-25)"
)


def a_member(staff_id: str = "dmg-zj", **overrides: Any) -> dict[str, Any]:
    member: dict[str, Any] = {
        "staff_id": staff_id,
        "site_id": "dmg",
        "name": "周静",
        "title": "管家",
        "department": "customer_service",
        "phones": ["+8613900003333"],
        "email": None,
        "steward_of": ["3", "4"],
        "information_liaison": True,
        "roles": ["steward"],
        "active": True,
        "login": None,
        "updated_at": _moment(-600),
        "version": 2,
    }
    return member | overrides


def a_job_handover(**overrides: Any) -> dict[str, Any]:
    handover: dict[str, Any] = {
        "handover_id": HANDOVER_ID,
        "site_id": "dmg",
        "staff_id": "dmg-zj",
        "successor_id": "dmg-wq",
        "reason": "resigned",
        "to_site": None,
        "open_items": ["钥匙柜钥匙 12 把已点交"],
        "open_work": [{"request_id": REQUEST_ID, "request_no": "SR-DMG-0042", "kind": "complaint"}],
        "buildings": ["3", "4"],
        "information_liaison": True,
        "handed_by": "console-site_manager-刘经理",
        "handed_at": _moment(-30),
        "accepted_by": None,
        "accepted_at": None,
        "completed_at": None,
    }
    return handover | overrides


LEAVER = a_member()
SUCCESSOR = a_member(
    "dmg-wq", name="王强", steward_of=[], information_liaison=False, login="console-steward-t"
)
GONE = a_member("dmg-ls", name="李四", steward_of=[], active=False)
ELSEWHERE = a_member("qjc-zs", name="张三", site_id="qjc", steward_of=[])


def _routes(
    handovers: list[dict[str, Any]] | None = None,
    more: Mapping[str, Handler | dict[str, Any]] | None = None,
) -> dict[tuple[str, str], Handler | dict[str, Any]]:
    """Intake answering for the staff above and ``handovers`` (the site's list), and ``more``
    ("METHOD /path": answer)."""
    listed = handovers if handovers is not None else []
    routes: dict[tuple[str, str], Handler | dict[str, Any]] = {
        ("GET", "/staff/dmg-zj"): LEAVER,
        ("GET", "/staff/dmg-wq"): SUCCESSOR,
        ("GET", "/staff"): page_of(LEAVER, SUCCESSOR, GONE, ELSEWHERE),
        ("GET", "/job-handovers"): lambda _: httpx.Response(200, json=listed),
        ("GET", f"/job-handovers/{HANDOVER_ID}"): a_job_handover(),
    }
    for name, answer in (more or {}).items():
        method, path = name.split(" ", 1)
        routes[(method, path)] = answer
    return routes


def _text(page: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</(?:p|dd|span|ul|li)>', page, re.S)
    assert found, f"no {testid}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found.group(1))).strip()


# -- the helpers --------------------------------------------------------------------------------
def test_intakes_refusal_to_mark_someone_with_duties_gone_is_worded_without_its_route() -> None:
    assert leaving_refusal(ApiProblem(409, LEAVING)) == (
        "dmg-zj is steward of 3, 4; information liaison; 1 open complaints or promised replies: "
        "hand the job over to a successor first"
    )
    assert leaving_refusal(ApiProblem(409, "staff id 'dmg-zj' is taken; choose another")) is None
    assert leaving_refusal(ApiProblem(422, LEAVING)) is None
    assert leaving_refusal(None) is None


def test_the_pending_handover_of_each_leaver_the_latest_first() -> None:
    latest = a_job_handover(handover_id="latest")
    done = a_job_handover(staff_id="dmg-ls", completed_at=_moment(-1))
    assert pending_by_leaver([latest, a_job_handover(), done]) == {"dmg-zj": latest}


def test_the_job_goes_to_someone_else_still_working_at_the_site() -> None:
    assert successors([LEAVER, SUCCESSOR, GONE, ELSEWHERE], LEAVER) == [SUCCESSOR]


def test_the_form_is_sent_with_its_open_items_one_a_line() -> None:
    typed = {
        "successor_id": "dmg-wq",
        "reason": "transferred",
        "to_site": " qjc ",
        "open_items": "钥匙 12 把\r\n\r\n  3栋装修押金待退 \n",
    }
    assert handover_body(typed) == {
        "successor_id": "dmg-wq",
        "reason": "transferred",
        "to_site": "qjc",
        "open_items": ["钥匙 12 把", "3栋装修押金待退"],
    }
    assert handover_body(typed | {"to_site": "  ", "open_items": ""})["to_site"] is None


def test_a_handover_is_pending_taken_over_or_completed() -> None:
    assert handover_state(a_job_handover()) == "pending"
    taken = a_job_handover(accepted_by="console-steward-t", accepted_at=_moment(-1))
    assert handover_state(taken) == "accepted"
    assert handover_state(taken | {"completed_at": _moment(0)}) == "completed"


def test_every_key_the_handover_screens_build_is_in_both_languages() -> None:
    built = (
        {f"reason_{r}" for r in REASONS}
        | {f"work_{k}" for k in WORK_KINDS}
        | {f"handover_{s}" for s in STATES}
    )
    assert sorted(built - TEXT.keys()) == []
    sources = "".join(p.read_text() for p in TEMPLATES.glob("*.html"))
    for prefix in ("reason_", "work_", "handover_"):
        assert f't("{prefix}" ~' in sources, prefix


# -- the member's page --------------------------------------------------------------------------
def test_the_members_page_offers_the_handover_to_the_sites_other_active_staff() -> None:
    with signed_in_against(Role.SUPERVISOR, _routes()) as (client, calls):
        page = client.get("/staff/dmg-zj")
    assert page.status_code == 200
    form = page.text.split('data-testid="handover-form"')[1]
    assert re.findall(r'<option value="(dmg-[a-z]+)"', form) == ["dmg-wq"]
    assert 'id="h-reason"' in form and 'id="h-to_site"' in form and 'id="h-open_items"' in form
    assert "<fieldset disabled>" in page.text  # a supervisor reads the record, keeps it not
    listed = [c for c in calls if c.url.path == "/job-handovers"]
    assert [c.url.params["site_id"] for c in listed] == ["dmg"]


def test_a_pending_handover_is_linked_instead_of_the_form() -> None:
    with signed_in_against(Role.SITE_MANAGER, _routes([a_job_handover()])) as (client, _):
        leaver = client.get("/staff/dmg-zj").text
        successor = client.get("/staff/dmg-wq").text
    assert 'data-testid="handover-form"' not in leaver
    assert f'href="/job-handovers/{HANDOVER_ID}"' in leaver
    assert _text(leaver, "handover-pending").startswith("岗位正在移交给 dmg-wq")
    assert _text(successor, "taking-over").startswith("接收以下人员的岗位： dmg-zj")


@pytest.mark.parametrize("role", [Role.AGENT, Role.STEWARD, Role.QUALITY_HEAD])
def test_roles_that_hand_no_job_over_do_not_open_the_staff(role: Role) -> None:
    with signed_in_against(role, _routes()) as (client, _):
        assert client.get("/staff/dmg-zj").status_code == 403
        assert client.get("/staff").status_code == 403


def test_the_login_is_shown_and_sent_with_the_record() -> None:
    sent: list[dict[str, Any]] = []

    def put(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.read()))
        return httpx.Response(200, json=SUCCESSOR)

    with signed_in_against(Role.SITE_MANAGER, _routes(more={"PUT /staff/dmg-wq": put})) as (
        client,
        _,
    ):
        page = client.get("/staff/dmg-wq").text
        assert 'id="m-login" name="login" value="console-steward-t"' in page
        client.post(
            "/staff", data=_form(SUCCESSOR, login=" console-steward-王强 ", csrf=_csrf(client))
        )
        client.post("/staff", data=_form(SUCCESSOR, login="", csrf=_csrf(client)))
    assert [body["login"] for body in sent] == ["console-steward-王强", None]


def _csrf(client: Any) -> str:
    client.get("/sign-in")
    return str(client.cookies["hotline_csrf"])


def _form(member: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "staff_id": member["staff_id"],
        "site_id": member["site_id"],
        "name": member["name"],
        "title": member["title"],
        "department": member["department"],
        "phones": member["phones"],
        "steward_of": ", ".join(member["steward_of"]),
        "roles": member["roles"],
        "login": member["login"] or "",
        "key": "k-m",
    }
    if member["information_liaison"]:
        form["information_liaison"] = "1"
    if member["active"]:
        form["active"] = "1"
    return form | overrides


def test_marking_someone_with_duties_gone_shows_why_beside_active_and_the_way_to_hand_over() -> (
    None
):
    refused = {"PUT /staff/dmg-zj": lambda _: problem(409, LEAVING)}
    with signed_in_against(Role.SITE_MANAGER, _routes(more=refused)) as (client, _):
        page = client.post("/staff", data=_form(LEAVER, active="", csrf=_csrf(client)))
    assert page.status_code == 409
    assert _text(page.text, "problem") == "请检查标出的内容。"
    assert re.search(r'id="active-error" role="alert">[^<]*hand the job over', page.text)
    assert "POST /staff" not in page.text
    assert 'href="#handover" data-testid="to-handover"' in page.text
    assert 'id="handover"' in page.text and 'data-testid="handover-form"' in page.text
    assert 'id="m-active" name="active" value="1" >' in page.text  # unchecked, as typed


def test_moving_someone_with_duties_to_another_site_shows_why_beside_the_site() -> None:
    refused = {"PUT /staff/dmg-zj": lambda _: problem(409, LEAVING)}
    with signed_in_against(Role.SITE_MANAGER, _routes(more=refused)) as (client, _):
        page = client.post("/staff", data=_form(LEAVER, site_id="qjc", csrf=_csrf(client)))
    assert re.search(r'id="site_id-error" role="alert">[^<]*hand the job over', page.text)
    assert 'id="active-error"' not in page.text
    assert page.text.count('data-testid="to-handover"') == 1


def test_the_handover_is_sent_as_intake_takes_it_and_opens_its_page() -> None:
    sent: list[tuple[dict[str, Any], str]] = []

    def hand(request: httpx.Request) -> httpx.Response:
        sent.append((json.loads(request.read()), request.headers["Idempotency-Key"]))
        return httpx.Response(201, json=a_job_handover())

    routes = _routes(more={"POST /staff/dmg-zj/handover": hand})
    with signed_in_against(Role.DIRECTOR, routes) as (client, _):
        posted = client.post(
            "/staff/dmg-zj/handover",
            data={
                "successor_id": "dmg-wq",
                "reason": "resigned",
                "to_site": "",
                "open_items": "钥匙柜钥匙 12 把已点交\n",
                "key": "k-h",
                "csrf": _csrf(client),
            },
        )
    assert posted.status_code == 303
    assert posted.headers["location"] == f"/job-handovers/{HANDOVER_ID}"
    assert sent == [
        (
            {
                "successor_id": "dmg-wq",
                "reason": "resigned",
                "to_site": None,
                "open_items": ["钥匙柜钥匙 12 把已点交"],
            },
            "k-h",
        )
    ]


def test_a_refused_handover_is_shown_beside_its_field_as_typed() -> None:
    message = "a transfer names the site they move to"

    def refuse(_: httpx.Request) -> httpx.Response:
        body = {
            "status": 422,
            "detail": message,
            "errors": [{"field": "to_site", "message": message}],
        }
        return httpx.Response(422, json=body)

    routes = _routes(more={"POST /staff/dmg-zj/handover": refuse})
    with signed_in_against(Role.SITE_MANAGER, routes) as (client, _):
        page = client.post(
            "/staff/dmg-zj/handover",
            data={
                "successor_id": "dmg-wq",
                "reason": "transferred",
                "open_items": "钥匙 12 把",
                "key": "k-h",
                "csrf": _csrf(client),
            },
        )
    assert page.status_code == 422
    assert f'id="h-to_site-error" role="alert">{message}<' in page.text
    assert '<option value="dmg-wq" selected>' in page.text
    assert '<option value="transferred" selected>' in page.text
    assert ">钥匙 12 把</textarea>" in page.text
    assert 'name="key" value="k-h"' not in page.text  # intake kept its refusal: a new key


@pytest.mark.parametrize("role", [Role.AGENT, Role.STEWARD, Role.QUALITY_HEAD])
def test_a_role_that_hands_no_job_over_may_not_post_one(role: Role) -> None:
    with signed_in_against(role, _routes()) as (client, calls):
        posted = client.post(
            "/staff/dmg-zj/handover",
            data={"successor_id": "dmg-wq", "reason": "resigned", "csrf": _csrf(client)},
        )
    assert posted.status_code == 403 and not [c for c in calls if c.method == "POST"]


# -- the handover's page ------------------------------------------------------------------------
def test_the_handover_shows_what_goes_with_the_job_each_request_linked() -> None:
    with signed_in_against(Role.STEWARD, _routes()) as (client, _):
        page = client.get(f"/job-handovers/{HANDOVER_ID}").text
    assert _text(page, "handover-state") == "待接任人接收"
    assert _text(page, "leaver") == "周静 · 管家 (dmg-zj)"
    assert _text(page, "successor") == "王强 · 管家 (dmg-wq)"
    assert _text(page, "reason") == "离职"
    assert _text(page, "open-items") == "钥匙柜钥匙 12 把已点交"
    assert f'<a href="/requests/{REQUEST_ID}">SR-DMG-0042</a> · 投诉（首问责任人）' in page
    assert _text(page, "handover-buildings") == "管家负责楼栋: 3, 4"
    assert _text(page, "handover-liaison") == "信息对接人: 是"
    assert _text(page, "accepted") == "尚未接收"
    assert 'data-testid="take-over"' in page  # the steward signed in is the successor
    assert 'href="/staff/' not in page  # who reads no staff record is shown no link to one


@pytest.mark.parametrize(
    ("role", "offered"),
    [(Role.SUPERVISOR, True), (Role.ADMINISTRATOR, True), (Role.AGENT, False)],
)
def test_the_take_over_is_offered_to_the_successor_and_who_takes_it_over_for_them(
    role: Role, offered: bool
) -> None:
    with signed_in_against(role, _routes()) as (client, _):
        page = client.get(f"/job-handovers/{HANDOVER_ID}").text
    assert ('data-testid="take-over"' in page) is offered
    assert ('<a href="/staff/dmg-wq">' in page) is offered  # the handers read the staff


def test_taking_over_puts_the_acceptance_and_a_refusal_is_shown_beside_the_button() -> None:
    refusal = "the job is taken over by dmg-wq (or a supervisor for them)"
    answers = iter(
        [
            httpx.Response(
                422,
                json={
                    "status": 422,
                    "detail": refusal,
                    "errors": [{"field": "by", "message": refusal}],
                },
            ),
            httpx.Response(200, json=a_job_handover(completed_at=_moment(0))),
        ]
    )
    calls_made: list[httpx.Request] = []

    def accept(request: httpx.Request) -> httpx.Response:
        calls_made.append(request)
        return next(answers)

    routes = _routes(more={f"PUT /job-handovers/{HANDOVER_ID}/acceptance": accept})
    with signed_in_against(Role.SUPERVISOR, routes) as (client, _):
        csrf = _csrf(client)
        refused = client.post(
            f"/job-handovers/{HANDOVER_ID}/acceptance", data={"key": "k-a", "csrf": csrf}
        )
        taken = client.post(
            f"/job-handovers/{HANDOVER_ID}/acceptance", data={"key": "k-b", "csrf": csrf}
        )
    assert refused.status_code == 422
    assert f'id="by-error" role="alert">{refusal}<' in refused.text
    assert taken.status_code == 303
    assert taken.headers["location"] == f"/job-handovers/{HANDOVER_ID}?done=accepted"
    assert [(c.read(), c.headers["Idempotency-Key"]) for c in calls_made] == [
        (b"", "k-a"),
        (b"", "k-b"),
    ]


def test_a_completed_handover_offers_no_take_over() -> None:
    done = a_job_handover(
        accepted_by="console-steward-t", accepted_at=_moment(-2), completed_at=_moment(-2)
    )
    routes = _routes() | {("GET", f"/job-handovers/{HANDOVER_ID}"): done}
    with signed_in_against(Role.SUPERVISOR, routes) as (client, _):
        page = client.get(f"/job-handovers/{HANDOVER_ID}").text
    assert _text(page, "handover-state") == "交接完成"
    assert _text(page, "accepted").startswith("console-steward-t · ")
    assert 'data-testid="completed"' in page and 'data-testid="take-over"' not in page


def test_a_handover_of_a_site_one_does_not_cover_is_refused_as_intake_says() -> None:
    gone = {f"GET /job-handovers/{HANDOVER_ID}": lambda _: problem(404, "no job handover")}
    with signed_in_against(Role.STEWARD, _routes(more=gone)) as (client, _):
        page = client.get(f"/job-handovers/{HANDOVER_ID}")
    assert page.status_code == 404 and "no job handover" in page.text


# -- the staff list -----------------------------------------------------------------------------
def test_the_staff_list_marks_who_is_handing_their_job_over() -> None:
    routes = _routes([a_job_handover()])
    with signed_in_against(Role.SITE_MANAGER, routes) as (client, calls):
        page = client.get("/staff?site_id=dmg").text
    row = page.split('data-testid="staff-dmg-zj"')[1].split("</tr>")[0]
    assert f'<a href="/job-handovers/{HANDOVER_ID}" data-testid="handing-over">' in row
    other = page.split('data-testid="staff-dmg-wq"')[1].split("</tr>")[0]
    assert "handing-over" not in other
    asked = sorted(c.url.params["site_id"] for c in calls if c.url.path == "/job-handovers")
    assert asked == ["dmg", "qjc"]  # once per site listed


def test_the_companys_staff_are_asked_about_for_whoever_works_at_every_site_only() -> None:
    company = a_member("hq-zr", site_id="*", name="赵总", steward_of=[])
    routes = _routes() | {("GET", "/staff"): page_of(company, LEAVER)}
    with signed_in_against(Role.SITE_MANAGER, routes) as (client, calls):
        assert client.get("/staff").status_code == 200
    asked = [c.url.params["site_id"] for c in calls if c.url.path == "/job-handovers"]
    assert asked == ["dmg"]


def test_the_staff_list_opens_when_intake_keeps_a_sites_handovers_from_the_user() -> None:
    refused = {"GET /job-handovers": lambda _: problem(403, "not your site")}
    with signed_in_against(Role.SITE_MANAGER, _routes(more=refused)) as (client, _):
        page = client.get("/staff")
    assert page.status_code == 200 and "handing-over" not in page.text
