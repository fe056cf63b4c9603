"""The bench's results: one JSON document, and the same figures as a Markdown table."""

from __future__ import annotations

import math
import os
import platform
import sys
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any

import psutil
from hotline_infra.install import FERRETDB_VERSION, KAFKA_VERSION

NOT_BUILT = "not built"


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": sys.version.split()[0],
        "kafka": KAFKA_VERSION,
        "store": f"FerretDB {FERRETDB_VERSION} (SQLite)",
    }


def plain(value: Any) -> Any:
    """Dataclasses and NaN made JSON-friendly."""
    if is_dataclass(value) and not isinstance(value, type):
        return plain(asdict(value))
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 3)
    return value


def _n(value: float | None, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{digits}f}"


def _broadcast(row: Any) -> list[str]:
    title = "**5. Broadcast** (100,000 recipients → SMS gateway)"
    if isinstance(row, str):  # not built yet, in an older result
        return [f"{title}: {row}"]
    if "error" in row:
        return [f"{title}: failed: {row['error'][:200]}"]
    return [
        f"{title}: {_n(row['received'])} of {_n(row['recipients'])} at the gateway "
        f"{_n(row['seconds'], 1)} s after the broadcast was created ({_n(row['per_s'])}/s); "
        f"households seeded over Kafka first in {_n(row['seeding_s'], 0)} s"
    ]


def _bank_file(row: Any) -> list[str]:
    title = "**4. Bank file** (1,000,000 debits → pain.008; 100,000 against `sepaxml`)"
    if isinstance(row, str):  # not built yet, in an older result
        return [f"{title}: {row}"]
    lines = [
        title,
        "",
        "| writer | debits | seconds | peak MB | file MB |",
        "|---|---|---|---|---|",
    ]
    for key in ("million", "ours_100k", "sepaxml_100k"):
        r = row[key]
        if "error" in r:
            lines.append(f"| {r['writer']} | {_n(r['debits'])} | failed: {r['error'][:80]} | | |")
            continue
        lines.append(
            f"| {r['writer']} | {_n(r['debits'])} | {_n(r['seconds'], 1)} | "
            f"{_n(r['peak_mb'], 0)} | {_n(r['file_mb'], 0)} |"
        )
    if "speedup" in row:
        lines += [
            "",
            f"On the same 100,000 debits this writer is {row['speedup']:.1f}× faster than "
            f"`sepaxml` with {row['memory_ratio']:.2f} of its peak memory; targets (≤ 30 s and "
            "≤ 300 MB for a million, ≥ 3× faster, ≤ 1/5 of the memory): "
            + ("met" if row["targets_met"] else "**not met**"),
        ]
    return lines


def _ms(latency: dict[str, Any]) -> str:
    return f"{_n(latency['p50_ms'], 1)} / {_n(latency['p95_ms'], 1)} / {_n(latency['p99_ms'], 1)}"


