"""Every listing answers a page with the total, and filters by site, status and its main time,
on the real services and store; a date or a moment out of format is a 422."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from hotline_infra.stack import Stack
from hotline_libs.auth import Role

from tests.support import auth, client, eventually, register, repair_request, work_order_of

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]

BEIJING = timezone(timedelta(hours=8))


async def all_pages(
    http: httpx.AsyncClient, path: str, params: dict[str, Any], headers: dict[str, str], size: int
) -> tuple[list[dict[str, Any]], int]:
    """Every item of a listing, page by page (``size`` a page), and the total each page gave."""
    items: list[dict[str, Any]] = []
    totals = set()
    offset = 0
    while True:
        response = await http.get(
            path, params={**params, "limit": size, "offset": offset}, headers=headers
        )
        assert response.status_code == 200, response.text
        page = response.json()
        assert (page["limit"], page["offset"]) == (size, offset)
        assert len(page["items"]) <= size
        totals.add(page["total"])
        items += page["items"]
        offset += size
        if offset >= page["total"]:
            break
    assert len(totals) == 1, f"the total changed between pages: {totals}"
    return items, totals.pop()


async def test_requests_page_and_filter_by_site_status_and_the_time_of_the_call(
    platform: Stack,
) -> None:
    # calls of a past day of their own: only this test's requests were registered then
    day = datetime(2025, 1, 1, 9, tzinfo=BEIJING) + timedelta(days=random.randrange(300))
    sites = ["dmg", "qjc", "dmg", "qjc", "dmg"]
    created = [
        await register(
            platform,
            repair_request(site_id=site, registered_at=(day + timedelta(minutes=n)).isoformat()),
        )
        for n, site in enumerate(sites)
    ]
    ids = [r["request_id"] for r in created]
    window = {
        "registered_from": day.isoformat(),
        "registered_to": (day + timedelta(minutes=len(sites))).isoformat(),
    }
    async with client(platform, "intake") as intake:

        async def listed(**params: Any) -> dict[str, Any]:
            response = await intake.get(
                "/service-requests", params={**window, **params}, headers=auth()
            )
            assert response.status_code == 200, response.text
            page: dict[str, Any] = response.json()
            return page

        items, total = await all_pages(intake, "/service-requests", window, auth(), size=2)
        assert total == 5
        assert [r["request_id"] for r in items] == ids[::-1]  # the latest call first, no overlap
        assert [r["status"] for r in items] == ["accepted"] * 5
        first = await listed(limit=2)
        assert (len(first["items"]), first["total"]) == (2, 5)
        last = await listed(limit=2, offset=4)
        assert [r["request_id"] for r in last["items"]] == [ids[0]]

        qjc = await listed(site_id="qjc")
        assert qjc["total"] == 2
        assert {r["request_id"] for r in qjc["items"]} == {ids[1], ids[3]}
        assert (await listed(status="accepted"))["total"] == 5
        assert (await listed(kind="complaint"))["total"] == 0

        early = await listed(registered_to=(day + timedelta(minutes=1, seconds=30)).isoformat())
        assert [r["request_id"] for r in early["items"]] == [ids[1], ids[0]]
        late = await listed(registered_from=(day + timedelta(minutes=2)).isoformat())
        assert [r["request_id"] for r in late["items"]] == [ids[4], ids[3], ids[2]]
        exact = await listed(
            registered_from=(day + timedelta(minutes=2)).astimezone(UTC).isoformat(),
            registered_to=(day + timedelta(minutes=2)).isoformat(),
        )
        assert [r["request_id"] for r in exact["items"]] == [ids[2]]  # both ends included

        # an agent of dmg only: qjc's requests are not theirs to see, and asking is no error
        dmg_agent = auth(sites=["dmg"])
        theirs = await intake.get("/service-requests", params=window, headers=dmg_agent)
        assert theirs.json()["total"] == 3
        elsewhere = await intake.get(
            "/service-requests", params={**window, "site_id": "qjc"}, headers=dmg_agent
        )
        assert elsewhere.status_code == 200
        assert elsewhere.json() == {"items": [], "total": 0, "limit": 50, "offset": 0}

        refused = [
            await intake.get("/service-requests", params=params, headers=auth())
            for params in (
                {"status": "closed"},
                {"registered_from": "0"},
                {"registered_from": day.date().isoformat()},
                {"registered_to": day.replace(tzinfo=None).isoformat()},
                {"limit": 501},
                {"offset": -1},
                {"site_id": ""},
            )
        ]
        assert [r.status_code for r in refused] == [422] * len(refused)
        reversed_window = await intake.get(
            "/service-requests",
            params={"registered_from": window["registered_to"], "registered_to": day.isoformat()},
            headers=auth(),
        )
    assert reversed_window.status_code == 200  # a window that holds no moment: an empty page
    assert reversed_window.json()["total"] == 0 and reversed_window.json()["items"] == []


async def test_work_orders_page_and_filter_by_site_status_and_creation(platform: Stack) -> None:
    start = datetime.now(UTC) - timedelta(milliseconds=5)
    gxi = [await register(platform, repair_request(site_id="gxi")) for _ in range(3)]
    qjc = await register(platform, repair_request(site_id="qjc"))
    orders = [await work_order_of(platform, r["request_id"], "dispatched") for r in [*gxi, qjc]]
    end = datetime.now(UTC)
    mine = {o["work_order_id"] for o in orders}
    of_gxi = {o["work_order_id"] for o in orders[:3]}
    window = {"created_from": start.isoformat(), "created_to": end.isoformat()}
    async with client(platform, "dispatch") as dispatch:

        async def listed(headers: dict[str, str] | None = None, **params: Any) -> dict[str, Any]:
            response = await dispatch.get(
                "/work-orders", params={**window, **params}, headers=headers or auth()
            )
            assert response.status_code == 200, response.text
            page: dict[str, Any] = response.json()
            return page

        items, total = await all_pages(dispatch, "/work-orders", window, auth(), size=1)
        ids = [o["work_order_id"] for o in items]
        assert len(ids) == len(set(ids)) == total  # pages neither overlap nor skip
        assert mine <= set(ids)
        created = [datetime.fromisoformat(o["created_at"]) for o in items]
        assert created == sorted(created, reverse=True)  # newest first
        assert all(start - timedelta(milliseconds=1) <= at <= end for at in created)

        at_gxi = await listed(site_id="gxi")
        assert {o["site_id"] for o in at_gxi["items"]} == {"gxi"}
        assert of_gxi <= {o["work_order_id"] for o in at_gxi["items"]}
        assert at_gxi["total"] == len(at_gxi["items"]) < total
        dispatched = await listed(status="dispatched")
        assert {o["status"] for o in dispatched["items"]} == {"dispatched"}
        assert mine <= {o["work_order_id"] for o in dispatched["items"]}
        completed = await listed(status="completed")
        assert not mine & {o["work_order_id"] for o in completed["items"]}
        technician = orders[3]["technician"]["technician_id"]
        theirs = await listed(technician_id=technician)
        assert orders[3]["work_order_id"] in {o["work_order_id"] for o in theirs["items"]}
        assert {o["technician"]["technician_id"] for o in theirs["items"]} == {technician}

        before = await dispatch.get(
            "/work-orders", params={"created_to": start.isoformat(), "limit": 500}, headers=auth()
        )
        assert not mine & {o["work_order_id"] for o in before.json()["items"]}
        one = await listed(request_id=qjc["request_id"])
        assert [o["work_order_id"] for o in one["items"]] == [orders[3]["work_order_id"]]
        assert one["total"] == 1

        # a duty officer of qjc sees qjc's only; gxi's are not theirs, and asking is no error
        qjc_staff = auth(Role.DUTY_STAFF, ["qjc"])
        own = await listed(qjc_staff)
        assert {o["site_id"] for o in own["items"]} == {"qjc"}
        assert orders[3]["work_order_id"] in {o["work_order_id"] for o in own["items"]}
        assert await listed(qjc_staff, site_id="gxi") == {
            "items": [],
            "total": 0,
            "limit": 50,
            "offset": 0,
        }

        for params in ({"status": "lost"}, {"created_from": "0"}, {"created_to": "yesterday"}):
            response = await dispatch.get("/work-orders", params=params, headers=auth())
            assert response.status_code == 422, (params, response.text)
        reversed_window = await dispatch.get(
            "/work-orders",
            params={"created_from": end.isoformat(), "created_to": start.isoformat()},
            headers=auth(),
        )
    assert reversed_window.status_code == 200
    assert reversed_window.json()["total"] == 0


async def test_technicians_page_by_site_and_duty(platform: Stack) -> None:
    async with client(platform, "dispatch") as dispatch:
        qjc = (await dispatch.get("/technicians", params={"site_id": "qjc"}, headers=auth())).json()
        first = (await dispatch.get("/technicians", params={"limit": 2}, headers=auth())).json()
        everyone, total = await all_pages(dispatch, "/technicians", {}, auth(), size=2)
        on_duty = (
            await dispatch.get(
                "/technicians", params={"site_id": "gxi", "on_duty": "true"}, headers=auth()
            )
        ).json()
        not_theirs = (
            await dispatch.get(
                "/technicians", params={"site_id": "qjc"}, headers=auth(Role.DUTY_STAFF, ["dmg"])
            )
        ).json()
    at_qjc = [t["technician_id"] for t in qjc["items"]]
    assert {"qjc-t01", "qjc-t02"} <= set(at_qjc) and {t["site_id"] for t in qjc["items"]} == {"qjc"}
    assert qjc["total"] == len(at_qjc)
    assert len(first["items"]) == 2 and first["total"] == total >= 6
    ids = [t["technician_id"] for t in everyone]
    assert ids == sorted(ids) and len(set(ids)) == total
    assert [t["technician_id"] for t in on_duty["items"]] == ["gxi-t01"]
    assert not_theirs == {"items": [], "total": 0, "limit": 50, "offset": 0}


async def test_every_listing_answers_a_page(platform: Stack) -> None:
    for service, path, role in [
        ("intake", "/service-requests", Role.AGENT),
        ("intake", "/site-submissions/refused", Role.DUTY_STAFF),
        ("intake", "/sites", Role.AGENT),
        ("dispatch", "/work-orders", Role.AGENT),
        ("dispatch", "/technicians", Role.SUPERVISOR),
        ("billing", "/charges", Role.FINANCE),
        ("callback", "/callbacks", Role.AGENT),
        ("notification", "/notifications", Role.AGENT),
    ]:
        async with client(platform, service) as http:
            response = await http.get(path, params={"limit": 1, "offset": 1}, headers=auth(role))
        assert response.status_code == 200, (path, response.text)
        page = response.json()
        assert set(page) == {"items", "total", "limit", "offset"}, path
        assert (page["limit"], page["offset"]) == (1, 1)
        assert len(page["items"]) == min(1, max(0, page["total"] - 1)), path
    async with client(platform, "intake") as intake:
        sites = (await intake.get("/sites", headers=auth(sites=["qjc", "gxi"]))).json()
    assert [s["site_id"] for s in sites["items"]] == ["gxi", "qjc"] and sites["total"] == 2


@pytest.mark.parametrize(
    ("service", "path", "parameter", "value", "role"),
    [
        ("callback", "/callbacks", "due_on_or_before", "0", Role.AGENT),
        ("callback", "/callbacks", "due_on_or_before", "20261123", Role.AGENT),
        ("callback", "/callbacks", "due_on_or_after", "2026-13-01", Role.AGENT),
        ("callback", "/callbacks", "scheduled_from", "0", Role.AGENT),
        ("callback", "/callbacks", "status", "awaiting_completion", Role.AGENT),
        ("intake", "/service-requests", "registered_to", "2026-11-23T08:00:00", Role.AGENT),
        ("intake", "/site-submissions/refused", "received_from", "0", Role.DUTY_STAFF),
        ("dispatch", "/work-orders", "created_to", "2026-11-23", Role.AGENT),
        ("billing", "/charges", "created_from", "1700000000", Role.FINANCE),
        ("notification", "/notifications", "created_to", "now", Role.AGENT),
        ("notification", "/notifications", "status", "lost", Role.AGENT),
    ],
)
async def test_a_date_or_moment_out_of_format_is_a_422_naming_it(
    platform: Stack, service: str, path: str, parameter: str, value: str, role: Role
) -> None:
    async with client(platform, service) as http:
        response = await http.get(path, params={parameter: value}, headers=auth(role))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in response.json()["errors"]] == [parameter]


async def test_callbacks_due_days_form_a_range_a_reversed_one_empty(platform: Stack) -> None:
    async with client(platform, "callback") as callback:
        reversed_days = await callback.get(
            "/callbacks",
            params={"due_on_or_after": "2026-11-24", "due_on_or_before": "2026-11-23"},
            headers=auth(),
        )
        one_day = await callback.get(
            "/callbacks",
            params={"due_on_or_after": "2026-11-23", "due_on_or_before": "2026-11-23"},
            headers=auth(),
        )
    assert reversed_days.status_code == 200 and reversed_days.json()["total"] == 0
    assert one_day.status_code == 200
    assert all(c["due_on"] == "2026-11-23" for c in one_day.json()["items"])


async def test_notifications_filter_by_the_status_of_their_messages(platform: Stack) -> None:
    start = datetime.now(UTC) - timedelta(milliseconds=5)
    request = await register(platform, repair_request())

    async def listed(**params: Any) -> dict[str, Any]:
        async with client(platform, "notification") as notification:
            response = await notification.get(
                "/notifications",
                params={"request_id": request["request_id"], **params},
                headers=auth(),
            )
        assert response.status_code == 200, response.text
        page: dict[str, Any] = response.json()
        return page

    async def told() -> dict[str, Any] | None:
        # the gateway's receipts move each SMS on from sent to delivered (NTF-01)
        page = await listed(status="delivered")
        return page if page["total"] >= 2 else None  # accepted, then dispatched

    sent = await eventually(told, what="the resident's notifications delivered")
    assert all(any(m["status"] == "delivered" for m in n["messages"]) for n in sent["items"])
    assert {n["about_event_type"] for n in sent["items"]} >= {
        "ServiceRequestAccepted",
        "WorkOrderDispatched",
    }
    assert (await listed(status="refused"))["total"] == 0
    made = [datetime.fromisoformat(n["created_at"]) for n in sent["items"]]
    assert made == sorted(made, reverse=True) and all(at >= start for at in made)
    assert (await listed(created_to=start.isoformat()))["total"] == 0
    assert (await listed(site_id="gxi"))["total"] == 0  # the request is dmg's
