"""SMS through the two providers on real HTTP: the local sink process on a free port speaking
both providers' shapes, failing as told, and notification's real provider adapters and relay.

The quality bar of #13: "A provider that fails half the time still ends with every message
delivered once or recorded failed with its reason; failover to the second provider is tested
on real HTTP." Once means once over both providers: the sink's one ``messages.jsonl`` is the
count (as the bench and ``make chaos`` read it).
"""

from __future__ import annotations

import json
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hotline_infra.processes import ManagedProcess, free_port, port_open
from hotline_infra.sms_sink import DEV_SECONDARY_KEY, read_messages
from hotline_libs.signatures import signature_problem
from notification.adapters.sms_providers import PrimaryProvider, SecondaryProvider, SmsRelay
from notification.domain.messages import MessageRefused
from notification.domain.sms_delivery import (
    PRIMARY,
    SECONDARY,
    RetryPolicy,
    SmsUndeliverable,
    Taken,
)
from notification.settings import DEV_RECEIPT_SECRETS

from tests.support import eventually

FAST = RetryPolicy(tries_per_provider=3, base_s=0.01, cap_s=0.05)


class Sink:
    def __init__(self, root: Path, *options: str) -> None:
        self.port = free_port()
        self.dir = root / f"sms-{self.port}"
        self.process = ManagedProcess(
            "sms-sink",
            [
                sys.executable,
                "-m",
                "hotline_infra.sms_sink",
                "--port",
                str(self.port),
                "--dir",
                str(self.dir),
                *options,
            ],
            root / f"sms-sink-{self.port}.log",
        )
        self.process.start()
        self.process.wait_until(lambda: port_open(self.port), 30)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def relay(self, primary_url: str | None = None, per_second: float = 1000) -> SmsRelay:
        return SmsRelay(
            [
                PrimaryProvider(PRIMARY, primary_url or self.url, timeout_s=5),
                SecondaryProvider(SECONDARY, self.url, DEV_SECONDARY_KEY, timeout_s=5),
            ],
            FAST,
            per_second,
        )


@pytest.fixture
def sinks(tmp_path: Path) -> Iterator[list[Sink]]:
    started: list[Sink] = []
    yield started
    for sink in started:
        sink.process.stop()


def numbers(count: int) -> list[str]:
    return [f"+86139{n:08d}" for n in range(count)]


async def test_a_provider_failing_half_the_time_ends_with_each_message_taken_once_or_failed(
    sinks: list[Sink], tmp_path: Path
) -> None:
    """Both providers answer half their sends 503: every message is either taken by exactly
    one provider, exactly once, or recorded undeliverable with each provider's reason."""
    sink = Sink(tmp_path, "--fail-rate", "0.5", "--secondary-fail-rate", "0.5", "--seed", "13")
    sinks.append(sink)
    relay = sink.relay()
    taken: dict[str, Taken] = {}
    failed: dict[str, str] = {}
    ids = {to: uuid.uuid4() for to in numbers(80)}
    for to, message_id in ids.items():
        try:
            taken[to] = await relay.send(message_id, to, "您的报修已受理")
        except SmsUndeliverable as exc:
            failed[to] = str(exc)
    await relay.close()

    held = Counter(m["client_msg_id"] for m in read_messages(sink.dir))
    assert taken and set(taken) | set(failed) == set(ids)
    for to in taken:
        assert held[str(ids[to])] == 1, to  # once, over both providers
    for to, reason in failed.items():
        assert held[str(ids[to])] == 0
        assert reason == ("no SMS provider took it: primary: answered 503; secondary: answered 503")
    by = Counter(t.provider for t in taken.values())
    assert by[PRIMARY] and by[SECONDARY], by  # some failed over
    providers = {m["client_msg_id"]: m["provider"] for m in read_messages(sink.dir)}
    assert all(providers[str(ids[to])] == t.provider for to, t in taken.items())


async def test_with_the_primary_away_every_message_goes_through_the_secondary_once(
    sinks: list[Sink], tmp_path: Path
) -> None:
    sink = Sink(tmp_path, "--fail-rate", "1.0")
    sinks.append(sink)
    relay = sink.relay()
    ids = {to: uuid.uuid4() for to in numbers(10)}
    for to, message_id in ids.items():
        assert (await relay.send(message_id, to, "停水通知")).provider == SECONDARY
    # a resend (a crash before the result was stored) is deduplicated by the secondary
    again = await relay.send(ids[numbers(1)[0]], numbers(1)[0], "停水通知")
    await relay.close()
    held = read_messages(sink.dir)
    assert sorted(m["client_msg_id"] for m in held) == sorted(str(i) for i in ids.values())
    assert {m["provider"] for m in held} == {SECONDARY}
    first = next(m for m in held if m["client_msg_id"] == str(ids[numbers(1)[0]]))
    assert again.provider_message_id == first["message_id"]


