"""The console's technician roster screen (维修人员排班表) in front of a scripted dispatch, without a
browser: a month not drafted yet opens as an empty grid on the site's shifts, next month by
default; the ticked cells are PUT whole as the draft with the form's Idempotency-Key, and publish
saves then publishes; dispatch's refusal naming an entry is shown beside the grid, the cell
marked and the ticks kept; a published month is read-only, lists its absences with their cover
and records one (nobody covering: ``cover_by`` null); who is on shift now beside it. Who sees the
screen and its forms follows dispatch's access table."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import httpx
from console.entrypoints.web import SESSION_COOKIE, work_screens_for
from console.entrypoints.web.technician_rosters import (
    ABSENCE_KINDS,
    DONE,
    days_of,
    due_at,
    entries_ticked,
    next_month,
)
from console.i18n import TEXT
from hotline_libs.auth import Role, issue_token
from hotline_libs.settings import DEV_JWT_SECRET

from tests.unit.test_console import _client, page_of, problem, signed_in_against

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONTH = "2099-03"
SHIFTS = [
    {"code": "day", "starts": "08:00", "ends": "20:00"},
    {"code": "night", "starts": "20:00", "ends": "08:00"},
]
SITE = {"site_id": "dmg", "name": "东明阁", "time_zone": "Asia/Shanghai", "shifts": SHIFTS}
TECHNICIANS = page_of(
    {
        "technician_id": "dmg-t01",
        "site_id": "dmg",
        "name": "李强",
        "phone": "+8613900000101",
        "trades": ["maintenance"],
        "skills": ["plumbing"],
        "on_duty": True,
    },
    {
        "technician_id": "dmg-t02",
        "site_id": "dmg",
        "name": "赵敏",
        "phone": "+8613900000102",
        "trades": ["maintenance"],
        "skills": [],
        "on_duty": True,
    },
)
ON_SHIFT = {
    "site_id": "dmg",
    "at": "2099-02-10T02:00:00+00:00",
    "by_roster": False,
    "technicians": [TECHNICIANS["items"][0]],
}
ROSTER_PATH = f"/technician-rosters/dmg/{MONTH}"


def a_roster(**overrides: Any) -> dict[str, Any]:
    roster: dict[str, Any] = {
        "roster_id": f"dmg:{MONTH}",
        "site_id": "dmg",
        "month": MONTH,
        "zone": "Asia/Shanghai",
        "shifts": SHIFTS,
        "status": "draft",
        "due_at": "2099-02-25T16:00:00+00:00",
        "late": False,
        "drafted_by": "张敏",
        "published_at": None,
        "published_by": None,
        "entries": [
            {"day": f"{MONTH}-02", "shift": "day", "technician_id": "dmg-t01"},
            {"day": f"{MONTH}-02", "shift": "night", "technician_id": "dmg-t02"},
        ],
        "absences": [],
        "version": 1,
    }
    return roster | overrides


def published(**overrides: Any) -> dict[str, Any]:
    return a_roster(
        status="published",
        published_at="2099-02-20T02:00:00+00:00",
        published_by="张敏",
        version=2,
        **overrides,
    )


def routes(
    roster: dict[str, Any] | httpx.Response, more: dict[tuple[str, str], Any] | None = None
) -> dict[tuple[str, str], Any]:
    return {
        ("GET", "/sites/dmg"): SITE,
        ("GET", "/technicians"): TECHNICIANS,
        ("GET", "/on-shift"): ON_SHIFT,
        ("GET", ROSTER_PATH): (lambda _: roster) if isinstance(roster, httpx.Response) else roster,
        **(more or {}),
    }


def _csrf(client: Any, path: str) -> str:
    client.get(path)
    return str(client.cookies["hotline_csrf"])


def _checked(page: str) -> set[str]:
    return set(re.findall(r'name="entry" value="([^"]+)"[^>]*\bchecked\b', page))


def test_the_month_opens_on_next_month_in_site_time_and_its_publish_by_date() -> None:
    new_years_eve = datetime(2099, 12, 31, 17, 0, tzinfo=UTC)  # 1 January 2100 in Shanghai
    assert next_month(new_years_eve, SHANGHAI) == "2100-02"
    assert next_month(datetime(2099, 12, 31, 15, 0, tzinfo=UTC), SHANGHAI) == "2100-01"
    assert due_at("2099-03", SHANGHAI) == datetime(2099, 2, 26, tzinfo=SHANGHAI)
    assert [d["iso"] for d in days_of("2099-02")][-1] == "2099-02-28"
    assert entries_ticked(["2099-03-02/day/dmg-t01", "2099-03-01/night/a/b"]) == [
        {"day": "2099-03-01", "shift": "night", "technician_id": "a/b"},
        {"day": "2099-03-02", "shift": "day", "technician_id": "dmg-t01"},
    ]


def test_a_month_not_drafted_yet_is_an_empty_grid_on_the_sites_shifts() -> None:
    missing = problem(404, f"no technician roster of dmg for {MONTH}")
    with signed_in_against(Role.DUTY_STAFF, routes(missing)) as (client, calls):
        page = client.get(f"/technician-rosters?site_id=dmg&month={MONTH}")
        default = client.get("/technician-rosters")
    assert page.status_code == 200, page.text
    assert 'data-status="none"' in page.text and 'data-testid="draft-form"' in page.text
    assert "2099-02-26 00:00" in page.text  # the end of the 25th of the month before
    boxes = re.findall(r'name="entry" value="([^"]+)"', page.text)
    assert len(boxes) == 31 * 2 * 2 and f"{MONTH}-31/night/dmg-t02" in boxes
    assert not _checked(page.text)
    assert "水暖" in page.text  # 李强's skill
    assert 'data-testid="on-shift-dmg-t01"' in page.text  # every available one: no roster
    coming = next_month(datetime.now(UTC), SHANGHAI)
    assert f'value="{coming}"' in default.text
    assert any(c.url.path == f"/technician-rosters/dmg/{coming}" for c in calls)


def test_the_ticked_cells_are_saved_whole_as_the_draft_and_publish_saves_then_publishes() -> None:
    sent: list[httpx.Request] = []

    def keep(answer: dict[str, Any], status: int) -> Any:
        def handler(request: httpx.Request) -> httpx.Response:
            sent.append(request)
            return httpx.Response(status, json=answer)

        return handler

    more = {
        ("PUT", ROSTER_PATH): keep(a_roster(), 200),
        ("POST", f"{ROSTER_PATH}/publication"): keep(published(), 201),
    }
    with signed_in_against(Role.DUTY_STAFF, routes(a_roster(), more)) as (client, _):
        page = client.get(f"/technician-rosters?site_id=dmg&month={MONTH}")
        assert _checked(page.text) == {f"{MONTH}-02/day/dmg-t01", f"{MONTH}-02/night/dmg-t02"}
        csrf = client.cookies["hotline_csrf"]
        form = {"csrf": csrf, "site_id": "dmg", "month": MONTH, "key": "k-1"}
        ticks = [f"{MONTH}-03/day/dmg-t02", f"{MONTH}-01/night/dmg-t01"]
        saved = client.post("/technician-rosters/draft", data={**form, "entry": ticks})
        assert saved.status_code == 303
        assert parse_qs(urlsplit(saved.headers["location"]).query)["done"] == ["draft"]
        both = client.post(
            "/technician-rosters/draft", data={**form, "entry": ticks[:1], "then": "publish"}
        )
        assert parse_qs(urlsplit(both.headers["location"]).query)["done"] == ["published"]
    assert [(r.method, r.url.path) for r in sent] == [
        ("PUT", ROSTER_PATH),
        ("PUT", ROSTER_PATH),
        ("POST", f"{ROSTER_PATH}/publication"),
    ]
    assert json.loads(sent[0].content) == {
        "entries": [
            {"day": f"{MONTH}-01", "shift": "night", "technician_id": "dmg-t01"},
            {"day": f"{MONTH}-03", "shift": "day", "technician_id": "dmg-t02"},
        ]
    }
    assert {r.headers["Idempotency-Key"] for r in sent} == {"k-1"}


def test_dispatch_refusing_an_entry_is_shown_beside_the_grid_with_the_ticks_kept() -> None:
    def refuse(_: httpx.Request) -> httpx.Response:
        return httpx.Response(
            422,
            json={
                "status": 422,
                "detail": "'dmg-t09' is not a technician of site dmg",
                "errors": [
                    {
                        "field": "entries[1].technician_id",
                        "message": "'dmg-t09' is not a technician of site dmg",
                    }
                ],
            },
        )

    more = {("PUT", ROSTER_PATH): refuse}
    with signed_in_against(Role.SITE_MANAGER, routes(a_roster(), more)) as (client, _):
        csrf = _csrf(client, f"/technician-rosters?site_id=dmg&month={MONTH}")
        ticks = [f"{MONTH}-01/day/dmg-t01", f"{MONTH}-05/day/dmg-t09"]
        form = {"csrf": csrf, "site_id": "dmg", "month": MONTH, "key": "k-1", "entry": ticks}
        refused = client.post("/technician-rosters/draft", data=form)
    assert refused.status_code == 422
    assert 'data-testid="draft-problem"' in refused.text
    assert "is not a technician of site dmg" in refused.text
    assert re.search(
        r'class="[^"]*\bbad\b[^"]*" data-testid="cell-dmg-t09/2099-03-05"', refused.text
    )
    assert _checked(refused.text) == set(ticks)  # the refused tick stays, to be taken off
    key = re.search(r'name="key" value="([^"]+)"', refused.text)
    assert key and key.group(1) != "k-1"  # dispatch kept its 422: a new key for the next try


def test_a_published_month_is_read_only_lists_absences_and_records_one() -> None:
    absence = {
        "absence_id": "6f1c2e3d-4a4f-4b9c-8d7e-6f5a4b3c2d10",
        "kind": "sick_leave",
        "technician_id": "dmg-t01",
        "day": f"{MONTH}-02",
        "shift": "day",
        "cover_by": "dmg-t02",
        "reason": "发烧",
        "recorded_by": "张敏",
        "recorded_at": "2099-03-01T23:30:00+00:00",
    }
    sent: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        if len(sent) == 1:
            return httpx.Response(201, json=published(absences=[absence]))
        return problem(422, "dmg-t02 is not on the night shift of 2099-03-03")

    roster = published(absences=[absence], late=True)
    more = {("POST", f"{ROSTER_PATH}/absences"): record}
    with signed_in_against(Role.DUTY_STAFF, routes(roster, more)) as (client, _):
        page = client.get(f"/technician-rosters?site_id=dmg&month={MONTH}")
        csrf = client.cookies["hotline_csrf"]
        form = {
            "csrf": csrf,
            "site_id": "dmg",
            "month": MONTH,
            "kind": "leave",
            "technician_id": "dmg-t02",
            "day": f"{MONTH}-03",
            "shift": "night",
            "cover_by": "",
            "reason": "家中有事",
            "key": "k-2",
        }
        recorded = client.post("/technician-rosters/absences", data=form)
        refused = client.post("/technician-rosters/absences", data=form)
    assert page.status_code == 200
    assert 'data-status="published"' in page.text and 'data-testid="late"' in page.text
    assert 'name="entry"' not in page.text and 'data-testid="draft-form"' not in page.text
    row = re.search(r'data-testid="absence-dmg-t01-2099-03-02-day">(.*?)</tr>', page.text, re.S)
    assert row and "病假" in row.group(1) and "赵敏" in row.group(1) and "发烧" in row.group(1)
    assert "2099-03-02 07:30" in row.group(1)  # recorded, in site time
    assert 'data-covers="dmg-t01"' in page.text and 'data-absence="sick_leave"' in page.text
    assert recorded.status_code == 303
    assert json.loads(sent[0].content) == {
        "kind": "leave",
        "technician_id": "dmg-t02",
        "day": f"{MONTH}-03",
        "shift": "night",
        "cover_by": None,
        "reason": "家中有事",
    }
    assert refused.status_code == 422
    assert 'data-testid="absence-problem"' in refused.text
    assert "is not on the night shift" in refused.text
    assert "家中有事</textarea>" in refused.text  # the form as typed


def test_who_sees_the_screen_and_its_forms_follows_dispatchs_access() -> None:
    assert "technician_rosters" in [s.key for s in work_screens_for(Role.DUTY_STAFF)]
    assert "technician_rosters" not in [s.key for s in work_screens_for(Role.AGENT)]
    with signed_in_against(Role.AGENT, routes(a_roster())) as (client, calls):
        read = client.get(f"/technician-rosters?site_id=dmg&month={MONTH}")
        csrf = client.cookies["hotline_csrf"]
        refused = client.post(
            "/technician-rosters/draft", data={"csrf": csrf, "site_id": "dmg", "month": MONTH}
        )
    assert read.status_code == 200 and 'name="entry"' not in read.text
    assert 'data-testid="save-draft"' not in read.text and refused.status_code == 403
    assert not any(c.method == "PUT" for c in calls)
    refused_list = {("GET", "/technicians"): lambda _: problem(403, "not for technicians")}
    with signed_in_against(Role.TECHNICIAN, routes(a_roster(), refused_list)) as (client, calls):
        mine = client.get(f"/technician-rosters?site_id=dmg&month={MONTH}")
    assert mine.status_code == 200 and 'data-testid="row-dmg-t01"' in mine.text
    assert 'data-testid="on-shift"' not in mine.text
    assert not any(c.url.path == "/on-shift" for c in calls)
    with _client() as client:
        token = issue_token(DEV_JWT_SECRET, subject="f", role=Role.FINANCE, sites=["dmg"])
        client.cookies.set(SESSION_COOKIE, token)
        assert client.get("/technician-rosters").status_code == 403


def test_every_label_the_screen_builds_is_in_both_languages() -> None:
    built = (
        {f"absence_{k}" for k in ABSENCE_KINDS}
        | {f"absence_short_{k}" for k in ABSENCE_KINDS}
        | {f"roster_{s}" for s in ("draft", "published", "none")}
        | {f"roster_done_{d}" for d in DONE}
        | {f"weekday_{n}" for n in range(7)}
        | {f"shift_short_{c}" for c in ("early", "middle", "late", "night")}
        | {"technician_rosters"}
    )
    assert sorted(built - TEXT.keys()) == []
