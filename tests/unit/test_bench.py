"""The measuring tools' own arithmetic: percentiles, when a request counts as done, CPU per
1,000 requests, the chaos verdict, and the report's rows for what is not built yet."""

from __future__ import annotations

import io
import json
import math
from collections import Counter
from types import SimpleNamespace
from typing import Any

import pytest
from hotline_bench.__main__ import per_thousand
from hotline_bench.chaos import Faults, verdict
from hotline_bench.pipeline import HOPS, Pipeline, Trace
from hotline_bench.report import markdown, plain
from hotline_bench.stats import Latencies
from rich.console import Console


def test_percentiles_are_read_in_milliseconds() -> None:
    latencies = Latencies.of([i / 1000 for i in range(1, 101)])  # 1 ms .. 100 ms
    assert latencies.count == 100
    assert latencies.p50_ms == pytest.approx(50.5)
    assert latencies.p95_ms == pytest.approx(95.05)
    assert latencies.p99_ms == pytest.approx(99.01)


def test_no_samples_give_no_figure_rather_than_zero() -> None:
    assert math.isnan(Latencies.of([]).p50_ms)
    assert plain(Latencies.of([])) == {"count": 0, "p50_ms": None, "p95_ms": None, "p99_ms": None}


def test_a_free_request_is_done_with_its_callback_and_three_messages() -> None:
    trace = Trace(index=1, paid=False, registered=100.0)
    trace.notified = {
        ("ServiceRequestAccepted", "sms"): 101.5,
        ("ServiceRequestAccepted", "email"): 101.6,
    }
    trace.callback = 104.0
    trace.check_done()
    assert not trace.done.is_set()
    trace.notified[("WorkOrderDispatched", "sms")] = 102.0
    trace.check_done()
    assert trace.done.is_set()


def test_a_paid_request_also_waits_for_its_charge_messages() -> None:
    trace = Trace(index=0, paid=True, registered=100.0, dispatched=100.4, completion_sent=103.0)
    trace.charged, trace.callback = 103.2, 103.3
    trace.notified = {
        ("ServiceRequestAccepted", "sms"): 101.0,
        ("ServiceRequestAccepted", "email"): 101.0,
        ("WorkOrderDispatched", "sms"): 101.0,
    }
    trace.check_done()
    assert not trace.done.is_set()
    trace.notified |= {("ChargeRaised", "sms"): 104.2, ("ChargeRaised", "email"): 104.3}
    trace.check_done()
    assert trace.done.is_set()
    hops = trace.hops()
    assert hops[HOPS[0]] == pytest.approx(0.4)  # registered → dispatched
    assert hops[HOPS[2]] == pytest.approx(0.2)  # completed → charged
    assert hops[HOPS[3]] == pytest.approx(1.0)  # charged → resident told


def test_cpu_per_thousand_requests_adds_the_replicas_of_a_service() -> None:
    before = {"dispatch": 10.0, "dispatch#2": 1.0, "kafka": 50.0}
    after = {"dispatch": 12.0, "dispatch#2": 2.0, "kafka": 56.0}
    assert per_thousand(before, after, 500) == {"dispatch": 6.0, "kafka": 12.0}


def _chaos_driver() -> Any:
    return SimpleNamespace(total=2, requests={"a": {}, "b": {}}, registered=2, completed={"a", "b"})


def _counts(sms_b: int = 2) -> dict[str, Any]:
    return {"sms": Counter({"a": 2, "b": sms_b}), "charge_mail": 1}


def _verdict(
    got: dict[str, Any], dead: list[dict[str, Any]] | None = None, finished: bool = True
) -> int:
    console = Console(file=io.StringIO())
    return verdict(console, _chaos_driver(), _counts(), got, dead or [], Faults(), finished)


def test_chaos_passes_when_every_effect_happened_once() -> None:
    assert _verdict(_counts()) == 0


def test_chaos_fails_on_a_message_sent_twice() -> None:
    assert _verdict(_counts(sms_b=3)) == 1


def test_chaos_fails_on_a_lost_message() -> None:
    assert _verdict(_counts(sms_b=1)) == 1


def test_chaos_reports_a_dead_lettered_request_instead_of_calling_it_lost() -> None:
    dead = [{"topic": "intake.service-requests", "request_id": "b", "reason": "NotFound: no site"}]
    assert _verdict(_counts(sms_b=0), dead) == 0


def test_chaos_fails_when_the_flow_did_not_finish_in_time() -> None:
    assert _verdict(_counts(), finished=False) == 1


