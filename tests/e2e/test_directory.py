"""The directory on the real stack: residents and units, a caller found by the number the
exchange shows (CH-13, CH-14, CH-15), a site's lists imported whole or not at all, exported in
the columns an import reads, and published for the other services to keep."""

from __future__ import annotations

import io
import uuid
from typing import Any

import pytest
from contracts.intake.v1 import ResidentRecorded, UnitRecorded
from hotline_infra.stack import Stack
from hotline_libs.auth import Role
from openpyxl import Workbook, load_workbook

from contracts import topics
from tests.support import (
    auth,
    changing,
    client,
    decoded,
    eventually,
    read_topic,
    register,
    repair_request,
    unique_phone,
)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def building() -> str:
    """A building no other test uses, so listings and exports are this test's alone."""
    return f"T{uuid.uuid4().hex[:6]}"


async def test_ch13_an_agent_finds_the_caller_their_unit_and_their_requests(
    platform: Stack,
) -> None:
    phone = unique_phone()
    block = building()
    async with client(platform, "intake") as intake:
        recorded = await intake.post(
            "/residents",
            json={"site_id": "dmg", "name": "赵敏", "phones": [phone], "email": "zm@example.com"},
            headers=changing(Role.AGENT),
        )
        assert recorded.status_code == 201, recorded.text
        resident = recorded.json()
        assert resident["phones"] == [f"+86{phone}"]
        again = await intake.post(
            "/residents",
            json={"site_id": "dmg", "name": "赵敏", "phones": [phone], "email": "zm@example.com"},
            headers=changing(Role.AGENT),
        )
        assert again.status_code == 200 and again.json()["resident_id"] == resident["resident_id"]

        unit = await intake.put(
            f"/units/dmg/{block}/1202",
            json={"floor_area_m2": "89.35", "owner_id": resident["resident_id"]},
            headers=changing(Role.ADMINISTRATOR),
        )
        assert unit.status_code == 201, unit.text
        assert unit.json()["payer_id"] == resident["resident_id"]  # the owner pays by default

        created = await register(
            platform,
            repair_request(
                phone, resident={"name": "赵敏", "phone": phone, "building": block, "room": "1202"}
            ),
        )

        # the exchange shows the number in another form: still found
        caller = await intake.get(f"/callers/+86 {phone[:3]} {phone[3:]}", headers=auth())
        assert caller.status_code == 200, caller.text
        found = caller.json()
        assert [r["name"] for r in found["residents"]] == ["赵敏"]
        assert [u["unit_id"] for u in found["units"]] == [f"dmg:{block}:1202"]
        assert found["units"][0]["floor_area_m2"] == "89.35"
        assert found["recent_requests"][0]["request_no"] == created["request_no"]

        # another site's staff see nothing of it
        elsewhere = await intake.get(f"/callers/{phone}", headers=auth(Role.DUTY_STAFF, ["gxi"]))
        assert elsewhere.json()["residents"] == [] and elsewhere.json()["recent_requests"] == []

        bad = await intake.get("/callers/12345", headers=auth())
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "phone"

    async def published() -> list[dict[str, Any]]:
        records = await read_topic(platform, topics.DIRECTORY)
        return [
            event
            for event in map(decoded, records)
            if event["event_type"] in (ResidentRecorded.EVENT_TYPE, UnitRecorded.EVENT_TYPE)
            and resident["resident_id"]
            in (event["payload"].get("resident_id"), event["payload"].get("owner_id"))
        ]

    events = await eventually(lambda: _both(published), what="the directory's events")
    assert {e["event_type"] for e in events} == {"ResidentRecorded", "UnitRecorded"}


async def _both(probe: Any) -> list[dict[str, Any]] | None:
    found: list[dict[str, Any]] = await probe()
    return found if len({e["event_type"] for e in found}) == 2 else None


