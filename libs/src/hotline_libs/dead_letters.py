"""Operating dead letters and parked outbox entries: list them, inspect one, replay one or all.

``make dlq`` (``python -m hotline_libs.dead_letters``), with the ``HOTLINE_*`` settings of the
deployment (Kafka, the store, the topic and database prefixes):

    make dlq                                  # list dead letters per topic, and parked entries
    make dlq ARGS="show <id>"                 # one of them in full: headers, reason, body
    make dlq ARGS="replay <id>"               # publish it again where it came from
    make dlq ARGS="replay --all [--topic T]"  # every one not replayed yet

A dead letter's id is ``<dead-letter topic>:<partition>:<offset>``; a parked entry's is
``parked:<database>:<collection>:<document id>:<event id>``.

A dead letter is only ever a message that was not a valid event when it arrived (or that a
handler failed on repeatedly): fix the cause (deploy the consumer that knows the version, fix
the bug), then replay it. Replay publishes the original bytes to the original topic under the
original key; every consumer deduplicates on the event id and derives its effects' ids from
their cause, so a replay does nothing twice. Each replay is recorded (database
``<prefix>operations``), so ``replay --all`` skips what was replayed before; ``--force`` replays
again anyway. A parked outbox entry (the broker refused it repeatedly, say its topic was
missing) is published and then removed from the document's ``outbox_parked``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from contracts import topics
from hotline_libs.mongo import Document, connect
from hotline_libs.outbox import PARKED_FIELD, PARKED_SINCE_FIELD
from hotline_libs.settings import ServiceSettings

REPLAYS = "dead_letter_replays"


@dataclass
class DeadLetter:
    """One message on a dead-letter topic, with what the consumer said about it."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    body: bytes
    headers: dict[str, str]
    timestamp: datetime
    replayed_at: datetime | None = None

    @property
    def id(self) -> str:
        return f"{self.topic}:{self.partition}:{self.offset}"

    @property
    def reason(self) -> str:
        return self.headers.get("dlq-reason", "")

    @property
    def original_topic(self) -> str:
        return self.headers.get("dlq-original-topic") or self.topic.removesuffix(".dlq")

    @property
    def event_type(self) -> str:
        try:
            return str(json.loads(self.body).get("event_type", "?"))
        except (ValueError, AttributeError):
            return "(not JSON)"


@dataclass
class ParkedEntry:
    """An outbox entry the broker kept refusing, parked in its document."""

    database: str
    collection: str
    document_id: str
    entry: Document = field(repr=False)

    @property
    def id(self) -> str:
        return (
            f"parked:{self.database}:{self.collection}:{self.document_id}:{self.entry['event_id']}"
        )


