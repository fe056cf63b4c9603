"""Technicians' rosters on the real stack: a new site's shifts reach dispatch from intake's
directory, its roster is drawn on them and published, and a request accepted at the site goes
to the technician on shift now, then to the cover when they are off (DSP-02)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from hotline_infra.stack import Stack
from hotline_libs.auth import Role

from tests.e2e.test_sites import new_site
from tests.support import (
    auth,
    changing,
    client,
    eventually,
    register,
    repair_request,
    work_order_of,
)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]

ZONE = ZoneInfo("Asia/Shanghai")


def _running_shift(now: datetime) -> tuple[str, str]:
    """The day and code of the new site's shift running at ``now`` (day 08-20, night 20-08)."""
    local = now.astimezone(ZONE)
    if 8 <= local.hour < 20:
        return local.date().isoformat(), "day"
    started = local.date() if local.hour >= 20 else local.date() - timedelta(days=1)
    return started.isoformat(), "night"


def _technician(site_id: str, name: str, skills: list[str]) -> dict[str, Any]:
    return {
        "site_id": site_id,
        "name": name,
        "phone": "+8613900000101",
        "trades": ["maintenance"],
        "skills": skills,
        "on_duty": True,
    }


async def _on_shift(dispatch: httpx.AsyncClient, site_id: str) -> dict[str, Any]:
    answer = await dispatch.get("/on-shift", params={"site_id": site_id}, headers=auth(Role.AGENT))
    assert answer.status_code == 200, answer.text
    shown: dict[str, Any] = answer.json()
    return shown


async def test_dsp02_a_request_goes_to_the_technician_on_the_published_roster_then_the_cover(
    platform: Stack,
) -> None:
    site_id = f"rs{uuid.uuid4().hex[:6]}"
    code = f"R{uuid.uuid4().hex[:5].upper()}"
    async with client(platform, "intake") as intake:
        created = await intake.put(
            f"/sites/{site_id}",
            json=new_site(code, time_zone="Asia/Shanghai"),
            headers=changing(Role.ADMIN),
        )
        assert created.status_code == 201, created.text

    first, second = f"{site_id}-t1", f"{site_id}-t2"

    def as_duty() -> dict[str, str]:
        """The site's duty staff, changing something."""
        return {**auth(Role.DUTY_STAFF, [site_id]), "Idempotency-Key": str(uuid.uuid4())}

    async with client(platform, "dispatch") as dispatch:
        for technician_id, name, skills in ((first, "李强", ["plumbing"]), (second, "赵敏", [])):
            saved = await dispatch.put(
                f"/technicians/{technician_id}",
                json=_technician(site_id, name, skills),
                headers=as_duty(),
            )
            assert saved.status_code == 200, saved.text
        welder = await dispatch.put(
            f"/technicians/{site_id}-t3",
            json=_technician(site_id, "钱", ["welding"]),
            headers=as_duty(),
        )
        assert welder.status_code == 422 and "welding" in welder.text

        # before a roster, everyone available counts
        assert (await _on_shift(dispatch, site_id))["by_roster"] is False

        day, shift = _running_shift(datetime.now(ZONE))
        month = day[:7]
        roster_path = f"/technician-rosters/{site_id}/{month}"
        entries = [{"day": day, "shift": shift, "technician_id": second}]

        async def drafted() -> dict[str, Any] | None:
            # "day" and "night" are the site's own shifts: dispatch knows them once intake's
            # SiteRecorded has arrived; until then they are refused as unknown
            answer = await dispatch.put(roster_path, json={"entries": entries}, headers=as_duty())
            if answer.status_code == 422:
                assert "entries[0].shift" in answer.text, answer.text
                return None
            assert answer.status_code == 201, answer.text
            shown: dict[str, Any] = answer.json()
            return shown

        roster = await eventually(drafted, what="the site's shifts kept by dispatch")
        assert [s["code"] for s in roster["shifts"]] == ["day", "night"]
        assert roster["status"] == "draft" and roster["zone"] == "Asia/Shanghai"

        not_ours = await dispatch.put(
            roster_path,
            json={"entries": [{"day": day, "shift": shift, "technician_id": "dmg-t01"}]},
            headers=as_duty(),
        )
        assert not_ours.status_code == 422
        assert not_ours.json()["errors"][0]["field"] == "entries[0].technician_id"

        published = await dispatch.post(f"{roster_path}/publication", headers=as_duty())
        assert published.status_code == 201, published.text
        assert published.json()["status"] == "published"
        again = await dispatch.post(f"{roster_path}/publication", headers=as_duty())
        assert again.status_code == 200
        redraft = await dispatch.put(roster_path, json={"entries": entries}, headers=as_duty())
        assert redraft.status_code == 409

        on_shift = await _on_shift(dispatch, site_id)
        assert on_shift["by_roster"] is True
        assert [t["technician_id"] for t in on_shift["technicians"]] == [second]

    request = await register(platform, repair_request(site_id=site_id, category="common_area"))
    order = await work_order_of(platform, request["request_id"], "dispatched")
    assert order["technician"]["technician_id"] == second  # not the first by id: off shift

    async with client(platform, "dispatch") as dispatch:
        absent = await dispatch.post(
            f"{roster_path}/absences",
            json={
                "kind": "sick_leave",
                "technician_id": second,
                "day": day,
                "shift": shift,
                "cover_by": first,
                "reason": "发烧",
            },
            headers=as_duty(),
        )
        assert absent.status_code == 201, absent.text
        [recorded] = absent.json()["absences"]
        assert recorded["cover_by"] == first and recorded["recorded_by"]
        twice = await dispatch.post(
            f"{roster_path}/absences",
            json={
                "kind": "leave",
                "technician_id": second,
                "day": day,
                "shift": shift,
                "reason": "再次",
            },
            headers=as_duty(),
        )
        assert twice.status_code == 409
        assert [
            t["technician_id"] for t in (await _on_shift(dispatch, site_id))["technicians"]
        ] == [first]
        shown = await dispatch.get(roster_path, headers=auth(Role.TECHNICIAN, [site_id]))
        assert shown.status_code == 200 and shown.json()["absences"][0]["kind"] == "sick_leave"

    covered = await register(platform, repair_request(site_id=site_id, category="common_area"))
    order = await work_order_of(platform, covered["request_id"], "dispatched")
    assert order["technician"]["technician_id"] == first
