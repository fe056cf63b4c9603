"""``make chaos``: requests flow while processes crash; every effect must happen exactly once.

A private stack on free ports. The flow driver registers ``--requests`` requests (half of them
paid) and completes their work orders, and part way a site's income and spending statement is
approved and sent to its ``--households`` households, while a fault driver, from a fixed seed,
SIGKILLs random service processes and restarts them, and crashes and restarts the Kafka broker
once and the store once. Then it counts, in the databases, the SMS gateway, the mailbox and the bus, what
each request caused, and exits 1 if anything is missing or doubled (a message dead-lettered with
a reason is reported, not counted as lost). It stops itself within ``--budget`` seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import shutil
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hotline_infra.processes import StartError, free_port
from hotline_infra.stack import SERVICES, Ports, Stack
from rich.console import Console
from rich.table import Table

from contracts import topics
from hotline_bench import stop_on_sigterm
from hotline_bench.flows import Driver, differences, settled_effects, tally
from hotline_bench.notice_flow import StatementBroadcast
from hotline_bench.probes import read_topic


@dataclass
class Faults:
    """What the fault driver did, in order, with the seconds since the start."""

    log: list[tuple[float, str]] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def note(self, what: str) -> None:
        self.log.append((time.monotonic() - self.started, what))


async def inject(stack: Stack, driver: Driver, rng: random.Random, faults: Faults) -> None:
    """Kill and restart services at random until the flow is driven; crash Kafka and the store
    once each, at a random point of the stream."""
    kafka_at = int(driver.total * rng.uniform(0.15, 0.35))  # by work orders completed
    store_at = int(driver.total * rng.uniform(0.5, 0.7))
    crashed_kafka = crashed_store = False
    while len(driver.completed) < driver.total:
        await asyncio.sleep(rng.uniform(3, 8))
        if not crashed_kafka and len(driver.completed) >= kafka_at:
            crashed_kafka = True
            await crash_and_restart(stack, "kafka", rng, faults)
        elif not crashed_store and len(driver.completed) >= store_at:
            crashed_store = True
            await crash_and_restart(stack, "ferretdb", rng, faults)
        else:
            victim = rng.choice(SERVICES)
            stack.kill_service(victim)
            faults.note(f"SIGKILL {victim}")
            try:
                await asyncio.sleep(rng.uniform(0.5, 3))
            finally:  # restarted even when the flow ends during the pause
                stack.start_service(victim, wait=False)
                faults.note(f"restarted {victim}")


async def crash_and_restart(stack: Stack, name: str, rng: random.Random, faults: Faults) -> None:
    """SIGKILL the broker or the store, as a power cut of its process, and start it again on the
    same port and data."""
    stack.infra[name].kill()
    faults.note(f"SIGKILL {name}")
    start = stack.start_kafka if name == "kafka" else stack.start_ferretdb
    try:
        await asyncio.sleep(rng.uniform(1, 3))
    finally:  # restarted even when the flow ends during the pause
        await asyncio.to_thread(start)
        faults.note(f"restarted {name}")


async def dead_letters(stack: Stack) -> list[dict[str, Any]]:
    """Every message any service dead-lettered, with its reason."""
    found = []
    for stream in topics.STREAMS:
        for record in await read_topic(stack, topics.dead_letter_topic(stream), timeout_s=2):
            headers = {key: value.decode() for key, value in record.headers}
            try:
                request_id = json.loads(record.value)["payload"].get("request_id")
            except (ValueError, KeyError, AttributeError):
                request_id = None
            found.append(
                {"topic": stream, "request_id": request_id, "reason": headers.get("dlq-reason")}
            )
    return found


async def chaos(
    stack: Stack, requests: int, households: int, seed: int, budget_s: float, console: Console
) -> int:
    deadline = time.monotonic() + budget_s
    rng = random.Random(seed)  # noqa: S311 - a reproducible fault plan, not a secret
    faults = Faults()
    with console.status("starting Kafka, the store, the sinks and the five services"):
        await asyncio.to_thread(stack.start_infra)
        await asyncio.to_thread(stack.start_services)
    broadcast = StatementBroadcast(stack, households)
    with console.status(f"recording a site's {households} households"):
        await broadcast.set_up()
    driver = Driver(stack, f"c{seed}", requests=requests, milestone=requests)
    flow = asyncio.gather(
        driver.register_all(), driver.complete_all(), broadcast.publish_when(driver)
    )
    faulting = asyncio.create_task(inject(stack, driver, rng, faults))
    finished = True
    with console.status("") as status:

        async def report() -> None:
            while True:
                status.update(
                    f"registered {driver.registered}/{requests}, completed "
                    f"{len(driver.completed)}/{requests}; faults so far: {len(faults.log)}"
                )
                await asyncio.sleep(0.5)

        reporting = asyncio.create_task(report())
        try:
            # leave a fifth of the budget for the effects to settle
            await asyncio.wait_for(flow, max(deadline - time.monotonic() - budget_s / 5, 1))
        except TimeoutError:
            finished = False
        except Exception as exc:  # the driver gave up on a service: report what stands
            console.print(f"[red]the flow driver stopped: {exc}[/red]")
            finished = False
        finally:
            faulting.cancel()
            reporting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await faulting  # lets a pending restart finish
    # every process back up before counting
    for instance, process in stack.services.items():
        if not process.running:
            stack.start_service(instance, wait=False)
    try:
        for instance in stack.services:
            await asyncio.to_thread(stack.wait_ready, instance)
    except StartError as exc:
        console.print(f"[red]{str(exc).splitlines()[0]}[/red]")
        console.print("  " + "; ".join(f"{at:.0f}s {what}" for at, what in faults.log))
        return 1
    with console.status("counting effects in the databases, sinks and topics"):
        want, got = await settled_effects(stack, driver, max(deadline - time.monotonic(), 0))
        notice = await broadcast.settled_effects(max(deadline - time.monotonic(), 0))
        want, got = {**want, **broadcast.expected()}, {**got, **notice}
        dead = await dead_letters(stack)
    finished = finished and broadcast.published
    return verdict(console, driver, want, got, dead, faults, finished)


def verdict(
    console: Console,
    driver: Driver,
    want: dict[str, Any],
    got: dict[str, Any],
    dead: list[dict[str, Any]],
    faults: Faults,
    finished: bool,
) -> int:
    kills = Counter(what.split()[1] for _, what in faults.log if what.startswith("SIGKILL"))
    console.print(
        "faults injected: "
        + ", ".join(f"{name} killed {count}×" for name, count in sorted(kills.items()))
        + ", each restarted:"
    )
    console.print("  " + "; ".join(f"{at:.0f}s {what}" for at, what in faults.log))
    table = Table(title=f"effects of {driver.total} requests ({len(driver.requests)} registered)")
    for column in ("effect", "expected", "counted", "requests short", "requests doubled"):
        table.add_column(column, justify="right" if column != "effect" else "left")
    dead_requests = {d["request_id"] for d in dead if d["request_id"]}
    rows = tally(want, got, excused=dead_requests)
    for row in rows:
        cells = (row.expected, row.counted, row.short, row.doubled)
        table.add_row(row.effect, *(str(cell) for cell in cells))
    console.print(table)
    console.print(
        f"resends: {got.get('resends', 0)} message attempts after the first (a crash, or a "
        "gateway away, between recording an attempt and its result); the SMS gateway and the "
        f"mailbox received {got.get('resends_dropped_by_sinks', 0)} of them a second time and "
        "dropped the duplicate by message id, so each resident got each message once"
    )
    for letter in dead:
        console.print(f"dead-lettered on {letter['topic']}: {letter['reason']}")
    problems = differences(want, got, excused=dead_requests)
    if not finished:
        console.print(
            f"[red]the flow did not finish in time: {driver.registered} registered, "
            f"{len(driver.completed)} completed of {driver.total}[/red]"
        )
    if problems or not finished or len(driver.requests) < driver.total:
        console.print(f"[red]FAILED: {'; '.join(problems) or 'see above'}[/red]")
        return 1
    console.print(
        f"[green]OK: every one of {driver.total} requests reached its end; each work order, "
        f"charge, callback and resident message exactly once; the site's statement reached "
        f"each of its households once[/green]"
    )
    return 0


def store_goroutines(stack: Stack, console: Console) -> None:
    """Where each of the store's goroutines waits, kept under /tmp: a store that stopped
    answering shows its lock here."""
    url = f"http://127.0.0.1:{stack.store_metrics_port}/debug/pprof/goroutine?debug=2"
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            dump = answer.read()
    except OSError as exc:
        console.print(f"(no goroutine dump from the store: {exc})")
        return
    kept = Path(tempfile.gettempdir()) / f"hotline-chaos-store-goroutines-{int(time.time())}.txt"
    kept.write_bytes(dump)
    console.print(f"the store's goroutines: {kept}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="make chaos", description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument(
        "--households", type=int, default=300, help="the site sent its statement under faults"
    )
    parser.add_argument("--seed", type=int, default=20261123, help="the same seed, the same faults")
    parser.add_argument(
        "--budget", type=float, default=960, help="seconds until it stops itself (default 16 min)"
    )
    args = parser.parse_args()
    console = Console()
    root = Path(tempfile.mkdtemp(prefix="hotline-chaos-"))
    stack = Stack(
        root,
        Ports.free(),
        topic_prefix="chaos.",
        db_prefix="chaos_",
        store_metrics_port=free_port(),  # its debug port, for the goroutine dump on a failure
        quiet_hours="off",  # chaos runs at any hour: every message is counted as it is sent
    )
    stop_on_sigterm()
    code = 1
    try:
        code = asyncio.run(
            chaos(stack, args.requests, args.households, args.seed, args.budget, console)
        )
    finally:
        if code:  # what each process said last, before its logs go with the directory
            store_goroutines(stack, console)
            for name, process in {**stack.infra, **stack.services}.items():
                console.print(f"----- {name} -----\n{process.log_tail(30)}", markup=False)
        stack.stop()
        shutil.rmtree(root, ignore_errors=True)
    raise SystemExit(code)


if __name__ == "__main__":
    main()