def markdown(results: dict[str, Any]) -> str:
    """The figures as the README's Performance section shows them."""
    m = results["machine"]
    lines = [
        f"Measured {results['date']} with `{results['command']}` ({results['size']} run, "
        f"{results['seconds']:.0f} s) on {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB, "
        f"{m['os']}; Python {m['python']}, Kafka {m['kafka']}, {m['store']}.",
        "",
        "**1. Limits of this machine** (same clients and settings as the services)",
        "",
        "| what | throughput | latency p50 / p95 / p99 ms |",
        "|---|---|---|",
    ]
    kafka, store = results["limits"]["kafka"], results["limits"]["store"]
    lines += [
        f"| Kafka produce, {kafka['message_bytes']} B events, pipelined | "
        f"{_n(kafka['produce_per_s'])} msg/s | |",
        f"| Kafka produce, one awaited send at a time | {_n(kafka['awaited_produce_per_s'])} msg/s | |",
        f"| Kafka consume | {_n(kafka['consume_per_s'])} msg/s | |",
        f"| Kafka produce → consume, one message | | {_ms(kafka['round_trip'])} |",
        f"| Store insert, {store['concurrency']} in flight | {_n(store['insert_per_s'])} doc/s | "
        f"{_ms(store['insert'])} |",
        f"| Store update by _id, {store['concurrency']} in flight | {_n(store['update_per_s'])} doc/s | "
        f"{_ms(store['update'])} |",
        "",
        "**2. The pipeline**: register → dispatch → complete → charge → callback → notify "
        "(half the requests paid)",
        "",
        "| path | requests done | in flight | requests/s | bus events/s (of raw produce) |",
        "|---|---|---|---|---|",
    ]
    round_trip = kafka["round_trip"]["p50_ms"]
    for run in results["pipeline"]:
        share = run["bus_events_per_s"] / kafka["produce_per_s"] if kafka["produce_per_s"] else 0
        lines.append(
            f"| {run['label']} | {run['completed']}/{run['requests']} | {run['window']} | "
            f"{_n(run['requests_per_s'], 1)} | {_n(run['bus_events_per_s'])} ({share:.1%}) |"
        )
    lines += [
        "",
        "| hop (HTTP path) | p50 / p95 / p99 ms | p50 ÷ bare Kafka hop |",
        "|---|---|---|",
    ]
    first = results["pipeline"][0]
    for hop, latency in first["hops"].items():
        ratio = latency["p50_ms"] / round_trip if latency["p50_ms"] and round_trip else None
        lines.append(f"| {hop} | {_ms(latency)} | {_n(ratio, 1)}× |")
    ordinary = results.get("fixed_rate")
    if ordinary:
        lines += [
            "",
            f"**2b. An ordinary day**: {_n(ordinary['rate'], 1)} requests/s for "
            f"{ordinary['requests'] / ordinary['rate']:.0f} s, far below saturation "
            f"({ordinary['completed']}/{ordinary['requests']} done): what a resident waits",
            "",
            "| hop (HTTP path, fixed rate) | p50 / p95 / p99 ms |",
            "|---|---|",
        ]
        lines += [f"| {hop} | {_ms(latency)} |" for hop, latency in ordinary["hops"].items()]
    runs_with_lag = [r for r in [*results["pipeline"], *([ordinary] if ordinary else [])]]
    lagging = sorted({s for r in runs_with_lag for s in r.get("relay_lag") or {}})
    if lagging:
        lines += [
            "",
            "**Relay lag**: the oldest outbox entry not yet published, sampled every second from "
            "each service's `/metrics` (max / p95, seconds)",
            "",
            "| run | " + " | ".join(lagging) + " |",
            "|---|" + "---|" * len(lagging),
        ]
        for run in runs_with_lag:
            lag = run.get("relay_lag") or {}
            cells = [
                f"{lag[s]['max_s']:.2f} / {lag[s]['p95_s']:.2f}" if s in lag else "–"
                for s in lagging
            ]
            lines.append(f"| {run['label']} | " + " | ".join(cells) + " |")
    scale = results["scale_out"]
    lines += [
        "",
        "**3. Scale-out**: dispatch and notification with 1 and with 2 replicas (HTTP path)",
        "",
        "| replicas | requests/s | ratio |",
        "|---|---|---|",
        f"| 1 | {_n(scale['one'], 1)} | 1.00 |",
        f"| 2 | {_n(scale['two'], 1)} | {_n(scale['ratio'], 2)} |",
        "",
        *_feed(results.get("feed_volume")),
        "",
        *_bank_file(results["bank_file"]),
        "",
        *_broadcast(results["broadcast"]),
    ]
    lines += [
        "",
        "**6. Cost: CPU seconds per 1,000 requests** (process accounting, user + system)",
        "",
        "| process | " + " | ".join(run["label"] for run in results["pipeline"]) + " |",
        "|---|" + "---|" * len(results["pipeline"]),
    ]
    processes = list(results["pipeline"][0]["cpu_s_per_1000"])
    for process in processes:
        cells = [_n(run["cpu_s_per_1000"].get(process), 2) for run in results["pipeline"]]
        lines.append(f"| {process} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "and **store commands per request** (FerretDB's own counters; the five most frequent)",
        "",
        "| path | all | " + " | ".join(f"top {i}" for i in range(1, 6)) + " |",
        "|---|---|" + "---|" * 5,
    ]
    for run in [*results["pipeline"], *([ordinary] if ordinary else [])]:
        commands = run.get("store_commands_per_request") or {}
        top = [f"{name} {count:.1f}" for name, count in list(commands.items())[:5]]
        top += [""] * (5 - len(top))
        lines.append(
            f"| {run['label']} | {_n(sum(commands.values()), 1)} | " + " | ".join(top) + " |"
        )
    return "\n".join(lines) + "\n"


def _feed(feed: dict[str, Any] | None) -> list[str]:
    if not feed:
        return []
    verdict = "exactly" if feed["exact"] else "NOT exactly"
    return [
        "",
        f"**3b. A site system's feed at volume**: {feed['unique']:,} requests with their own "
        f"references, half of them sent twice ({feed['sent']:,} messages), through intake: "
        f"{feed['registered']:,} registered ({verdict} one per reference), {feed['refused']} "
        f"refused, in {feed['seconds']:.0f} s ({_n(feed['per_s'], 1)} registrations/s)",
    ]
