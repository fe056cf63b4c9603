"""A stream of requests driven through the running platform, and its effects counted where they land.

Effects are counted in the services' databases, the SMS gateway, the mailbox and the bus, not in
logs. Used by ``make chaos`` and by the kill-and-restart and replica tests.
"""

from __future__ import annotations

import asyncio
import functools
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import httpx
from hotline_infra.sms_sink import read_duplicates as read_sms_duplicates
from hotline_infra.sms_sink import read_messages
from hotline_infra.smtp_sink import read_duplicates as read_mail_duplicates
from hotline_infra.smtp_sink import read_index
from hotline_infra.stack import Stack
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from contracts import topics
from hotline_bench.probes import (
    auth,
    decoded,
    read_topic,
    repair_request,
    retrying,
    serials_in,
    technician_of,
)

PAID_ITEM: dict[str, Any] = {"item_code": "RP-DRAIN", "quantity": 1}


def _expect_success(response: httpx.Response) -> None:
    if response.status_code not in (200, 201):
        raise RuntimeError(
            f"{response.request.method} {response.request.url.path} answered "
            f"{response.status_code}: {response.text}"
        )


class Driver:
    """Plays the agents (registering) and the technicians (completing), retrying through outages."""

    def __init__(
        self, stack: Stack, run: str, requests: int, milestone: int, concurrency: int = 8
    ) -> None:
        self.stack = stack
        self.run = run
        self.total = requests
        self.requests: dict[str, dict[str, Any]] = {}  # request_id -> request
        self.completed: set[str] = set()
        self.registered = 0
        self.milestone = milestone
        self.concurrency = concurrency
        self.reached_milestone = asyncio.Event()  # set once `milestone` requests are registered

    async def register_all(self) -> None:
        limit = asyncio.Semaphore(self.concurrency)
        async with httpx.AsyncClient(
            base_url=self.stack.service_url("intake"), timeout=10
        ) as intake:

            async def one(i: int) -> None:
                # the e-mail address carries the run id, to tell this run's charge mails apart
                body = repair_request(
                    phone=f"1370{i:07d}",
                    email=f"{self.run}.{i}@example.com",
                    description=f"{self.run} #{i}",
                )
                key = f"{self.run}-{i}"
                async with limit:
                    response = await retrying(
                        lambda: intake.post(
                            "/service-requests",
                            json=body,
                            headers={**auth(), "Idempotency-Key": key},
                        )
                    )
                _expect_success(response)
                request = response.json()
                self.requests[request["request_id"]] = {**request, "paid": i % 2 == 0}
                self.registered += 1
                if self.registered >= self.milestone:
                    self.reached_milestone.set()

            await asyncio.gather(*(one(i) for i in range(self.total)))

    async def complete_all(self) -> None:
        """Each dispatched order of this run is done by its technician, a few at a time: half
        step by step as the phone does it, half recorded in one go from the signed paper record
        (as technicians without signal do)."""
        limit = asyncio.Semaphore(2 * self.concurrency)
        walking: set[str] = set()
        tasks: set[asyncio.Task[None]] = set()
        failures: list[Exception] = []
        async with httpx.AsyncClient(
            base_url=self.stack.service_url("dispatch"), timeout=10
        ) as dispatch:

            async def walk(order: dict[str, Any], paid: bool) -> None:
                try:
                    async with limit:
                        if int(order["work_order_id"][-1], 16) % 2:
                            await visit(dispatch, order, paid)
                        else:
                            await paper_record(dispatch, order, paid)
                except Exception as exc:  # the driver gives up: said by the loop below
                    failures.append(exc)
                    return
                self.completed.add(order["request_id"])

            while len(self.completed) < self.total:
                listing = await retrying(
                    lambda: dispatch.get(
                        "/work-orders",
                        params={"status": "dispatched", "limit": 500},
                        headers=auth(),
                    )
                )
                for order in listing.json()["items"]:
                    request = self.requests.get(order["request_id"])
                    if request is None or order["request_id"] in walking:
                        continue
                    walking.add(order["request_id"])
                    task = asyncio.create_task(walk(order, request["paid"]))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
                if failures:
                    raise failures[0]
                await asyncio.sleep(0.2)
            await asyncio.gather(*tasks)