def _results() -> dict[str, Any]:
    hop = {"count": 10, "p50_ms": 30.0, "p95_ms": 60.0, "p99_ms": 90.0}
    run = {
        "label": "HTTP",
        "requests": 10,
        "completed": 10,
        "window": 4,
        "requests_per_s": 5.0,
        "bus_events_per_s": 50.0,
        "hops": dict.fromkeys(HOPS, hop),
        "cpu_s_per_1000": {"intake": 7.5},
        "store_commands_per_request": {"update": 14.0, "find": 12.0},
    }
    results = {
        "date": "2026-11-23",
        "command": "make bench",
        "size": "full",
        "seconds": 300.0,
        "machine": {
            "cpu": "test cpu",
            "cores": 2,
            "memory_gb": 8,
            "os": "Linux",
            "python": "3.11",
            "kafka": "4.4.0",
            "store": "FerretDB",
        },
        "limits": {
            "kafka": {
                "message_bytes": 700,
                "produce_per_s": 10_000.0,
                "awaited_produce_per_s": 900.0,
                "consume_per_s": 90_000.0,
                "round_trip": {"count": 5, "p50_ms": 3.0, "p95_ms": 5.0, "p99_ms": 6.0},
            },
            "store": {
                "concurrency": 16,
                "insert_per_s": 900.0,
                "update_per_s": 1100.0,
                "insert": hop,
                "update": hop,
            },
        },
        "pipeline": [run, {**run, "label": "site feed"}],
        "fixed_rate": {
            **run,
            "label": "HTTP at 5 requests/s",
            "rate": 5.0,
            "requests": 300,
            "completed": 300,
            "relay_lag": {"intake": {"max_s": 0.25, "p95_s": 0.05}},
        },
        "scale_out": {"one": 5.0, "two": 7.5, "ratio": 1.5},
        "bank_file": "not built: billing has no bank collection (pain.008) file yet",
        "broadcast": "not built: notification has no broadcast yet",
    }
    return results


def test_report_says_not_built_and_reads_hops_against_the_bare_kafka_hop() -> None:
    results = _results()
    table = markdown(results)
    assert "| HTTP | 10/10 | 4 | 5.0 | 50 (0.5%) |" in table
    assert "| registered → dispatched | 30.0 / 60.0 / 90.0 | 10.0× |" in table
    assert "| 2 | 7.5 | 1.50 |" in table
    assert "pain.008; 100,000 against `sepaxml`): not built" in table
    assert "SMS gateway): not built" in table
    assert "| intake | 7.50 | 7.50 |" in table
    assert "| HTTP | 26.0 | update 14.0 | find 12.0 |" in table
    assert "5.0 requests/s for 60 s, far below saturation (300/300 done)" in table
    assert "| HTTP at 5 requests/s | 0.25 / 0.05 |" in table
    assert "| HTTP at 5 requests/s | 26.0 | update 14.0 | find 12.0 |" in table


def _record(event_type: str, payload: dict[str, Any], at_ms: int) -> Any:
    body = {"event_type": event_type, "payload": payload}
    return SimpleNamespace(value=json.dumps(body).encode(), timestamp=at_ms)


async def test_an_event_seen_before_its_requests_acceptance_still_counts() -> None:
    # partitions of different topics reach the bench in no set order
    pipeline = Pipeline(None, "http", requests=1, window=1, tick=lambda n: None, timeout_s=1)  # type: ignore[arg-type]
    request_id = "9d0c5a52-57a5-4c1e-9d3e-1b2a3c4d5e6f"
    pipeline._observe(_record("ChargeRaised", {"request_id": request_id}, 5_000))
    accepted = {"request_id": request_id, "description": f"漏水 [{pipeline.run}#0]"}
    pipeline._observe(_record("ServiceRequestAccepted", accepted, 1_000))
    assert pipeline.traces[0].request_id == request_id
    assert pipeline.traces[0].charged == 5.0
    assert pipeline.bus_events == 2


async def test_events_of_another_run_are_not_counted() -> None:
    pipeline = Pipeline(None, "http", requests=1, window=1, tick=lambda n: None, timeout_s=1)  # type: ignore[arg-type]
    other = {"request_id": "r-elsewhere", "description": "漏水 [someoneelse#0]"}
    pipeline._observe(_record("ServiceRequestAccepted", other, 1_000))
    assert pipeline.traces[0].request_id is None
    assert pipeline.bus_events == 0


def test_the_broadcast_row_reads_the_messages_at_the_gateway_and_the_seconds() -> None:
    results = _results()
    results["broadcast"] = {
        "recipients": 100_000,
        "received": 100_000,
        "seconds": 42.5,
        "per_s": 2352.9,
        "progress": {"sent": 100_000},
        "complete": True,
        "seeding_s": 900.0,
    }
    table = markdown(results)
    assert (
        "**5. Broadcast** (100,000 recipients → SMS gateway): 100,000 of 100,000 at the gateway "
        "42.5 s after the broadcast was created (2,353/s); households seeded over Kafka first "
        "in 900 s" in table
    )


def test_the_broadcasts_households_are_seeded_as_intake_publishes_them(tmp_path: Any) -> None:
    from hotline_bench.broadcast import directory_events, phone_of, received

    resident, unit = directory_events("bcast", "run1", 1234)
    assert unit.payload.building == "2" and unit.payload.room == "335"
    assert unit.payload.owner_id == resident.payload.resident_id
    assert resident.payload.phones == [phone_of(1234)] and resident.payload.consents_to_sms
    assert unit.partition_key() == "bcast:2:335"
    (tmp_path / "messages.jsonl").write_text('{"to": "+1"}\n' * 3)
    assert received(tmp_path) == 3
    assert received(tmp_path / "none") == 0
