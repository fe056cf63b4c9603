"""``make bench``: the platform's figures against this machine's own limits.

Starts a private stack on free ports (Kafka, FerretDB, the sinks), measures bare Kafka and the
bare store, then drives the five services through a short unreported warm-up and three runs,
each on fresh topics and databases: the HTTP path, the site-feed path, and the HTTP path with
two replicas of dispatch and of notification. Prints a table and writes ``bench/results/<date>.json`` and ``.md``.
Measures; never fails on a slow machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psutil
from hotline_infra.processes import free_port
from hotline_infra.stack import SERVICES, Ports, Stack
from hotline_infra.topics import ensure_topics
from prometheus_client.parser import text_string_to_metric_families
from rich.console import Console
from rich.markdown import Markdown
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from hotline_bench import stop_on_sigterm
from hotline_bench.bank_file import bank_file_row
from hotline_bench.broadcast import broadcast_row
from hotline_bench.feed import feed_volume
from hotline_bench.limits import measure_kafka, measure_store
from hotline_bench.pipeline import Pipeline, PipelineResult
from hotline_bench.report import machine, markdown, plain

SCALED = ("dispatch", "notification")
FEED_SERVICES = ("intake", "billing")
"""The site feed runs through intake; billing publishes the price lists its paid requests name."""


@dataclass(frozen=True)
class Sizes:
    kafka_messages: int
    round_trips: int
    store_documents: int
    requests: int
    warm_up: int
    window: int
    timeout_s: float
    fixed_rate: float
    """Requests per second of the ordinary-day run, far below saturation."""
    fixed_rate_s: float
    feed_unique: int
    """Requests a site system posts at once (half of them twice): the intake issue's 10,000."""
    broadcast_recipients: int = 10_000
    """Households one broadcast goes to. The notification issue asks 100,000; the households
    reach notification as intake's directory events, consumed one store write each (about 100
    to 400 a second here), so 200,000 of them would take the bench 10 to 30 minutes before the
    clock starts: the bench measures 10,000 until the directory is seeded faster (README,
    Performance)."""

    @classmethod
    def full(cls) -> Sizes:
        return cls(100_000, 300, 5_000, 1_000, 200, 48, 300, 5.0, 60.0, 10_000)

    @classmethod
    def quick(cls) -> Sizes:
        return cls(10_000, 50, 500, 150, 50, 24, 120, 5.0, 20.0, 1_000, 2_000)


def cpu_seconds(stack: Stack) -> dict[str, float]:
    """User + system CPU seconds so far of every process of the stack, by name."""
    used: dict[str, float] = {}
    processes = {**stack.infra, **stack.services}
    for name, managed in processes.items():
        if managed.process is None or not managed.running:
            continue
        try:
            times = psutil.Process(managed.process.pid).cpu_times()
        except psutil.NoSuchProcess:
            continue
        used[name] = times.user + times.system
    own = psutil.Process().cpu_times()
    used["bench driver"] = own.user + own.system
    return used


async def store_commands(stack: Stack) -> Counter[str]:
    """Commands the store has answered so far, by name, from FerretDB's own metrics."""
    if stack.store_metrics_url is None:
        return Counter()
    async with httpx.AsyncClient(timeout=10) as client:
        text = (await client.get(stack.store_metrics_url)).text
    counts: Counter[str] = Counter()
    for family in text_string_to_metric_families(text):
        if family.name == "ferretdb_client_requests":
            for sample in family.samples:
                if sample.name.endswith("_total"):
                    counts[sample.labels["command"]] += int(sample.value)
    return counts


LAG_METRIC = "hotline_outbox_oldest_pending_seconds"


