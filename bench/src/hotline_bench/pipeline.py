"""N requests through all five services, timed hop by hop on the bus.

The bench plays the agents (or a site's own system) registering requests and the technicians
completing work orders the moment they are dispatched. It reads every stream topic, and times
each hop by the Kafka timestamp of the event that ends it (set by the producing service when it
publishes). At most ``window`` requests are in flight end to end, so the figures are a sustained
rate with bounded queues, not the depth of a backlog.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from contracts.envelope import Resident
from contracts.intake.v1 import RequestedItem, RequestKind
from contracts.sites.v1 import SiteRequestSubmitted, SiteRequestSubmittedPayload
from hotline_infra.stack import Stack
from hotline_libs.auth import Role
from hotline_libs.ids import SITE_TIME_ZONE, derive_id

from contracts import topics
from hotline_bench.flows import PAID_ITEM
from hotline_bench.probes import auth, repair_request, retrying, technician_of
from hotline_bench.stats import Latencies

SITES = ("dmg", "qjc", "gxi")
MARK = re.compile(r"\[(?P<run>[a-z0-9]+)#(?P<i>\d+)\]")

# what each request ends with: the acceptance SMS and e-mail, the dispatch SMS, and for a paid
# service the charge SMS and e-mail; plus its callback, or word that the month's sample left it
# out (bank-collected services are called back at 80% by default, CB-03)
NOTIFICATIONS_FREE = 3
NOTIFICATIONS_PAID = 5

STALL_S = 60  # a run with no request finishing for this long is over

HOPS = (
    "registered → dispatched",
    "registered → resident told (SMS)",
    "completed → charged",
    "charged → resident told (SMS)",
    "completed → callback scheduled",
)


@dataclass
class Trace:
    """One request's way through the platform; times are epoch seconds."""

    index: int
    paid: bool
    registered: float = 0.0
    request_id: str | None = None
    dispatched: float | None = None
    completion_sent: float | None = None
    charged: float | None = None
    callback: float | None = None
    callback_id: str | None = None
    not_drawn: bool = False
    """The month's sample left its callback out: done without one, and no callback hop."""
    notified: dict[tuple[str, str], float] = field(default_factory=dict)
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def check_done(self) -> None:
        wanted = NOTIFICATIONS_PAID if self.paid else NOTIFICATIONS_FREE
        decided = self.callback is not None or self.not_drawn
        if decided and len(self.notified) >= wanted:
            self.done.set()

    def hops(self) -> dict[str, float | None]:
        def between(start: float | None, end: float | None) -> float | None:
            return end - start if start is not None and end is not None else None

        return {
            HOPS[0]: between(self.registered, self.dispatched),
            HOPS[1]: between(self.registered, self.notified.get(("ServiceRequestAccepted", "sms"))),
            HOPS[2]: between(self.completion_sent, self.charged),
            HOPS[3]: between(self.charged, self.notified.get(("ChargeRaised", "sms"))),
            HOPS[4]: between(self.completion_sent, self.callback),
        }


@dataclass
class PipelineResult:
    path: str
    requests: int
    completed: int
    window: int
    seconds: float
    requests_per_s: float
    bus_events: int
    bus_events_per_s: float
    hops: dict[str, Latencies]


