"""The listings' shared query parameters, parsed strictly, and the store filters they become."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Annotated, Any

import pytest
from fastapi import Depends, FastAPI, Query
from fastapi.testclient import TestClient
from hotline_libs.mongo import listing_query, within
from hotline_libs.paging import (
    ISO_DATE,
    ISO_DATE_TIME,
    IsoDate,
    Page,
    PageRequest,
    Paging,
    SiteFilter,
    TimeWindow,
    cut,
    page_of,
    time_window,
)

REGISTERED = time_window("registered", "requests registered")


def listing_app() -> FastAPI:
    app = FastAPI()

    @app.get("/things")
    def things(
        page: Paging,
        registered: Annotated[TimeWindow, Depends(REGISTERED)],
        site_id: SiteFilter = None,
        due_on_or_after: Annotated[IsoDate | None, Query()] = None,
        due_on_or_before: Annotated[IsoDate | None, Query()] = None,
    ) -> Page[str]:
        shown = [
            f"site={site_id}",
            f"from={registered.start.isoformat() if registered.start else None}",
            f"to={registered.end.isoformat() if registered.end else None}",
            f"due_before={due_on_or_before}",
        ]
        return page_of(cut([*shown, "a", "b", "c"], page), page, str)

    return app


@pytest.fixture(scope="module")
def http() -> TestClient:
    return TestClient(listing_app())


def test_a_page_says_how_many_match_in_all(http: TestClient) -> None:
    first = http.get("/things", params={"limit": 3}).json()
    rest = http.get("/things", params={"limit": 3, "offset": 3}).json()
    beyond = http.get("/things", params={"offset": 100}).json()
    assert (first["total"], first["limit"], first["offset"], len(first["items"])) == (7, 3, 0, 3)
    assert (rest["total"], rest["offset"], rest["items"]) == (7, 3, ["due_before=None", "a", "b"])
    assert beyond == {"items": [], "total": 7, "limit": 50, "offset": 100}


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"offset": 100_001}, "offset"),
        ({"site_id": ""}, "site_id"),
        ({"site_id": "x" * 41}, "site_id"),
        ({"due_on_or_before": "0"}, "due_on_or_before"),
        ({"due_on_or_before": "20261123"}, "due_on_or_before"),
        ({"due_on_or_before": "2026-02-30"}, "due_on_or_before"),
        ({"due_on_or_before": "2026-11-23T00:00:00Z"}, "due_on_or_before"),
        ({"registered_from": "0"}, "registered_from"),
        ({"registered_from": "1700000000"}, "registered_from"),
        ({"registered_from": "2026-11-23"}, "registered_from"),
        ({"registered_from": "2026-11-23T08:00:00"}, "registered_from"),  # no offset
        ({"registered_to": "2026-11-23T25:00:00Z"}, "registered_to"),
        ({"registered_to": "2026-11-23T08:00:00 08:00"}, "registered_to"),  # + not encoded
    ],
)
def test_a_value_out_of_format_is_refused_naming_the_parameter(
    http: TestClient, params: dict[str, Any], parameter: str
) -> None:
    response = http.get("/things", params=params)
    assert response.status_code == 422, response.text
    assert [e["loc"] for e in response.json()["detail"]] == [["query", parameter]]


def test_dates_and_moments_in_iso_8601_are_read(http: TestClient) -> None:
    shown = http.get(
        "/things",
        params={
            "site_id": "dmg",
            "registered_from": "2026-11-23T08:00:00+08:00",
            "registered_to": "2026-11-23t01:00:00.250z",
            "due_on_or_before": "2026-11-30",
        },
    ).json()["items"][:4]
    assert shown == [
        "site=dmg",
        "from=2026-11-23T08:00:00+08:00",
        "to=2026-11-23T01:00:00.250000+00:00",
        "due_before=2026-11-30",
    ]


def test_a_moment_out_of_format_is_refused_before_any_range_is_read(http: TestClient) -> None:
    response = http.get(
        "/things",
        params={
            "registered_from": "2026-11-23T09:00:00+08:00",
            "registered_to": "2026-11-23T00:00Z",
        },
    )
    assert response.status_code == 422  # 00:00Z has no seconds
    assert [e["loc"][1] for e in response.json()["detail"]] == ["registered_to"]


def test_a_range_whose_start_is_after_its_end_holds_nothing_and_is_no_error(
    http: TestClient,
) -> None:
    """A client cannot learn from the document that two parameters must be ordered, so a reversed
    range is simply empty: the repository's $gte/$lte match nothing."""
    response = http.get(
        "/things",
        params={
            "registered_from": "2026-11-23T09:00:00+08:00",
            "registered_to": "2026-11-23T00:59:59Z",
        },
    )
    assert response.status_code == 200
    assert "from=2026-11-23T09:00:00+08:00" in response.json()["items"]


def test_a_range_of_one_moment_is_fine(http: TestClient) -> None:
    moment = "2026-11-23T09:00:00+08:00"
    same = http.get("/things", params={"registered_from": moment, "registered_to": moment})
    assert same.status_code == 200


def test_the_openapi_document_says_what_each_parameter_accepts(http: TestClient) -> None:
    parameters = {
        p["name"]: p
        for p in http.get("/openapi.json").json()["paths"]["/things"]["get"]["parameters"]
    }

    def schema(name: str) -> dict[str, Any]:
        found: dict[str, Any] = parameters[name]["schema"]
        return next(s for s in found.get("anyOf", [found]) if s.get("type") != "null")

    assert schema("limit").items() >= {"minimum": 1, "maximum": 500, "default": 50}.items()
    assert schema("offset").items() >= {"minimum": 0, "maximum": 100_000, "default": 0}.items()
    assert schema("site_id").items() >= {"minLength": 1, "maxLength": 40}.items()
    assert schema("due_on_or_before") == {"type": "string", "format": "date", "pattern": ISO_DATE}
    for name in ("registered_from", "registered_to"):
        assert schema(name) == {"type": "string", "format": "date-time", "pattern": ISO_DATE_TIME}
        assert "registered" in parameters[name]["description"]


def test_a_site_outside_the_callers_matches_nothing() -> None:
    assert listing_query(frozenset({"dmg", "qjc"})) == {"site_id": {"$in": ["dmg", "qjc"]}}
    assert listing_query(frozenset({"dmg"}), site_id="dmg") == {"site_id": "dmg"}
    assert listing_query(frozenset({"dmg"}), site_id="gxi") == {"site_id": {"$in": []}}
    assert listing_query(None, site_id="gxi", status=None, kind="repair") == {
        "site_id": "gxi",
        "kind": "repair",
    }


def test_a_window_becomes_a_condition_on_the_time_field_both_ends_included() -> None:
    start = datetime(2026, 11, 23, tzinfo=timezone(timedelta(hours=8)))
    end = datetime(2026, 11, 24, tzinfo=UTC)
    assert within(TimeWindow()) is None
    assert within(TimeWindow(start=start)) == {"$gte": start}
    assert within(TimeWindow(end=end)) == {"$lte": end}
    assert listing_query(None, registered_at=within(TimeWindow(start, end))) == {
        "registered_at": {"$gte": start, "$lte": end}
    }
    assert TimeWindow().is_open and not TimeWindow(end=end).is_open


def test_a_short_list_in_memory_is_cut_into_the_same_pages() -> None:
    found = cut(list(range(7)), PageRequest(limit=3, offset=6))
    assert (found.items, found.total) == ([6], 7)
    assert page_of(found, PageRequest(limit=3, offset=6), str).model_dump() == {
        "items": ["6"],
        "total": 7,
        "limit": 3,
        "offset": 6,
    }
