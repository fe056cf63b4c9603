"""Staff and the phone book on the real stack (KB-12, CMP-14, ORG-06): a steward found by the
building a caller lives in, a number found by what the caller needs, a number taken out."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from contracts.intake.v1 import StaffRecorded
from hotline_infra.stack import Stack
from hotline_libs.auth import Role

from contracts import topics
from tests.support import auth, changing, client, decoded, eventually, read_topic

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]


async def test_kb12_cmp14_agents_find_the_steward_and_the_number_to_transfer_to(
    platform: Stack,
) -> None:
    building = f"S{uuid.uuid4().hex[:4]}"
    steward_id = f"qjc-{uuid.uuid4().hex[:8]}"
    entry = str(uuid.uuid4())
    keeper = Role.ADMINISTRATOR
    async with client(platform, "intake") as intake:
        recorded = await intake.put(
            f"/staff/{steward_id}",
            json={
                "site_id": "qjc",
                "name": "周静",
                "title": "管家",
                "department": "customer_service",
                "phones": ["139 0000 1234"],
                "steward_of": [building],
            },
            headers=changing(keeper, Authorization=auth(keeper, ["qjc"])["Authorization"]),
        )
        assert recorded.status_code == 201, recorded.text
        assert recorded.json()["phones"] == ["+8613900001234"]

        stewards = await intake.get(
            "/staff", params={"site_id": "qjc", "building": building}, headers=auth()
        )
        assert [m["staff_id"] for m in stewards.json()["items"]] == [steward_id]

        number = await intake.put(
            f"/phone-book/{entry}",
            json={
                "site_id": "*",
                "name": "燃气公司抢修",
                "number": "96777",
                "purpose": f"燃气泄漏 {building}",
            },
            headers=changing(Role.SUPERVISOR),
        )
        assert number.status_code == 201, number.text

        found = await intake.get(
            "/phone-book", params={"q": f"燃气 {building}"}, headers=auth(Role.AGENT)
        )
        assert [(f["source"], f["number"]) for f in found.json()["items"]] == [
            ("phone_book", "96777")
        ]
        by_staff = await intake.get(
            "/phone-book", params={"q": "周静"}, headers=auth(Role.DUTY_STAFF, ["qjc"])
        )
        assert steward_id in {f["id"] for f in by_staff.json()["items"]}
        elsewhere = await intake.get(
            "/phone-book", params={"q": "周静"}, headers=auth(Role.DUTY_STAFF, ["gxi"])
        )
        assert steward_id not in {f["id"] for f in elsewhere.json()["items"]}

        bad = await intake.put(
            f"/phone-book/{uuid.uuid4()}",
            json={"site_id": "qjc", "name": "错号", "number": "12", "purpose": "测试"},
            headers=changing(Role.SUPERVISOR),
        )
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "number"

        removed = await intake.delete(f"/phone-book/{entry}", headers=changing(Role.SUPERVISOR))
        assert removed.status_code == 204
        gone = await intake.get(
            "/phone-book", params={"q": f"燃气 {building}"}, headers=auth(Role.AGENT)
        )
        assert gone.json()["items"] == []


async def test_org06_staff_and_their_roles_are_published_for_the_other_services(
    platform: Stack,
) -> None:
    """A technician added, then moved to another site and finally gone: each version is on
    ``intake.directory`` (dispatch assigns from it, notification alerts by it), and saying the
    same again publishes nothing (DUTY-25: a leaver is kept, marked inactive)."""
    staff_id = f"tech-{uuid.uuid4().hex[:8]}"
    keeper = Role.ADMIN
    record = {
        "site_id": "qjc",
        "name": "李强",
        "title": "维修工",
        "department": "maintenance",
        "phones": ["13900005678"],
        "roles": ["technician"],
    }
    async with client(platform, "intake") as intake:
        for body in (
            record,
            record,
            {**record, "site_id": "gxi"},
            {**record, "site_id": "gxi", "active": False},
        ):
            put = await intake.put(f"/staff/{staff_id}", json=body, headers=changing(keeper))
            assert put.status_code in (200, 201), put.text
        assert put.json()["roles"] == ["technician"] and put.json()["active"] is False

        unpaired = await intake.put(
            f"/staff/{staff_id}",
            json={**record, "steward_of": ["3"]},
            headers=changing(keeper),
        )
        assert unpaired.status_code == 422
        assert unpaired.json()["errors"][0]["field"] == "roles"

    async def recorded() -> list[dict[str, Any]] | None:
        found = [
            event
            for event in map(decoded, await read_topic(platform, topics.DIRECTORY))
            if event["event_type"] == StaffRecorded.EVENT_TYPE
            and event["payload"]["staff_id"] == staff_id
        ]
        return found if len(found) >= 3 else None

    published = await eventually(recorded, what="three StaffRecorded")
    await asyncio.sleep(1)
    published = await recorded() or []
    assert [(e["site_id"], e["payload"]["active"]) for e in published] == [
        ("qjc", True),
        ("gxi", True),
        ("gxi", False),
    ]
    assert published[0]["payload"]["roles"] == ["technician"]
    assert published[0]["payload"]["phones"] == ["+8613900005678"]


async def test_ch13_cmp14_the_desk_sees_each_building_and_the_steward_who_covers_it(
    platform: Stack,
) -> None:
    covered, bare = f"B{uuid.uuid4().hex[:4]}", f"N{uuid.uuid4().hex[:4]}"
    async with client(platform, "intake") as intake:
        for building, room, area in (
            (covered, "101", "88.50"),
            (covered, "102", "70.25"),
            (bare, "201", "95.00"),
        ):
            put = await intake.put(
                f"/units/qjc/{building}/{room}",
                json={"floor_area_m2": area},
                headers=changing(Role.ADMIN),
            )
            assert put.status_code in (200, 201), put.text
        steward = await intake.put(
            f"/staff/qjc-{uuid.uuid4().hex[:8]}",
            json={
                "site_id": "qjc",
                "name": "陈敏",
                "title": "管家",
                "department": "customer_service",
                "phones": ["13900007777"],
                "roles": ["steward"],
                "steward_of": [covered],
            },
            headers=changing(Role.ADMIN),
        )
        assert steward.status_code == 201, steward.text

        shown = await intake.get("/sites/qjc/buildings", headers=auth(Role.DUTY_STAFF, ["qjc"]))
        assert shown.status_code == 200, shown.text
        buildings = {b["building"]: b for b in shown.json()["buildings"]}
        assert buildings[covered]["units"] == 2
        assert buildings[covered]["floor_area_m2"] == "158.75"
        assert [s["name"] for s in buildings[covered]["stewards"]] == ["陈敏"]
        assert bare in shown.json()["uncovered"] and covered not in shown.json()["uncovered"]

        elsewhere = await intake.get("/sites/qjc/buildings", headers=auth(Role.DUTY_STAFF, ["gxi"]))
        assert elsewhere.status_code == 403

        # ORG-06, ORG-07: each department shows who works in it
        departments = await intake.get("/sites/qjc/departments", headers=auth(Role.SUPERVISOR))
        assert departments.status_code == 200, departments.text
        service = next(
            d for d in departments.json()["departments"] if d["department"] == "customer_service"
        )
        assert "陈敏" in {s["name"] for s in service["staff"]}
