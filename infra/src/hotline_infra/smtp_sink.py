"""A local SMTP server that keeps every message it accepts as an ``.eml`` file.

``python -m hotline_infra.smtp_sink --port 2525 --dir .hotline/run/mail``

Like a real mailbox, it keeps one copy per ``Message-ID``: a sender that retries after a crash
does not put the same message in front of the resident twice (the retry is logged in
``duplicates.jsonl``). ``index.jsonl`` lists what arrived, one JSON object per message.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session


class MailboxHandler:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.index = directory / "index.jsonl"
        self.seen: set[str] = set()
        if self.index.exists():
            for line in self.index.read_text().splitlines():
                self.seen.add(json.loads(line)["message_id"])

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        content = envelope.original_content or b""
        message = message_from_bytes(content, policy=policy.default)
        message_id = (
            str(message.get("Message-ID", "")).strip() or f"<no-id-{datetime.now(UTC).timestamp()}>"
        )
        received = datetime.now(UTC).isoformat()
        record: dict[str, Any] = {
            "message_id": message_id,
            "from": envelope.mail_from,
            "to": list(envelope.rcpt_tos),
            "subject": str(message.get("Subject", "")),
            "received_at": received,
        }
        if message_id in self.seen:
            with (self.directory / "duplicates.jsonl").open("a") as out:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            return "250 OK duplicate Message-ID, kept the first copy"
        safe = re.sub(r"[^A-Za-z0-9@._-]", "_", message_id.strip("<>"))[:150]
        name = f"{received[:19].replace(':', '')}-{safe}.eml"
        (self.directory / name).write_bytes(content)
        record["file"] = name
        with self.index.open("a") as out:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.seen.add(message_id)
        return "250 OK message accepted"


async def serve(host: str, port: int, directory: Path) -> None:
    handler = MailboxHandler(directory)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="hotline-smtp-sink"), host, port
    )
    print(f"SMTP sink on {host}:{port}, mail in {directory}", flush=True)
    async with server:
        await server.serve_forever()


def read_duplicates(directory: Path) -> list[dict[str, Any]]:
    """Resends the mailbox dropped because it already had their Message-ID."""
    found = directory / "duplicates.jsonl"
    if not found.exists():
        return []
    return [json.loads(line) for line in found.read_text().splitlines() if line.strip()]


def read_index(directory: Path) -> list[dict[str, Any]]:
    """Messages the sink holds, oldest first (used by tests and the benchmark)."""
    index = directory / "index.jsonl"
    if not index.exists():
        return []
    return [json.loads(line) for line in index.read_text().splitlines() if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2525)
    parser.add_argument("--dir", type=Path, required=True)
    args = parser.parse_args()
    asyncio.run(serve(args.host, args.port, args.dir))


if __name__ == "__main__":
    main()