async def test_a_sites_lists_import_whole_and_export_as_they_were_read(platform: Stack) -> None:
    block = building()
    owner, tenant = unique_phone(), unique_phone()
    residents_csv = (
        "site_id,name,phone,email,preferred_channel,consents_to_email\n"
        f"qjc,孙悦,{owner},sy@example.com,email,yes\n"
        f"qjc,周杰,{tenant},,sms,\n"
    )
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(
        [
            "site_id",
            "building",
            "room",
            "floor_area_m2",
            "owner_phone",
            "tenant_phones",
            "payer_phone",
        ]
    )
    sheet.append(["qjc", block, 801, 120.5, owner, tenant, tenant])  # a room typed as a number
    sheet.append(["qjc", block, 802, 96, owner, None, None])
    units_xlsx = io.BytesIO()
    workbook.save(units_xlsx)

    async with client(platform, "intake") as intake:
        imported = await intake.post(
            "/directory/imports/residents",
            content=residents_csv.encode(),
            headers=changing(Role.SITE_MANAGER, **{"Content-Type": CSV}),
        )
        assert imported.status_code == 200, imported.text
        assert imported.json() == {"lines": 2, "added": 2, "changed": 0, "unchanged": 0}
        units = await intake.post(
            "/directory/imports/units",
            content=units_xlsx.getvalue(),
            headers=changing(Role.SITE_MANAGER, **{"Content-Type": XLSX}),
        )
        assert units.status_code == 200, units.text
        assert units.json()["added"] == 2

        again = await intake.post(
            "/directory/imports/residents",
            content=residents_csv.encode(),
            headers=changing(Role.SITE_MANAGER, **{"Content-Type": CSV}),
        )
        assert again.json() == {"lines": 2, "added": 0, "changed": 0, "unchanged": 2}

        listed = await intake.get(
            "/units", params={"site_id": "qjc", "building": block}, headers=auth(Role.FINANCE)
        )
        rooms = {u["room"]: u for u in listed.json()["items"]}
        assert set(rooms) == {"801", "802"}
        assert rooms["801"]["floor_area_m2"] == "120.50"
        assert rooms["801"]["payer_id"] == rooms["801"]["tenant_ids"][0]  # the tenant pays

        exported = await intake.get(
            "/directory/exports/units",
            params={"site_id": "qjc", "format": "xlsx"},
            headers=auth(Role.SITE_MANAGER),
        )
        assert exported.status_code == 200
        rows = list(load_workbook(io.BytesIO(exported.content)).active.iter_rows(values_only=True))
        mine = [row for row in rows if row[1] == block]
        assert (
            "qjc",
            block,
            "801",
            "120.50",
            f"+86{owner}",
            f"+86{tenant}",
            f"+86{tenant}",
        ) in mine

        csv_export = await intake.get(
            "/directory/exports/residents",
            params={"site_id": "qjc"},
            headers=auth(Role.SITE_MANAGER),
        )
        assert csv_export.headers["content-type"].startswith(CSV)
        assert f"qjc,孙悦,+86{owner},,sy@example.com,email,zh-CN,yes,yes" in csv_export.text


async def test_an_import_with_a_bad_line_names_every_fault_and_imports_nothing(
    platform: Stack,
) -> None:
    good, other = unique_phone(), unique_phone()
    lines = (
        "site_id,name,phone,preferred_channel\n"
        f"qjc,吴昊,{good},sms\n"
        "qjc,马丽,12345,sms\n"  # not a phone number
        f"qjc,,{other},sms\n"  # no name
        f"qjc,钱多,{good},fax\n"  # the first line's number again, and no such channel
        f"nowhere,林立,{unique_phone()},sms\n"
    )
    async with client(platform, "intake") as intake:
        refused = await intake.post(
            "/directory/imports/residents",
            content=lines.encode(),
            headers=changing(Role.ADMIN, **{"Content-Type": CSV}),
        )
        assert refused.status_code == 422, refused.text
        faults = {e["field"]: e["message"] for e in refused.json()["errors"]}
        assert set(faults) >= {
            "line 3.phones[0]",
            "line 4.name",
            "line 5.preferred_channel",
            "line 6.site_id",
        }
        assert "nothing was imported" in refused.json()["detail"]
        nobody = await intake.get("/residents", params={"phone": good}, headers=auth(Role.ADMIN))
        assert nobody.json()["items"] == []

        unknown = await intake.post(
            "/directory/imports/units",
            content=b"site_id,building,room,area\nqjc,1,1,1\n",
            headers=changing(Role.ADMIN, **{"Content-Type": CSV}),
        )
        assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "header"
        not_a_table = await intake.post(
            "/directory/imports/units",
            content=b"{}",
            headers=changing(Role.ADMIN, **{"Content-Type": "application/json"}),
        )
        assert not_a_table.status_code == 422
        assert not_a_table.json()["errors"][0]["field"] == "Content-Type"
