"""A local SMS gateway: takes messages over HTTP as two real providers would, and shows them on a
page.

``python -m hotline_infra.sms_sink --port 8025 --dir .hotline/run/sms [--callback-url URL]``

``POST /v1/messages`` with ``{"to": "+86…", "text": "…", "client_msg_id": "…"}`` answers 202.
Like commercial gateways it deduplicates on the client's message id, so a sender retrying
after a crash does not text the resident twice; each duplicate it drops is noted in
``duplicates.jsonl``. Like a gateway that cannot deliver to a number, it refuses (400) the
numbers listed one per line in ``refused-numbers.txt`` in its folder. Accepted messages are
appended to ``messages.jsonl``; ``GET /`` lists them for a person, ``GET /v1/messages`` as JSON.

It also speaks a second vendor's shape, the secondary provider notification fails over to:
``POST /api/sms/send`` with ``X-Api-Key`` and ``{"mobile", "content", "out_id"}`` answers 200
``{"code": "OK", "biz_id"}`` (or ``{"code": "MOBILE_NUMBER_ILLEGAL"}`` for a refused number,
401 ``{"code": "InvalidApiKey"}``). Its messages land in the same ``messages.jsonl`` with
``"provider": "secondary"`` (the primary's say ``"primary"``), so a count of what residents
got is one count over both; each provider deduplicates its own ids only, as two vendors would,
so a message sent through both counts twice.

With ``--callback-url`` each message taken gets a delivery receipt posted to
``<url>/sms-receipts/<provider>``, signed with that provider's secret
(``hotline_libs.signatures``), after ``--receipt-delay`` seconds; ``receipts.jsonl`` notes each
and the answer. Failure injection for tests: ``--fail-rate`` (primary) and
``--secondary-fail-rate`` answer that share of sends 503 without taking them;
``--undelivered-rate`` reports that share of taken messages failed (``UNDELIV``).

``POST /v1/message-batches`` with ``{"messages": [...]}`` takes up to 1,000 at once (a bulk API),
answering each one's result in order.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import random
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI, Header, HTTPException
from fastapi.responses import HTMLResponse, JSONResponse
from hotline_libs.signatures import signed_headers
from pydantic import BaseModel, Field

PRIMARY, SECONDARY = "primary", "secondary"
DEV_SECRETS = {PRIMARY: "dev-only-primary-receipts", SECONDARY: "dev-only-secondary-receipts"}
"""notification's development defaults (``HOTLINE_SMS_RECEIPT_SECRET_*``)."""
DEV_SECONDARY_KEY = "local-secondary-key"


@dataclass(frozen=True)
class Behaviour:
    """How the sink misbehaves, and where its receipts go."""

    callback_url: str | None = None
    secrets: tuple[tuple[str, str], ...] = tuple(DEV_SECRETS.items())
    secondary_key: str = DEV_SECONDARY_KEY
    fail_rate: float = 0.0
    secondary_fail_rate: float = 0.0
    undelivered_rate: float = 0.0
    receipt_delay_s: float = 0.2
    seed: int | None = None


class SmsIn(BaseModel):
    to: str = Field(pattern=r"^\+[1-9]\d{6,14}$", description="E.164 number")
    text: str = Field(min_length=1, max_length=1000)
    client_msg_id: str | None = Field(default=None, max_length=100)


class SmsBatchIn(BaseModel):
    messages: list[SmsIn] = Field(min_length=1, max_length=1000)


class SecondarySmsIn(BaseModel):
    mobile: str = Field(pattern=r"^\+[1-9]\d{6,14}$")
    content: str = Field(min_length=1, max_length=1000)
    out_id: str | None = Field(default=None, max_length=100)


