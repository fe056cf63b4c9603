"""A local SMS gateway: takes messages over HTTP as a real gateway would, and shows them on a page.

``python -m hotline_infra.sms_sink --port 8025 --dir .hotline/run/sms``

``POST /v1/messages`` with ``{"to": "+86…", "text": "…", "client_msg_id": "…"}`` answers 202.
Like commercial gateways it deduplicates on the client's message id, so a sender retrying
after a crash does not text the resident twice; each duplicate it drops is noted in
``duplicates.jsonl``. Like a gateway that cannot deliver to a number, it refuses (400) the
numbers listed one per line in ``refused-numbers.txt`` in its folder. Accepted messages are
appended to ``messages.jsonl``; ``GET /`` lists them for a person, ``GET /v1/messages`` as JSON.
``POST /v1/message-batches`` with ``{"messages": [...]}`` takes up to 1,000 at once (a bulk API),
answering each one's result in order.
"""

from __future__ import annotations

import argparse
import html
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI, HTTPException
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field


class SmsIn(BaseModel):
    to: str = Field(pattern=r"^\+[1-9]\d{6,14}$", description="E.164 number")
    text: str = Field(min_length=1, max_length=1000)
    client_msg_id: str | None = Field(default=None, max_length=100)


class SmsBatchIn(BaseModel):
    messages: list[SmsIn] = Field(min_length=1, max_length=1000)


def create_app(directory: Path) -> FastAPI:
    directory.mkdir(parents=True, exist_ok=True)
    store = directory / "messages.jsonl"
    messages: list[dict[str, Any]] = []
    by_client_id: dict[str, dict[str, Any]] = {}
    if store.exists():
        for line in store.read_text().splitlines():
            record = json.loads(line)
            messages.append(record)
            if record.get("client_msg_id"):
                by_client_id[record["client_msg_id"]] = record
    app = FastAPI(title="Local SMS gateway sink")
    app.state.duplicates = 0

    refused_numbers = directory / "refused-numbers.txt"

    @app.post("/v1/messages", status_code=202)
    async def accept(sms: SmsIn) -> dict[str, Any]:
        if refused_numbers.exists() and sms.to in refused_numbers.read_text().split():
            raise HTTPException(400, f"number {sms.to} cannot receive messages")
        if sms.client_msg_id and sms.client_msg_id in by_client_id:
            app.state.duplicates += 1
            with (directory / "duplicates.jsonl").open("a") as out:
                duplicate = {"client_msg_id": sms.client_msg_id, "to": sms.to}
                out.write(json.dumps(duplicate, ensure_ascii=False) + "\n")
            return {"message_id": by_client_id[sms.client_msg_id]["message_id"], "duplicate": True}
        record = {
            "message_id": str(uuid.uuid4()),
            "client_msg_id": sms.client_msg_id,
            "to": sms.to,
            "text": sms.text,
            "received_at": datetime.now(UTC).isoformat(),
        }
        with store.open("a") as out:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        messages.append(record)
        if sms.client_msg_id:
            by_client_id[sms.client_msg_id] = record
        return {"message_id": record["message_id"], "duplicate": False}

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
        """Many messages in one call, as providers' bulk APIs take them: each deduplicated on
        its client_msg_id like ``POST /v1/messages``; a refused number is refused alone."""
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
            if sms.client_msg_id and sms.client_msg_id in by_client_id:
                app.state.duplicates += 1
                duplicate = {"client_msg_id": sms.client_msg_id, "to": sms.to}
                duplicates.append(json.dumps(duplicate, ensure_ascii=False) + "\n")
                known = by_client_id[sms.client_msg_id]["message_id"]
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
            }
            accepted.append(json.dumps(record, ensure_ascii=False) + "\n")
            messages.append(record)
            if sms.client_msg_id:
                by_client_id[sms.client_msg_id] = record
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
    args = parser.parse_args()
    uvicorn.run(create_app(args.dir), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