class Operations:
    """Dead letters and parked entries of one deployment."""

    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self._client: AsyncMongoClient[Document] = connect(settings.mongo_url, "hotline-dlq")

    @property
    def _records(self) -> AsyncDatabase[Document]:
        return self._client[self.settings.database_name("operations")]

    async def close(self) -> None:
        await self._client.close()

    def dead_letter_topics(self) -> list[str]:
        return [topics.dead_letter_topic(self.settings.topic(s)) for s in topics.STREAMS]

    async def dead_letters(self, topic: str | None = None) -> list[DeadLetter]:
        """Every message on the dead-letter topics (or on ``topic``), oldest first per topic."""
        wanted = [topic] if topic else self.dead_letter_topics()
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.settings.kafka_bootstrap,
            enable_auto_commit=False,
            client_id="hotline-dlq",
        )
        await consumer.start()
        found: list[DeadLetter] = []
        try:
            partitions = await _partitions(self.settings, wanted)
            if not partitions:
                return []
            consumer.assign(partitions)
            await consumer.seek_to_beginning(*partitions)
            ends = await consumer.end_offsets(partitions)
            remaining = {tp: end for tp, end in ends.items() if end > 0}
            give_up = asyncio.get_running_loop().time() + 30
            while remaining and asyncio.get_running_loop().time() < give_up:
                batch = await consumer.getmany(*remaining, timeout_ms=1000)
                for tp, records in batch.items():
                    for record in records:
                        found.append(
                            DeadLetter(
                                topic=record.topic,
                                partition=record.partition,
                                offset=record.offset,
                                key=record.key,
                                body=record.value or b"",
                                headers={k: v.decode() for k, v in record.headers},
                                timestamp=datetime.fromtimestamp(record.timestamp / 1000, UTC),
                            )
                        )
                        if record.offset + 1 >= remaining.get(tp, 0):
                            remaining.pop(tp, None)
        finally:
            await consumer.stop()
        replays = {d["_id"]: d["replayed_at"] async for d in self._records[REPLAYS].find({})}
        for letter in found:
            letter.replayed_at = replays.get(letter.id)
        return found

    async def parked(self) -> list[ParkedEntry]:
        """Every parked outbox entry in the deployment's databases."""
        found = []
        for name in sorted(await self._client.list_database_names()):
            if not name.startswith(self.settings.db_prefix):
                continue
            database = self._client[name]
            for collection in sorted(await database.list_collection_names()):
                query = {PARKED_SINCE_FIELD: {"$exists": True}}
                async for document in database[collection].find(query, {PARKED_FIELD: 1}):
                    for entry in document.get(PARKED_FIELD) or []:
                        found.append(ParkedEntry(name, collection, str(document["_id"]), entry))
        return found

    async def find(self, item_id: str) -> DeadLetter | ParkedEntry:
        if item_id.startswith("parked:"):
            for entry in await self.parked():
                if entry.id == item_id:
                    return entry
            raise LookupError(f"no parked entry {item_id}")
        topic, _, offset = item_id.rpartition(":")
        topic = topic.rpartition(":")[0]
        if not topic or not offset.isdigit():
            raise LookupError(f"{item_id!r} is not an id of the form <topic>:<partition>:<offset>")
        for letter in await self.dead_letters(topic):
            if letter.id == item_id:
                return letter
        raise LookupError(f"no dead letter {item_id}")

    async def replay(self, items: list[DeadLetter | ParkedEntry], force: bool = False) -> list[str]:
        """Publish each item again where it belongs; returns what was done, one line each."""
        producer = AIOKafkaProducer(
            bootstrap_servers=self.settings.kafka_bootstrap,
            enable_idempotence=True,
            client_id="hotline-dlq",
        )
        await producer.start()
        done = []
        try:
            for item in items:
                if isinstance(item, DeadLetter):
                    if item.replayed_at is not None and not force:
                        done.append(
                            f"skipped {item.id}: replayed at {item.replayed_at:%Y-%m-%d %H:%M:%S}"
                        )
                        continue
                    await producer.send_and_wait(
                        item.original_topic,
                        item.body,
                        key=item.key,
                        headers=[
                            ("dlq-replayed-from", item.id.encode()),
                            *(
                                (k, v.encode())
                                for k, v in item.headers.items()
                                if not k.startswith("dlq-")
                            ),
                        ],
                    )
                    now = datetime.now(UTC)
                    await self._records[REPLAYS].update_one(
                        {"_id": item.id},
                        {"$set": {"replayed_at": now, "topic": item.original_topic}},
                        upsert=True,
                    )
                    done.append(f"replayed {item.id} to {item.original_topic}")
                else:
                    entry = item.entry
                    await producer.send_and_wait(
                        self.settings.topic(entry["topic"]),
                        entry["body"].encode(),
                        key=entry["key"].encode(),
                        headers=[("event_type", entry["event_type"].encode())],
                    )
                    collection = self._client[item.database][item.collection]
                    await collection.update_one(
                        {"_id": item.document_id}, {"$pullAll": {PARKED_FIELD: [entry]}}
                    )
                    await collection.update_one(
                        {"_id": item.document_id, PARKED_FIELD: []},
                        {"$unset": {PARKED_SINCE_FIELD: ""}},
                    )
                    done.append(
                        f"published parked {item.id} to {self.settings.topic(entry['topic'])}"
                    )
        finally:
            await producer.stop()
        return done


