"""The console's work-order pages in front of a scripted dispatch, without a browser: the
technician's list opens on today's work in the site's time (booked for today, or open without an
appointment) with a link to every open order, and lists the technician's shifts for the rest of
the month from the site's published roster (absences and cover marked; none published says so);
the customer's signature kept by the console is served only to the staff who read work orders,
only for a picture inside the signatures folder, and the pages show it with who signed and when
(a reference the console does not keep, as text); the phone's materials form sends the price-list
item a material is charged as, never a tool's, lists it, and shows dispatch's refusal inline."""

from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import httpx
import pytest
from console.bootstrap import create_app
from console.entrypoints.web import SESSION_COOKIE
from console.entrypoints.web.work_orders import for_today, shifts_worked
from console.settings import ConsoleSettings
from fastapi.testclient import TestClient
from hotline_libs.auth import Role, issue_token
from hotline_libs.settings import DEV_JWT_SECRET

from tests.unit.test_console import NOWHERE, page_of, problem

SHANGHAI = ZoneInfo("Asia/Shanghai")
ORDER_ID = "5b0f3c1e-2a4d-4c6b-9e8f-7a6b5c4d3e2f"
DIGEST = "0123456789abcdef01234567"
REF = f"console-signature:{ORDER_ID}/{DIGEST}.png"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
ME = "dmg-t01"
Handler = Callable[[httpx.Request], httpx.Response]


def a_work_order(**overrides: Any) -> dict[str, Any]:
    order: dict[str, Any] = {
        "work_order_id": ORDER_ID,
        "work_order_no": "WO-DMG-20990301-0001",
        "request_id": "0f0e0d0c-0b0a-4908-8706-050403020100",
        "request_no": "SR-DMG-20990301-0001",
        "site_id": "dmg",
        "board": "repair",
        "trade": "maintenance",
        "description": "厨房水龙头漏水",
        "resident": {
            "name": "王芳",
            "phone": "+8613900000000",
            "email": None,
            "building": "3",
            "room": "1202",
        },
        "technician": {"technician_id": ME, "name": "李强", "phone": "+8613900000101"},
        "status": "in_progress",
        "waiting_reason": None,
        "emergency": None,
        "appointment_at": None,
        "accepted_at": "2099-03-01T01:00:00+00:00",
        "created_at": "2099-03-01T01:00:00+00:00",
        "dispatched_at": "2099-03-01T01:01:00+00:00",
        "dispatch_due_at": "2099-03-01T01:30:00+00:00",
        "dispatched_on_time": True,
        "taken_at": "2099-03-01T01:05:00+00:00",
        "arrived_at": None,
        "arrived_late": None,
        "service_record_no": None,
        "agreed_items": [],
        "completed_at": None,
        "items": [],
        "payment_method": None,
        "signed_by": None,
        "satisfied": None,
        "reworks": 0,
        "escalated_to": None,
        "reschedules": 0,
        "next_steps": [],
        "history": [],
        "materials": [],
        "damage": [],
        "missed_clocks": [],
        "version": 5,
    }
    return order | overrides


def a_change(step: str, at: str, to_status: str) -> dict[str, Any]:
    return {
        "step": step,
        "from_status": "completed",
        "to_status": to_status,
        "at": at,
        "actor": {"subject": ME, "role": "technician", "name": "李强"},
        "reason": "signed, satisfied",
    }


def signed_off(**overrides: Any) -> dict[str, Any]:
    """An order the customer signed off at 10:30 Shanghai time on 1 March 2099."""
    history = [
        a_change("complete", "2099-03-01T02:20:00+00:00", "completed"),
        a_change("sign_off", "2099-03-01T02:30:00+00:00", "signed_off"),
    ]
    sign_off = {
        "signed_by": "王芳",
        "satisfied": True,
        "signature_ref": None,
        "opinion": None,
        "signed_at": "2099-03-01T02:30:00+00:00",
    }
    return a_work_order(
        status="signed_off",
        signed_by="王芳",
        satisfied=True,
        history=history,
        **({"sign_off": sign_off} | overrides),
    )


