"""A notice to a whole site under faults: a site's income and spending statement (FEE-07, NTF-06)
published while services crash, and each of its households counted in the SMS gateway.

The site and its households are recorded before the faults start, and the flow waits until
notification's copy of the directory holds them all; the statement is prepared, submitted and
approved once the request flow is part way, so crashes fall on its broadcast. Each household's
payer agreed to SMS only: the gateway must hold exactly one statement SMS per payer.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from hotline_infra.sms_sink import read_messages
from hotline_infra.stack import Stack
from hotline_libs.auth import Role
from pymongo import AsyncMongoClient

from hotline_bench.flows import Driver, differences
from hotline_bench.probes import auth, retrying

SITE = "chaos"
SITE_NAME = "混沌测试花园"
PER_BUILDING = 50
STATEMENT_MARK = "收支公示"
"""What the statement's SMS says, and no other message."""


def last_quarter(today: date) -> str:
    """The quarter before ``today``'s: over, so its statement may be submitted."""
    quarter = (today.month - 1) // 3
    return f"{today.year - 1}-Q4" if quarter == 0 else f"{today.year}-Q{quarter}"


def _ok(response: httpx.Response) -> dict[str, Any]:
    if response.status_code not in (200, 201):
        raise RuntimeError(
            f"{response.request.method} {response.request.url.path} answered "
            f"{response.status_code}: {response.text}"
        )
    body: dict[str, Any] = response.json()
    return body


class StatementBroadcast:
    """The site's households, and its statement published once ``after`` of the driver's work
    orders are done."""

    def __init__(self, stack: Stack, households: int, after: float = 0.4) -> None:
        self.stack = stack
        self.households = households
        self.after = after
        self.phones = [f"+861360{i:07d}" for i in range(households)]
        self.published = False

    async def set_up(self) -> None:
        """The site and one resident per unit, owner and payer, by SMS; then wait until
        notification holds every one of them."""
        admin, agent = auth(Role.ADMIN), auth(Role.AGENT, [SITE])
        async with httpx.AsyncClient(
            base_url=self.stack.service_url("intake"), timeout=10
        ) as intake:
            _ok(
                await retrying(
                    lambda: intake.put(
                        f"/sites/{SITE}",
                        json={
                            "code": "CHAOS",
                            "name": SITE_NAME,
                            "services": ["consultation", "repair", "complaint", "callback"],
                            "time_zone": "Asia/Shanghai",
                            "escalation": {
                                "supervisor_after_hours": 2,
                                "higher_manager_after_hours": 12,
                            },
                            "shifts": [{"code": "day", "starts": "08:00", "ends": "20:00"}],
                        },
                        headers={**admin, "Idempotency-Key": "chaos-site"},
                    )
                )
            )
            limit = asyncio.Semaphore(8)

            async def household(i: int) -> None:
                async with limit:
                    resident = _ok(
                        await retrying(
                            lambda: intake.post(
                                "/residents",
                                json={
                                    "site_id": SITE,
                                    "name": f"业主{i}",
                                    "phones": [self.phones[i][3:]],
                                },
                                headers={**agent, "Idempotency-Key": f"chaos-resident-{i}"},
                            )
                        )
                    )
                    building, room = f"{i // PER_BUILDING + 1}", f"{i % PER_BUILDING + 101}"
                    _ok(
                        await retrying(
                            lambda: intake.put(
                                f"/units/{SITE}/{building}/{room}",
                                json={
                                    "floor_area_m2": "89.35",
                                    "owner_id": resident["resident_id"],
                                },
                                headers={**admin, "Idempotency-Key": f"chaos-unit-{i}"},
                            )
                        )
                    )

            await asyncio.gather(*(household(i) for i in range(self.households)))
        await self._known_to_notification()

    async def _known_to_notification(self, patience_s: float = 120) -> None:
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(self.stack.mongo_url)
        db = client[f"{self.stack.db_prefix}notification"]
        deadline = asyncio.get_running_loop().time() + patience_s
        try:
            while True:
                units = await db["households"].count_documents({"site_id": SITE})
                members = await db["household_members"].count_documents({"site_id": SITE})
                if units == members == self.households:
                    return
                if asyncio.get_running_loop().time() > deadline:
                    raise RuntimeError(
                        f"notification holds {units} units and {members} residents of "
                        f"{self.households} after {patience_s:.0f} s"
                    )
                await asyncio.sleep(0.5)
        finally:
            await client.close()

    async def publish_when(self, driver: Driver) -> None:
        """Once the driver is ``after`` of the way: finance prepares and submits the last
        quarter's statement, the site's manager approves it."""
        while True:
            if len(driver.completed) >= driver.total * self.after:
                break
            await asyncio.sleep(0.5)
        finance = auth(Role.FINANCE, [SITE], subject="chaos-finance")
        manager = auth(Role.SITE_MANAGER, [SITE], subject="chaos-manager")
        period = last_quarter(datetime.now(ZoneInfo("Asia/Shanghai")).date())
        path = f"/income-statements/{SITE}/{period}"
        async with httpx.AsyncClient(
            base_url=self.stack.service_url("billing"), timeout=10
        ) as billing:
            _ok(
                await retrying(
                    lambda: billing.put(
                        path,
                        json={
                            "spending": [
                                {"category": "facilities", "item": "绿化养护", "amount": "900.00"}
                            ]
                        },
                        headers={**finance, "Idempotency-Key": "chaos-statement"},
                    )
                )
            )
            _ok(
                await retrying(
                    lambda: billing.post(
                        f"{path}/submit",
                        headers={**finance, "Idempotency-Key": "chaos-statement-submit"},
                    )
                )
            )
            _ok(
                await retrying(
                    lambda: billing.post(
                        f"{path}/review",
                        json={"approved": True},
                        headers={**manager, "Idempotency-Key": "chaos-statement-review"},
                    )
                )
            )
        self.published = True

    def expected(self) -> dict[str, Any]:
        return {"statement_sms": Counter(dict.fromkeys(self.phones, 1))}

    async def settled_effects(self, timeout_s: float) -> dict[str, Any]:
        """The effects once they match what is expected or ``timeout_s`` passes."""
        deadline = asyncio.get_running_loop().time() + timeout_s
        while True:
            got = self.effects()
            if not differences(self.expected(), got):
                return got
            if asyncio.get_running_loop().time() > deadline:
                return got
            await asyncio.sleep(1)

    def effects(self) -> dict[str, Any]:
        """The statement's SMS the gateway holds, per payer (duplicates it dropped by message id
        are not among them)."""
        sms = Counter(
            m["to"]
            for m in read_messages(self.stack.sms_dir)
            if STATEMENT_MARK in m["text"] and SITE_NAME in m["text"]
        )
        return {"statement_sms": sms}