def create_app(directory: Path, behaviour: Behaviour | None = None) -> FastAPI:
    behaviour = behaviour or Behaviour()
    chance = random.Random(behaviour.seed)  # noqa: S311 - failure injection, not security
    secrets = dict(behaviour.secrets)
    directory.mkdir(parents=True, exist_ok=True)
    store = directory / "messages.jsonl"
    messages: list[dict[str, Any]] = []
    by_client_id: dict[tuple[str, str], dict[str, Any]] = {}
    if store.exists():
        for line in store.read_text().splitlines():
            record = json.loads(line)
            messages.append(record)
            if record.get("client_msg_id"):
                by_client_id[record.get("provider", PRIMARY), record["client_msg_id"]] = record
    receipts: set[asyncio.Task[None]] = set()
    poster: list[httpx.AsyncClient] = []
    """One client for every receipt, made on the first: a client per receipt built its TLS
    context each time, which made the sink the third busiest process of the bench."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        for task in list(receipts):
            task.cancel()
        for client in poster:
            await client.aclose()

    app = FastAPI(title="Local SMS gateway sink", lifespan=lifespan)
    app.state.duplicates = 0

    refused_numbers = directory / "refused-numbers.txt"

    def refused(number: str) -> bool:
        return refused_numbers.exists() and number in refused_numbers.read_text().split()

    def take(provider: str, to: str, text: str, client_id: str | None) -> tuple[str, bool]:
        """The provider's message id, and whether it had the client's id already."""
        if client_id and (provider, client_id) in by_client_id:
            app.state.duplicates += 1
            with (directory / "duplicates.jsonl").open("a") as out:
                duplicate = {"client_msg_id": client_id, "to": to, "provider": provider}
                out.write(json.dumps(duplicate, ensure_ascii=False) + "\n")
            return by_client_id[provider, client_id]["message_id"], True
        record: dict[str, Any] = {
            "message_id": str(uuid.uuid4()),
            "client_msg_id": client_id,
            "to": to,
            "text": text,
            "received_at": datetime.now(UTC).isoformat(),
            "provider": provider,
        }
        with store.open("a") as out:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        messages.append(record)
        if client_id:
            by_client_id[provider, client_id] = record
        if behaviour.callback_url:
            task = asyncio.create_task(report(provider, record))
            receipts.add(task)
            task.add_done_callback(receipts.discard)
        return record["message_id"], False

    async def report(provider: str, record: dict[str, Any]) -> None:
        """Post the message's receipt, signed, retrying a few times while notification is away."""
        await asyncio.sleep(behaviour.receipt_delay_s)
        delivered = chance.random() >= behaviour.undelivered_rate
        receipt = {
            "client_msg_id": record["client_msg_id"],
            "provider_message_id": record["message_id"],
            "status": "delivered" if delivered else "failed",
            "error_code": None if delivered else "UNDELIV",
            "at": datetime.now(UTC).isoformat(),
        }
        body = json.dumps(receipt).encode()
        url = f"{behaviour.callback_url}/sms-receipts/{provider}"
        answer: str = "not sent"
        if not poster:
            poster.append(httpx.AsyncClient(timeout=10))
        client = poster[0]
        for attempt in range(5):
            headers = signed_headers(secrets[provider], int(time.time()), body)
            try:
                response = await client.post(
                    url, content=body, headers={**headers, "Content-Type": "application/json"}
                )
                answer = f"{response.status_code} {response.text[:200]}"
                if response.status_code < 500:
                    break
            except httpx.TransportError as exc:
                answer = repr(exc)
            await asyncio.sleep(0.5 * 2**attempt)
        with (directory / "receipts.jsonl").open("a") as out:
            out.write(json.dumps({**receipt, "provider": provider, "answer": answer}) + "\n")

    @app.post("/v1/messages", status_code=202)
    async def accept(sms: SmsIn) -> dict[str, Any]:
        if chance.random() < behaviour.fail_rate:
            raise HTTPException(503, "injected failure: try again later")
        if refused(sms.to):
            raise HTTPException(400, f"number {sms.to} cannot receive messages")
        message_id, duplicate = take(PRIMARY, sms.to, sms.text, sms.client_msg_id)
        return {"message_id": message_id, "duplicate": duplicate}

    @app.post("/api/sms/send")
    async def accept_secondary(
        sms: SecondarySmsIn, x_api_key: str | None = Header(default=None)
    ) -> JSONResponse:
        if x_api_key != behaviour.secondary_key:
            return JSONResponse({"code": "InvalidApiKey", "message": "bad key"}, status_code=401)
        if chance.random() < behaviour.secondary_fail_rate:
            return JSONResponse({"code": "ServiceUnavailable"}, status_code=503)
        if refused(sms.mobile):
            return JSONResponse({"code": "MOBILE_NUMBER_ILLEGAL", "message": sms.mobile})
        biz_id, _ = take(SECONDARY, sms.mobile, sms.content, sms.out_id)
        return JSONResponse({"code": "OK", "biz_id": biz_id})

    @app.get("/v1/messages")
    async def listing(to: str | None = None) -> dict[str, Any]:
        found = [m for m in messages if to is None or m["to"] == to]
        return {"count": len(found), "duplicates_refused": app.state.duplicates, "messages": found}

    @app.get("/", response_class=HTMLResponse)
    async def page() -> str:
        rows = "".join(
            f"<tr><td>{html.escape(m['received_at'][:19])}</td><td>{html.escape(m['to'])}</td>"
            f"<td>{html.escape(m['text'])}</td></tr>"
            for m in reversed(messages[-500:])
        )
        return (
            "<!doctype html><meta charset=utf-8><title>SMS sink</title>"
            "<style>body{font-family:sans-serif}td{border-bottom:1px solid #ddd;padding:4px}</style>"
            f"<h1>SMS received: {len(messages)}</h1><table><tr><th>UTC</th><th>to</th><th>text</th></tr>"
            f"{rows}</table>"
        )

    @app.post("/v1/message-batches", status_code=202)
    async def accept_batch(batch: SmsBatchIn) -> dict[str, Any]:
        """Many messages in one call, as providers' bulk APIs take them (the primary's): each
        deduplicated on its client_msg_id like ``POST /v1/messages``; a refused number is
        refused alone. No receipts are posted for them: a broadcast counts what was taken."""
        refused = set(refused_numbers.read_text().split()) if refused_numbers.exists() else set()
        results: list[dict[str, Any]] = []
        accepted: list[str] = []
        duplicates: list[str] = []
        now = datetime.now(UTC).isoformat()
        for sms in batch.messages:
            if sms.to in refused:
                results.append(
                    {
                        "client_msg_id": sms.client_msg_id,
                        "refused": f"number {sms.to} cannot receive messages",
                    }
                )
                continue
            if sms.client_msg_id and (PRIMARY, sms.client_msg_id) in by_client_id:
                app.state.duplicates += 1
                duplicate = {"client_msg_id": sms.client_msg_id, "to": sms.to, "provider": PRIMARY}
                duplicates.append(json.dumps(duplicate, ensure_ascii=False) + "\n")
                known = by_client_id[PRIMARY, sms.client_msg_id]["message_id"]
                results.append(
                    {"client_msg_id": sms.client_msg_id, "message_id": known, "duplicate": True}
                )
                continue
            record = {
                "message_id": str(uuid.uuid4()),
                "client_msg_id": sms.client_msg_id,
                "to": sms.to,
                "text": sms.text,
                "received_at": now,
                "provider": PRIMARY,
            }
            accepted.append(json.dumps(record, ensure_ascii=False) + "\n")
            messages.append(record)
            if sms.client_msg_id:
                by_client_id[PRIMARY, sms.client_msg_id] = record
            results.append(
                {
                    "client_msg_id": sms.client_msg_id,
                    "message_id": record["message_id"],
                    "duplicate": False,
                }
            )
        if accepted:
            with store.open("a") as out:
                out.write("".join(accepted))
        if duplicates:
            with (directory / "duplicates.jsonl").open("a") as out:
                out.write("".join(duplicates))
        return {"results": results}

    return app