VISIT = ("acceptance", "arrival", "quote", "start", "finish", "sign-off")
"""The technician's steps on the phone, from taking the order to the customer's signature."""


async def visit(dispatch: httpx.AsyncClient, order: dict[str, Any], paid: bool) -> None:
    """The technician takes ``order``, arrives, agrees the fee (none for free work), does the work
    and the customer signs, satisfied; a retried step changes nothing."""
    bodies: dict[str, dict[str, Any] | None] = {
        "quote": {"items": [PAID_ITEM] if paid else []},
        "finish": {"payment_method": "bank_collection"} if paid else {},
        "sign-off": {"signed_by": order["resident"]["name"], "satisfied": True},
    }
    for step in VISIT:
        url = f"/work-orders/{order['work_order_id']}/{step}"
        response = await retrying(
            functools.partial(
                dispatch.post, url, json=bodies.get(step), headers=technician_of(order)
            )
        )
        _expect_success(response)


async def paper_record(dispatch: httpx.AsyncClient, order: dict[str, Any], paid: bool) -> None:
    """The whole visit entered at once from the technician's signed paper record (补录)."""
    completion: dict[str, Any] = {"resident_signed": True}
    if paid:
        completion |= {"items": [PAID_ITEM], "payment_method": "bank_collection"}
    url = f"/work-orders/{order['work_order_id']}/completion"
    response = await retrying(
        functools.partial(dispatch.post, url, json=completion, headers=technician_of(order))
    )
    _expect_success(response)


def taken_by_a_gateway(message: dict[str, Any]) -> bool:
    """A stored message the SMS provider or the mail server took: sent, delivered by the
    provider's receipt since, or reported undelivered by the provider that took it (a failure
    without a provider is one nobody took)."""
    status = message["status"]
    return status in ("sent", "delivered") or (status == "failed" and bool(message.get("provider")))


async def effects(stack: Stack, driver: Driver) -> dict[str, Any]:
    """Count what happened for this run's requests, where it happened."""
    ids = list(driver.requests)
    numbers = {r["request_no"]: rid for rid, r in driver.requests.items()}
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(stack.mongo_url)
    try:

        def db(name: str) -> AsyncDatabase[dict[str, Any]]:
            return client[f"{stack.db_prefix}{name}"]

        work_orders = Counter(
            [
                d["request_id"]
                async for d in db("dispatch")["work_orders"].find(
                    {"request_id": {"$in": ids}, "status": "signed_off"}, {"request_id": 1}
                )
            ]
        )
        charges = Counter(
            [
                d["request_id"]
                async for d in db("billing")["charges"].find(
                    {"request_id": {"$in": ids}}, {"request_id": 1}
                )
            ]
        )
        callbacks = Counter(
            [
                d["request_id"]
                async for d in db("callback")["callbacks"].find(
                    {"request_id": {"$in": ids}, "status": {"$ne": "awaiting_completion"}},
                    {"request_id": 1},
                )
            ]
        )
        sent: Counter[str] = Counter()
        resends: Counter[str] = Counter()
        async for d in db("notification")["notifications"].find(
            {"request_id": {"$in": ids}}, {"request_id": 1, "messages": 1}
        ):
            for message in d.get("messages") or []:
                if taken_by_a_gateway(message):
                    sent[d["request_id"]] += 1
                # attempts after the first: the gateway may have seen the message twice
                resends[d["request_id"]] += max(0, message["attempts"] - 1)
    finally:
        await client.close()
    sms: Counter[str] = Counter()
    for message in read_messages(stack.sms_dir):
        for number in serials_in(message["text"]) & numbers.keys():
            sms[numbers[number]] += 1
    mail: Counter[str] = Counter()
    charge_mail = 0
    for message in read_index(stack.mail_dir):
        quoted = serials_in(message["subject"]) & numbers.keys()
        for number in quoted:
            mail[numbers[number]] += 1
        is_charge_mail = message["subject"].startswith("服务费用通知")
        if not quoted and is_charge_mail and message["to"][0].startswith(driver.run):
            charge_mail += 1
    return {
        "work_orders": work_orders,
        "charges": charges,
        "callbacks": callbacks,
        "sent": sent,
        "resends": sum(resends.values()),
        "resends_dropped_by_sinks": len(read_sms_duplicates(stack.sms_dir))
        + len(read_mail_duplicates(stack.mail_dir)),
        "notification_sent_events": await notification_sent_events(stack, set(ids)),
        "sms": sms,
        "mail": mail,
        "charge_mail": charge_mail,
    }