class LagSampler:
    """Reads every service instance's relay lag (``/metrics``: the age of the oldest outbox
    entry not yet published) once a second while a run goes on. The services keep it in
    memory, so sampling costs the store nothing."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.samples: dict[str, list[float]] = defaultdict(list)

    async def sample(self) -> None:
        async with httpx.AsyncClient(timeout=2) as client:
            while True:
                for instance in list(self.stack.services):
                    try:
                        text = (
                            await client.get(f"{self.stack.service_url(instance)}/metrics")
                        ).text
                    except httpx.HTTPError:
                        continue
                    oldest = 0.0
                    for family in text_string_to_metric_families(text):
                        if family.name == LAG_METRIC:
                            oldest = max([oldest, *(sample.value for sample in family.samples)])
                    self.samples[instance.split("#")[0]].append(oldest)
                await asyncio.sleep(1)

    def summary(self) -> dict[str, dict[str, float]]:
        """Per service: the largest lag seen and the 95th percentile, in seconds."""
        return {
            service: {
                "max_s": max(values),
                "p95_s": sorted(values)[max(0, int(len(values) * 0.95) - 1)],
            }
            for service, values in sorted(self.samples.items())
            if values
        }


def per_request(before: Counter[str], after: Counter[str], requests: int) -> dict[str, float]:
    """Store commands per request, by command, most frequent first; those issued less than once
    in 20 requests (the drivers' heartbeats) left out."""
    used = after - before
    per = {name: count / max(requests, 1) for name, count in used.most_common()}
    return {name: count for name, count in per.items() if count >= 0.05}


def per_thousand(
    before: dict[str, float], after: dict[str, float], requests: int
) -> dict[str, float]:
    """CPU seconds per 1,000 requests, replicas of one service added together."""
    totals: dict[str, float] = defaultdict(float)
    for name, seconds in after.items():
        totals[name.split("#")[0]] += seconds - before.get(name, 0.0)
    return {name: used * 1000 / max(requests, 1) for name, used in totals.items()}


class Bench:
    def __init__(self, stack: Stack, sizes: Sizes, progress: Progress) -> None:
        self.stack = stack
        self.sizes = sizes
        self.progress = progress

    def step(self, description: str, total: int | None = None) -> Any:
        return self.progress.add_task(description, total=total)

    def done(self, task: Any) -> None:
        self.progress.update(task, completed=self.progress.tasks[task].total or 1, total=None)
        self.progress.stop_task(task)

    async def limits(self) -> dict[str, Any]:
        size = self.sizes
        task = self.step("bare Kafka: produce, consume, round trips", size.kafka_messages * 2)
        kafka = await measure_kafka(
            self.stack.kafka_bootstrap,
            "raw.limits",
            size.kafka_messages,
            size.round_trips,
            lambda n: self.progress.advance(task, n),
        )
        self.done(task)
        task = self.step("bare store: insert, update by _id", size.store_documents * 2)
        store = await measure_store(
            self.stack.mongo_url,
            "raw_limits",
            size.store_documents,
            16,
            lambda n: self.progress.advance(task, n),
        )
        self.done(task)
        return {"kafka": asdict(kafka), "store": asdict(store)}

    async def feed(self, number: int) -> dict[str, Any]:
        """A site system's feed at volume, with duplicates, through intake alone."""
        stack = self.stack
        stack.topic_prefix, stack.db_prefix = f"run{number}.", f"run{number}_"
        await ensure_topics(stack.kafka_bootstrap, stack.topic_prefix, stack.partitions)
        for name in FEED_SERVICES:
            stack.start_service(name, wait=False)
        for name in FEED_SERVICES:
            await asyncio.to_thread(stack.wait_ready, name)
        await asyncio.to_thread(stack.wait_demo_price_lists)  # what the paid requests name
        await asyncio.sleep(2)
        size = self.sizes.feed_unique
        task = self.step(f"site feed: {size:,} requests, half of them twice")
        result = await feed_volume(stack, size, self.sizes.timeout_s * 3)
        self.done(task)
        for name in FEED_SERVICES:
            await asyncio.to_thread(stack.stop_service, name)
        return result

    async def broadcast(self, number: int) -> dict[str, Any]:
        """A broadcast to a whole site of ``broadcast_recipients`` households, notification alone
        on fresh topics and databases; seeded first, then timed to the last SMS."""
        stack = self.stack
        stack.topic_prefix, stack.db_prefix = f"run{number}.", f"run{number}_"
        await ensure_topics(stack.kafka_bootstrap, stack.topic_prefix, stack.partitions)
        stack.start_service("notification", wait=False)
        await asyncio.to_thread(stack.wait_ready, "notification")
        size = self.sizes.broadcast_recipients
        task = self.step(f"broadcast: {size:,} households seeded, then one notice to them all")
        try:
            return await broadcast_row(stack, size, self.sizes.timeout_s)
        finally:
            self.done(task)
            await asyncio.to_thread(stack.stop_service, "notification")

    async def pipeline(
        self,
        number: int,
        label: str,
        path: str,
        replicas: int,
        requests: int | None = None,
        rate: float | None = None,
    ) -> dict[str, Any]:
        """One run on fresh topics and databases, so no run pays for an earlier one's data."""
        stack = self.stack
        stack.topic_prefix, stack.db_prefix = f"run{number}.", f"run{number}_"
        starting = self.step(f"{label}: starting the services")
        await ensure_topics(stack.kafka_bootstrap, stack.topic_prefix, stack.partitions)
        for name in SERVICES:
            stack.start_service(name, wait=False)
            if name in SCALED and replicas > 1:
                stack.start_service(name, wait=False, replica=2)
        for instance in list(stack.services):
            await asyncio.to_thread(stack.wait_ready, instance)
        await asyncio.to_thread(stack.wait_demo_price_lists)
        await asyncio.sleep(5 if replicas > 1 else 2)  # consumer groups settle their partitions
        self.done(starting)
        requests = requests or self.sizes.requests
        task = self.step(f"{label}: requests through all five services", requests)
        before, commands_before = cpu_seconds(stack), await store_commands(stack)
        lag = LagSampler(stack)
        sampling = asyncio.create_task(lag.sample())
        try:
            result: PipelineResult = await Pipeline(
                stack,
                path,
                requests,
                self.sizes.window,
                lambda n: self.progress.advance(task, n),
                self.sizes.timeout_s,
                rate=rate,
            ).execute()
        finally:
            sampling.cancel()
        after, commands_after = cpu_seconds(stack), await store_commands(stack)
        self.done(task)
        for instance in list(stack.services):
            await asyncio.to_thread(stack.stop_service, instance)
        return {
            "label": label,
            "rate": rate,
            **asdict(result),
            "relay_lag": lag.summary(),
            "cpu_s_per_1000": per_thousand(before, after, result.completed),
            "store_commands_per_request": per_request(
                commands_before, commands_after, result.completed
            ),
        }


async def run(bench: Bench) -> dict[str, Any]:
    started = time.monotonic()
    task = bench.step("starting Kafka, the store and the sinks")
    await asyncio.to_thread(bench.stack.start_infra)
    bench.done(task)
    limits = await bench.limits()
    # the JVM and the caches warm up on a short run first, or the first measured run pays for it
    await bench.pipeline(0, "warm-up", "http", replicas=1, requests=bench.sizes.warm_up)
    runs = [
        await bench.pipeline(1, "HTTP", "http", replicas=1),
        await bench.pipeline(2, "site feed", "site-feed", replicas=1),
        await bench.pipeline(3, "HTTP, 2× dispatch + notification", "http", replicas=2),
    ]
    size = bench.sizes
    ordinary = await bench.pipeline(
        4,
        f"HTTP at {size.fixed_rate:g} requests/s",
        "http",
        replicas=1,
        requests=int(size.fixed_rate * size.fixed_rate_s),
        rate=size.fixed_rate,
    )
    feed = await bench.feed(5)
    task = bench.step("bank file: 1,000,000 debits, and 100,000 against sepaxml")
    bank_file = await asyncio.to_thread(bank_file_row)
    bench.done(task)
    broadcast = await bench.broadcast(6)
    one, two = runs[0]["requests_per_s"], runs[2]["requests_per_s"]
    return {
        "date": datetime.now(UTC).date().isoformat(),
        "seconds": time.monotonic() - started,
        "machine": machine(),
        "limits": limits,
        "pipeline": runs,
        "fixed_rate": ordinary,
        "feed_volume": feed,
        "scale_out": {"one": one, "two": two, "ratio": two / one if one else None},
        "bank_file": bank_file,
        "broadcast": broadcast,
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="small sizes, about two minutes (default: full run)"
    )
    parser.add_argument(
        "--out", type=Path, default=Path("bench/results"), help="where results are written"
    )
    args = parser.parse_args()
    sizes = Sizes.quick() if args.quick else Sizes.full()
    console = Console()
    root = Path(tempfile.mkdtemp(prefix="hotline-bench-"))
    stack = Stack(
        root,
        Ports.free(),
        topic_prefix="raw.",
        db_prefix="raw_",
        store_metrics_port=free_port(),
        quiet_hours="off",  # the bench runs at any hour: no SMS held for the morning
    )
    stop_on_sigterm()
    try:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            results = asyncio.run(run(Bench(stack, sizes, progress)))
    finally:
        stack.stop()  # the stack's processes live in sessions of their own: stop them for sure
        shutil.rmtree(root, ignore_errors=True)
    results["size"] = "quick" if args.quick else "full"
    results["command"] = "make bench" + (" QUICK=1" if args.quick else "")
    results["sizes"] = asdict(sizes)
    table = markdown(results)
    console.print(Markdown(table))
    args.out.mkdir(parents=True, exist_ok=True)
    stem = results["date"] + ("-quick" if args.quick else "")
    (args.out / f"{stem}.json").write_text(
        json.dumps(plain(results), indent=2, ensure_ascii=False) + "\n"
    )
    (args.out / f"{stem}.md").write_text(table)
    console.print(f"written: {args.out / stem}.json and .md")


if __name__ == "__main__":
    main()
