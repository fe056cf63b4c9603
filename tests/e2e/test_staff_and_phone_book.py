"""Staff and the phone book on the real stack (KB-12, CMP-14, ORG-06): a steward found by the
building a caller lives in, a number found by what the caller needs, a number taken out."""

from __future__ import annotations

import uuid

import pytest
from hotline_infra.stack import Stack
from hotline_libs.auth import Role

from tests.support import auth, changing, client

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