class Pipeline:
    """One run of ``requests`` requests on a running stack, by ``path`` "http" or "site-feed".

    With ``rate`` (requests per second) the requests are sent at that fixed pace whatever is in
    flight, far below saturation: the latency a resident sees on an ordinary day. Without it, at
    most ``window`` requests are in flight: the sustained throughput.
    """

    def __init__(
        self,
        stack: Stack,
        path: str,
        requests: int,
        window: int,
        tick: Callable[[int], None],
        timeout_s: float,
        rate: float | None = None,
    ) -> None:
        self.stack = stack
        self.path = path
        self.run = uuid.uuid4().hex[:8]
        self.rate = rate
        if rate is not None:
            window = requests  # the pace, not the window, holds the load
        self.window = asyncio.Semaphore(window)
        self.window_size = window
        self.tick = tick
        self.timeout_s = timeout_s
        self.traces = [Trace(i, paid=i % 2 == 0) for i in range(requests)]
        self.by_request: dict[str, Trace] = {}
        self.bus_events = 0
        self._technicians = asyncio.Semaphore(8)
        self._tasks: set[asyncio.Task[None]] = set()
        self._failed = asyncio.Event()
        self._progress = time.monotonic()  # when a request last finished
        self._early: dict[str, list[Any]] = {}  # events seen before their request's acceptance
        self.failure: BaseException | None = None

    def _spawn(self, work: Any) -> None:
        """Run ``work`` beside the others; the first one to fail ends the run with its error."""
        task = asyncio.create_task(work)
        self._tasks.add(task)

        def finished(task: asyncio.Task[None]) -> None:
            self._tasks.discard(task)
            if not task.cancelled() and task.exception() is not None:
                self.failure = self.failure or task.exception()
                self._failed.set()

        task.add_done_callback(finished)

    async def execute(self) -> PipelineResult:
        observer = AIOKafkaConsumer(
            *(self.stack.topic_prefix + topic for topic in topics.STREAMS),
            bootstrap_servers=self.stack.kafka_bootstrap,
            auto_offset_reset="latest",
            enable_auto_commit=False,
        )
        await observer.start()
        await _positioned(observer)
        self._dispatch = httpx.AsyncClient(base_url=self.stack.service_url("dispatch"), timeout=30)
        watching = asyncio.create_task(self._watch(observer))
        sampling = asyncio.create_task(self._watch_samples())
        started = time.time()
        try:
            await self._supervised()
        finally:
            seconds = time.time() - started
            watching.cancel()
            sampling.cancel()
            for task in self._tasks:
                task.cancel()
            await observer.stop()
            await self._dispatch.aclose()
        completed = [t for t in self.traces if t.done.is_set()]
        last = max(
            (max([t.callback or 0.0, *t.notified.values()]) for t in completed), default=started
        )
        elapsed = max(last - started, 1e-9) if len(completed) == len(self.traces) else seconds
        samples: dict[str, list[float]] = {hop: [] for hop in HOPS}
        for trace in completed:
            for hop, value in trace.hops().items():
                if value is not None:
                    samples[hop].append(value)
        return PipelineResult(
            path=self.path,
            requests=len(self.traces),
            completed=len(completed),
            window=self.window_size,
            seconds=elapsed,
            requests_per_s=len(completed) / elapsed,
            bus_events=self.bus_events,
            bus_events_per_s=self.bus_events / elapsed,
            hops={hop: Latencies.of(values) for hop, values in samples.items()},
        )

    async def _supervised(self) -> None:
        """Drive the run; end it early when nothing has finished for ``STALL_S`` seconds or the
        time is up (reported as fewer requests done than sent)."""
        drive = asyncio.create_task(self._drive())
        deadline = time.monotonic() + self.timeout_s
        while not drive.done():
            await asyncio.wait({drive}, timeout=1)
            now = time.monotonic()
            if now > deadline or now - self._progress > STALL_S:
                drive.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await drive

    # -- the agents, or the site system ----------------------------------------------------
    async def _drive(self) -> None:
        if self.path == "http":
            async with httpx.AsyncClient(
                base_url=self.stack.service_url("intake"), timeout=30
            ) as intake:
                await self._register_all(lambda trace: self._post(intake, trace))
        else:
            producer = AIOKafkaProducer(
                bootstrap_servers=self.stack.kafka_bootstrap, enable_idempotence=True
            )
            await producer.start()
            try:
                await self._register_all(lambda trace: self._submit(producer, trace))
            finally:
                await producer.stop()

    async def _register_all(self, register: Callable[[Trace], Any]) -> None:
        started = time.monotonic()
        for trace in self.traces:
            if self.rate is not None:
                await asyncio.sleep(max(0.0, started + trace.index / self.rate - time.monotonic()))
            await self._or_failure(self.window.acquire())
            trace.registered = time.time()
            self._spawn(register(trace))
        await self._or_failure(asyncio.gather(*(trace.done.wait() for trace in self.traces)))

    async def _or_failure(self, waiting: Any) -> None:
        """Wait for ``waiting``, or return at once when some request's work failed."""
        futures = [asyncio.ensure_future(waiting), asyncio.ensure_future(self._failed.wait())]
        try:
            await asyncio.wait(futures, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for future in futures:
                future.cancel()
        if self._failed.is_set():
            raise RuntimeError(f"the {self.path} run failed: {self.failure!r}") from self.failure

    def _description(self, trace: Trace) -> str:
        return f"厨房水龙头漏水 [{self.run}#{trace.index}]"

    async def _post(self, intake: httpx.AsyncClient, trace: Trace) -> None:
        body = repair_request(
            phone=f"1371{trace.index:07d}",
            email=f"bench.{trace.index}@example.com",
            site_id=SITES[trace.index % len(SITES)],
            description=self._description(trace),
        )
        response = await retrying(
            lambda: intake.post(
                "/service-requests",
                json=body,
                headers={**auth(), "Idempotency-Key": f"{self.run}-{trace.index}"},
            )
        )
        response.raise_for_status()

    async def _submit(self, producer: AIOKafkaProducer, trace: Trace) -> None:
        site = SITES[trace.index % len(SITES)]
        source_ref = f"{site}-app-{self.run}-{trace.index}"
        event = SiteRequestSubmitted.build(
            event_id=uuid.uuid4(),
            producer=f"site:{site}",
            site_id=site,
            correlation_id=uuid.uuid4(),
            payload=SiteRequestSubmittedPayload(
                source_ref=source_ref,
                kind=RequestKind.REPAIR,
                category="own_unit",
                description=self._description(trace),
                resident=Resident(
                    name="王芳",
                    phone=f"1371{trace.index:07d}",
                    email=f"bench.{trace.index}@example.com",
                    building="3",
                    room="1202",
                ),
                requested_items=[RequestedItem(**PAID_ITEM)],  # a paid repair names its item
                registered_at=datetime.now(UTC),
            ),
        )
        await producer.send_and_wait(
            self.stack.topic_prefix + SiteRequestSubmitted.TOPIC,
            event.model_dump_json().encode(),
            key=event.partition_key().encode(),
        )

    # -- the technicians -------------------------------------------------------------------
    async def _complete(self, trace: Trace, work_order_id: str, technician: dict[str, Any]) -> None:
        completion: dict[str, Any] = {"resident_signed": True}
        if trace.paid:
            method = "cash" if trace.index % 4 == 0 else "bank_collection"
            completion |= {"items": [PAID_ITEM], "payment_method": method}
        async with self._technicians:
            trace.completion_sent = time.time()
            response = await retrying(
                lambda: self._dispatch.post(
                    f"/work-orders/{work_order_id}/completion",
                    json=completion,
                    headers=technician_of({"technician": technician}),
                )
            )
        response.raise_for_status()

    # -- the bus ---------------------------------------------------------------------------
    async def _watch(self, observer: AIOKafkaConsumer) -> None:
        while True:
            batch = await observer.getmany(timeout_ms=500, max_records=2000)
            for records in batch.values():
                for record in records:
                    self._observe(record)

    def _observe(self, record: Any) -> None:
        event = json.loads(record.value)
        payload = event["payload"]
        at = record.timestamp / 1000
        kind = event["event_type"]
        if kind == "ServiceRequestAccepted":
            mark = MARK.search(payload["description"])
            if mark is None or mark["run"] != self.run:
                return
            trace = self.traces[int(mark["i"])]
            trace.request_id = payload["request_id"]
            self.by_request[payload["request_id"]] = trace
            self.bus_events += 1
            # partitions of different topics arrive in no set order: replay what came first
            for early in self._early.pop(payload["request_id"], []):
                self._observe(early)
            return
        found = self.by_request.get(payload.get("request_id", ""))
        if found is None:
            self._early.setdefault(payload.get("request_id", ""), []).append(record)
            return
        self.bus_events += 1
        if kind == "WorkOrderDispatched" and found.dispatched is None:
            found.dispatched = at
            found.callback_id = str(derive_id("callback", uuid.UUID(payload["work_order_id"])))
            self._spawn(self._complete(found, payload["work_order_id"], payload["technician"]))
        elif kind == "ChargeRaised":
            found.charged = at
        elif kind == "CallbackScheduled" and found.callback is None:  # v1 and v2 of it
            found.callback = at
        elif kind == "NotificationSent":
            found.notified.setdefault((payload["about_event_type"], payload["channel"]), at)
        self._settle(found)

    def _settle(self, trace: Trace) -> None:
        if not trace.done.is_set():
            trace.check_done()
            if trace.done.is_set():
                self.window.release()
                self._progress = time.monotonic()
                self.tick(1)

    async def _watch_samples(self) -> None:
        """Which completed services the month's sample left out: no callback is scheduled for
        them, so callback's sample (what an auditor reads) says so, once a second."""
        headers = auth(Role.QUALITY_HEAD)
        async with httpx.AsyncClient(
            base_url=self.stack.service_url("callback"), timeout=30
        ) as callback:
            while True:
                await asyncio.sleep(1)
                waiting = {
                    t.callback_id: t
                    for t in self.traces
                    if t.paid and t.callback_id and t.completion_sent and t.callback is None
                }
                if not waiting:
                    continue
                month = datetime.now(SITE_TIME_ZONE).strftime("%Y-%m")
                for site in SITES:
                    response = await callback.get(
                        f"/callback-samples/{site}/{month}", headers=headers
                    )
                    if response.status_code != 200:
                        continue
                    for sample in response.json()["samples"]:
                        for draw in sample["draws"]:
                            trace = waiting.get(draw["case_id"])
                            if trace is not None and not draw["drawn"]:
                                trace.not_drawn = True
                                self._settle(trace)


async def _positioned(consumer: AIOKafkaConsumer) -> None:
    """Wait until the consumer has its partitions and stands at their ends."""
    deadline = time.monotonic() + 30
    while not consumer.assignment() and time.monotonic() < deadline:
        await consumer.getmany(timeout_ms=200)
    for partition in consumer.assignment():
        await consumer.position(partition)