async def test_a_primary_that_does_not_answer_at_all_is_failed_over_from(
    sinks: list[Sink], tmp_path: Path
) -> None:
    sink = Sink(tmp_path)
    sinks.append(sink)
    relay = sink.relay(primary_url=f"http://127.0.0.1:{free_port()}")  # nothing listens
    taken = await relay.send(uuid.uuid4(), "+8613900000001", "回访通知")
    await relay.close()
    assert taken.provider == SECONDARY
    assert [m["provider"] for m in read_messages(sink.dir)] == [SECONDARY]


async def test_a_refused_number_is_refused_by_either_provider_without_failing_over(
    sinks: list[Sink], tmp_path: Path
) -> None:
    sink = Sink(tmp_path)
    sinks.append(sink)
    sink.dir.mkdir(parents=True, exist_ok=True)
    (sink.dir / "refused-numbers.txt").write_text("+8613900000002\n")
    relay = sink.relay()
    with pytest.raises(MessageRefused):
        await relay.send(uuid.uuid4(), "+8613900000002", "x")
    secondary = SecondaryProvider(SECONDARY, sink.url, DEV_SECONDARY_KEY, timeout_s=5)
    with pytest.raises(MessageRefused, match="MOBILE_NUMBER_ILLEGAL"):
        await secondary.send(uuid.uuid4(), "+8613900000002", "x")
    await relay.close()
    await secondary.close()
    assert read_messages(sink.dir) == []


async def test_each_provider_is_held_to_its_rate(sinks: list[Sink], tmp_path: Path) -> None:
    sink = Sink(tmp_path)
    sinks.append(sink)
    relay = sink.relay(per_second=20)
    started = time.monotonic()
    for to in numbers(40):  # 20 at once (a second's burst), then 20 a second
        await relay.send(uuid.uuid4(), to, "x")
    await relay.close()
    assert time.monotonic() - started >= 0.9


class Receipts(BaseHTTPRequestHandler):
    """notification's receipt route as the sink sees it: keeps what it is posted, answers 200."""

    posted: ClassVar[list[tuple[str, dict[str, str], bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receipts.posted.append((self.path, dict(self.headers.items()), body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_: Any) -> None:
        pass


async def test_the_sink_reports_each_message_by_a_receipt_signed_with_its_providers_secret(
    sinks: list[Sink], tmp_path: Path
) -> None:
    """With ``--undelivered-rate 1`` every receipt says failed (``UNDELIV``): the failure
    injection notification's receipts are tested with."""
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), Receipts)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    callback = f"http://127.0.0.1:{receiver.server_address[1]}"
    sink = Sink(
        tmp_path, "--callback-url", callback, "--undelivered-rate", "1", "--receipt-delay", "0"
    )
    sinks.append(sink)
    primary = PrimaryProvider(PRIMARY, sink.url, timeout_s=5)
    secondary = SecondaryProvider(SECONDARY, sink.url, DEV_SECONDARY_KEY, timeout_s=5)
    first, second = uuid.uuid4(), uuid.uuid4()
    taken = [await primary.send(first, "+8613900000003", "x")]
    taken.append(await secondary.send(second, "+8613900000004", "y"))
    await primary.close()
    await secondary.close()
    try:
        await eventually(lambda: len(Receipts.posted) >= 2, timeout_s=10, what="both receipts")
    finally:
        receiver.shutdown()
    by_path = {path: (headers, body) for path, headers, body in Receipts.posted}
    assert set(by_path) == {"/sms-receipts/primary", "/sms-receipts/secondary"}
    for provider, message_id, took in ((PRIMARY, first, taken[0]), (SECONDARY, second, taken[1])):
        headers, body = by_path[f"/sms-receipts/{provider}"]
        problem = signature_problem(
            DEV_RECEIPT_SECRETS[provider],
            body,
            headers.get("X-Signature"),
            headers.get("X-Signature-Timestamp"),
            time.time(),
            300,
        )
        assert problem is None
        receipt = json.loads(body)
        assert receipt["client_msg_id"] == str(message_id)
        assert receipt["provider_message_id"] == took.provider_message_id
        assert (receipt["status"], receipt["error_code"]) == ("failed", "UNDELIV")