async def _partitions(settings: ServiceSettings, names: list[str]) -> list[TopicPartition]:
    """The partitions of the topics among ``names`` that exist."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap, client_id="hotline-dlq")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        found = await admin.describe_topics([name for name in names if name in existing])
    finally:
        await admin.close()
    return [
        TopicPartition(topic["topic"], partition["partition"])
        for topic in found
        for partition in topic["partitions"]
    ]


def _listing(letters: list[DeadLetter], parked: list[ParkedEntry]) -> str:
    lines = []
    by_topic: dict[str, list[DeadLetter]] = {}
    for letter in letters:
        by_topic.setdefault(letter.topic, []).append(letter)
    lines.append(f"dead letters: {len(letters)}")
    for topic_name, found in sorted(by_topic.items()):
        lines.append(f"  {topic_name}: {len(found)}")
        for letter in found:
            replayed = (
                f"  [replayed {letter.replayed_at:%Y-%m-%d %H:%M}]" if letter.replayed_at else ""
            )
            lines.append(
                f"    {letter.id}  {letter.timestamp:%Y-%m-%d %H:%M:%S}  {letter.event_type}  "
                f"group={letter.headers.get('dlq-consumer-group', '?')}{replayed}\n"
                f"      reason: {letter.reason}"
            )
    lines.append(f"parked outbox entries: {len(parked)}")
    for entry in parked:
        lines.append(
            f"    {entry.id}  {entry.entry.get('event_type')} → {entry.entry.get('topic')}  "
            f"after {entry.entry.get('attempts')} attempts\n      reason: {entry.entry.get('reason')}"
        )
    return "\n".join(lines)


def _show(item: DeadLetter | ParkedEntry) -> str:
    if isinstance(item, ParkedEntry):
        entry = dict(item.entry)
        body = entry.pop("body", "")
        return "\n".join(
            [item.id, json.dumps(entry, indent=2, default=str, ensure_ascii=False), _pretty(body)]
        )
    return "\n".join(
        [
            item.id,
            f"key: {item.key.decode() if item.key else None}",
            f"at: {item.timestamp.isoformat()}",
            f"replayed: {item.replayed_at.isoformat() if item.replayed_at else 'no'}",
            "headers:",
            *(f"  {k}: {v}" for k, v in item.headers.items()),
            _pretty(item.body),
        ]
    )


def _pretty(body: bytes | str) -> str:
    try:
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except (ValueError, TypeError):
        return repr(body)


async def run(args: argparse.Namespace, settings: ServiceSettings) -> str:
    """Carry out one command; returns what to print."""
    operations = Operations(settings)
    try:
        if args.command in (None, "list"):
            topic = settings.topic(args.topic) + ".dlq" if getattr(args, "topic", None) else None
            return _listing(await operations.dead_letters(topic), await operations.parked())
        if args.command == "show":
            return _show(await operations.find(args.id))
        items: list[DeadLetter | ParkedEntry]
        if args.all:
            topic = settings.topic(args.topic) + ".dlq" if args.topic else None
            items = [*await operations.dead_letters(topic), *await operations.parked()]
        elif args.id:
            items = [await operations.find(args.id)]
        else:
            raise LookupError("replay needs an id or --all")
        return "\n".join(await operations.replay(items, force=args.force)) or "nothing to replay"
    finally:
        await operations.close()


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="make dlq", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    commands = main.add_subparsers(dest="command")
    listing = commands.add_parser("list", help="dead letters per topic, and parked outbox entries")
    listing.add_argument("--topic", help="only this stream, e.g. intake.service-requests")
    show = commands.add_parser("show", help="one dead letter or parked entry in full")
    show.add_argument("id")
    replay = commands.add_parser("replay", help="publish again where it came from")
    replay.add_argument("id", nargs="?")
    replay.add_argument("--all", action="store_true", help="every one not replayed yet")
    replay.add_argument("--topic", help="with --all: only this stream")
    replay.add_argument("--force", action="store_true", help="replay even if replayed before")
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        print(asyncio.run(run(args, ServiceSettings())))
    except LookupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