def read_duplicates(directory: Path) -> list[dict[str, Any]]:
    """Resends the sink dropped because it already had their message id."""
    found = directory / "duplicates.jsonl"
    if not found.exists():
        return []
    return [json.loads(line) for line in found.read_text().splitlines() if line.strip()]


def read_receipts(directory: Path) -> list[dict[str, Any]]:
    """Receipts the sink posted, with notification's answer to each."""
    found = directory / "receipts.jsonl"
    if not found.exists():
        return []
    return [json.loads(line) for line in found.read_text().splitlines() if line.strip()]


def read_messages(directory: Path) -> list[dict[str, Any]]:
    """Messages the sink accepted, oldest first (used by tests and the benchmark)."""
    store = directory / "messages.jsonl"
    if not store.exists():
        return []
    return [json.loads(line) for line in store.read_text().splitlines() if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--callback-url", help="notification's base URL, for receipts")
    parser.add_argument("--primary-secret", default=DEV_SECRETS[PRIMARY])
    parser.add_argument("--secondary-secret", default=DEV_SECRETS[SECONDARY])
    parser.add_argument("--secondary-key", default=DEV_SECONDARY_KEY)
    parser.add_argument("--fail-rate", type=float, default=0.0, help="primary sends answered 503")
    parser.add_argument("--secondary-fail-rate", type=float, default=0.0)
    parser.add_argument("--undelivered-rate", type=float, default=0.0)
    parser.add_argument("--receipt-delay", type=float, default=0.2)
    parser.add_argument("--seed", type=int)
    args = parser.parse_args()
    behaviour = Behaviour(
        callback_url=args.callback_url,
        secrets=((PRIMARY, args.primary_secret), (SECONDARY, args.secondary_secret)),
        secondary_key=args.secondary_key,
        fail_rate=args.fail_rate,
        secondary_fail_rate=args.secondary_fail_rate,
        undelivered_rate=args.undelivered_rate,
        receipt_delay_s=args.receipt_delay,
        seed=args.seed,
    )
    app = create_app(args.dir, behaviour)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