async def notification_sent_events(stack: Stack, request_ids: set[str]) -> Counter[str]:
    """Distinct ``NotificationSent`` event ids on the bus, per request."""
    events: dict[str, set[str]] = {}
    for record in await read_topic(stack, topics.NOTIFICATIONS):
        event = decoded(record)
        if event["payload"]["request_id"] in request_ids:
            events.setdefault(event["payload"]["request_id"], set()).add(event["event_id"])
    return Counter({rid: len(ids) for rid, ids in events.items()})


def expected(driver: Driver) -> dict[str, Any]:
    paid = {rid for rid, r in driver.requests.items() if r["paid"]}
    everyone = Counter(dict.fromkeys(driver.requests, 1))
    return {
        "work_orders": everyone,
        "charges": Counter(dict.fromkeys(paid, 1)),
        "callbacks": everyone,
        # SMS: accepted + dispatched (+ charged); e-mail: accepted (+ charged)
        "sent": Counter({rid: 5 if rid in paid else 3 for rid in driver.requests}),
        # distinct NotificationSent events on the bus (a republished copy has the same event id)
        "notification_sent_events": Counter(
            {rid: 5 if rid in paid else 3 for rid in driver.requests}
        ),
        "sms": Counter({rid: 3 if rid in paid else 2 for rid in driver.requests}),
        "mail": everyone,
        "charge_mail": len(paid),
    }


@dataclass(frozen=True)
class Tally:
    """One effect counted against what was expected. For an effect counted per request,
    ``short`` and ``doubled`` are requests; for a plain total, they are units."""

    effect: str
    expected: int
    counted: int
    short: int
    doubled: int
    per_request: bool


def tally(want: dict[str, Any], got: dict[str, Any], excused: Collection[str] = ()) -> list[Tally]:
    """Each effect, expected against counted; requests in ``excused`` (dead-lettered with a
    reason) are not counted as short."""
    rows = []
    for effect, counts in want.items():
        if isinstance(counts, Counter):
            short = sum(1 for r in counts if got[effect][r] < counts[r] and r not in excused)
            doubled = sum(1 for r in counts if got[effect][r] > counts[r])
            counted = sum(got[effect][r] for r in counts)
            rows.append(Tally(effect, sum(counts.values()), counted, short, doubled, True))
        else:
            counted = got[effect]
            short, doubled = max(counts - counted, 0), max(counted - counts, 0)
            rows.append(Tally(effect, counts, counted, short, doubled, False))
    return rows


def differences(
    want: dict[str, Any], got: dict[str, Any], excused: Collection[str] = ()
) -> list[str]:
    """One line per effect that is short or doubled for some request; empty when all match."""
    return [
        f"{row.effect}: {row.short} requests short, {row.doubled} doubled"
        if row.per_request
        else f"{row.effect}: {row.counted} instead of {row.expected}"
        for row in tally(want, got, excused)
        if row.short or row.doubled
    ]


async def settled_effects(
    stack: Stack, driver: Driver, timeout_s: float = 120
) -> tuple[dict[str, Any], dict[str, Any]]:
    """What should have happened and what did, once the effects match or ``timeout_s`` passes."""
    want = expected(driver)
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        got = await effects(stack, driver)
        if not differences(want, got) or asyncio.get_running_loop().time() > deadline:
            return want, got
        await asyncio.sleep(1)