def a_material(line_no: int, **overrides: Any) -> dict[str, Any]:
    line: dict[str, Any] = {
        "line_no": line_no,
        "item": "DN15 角阀",
        "quantity": 2,
        "kind": "material",
        "outstanding": 2,
        "drawn_at": "2099-03-01T01:40:00+00:00",
        "charge_as": None,
    }
    return line | overrides


@contextmanager
def against(
    role: Role,
    routes: dict[tuple[str, str], Handler | dict[str, Any]],
    signatures: Path,
    subject: str = ME,
) -> Iterator[tuple[TestClient, list[httpx.Request]]]:
    """A client signed in as ``role`` (``subject``: a technician's id) in front of APIs answering
    ``routes`` (method, path), the console keeping signatures in ``signatures``; yields it with
    the calls the APIs received."""
    calls: list[httpx.Request] = []

    def api(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        answer = routes.get((request.method, request.url.path))
        if answer is None:
            return problem(404, f"nothing at {request.url.path}")
        return answer(request) if callable(answer) else httpx.Response(200, json=answer)

    settings = ConsoleSettings(
        intake_url=NOWHERE,
        signatures_dir=str(signatures),
    )
    with TestClient(create_app(settings), follow_redirects=False) as client:
        client.app.state.http = httpx.AsyncClient(  # type: ignore[attr-defined]
            transport=httpx.MockTransport(api)
        )
        token = issue_token(DEV_JWT_SECRET, subject=subject, role=role, sites=["dmg"])
        client.cookies.set(SESSION_COOKIE, token)
        yield client, calls


def kept_signature(signatures: Path, order_id: str = ORDER_ID) -> Path:
    folder = signatures / order_id
    folder.mkdir(parents=True, exist_ok=True)
    picture = folder / f"{DIGEST}.png"
    picture.write_bytes(PNG)
    return picture


def _csrf(client: TestClient, path: str) -> str:
    client.get(path)
    return str(client.cookies["hotline_csrf"])


ORDER_PATH = f"/work-orders/{ORDER_ID}"


# -- the signature the console keeps --------------------------------------------------------------
def test_the_signature_is_served_to_staff_who_read_work_orders(tmp_path: Path) -> None:
    kept_signature(tmp_path)
    for role, subject in ((Role.DUTY_STAFF, "console-duty"), (Role.TECHNICIAN, ME)):
        routes: dict[tuple[str, str], Any] = {("GET", ORDER_PATH): signed_off()}
        with against(role, routes, tmp_path, subject) as (client, calls):
            shown = client.get("/signatures", params={"ref": REF})
        assert shown.status_code == 200, shown.text
        assert shown.headers["content-type"] == "image/png"
        assert shown.headers["x-content-type-options"] == "nosniff"
        assert shown.content == PNG
        assert [c.url.path for c in calls] == [ORDER_PATH]  # dispatch says they may read it


@pytest.mark.parametrize(
    "ref",
    [
        f"console-signature:{ORDER_ID}/../../secret.png",
        "console-signature:../../secret.png",
        f"console-signature:{ORDER_ID}/{DIGEST}.png/../../../secret.png",
        "../secret.png",
        "/etc/passwd",
        f"{ORDER_ID}/{DIGEST}.png",  # not the console's reference
        "",
    ],
)
def test_a_reference_reaching_outside_the_signatures_folder_is_not_found(
    tmp_path: Path, ref: str
) -> None:
    signatures = tmp_path / "signatures"
    kept_signature(signatures)
    (tmp_path / "secret.png").write_bytes(PNG)
    routes: dict[tuple[str, str], Any] = {("GET", ORDER_PATH): signed_off()}
    with against(Role.DUTY_STAFF, routes, signatures, "console-duty") as (client, calls):
        refused = client.get("/signatures", params={"ref": ref})
    assert refused.status_code == 404
    assert refused.content != PNG and not calls


def test_a_link_out_of_the_signatures_folder_is_not_followed(tmp_path: Path) -> None:
    signatures = tmp_path / "signatures"
    (signatures / ORDER_ID).mkdir(parents=True)
    (tmp_path / "outside.png").write_bytes(PNG)
    (signatures / ORDER_ID / f"{DIGEST}.png").symlink_to(tmp_path / "outside.png")
    routes: dict[tuple[str, str], Any] = {("GET", ORDER_PATH): signed_off()}
    with against(Role.DUTY_STAFF, routes, signatures, "console-duty") as (client, _):
        assert client.get("/signatures", params={"ref": REF}).status_code == 404


def test_an_unknown_signature_or_an_order_dispatch_does_not_show_is_not_found(
    tmp_path: Path,
) -> None:
    other = str(uuid.uuid4())
    with against(Role.DUTY_STAFF, {}, tmp_path, "console-duty") as (client, calls):
        unknown = client.get(
            "/signatures", params={"ref": f"console-signature:{other}/{DIGEST}.png"}
        )
        assert unknown.status_code == 404 and not calls
        kept_signature(tmp_path)  # kept, but dispatch does not show the order to this user
        hidden = client.get("/signatures", params={"ref": REF})
    assert hidden.status_code == 404 and hidden.content != PNG
    assert [c.url.path for c in calls] == [ORDER_PATH]


def test_roles_that_do_not_read_work_orders_and_nobody_signed_in_get_no_signature(
    tmp_path: Path,
) -> None:
    kept_signature(tmp_path)
    routes: dict[tuple[str, str], Any] = {("GET", ORDER_PATH): signed_off()}
    for role in (Role.AGENT, Role.FINANCE, Role.QUALITY_HEAD):
        with against(role, routes, tmp_path, f"console-{role}") as (client, calls):
            refused = client.get("/signatures", params={"ref": REF})
        assert refused.status_code == 403, role
        assert refused.content != PNG and not calls
    with against(Role.DUTY_STAFF, routes, tmp_path) as (client, _):
        client.cookies.clear()
        away = client.get("/signatures", params={"ref": REF})
    assert away.status_code == 303 and away.headers["location"].startswith("/sign-in")


# -- the sign-off on the pages --------------------------------------------------------------------
def _sign_off_section(page: str) -> str:
    found = re.search(r'<section class="card wide sign-off".*?</section>', page, re.S)
    assert found, "no sign-off section"
    return found.group(0)


def test_the_dispatchers_page_shows_who_signed_when_and_the_signature_dispatch_names(
    tmp_path: Path,
) -> None:
    kept_signature(tmp_path)
    sign_off = {
        "signed_by": "王芳",
        "satisfied": True,
        "signature_ref": REF,
        "opinion": "修得很好",
        "signed_at": "2099-03-01T02:29:00+00:00",
    }
    routes: dict[tuple[str, str], Any] = {("GET", ORDER_PATH): signed_off(sign_off=sign_off)}
    with against(Role.DUTY_STAFF, routes, tmp_path, "console-duty") as (client, _):
        page = client.get(ORDER_PATH)
    assert page.status_code == 200, page.text
    section = _sign_off_section(page.text)
    assert 'data-testid="sign-off-by">王芳<' in section
    assert "2099-03-01 10:29" in section  # Shanghai time
    assert 'data-satisfied="true"' in section and "满意" in section
    assert "修得很好" in section
    src = re.search(r'<img class="signature" src="([^"]+)"', section)
    assert src is not None
    assert parse_qs(urlsplit(src.group(1).replace("&amp;", "&")).query)["ref"] == [REF]


def test_a_reference_the_console_does_not_keep_is_shown_as_text(tmp_path: Path) -> None:
    on_paper = {
        "signed_by": "王芳",
        "satisfied": True,
        "signature_ref": "signatures/WO-DMG-20990301-0001.png",
        "opinion": None,
        "signed_at": "2099-03-01T02:29:00+00:00",
    }
    for sign_off, shown in (
        (on_paper, 'data-testid="signature-ref">signatures/WO-DMG-20990301-0001.png<'),
        (on_paper | {"signature_ref": REF}, f'data-testid="signature-ref">{REF}<'),  # not kept
        (on_paper | {"signature_ref": None}, 'data-testid="no-signature"'),
    ):
        routes: dict[tuple[str, str], Any] = {("GET", ORDER_PATH): signed_off(sign_off=sign_off)}
        with against(Role.DUTY_STAFF, routes, tmp_path, "console-duty") as (client, _):
            section = _sign_off_section(client.get(ORDER_PATH).text)
        assert shown in section
        assert "<img" not in section


def test_a_signature_drawn_on_the_phone_goes_to_dispatch_and_shows_on_the_desks_page(
    tmp_path: Path,
) -> None:
    """The phone keeps the drawing and sends dispatch its reference; the desk's page shows the
    picture dispatch's sign-off names, at the time it was signed."""
    drawn = "data:image/png;base64," + base64.b64encode(PNG).decode()
    sent: list[dict[str, Any]] = []

    def sign(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(201, json=signed_off())

    phone_routes: dict[tuple[str, str], Any] = {
        ("GET", ORDER_PATH): a_work_order(status="completed", next_steps=["sign_off"]),
        ("POST", f"{ORDER_PATH}/sign-off"): sign,
    }
    with against(Role.TECHNICIAN, phone_routes, tmp_path) as (client, _):
        csrf = _csrf(client, f"/my-work-orders/{ORDER_ID}")
        form = {"csrf": csrf, "key": "k-sign", "signed_by": "王芳", "satisfied": "true"}
        done = client.post(f"/my-work-orders/{ORDER_ID}/sign_off", data=form | {"signature": drawn})
    assert done.status_code == 303, done.text
    [body] = sent
    ref = body["signature_ref"]
    assert re.fullmatch(rf"console-signature:{ORDER_ID}/[0-9a-f]{{24}}\.png", ref)

    recorded = signed_off()
    recorded["sign_off"]["signature_ref"] = ref
    desk_routes: dict[tuple[str, str], Any] = {("GET", ORDER_PATH): recorded}
    with against(Role.DUTY_STAFF, desk_routes, tmp_path, "console-duty") as (client, _):
        section = _sign_off_section(client.get(ORDER_PATH).text)
        src = re.search(r'<img class="signature" src="([^"]+)"', section)
        assert src is not None
        picture = client.get(src.group(1).replace("&amp;", "&"))
    assert "2099-03-01 10:30" in section and 'data-testid="sign-off-by">王芳<' in section
    assert picture.status_code == 200 and picture.content == PNG

    with against(
        Role.DUTY_STAFF, {("GET", ORDER_PATH): signed_off()}, tmp_path, "console-duty"
    ) as (
        client,
        _,
    ):
        section = _sign_off_section(client.get(ORDER_PATH).text)
    assert "<img" not in section and 'data-testid="no-signature"' in section


def test_the_technicians_page_shows_the_sign_off_too_and_nothing_before_it(
    tmp_path: Path,
) -> None:
    kept_signature(tmp_path)
    sign_off = {"signed_by": "王芳", "satisfied": True, "signature_ref": REF, "opinion": None}
    for order, signed in ((signed_off(sign_off=sign_off), True), (a_work_order(), False)):
        with against(Role.TECHNICIAN, {("GET", ORDER_PATH): order}, tmp_path) as (client, _):
            page = client.get(f"/my-work-orders/{ORDER_ID}")
        assert page.status_code == 200, page.text
        assert ('data-testid="signature-image"' in page.text) is signed
        assert ('data-testid="sign-off"' in page.text) is signed
        if signed:
            assert "2099-03-01 10:30" in page.text  # the sign-off step's moment


# -- today's work on the phone --------------------------------------------------------------------
def _at(day: date, hour: int) -> str:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI).astimezone(UTC).isoformat()


def test_todays_work_is_what_is_booked_for_today_in_site_time_or_open_without_a_day() -> None:
    today = date(2099, 3, 2)
    assert for_today({"appointment_at": None}, today, SHANGHAI)
    assert for_today({"appointment_at": "2099-03-01T16:30:00+00:00"}, today, SHANGHAI)  # 00:30
    assert for_today({"appointment_at": "2099-03-02T15:59:00+00:00"}, today, SHANGHAI)  # 23:59
    assert not for_today({"appointment_at": "2099-03-02T16:00:00+00:00"}, today, SHANGHAI)
    assert not for_today({"appointment_at": "2099-03-01T15:59:00+00:00"}, today, SHANGHAI)


def test_the_list_opens_on_today_and_links_to_every_open_order(tmp_path: Path) -> None:
    today = datetime.now(SHANGHAI).date()
    orders = page_of(
        a_work_order(work_order_no="WO-TODAY", appointment_at=_at(today, 12)),
        a_work_order(work_order_no="WO-NO-DAY", appointment_at=None),
        a_work_order(work_order_no="WO-TOMORROW", appointment_at=_at(today + timedelta(1), 9)),
        a_work_order(work_order_no="WO-LAST-WEEK", appointment_at=_at(today - timedelta(7), 9)),
        a_work_order(work_order_no="WO-DONE", appointment_at=_at(today, 9), status="closed"),
    )
    routes: dict[tuple[str, str], Any] = {("GET", "/work-orders"): orders}
    with against(Role.TECHNICIAN, routes, tmp_path) as (client, calls):
        todays = client.get("/my-work-orders")
        every = client.get("/my-work-orders", params={"show": "all"})
        odd = client.get("/my-work-orders", params={"show": "yesterday"})
    assert todays.status_code == 200, todays.text
    listed = re.compile(r'data-work-order-no="([^"]+)"')
    assert listed.findall(todays.text) == ["WO-TODAY", "WO-NO-DAY"]
    assert 'data-showing="today"' in todays.text
    assert re.search(r'href="/my-work-orders\?show=all"[^>]*>全部未完成 \(4\)', todays.text)
    assert set(listed.findall(every.text)) == {
        "WO-TODAY",
        "WO-NO-DAY",
        "WO-TOMORROW",
        "WO-LAST-WEEK",
    }
    assert 'data-showing="all"' in every.text
    assert listed.findall(odd.text) == listed.findall(todays.text)
    assert {c.url.params["technician_id"] for c in calls if c.url.path == "/work-orders"} == {ME}
    assert 'name="viewport" content="width=device-width' in todays.text


def test_nothing_for_today_says_so(tmp_path: Path) -> None:
    tomorrow = datetime.now(SHANGHAI).date() + timedelta(1)
    orders = page_of(a_work_order(work_order_no="WO-TOMORROW", appointment_at=_at(tomorrow, 9)))
    with against(Role.TECHNICIAN, {("GET", "/work-orders"): orders}, tmp_path) as (client, _):
        page = client.get("/my-work-orders")
    assert 'data-testid="no-orders"' in page.text and "WO-TOMORROW" not in page.text


# -- my shifts ------------------------------------------------------------------------------------
SHIFTS = [
    {"code": "day", "starts": "08:00", "ends": "20:00"},
    {"code": "night", "starts": "20:00", "ends": "08:00"},
]


def a_roster(month: str, entries: list[dict[str, str]], **overrides: Any) -> dict[str, Any]:
    roster: dict[str, Any] = {
        "roster_id": f"dmg:{month}",
        "site_id": "dmg",
        "month": month,
        "zone": "Asia/Shanghai",
        "shifts": SHIFTS,
        "status": "published",
        "due_at": "2099-02-25T16:00:00+00:00",
        "late": False,
        "drafted_by": "张敏",
        "published_at": "2099-02-20T02:00:00+00:00",
        "published_by": "张敏",
        "entries": entries,
        "absences": [],
        "version": 2,
    }
    return roster | overrides


def an_absence(technician_id: str, day: str, shift: str, cover_by: str | None) -> dict[str, Any]:
    return {
        "absence_id": str(uuid.uuid4()),
        "kind": "sick_leave",
        "technician_id": technician_id,
        "day": day,
        "shift": shift,
        "cover_by": cover_by,
        "reason": "发烧",
        "recorded_by": "张敏",
        "recorded_at": "2099-03-01T01:00:00+00:00",
    }


def test_the_technicians_shifts_are_the_rest_of_the_month_with_absences_and_cover() -> None:
    def entry(day: int, shift: str, technician_id: str = ME) -> dict[str, str]:
        return {"day": f"2099-03-{day:02}", "shift": shift, "technician_id": technician_id}

    roster = a_roster(
        "2099-03",
        [
            entry(1, "day"),
            entry(10, "night"),
            entry(10, "day"),
            entry(12, "day"),
            entry(11, "day", "dmg-t02"),
        ],
        absences=[
            an_absence(ME, "2099-03-12", "day", "dmg-t02"),
            an_absence("dmg-t02", "2099-03-11", "day", ME),
            an_absence("dmg-t02", "2099-03-05", "day", ME),  # before today
        ],
    )
    rows = shifts_worked(roster, ME, date(2099, 3, 10))
    assert [(r["day"], r["shift"]) for r in rows] == [
        ("2099-03-10", "day"),
        ("2099-03-10", "night"),
        ("2099-03-11", "day"),
        ("2099-03-12", "day"),
    ]
    assert rows[0]["today"] and not rows[2]["today"]
    assert (rows[1]["starts"], rows[1]["ends"]) == ("20:00", "08:00")
    assert rows[2]["covers"] == "dmg-t02" and rows[2]["absence"] is None
    assert rows[3]["absence"] == "sick_leave" and rows[3]["covered_by"] == "dmg-t02"
    assert shifts_worked(roster, "dmg-t09", date(2099, 3, 1)) == []


def test_my_shifts_on_the_list_come_from_the_sites_published_roster(tmp_path: Path) -> None:
    today = datetime.now(SHANGHAI).date()
    month, day = today.strftime("%Y-%m"), today.isoformat()
    roster = a_roster(
        month,
        [
            {"day": day, "shift": "day", "technician_id": ME},
            {"day": day, "shift": "night", "technician_id": "dmg-t02"},
        ],
        absences=[
            {**an_absence(ME, day, "day", None), "kind": "leave"},
            an_absence("dmg-t02", day, "night", ME),
        ],
    )
    routes: dict[tuple[str, str], Any] = {
        ("GET", "/work-orders"): page_of(),
        ("GET", f"/technician-rosters/dmg/{month}"): roster,
    }
    with against(Role.TECHNICIAN, routes, tmp_path) as (client, calls):
        page = client.get("/my-work-orders")
    assert page.status_code == 200, page.text
    assert f"/technician-rosters/dmg/{month}" in [c.url.path for c in calls]
    mine = re.search(r'<section class="card my-shifts".*?</section>', page.text, re.S)
    assert mine is not None
    away = re.search(
        rf'<li class="absent today" data-testid="my-shift-{day}-day".*?</li>', mine[0], re.S
    )
    assert away is not None and 'data-absence="leave"' in away[0]
    assert "请假" in away[0] and "无人顶班" in away[0]
    cover = re.search(
        rf'<li class="cover today" data-testid="my-shift-{day}-night".*?</li>', mine[0], re.S
    )
    assert cover is not None and 'data-covers="dmg-t02"' in cover[0] and "顶班" in cover[0]
    assert "20:00–08:00" in cover[0]


@pytest.mark.parametrize(
    "answer",
    [
        problem(404, "no technician roster of dmg"),
        httpx.Response(200, json=a_roster("2099-03", [], status="draft", published_at=None)),
    ],
    ids=["not drafted", "a draft"],
)
def test_no_published_roster_says_so(tmp_path: Path, answer: httpx.Response) -> None:
    month = datetime.now(SHANGHAI).strftime("%Y-%m")
    routes: dict[tuple[str, str], Any] = {
        ("GET", "/work-orders"): page_of(a_work_order()),
        ("GET", f"/technician-rosters/dmg/{month}"): lambda _: answer,
    }
    with against(Role.TECHNICIAN, routes, tmp_path) as (client, _):
        page = client.get("/my-work-orders")
    assert page.status_code == 200, page.text
    assert 'data-testid="no-roster"' in page.text and "本月尚无已发布的排班表" in page.text
    assert 'data-testid="my-shift-' not in page.text
    assert 'data-work-order-no="WO-DMG-20990301-0001"' in page.text  # the orders still listed


def test_a_published_month_with_no_more_shifts_of_mine_says_so(tmp_path: Path) -> None:
    month = datetime.now(SHANGHAI).strftime("%Y-%m")
    roster = a_roster(month, [])
    routes: dict[tuple[str, str], Any] = {
        ("GET", "/work-orders"): page_of(),
        ("GET", f"/technician-rosters/dmg/{month}"): roster,
    }
    with against(Role.TECHNICIAN, routes, tmp_path) as (client, _):
        page = client.get("/my-work-orders")
    assert 'data-testid="no-shifts"' in page.text


# -- materials on the phone -----------------------------------------------------------------------
MATERIALS = f"{ORDER_PATH}/materials"


def test_a_material_is_drawn_charged_as_a_price_list_item_and_listed_with_it(
    tmp_path: Path,
) -> None:
    sent: list[httpx.Request] = []

    def draw(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(201, json=a_work_order())

    charged = a_material(1, charge_as="MT-VALVE")
    tool = a_material(2, item="管钳", quantity=1, outstanding=1, kind="tool")
    routes: dict[tuple[str, str], Any] = {
        ("GET", ORDER_PATH): a_work_order(materials=[charged, tool], next_steps=["complete"]),
        ("POST", MATERIALS): draw,
        ("GET", "/sites/dmg/price-list"): page_of(
            {"item_code": "MT-VALVE", "name": "角阀", "unit": "个", "unit_price": "25.00"}
        ),
    }
    with against(Role.TECHNICIAN, routes, tmp_path) as (client, _):
        page = client.get(f"/my-work-orders/{ORDER_ID}")
        csrf = client.cookies["hotline_csrf"]
        form = {"csrf": csrf, "key": "k-draw", "item": "DN15 角阀", "quantity": "2"}
        done = client.post(
            f"/my-work-orders/{ORDER_ID}/materials",
            data=form | {"kind": "material", "charge_as": " MT-VALVE "},
        )
        borrowed = client.post(
            f"/my-work-orders/{ORDER_ID}/materials",
            data=form | {"key": "k-tool", "item": "管钳", "kind": "tool", "charge_as": "MT-X"},
        )
        unpaid = client.post(
            f"/my-work-orders/{ORDER_ID}/materials",
            data=form | {"key": "k-tape", "item": "生料带", "kind": "material", "charge_as": ""},
        )
    assert page.status_code == 200, page.text
    line = re.search(r'<li data-testid="material-1".*?</li>', page.text, re.S)
    assert line is not None and "收费: MT-VALVE" in line[0]
    tool_line = re.search(r'<li data-testid="material-2".*?</li>', page.text, re.S)
    assert tool_line is not None and "收费" not in tool_line[0]
    assert 'data-testid="draw-form"' in page.text and 'name="charge_as"' in page.text
    assert '<option value="MT-VALVE">' in page.text  # the site's price list to choose from
    # a material charged to the customer: paid, so the finish form starts on cash
    assert re.search(r'<option value="cash" selected>', page.text)
    assert done.status_code == 303
    assert urlsplit(done.headers["location"]).query == "done=draw"
    assert [json.loads(r.content) for r in sent] == [
        {"item": "DN15 角阀", "quantity": 2, "kind": "material", "charge_as": "MT-VALVE"},
        {"item": "管钳", "quantity": 2, "kind": "tool"},
        {"item": "生料带", "quantity": 2, "kind": "material"},
    ]
    assert [r.headers["Idempotency-Key"] for r in sent] == ["k-draw", "k-tool", "k-tape"]
    assert borrowed.status_code == unpaid.status_code == 303


def test_the_english_page_labels_the_charge(tmp_path: Path) -> None:
    routes: dict[tuple[str, str], Any] = {
        ("GET", ORDER_PATH): a_work_order(materials=[a_material(1, charge_as="MT-VALVE")])
    }
    with against(Role.TECHNICIAN, routes, tmp_path) as (client, _):
        client.cookies.set("hotline_lang", "en")
        page = client.get(f"/my-work-orders/{ORDER_ID}")
    assert "Charged as: MT-VALVE" in page.text


def test_dispatch_refusing_a_material_is_shown_in_its_form_as_typed(tmp_path: Path) -> None:
    def refuse(_: httpx.Request) -> httpx.Response:
        return httpx.Response(
            422,
            json={
                "status": 422,
                "detail": "charge_as: String should have at most 40 characters",
                "errors": [{"field": "charge_as", "message": "at most 40 characters"}],
            },
        )

    routes: dict[tuple[str, str], Any] = {
        ("GET", ORDER_PATH): a_work_order(),
        ("POST", MATERIALS): refuse,
    }
    with against(Role.TECHNICIAN, routes, tmp_path) as (client, _):
        csrf = _csrf(client, f"/my-work-orders/{ORDER_ID}")
        form = {"csrf": csrf, "key": "k-1", "item": "角阀", "quantity": "1", "kind": "material"}
        page = client.post(
            f"/my-work-orders/{ORDER_ID}/materials", data=form | {"charge_as": "X" * 41}
        )
    assert page.status_code == 422
    draw = re.search(r'<form [^>]*data-testid="draw-form".*?</form>', page.text, re.S)
    assert draw is not None
    assert 'data-testid="error-charge_as">at most 40 characters<' in draw[0]
    assert 'data-testid="refused-draw"' in draw[0]
    assert f'value="{"X" * 41}"' in draw[0] and 'value="角阀"' in draw[0]
    assert 'name="key" value="k-1"' not in draw[0]  # dispatch kept its refusal: a new key


def test_a_charged_line_given_back_after_completion_shows_dispatchs_409_beside_it(
    tmp_path: Path,
) -> None:
    sent: list[dict[str, Any]] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return problem(
            409,
            "line 1 was charged to the customer at completion (MT-VALVE): what was used stays used",
        )

    routes: dict[tuple[str, str], Any] = {
        ("GET", ORDER_PATH): a_work_order(
            status="completed", materials=[a_material(1, charge_as="MT-VALVE")]
        ),
        ("POST", f"{MATERIALS}/1/return"): refuse,
    }
    with against(Role.TECHNICIAN, routes, tmp_path) as (client, _):
        page = client.get(f"/my-work-orders/{ORDER_ID}")
        assert 'data-testid="draw-form"' not in page.text  # no drawing once the work is done
        csrf = client.cookies["hotline_csrf"]
        refused = client.post(
            f"/my-work-orders/{ORDER_ID}/materials/1/return",
            data={"csrf": csrf, "key": "k-back", "quantity": "1"},
        )
    assert sent == [{"quantity": 1}]
    assert refused.status_code == 409
    line = re.search(r'<form [^>]*data-testid="give-back-1".*?</form>', refused.text, re.S)
    assert line is not None
    assert 'data-testid="refused-give_back-1"' in line[0] and "what was used stays used" in line[0]
    assert 'name="key" value="k-back"' in line[0]  # a 409 kept no answer: the same key


def test_the_materials_forms_need_this_browsers_csrf_and_the_technicians_role(
    tmp_path: Path,
) -> None:
    routes: dict[tuple[str, str], Any] = {("GET", ORDER_PATH): a_work_order()}
    with against(Role.TECHNICIAN, routes, tmp_path) as (client, calls):
        client.get(f"/my-work-orders/{ORDER_ID}")
        forged = client.post(
            f"/my-work-orders/{ORDER_ID}/materials",
            data={"csrf": "forged", "item": "角阀", "quantity": "1", "kind": "material"},
        )
    assert forged.status_code == 403
    assert not [c for c in calls if c.method == "POST"]
    with against(Role.DUTY_STAFF, routes, tmp_path, "console-duty") as (client, calls):
        csrf = _csrf(client, ORDER_PATH)
        desk = client.get(ORDER_PATH)
        other = client.post(
            f"/my-work-orders/{ORDER_ID}/materials",
            data={"csrf": csrf, "item": "角阀", "quantity": "1", "kind": "material"},
        )
    assert other.status_code == 403
    assert 'data-testid="materials"' in desk.text and 'data-testid="draw-form"' not in desk.text
