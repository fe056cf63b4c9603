"""Transactional outbox without transactions.

A state change and the events it causes are written in one document update (single-document
atomicity, which FerretDB and MongoDB both give): the events wait in the document's ``outbox``
array. The relay publishes them and then pulls them out. A crash between the two republishes
the same event ids, and consumers deduplicate on them: nothing is lost, nothing doubles.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any, Protocol

import structlog
from pymongo.asynchronous.collection import AsyncCollection

from contracts import Event

log = structlog.get_logger(__name__)

OUTBOX_FIELD = "outbox"


def outbox_entry(event: Event[Any]) -> dict[str, Any]:
    """The stored form of an event waiting to be published."""
    return {
        "event_id": str(event.event_id),
        "topic": event.TOPIC,
        "key": event.partition_key(),
        "event_type": event.EVENT_TYPE,
        "body": event.model_dump_json(),
    }


class RawPublisher(Protocol):
    """Publishes one already-serialised event (see ``messaging.EventPublisher``)."""

    async def publish_raw(self, topic: str, key: str, body: bytes, event_type: str) -> None: ...


class OutboxRelay:
    """Publishes the pending events of one collection.

    Writers name the document they just gave events (``wake(document_id)``), and the relay
    publishes those at once, looking each up by ``_id``. A sweep over the whole collection,
    at start-up and every ``sweep_interval_s``, publishes what no hint announced: events left
    by a process that died before its relay ran, or written by another replica.
    """

    def __init__(
        self,
        collection: AsyncCollection[dict[str, Any]],
        publisher: RawPublisher,
        sweep_interval_s: float,
    ) -> None:
        self._collection = collection
        self._publisher = publisher
        self._sweep_interval_s = sweep_interval_s
        self._hinted: set[Any] = set()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self, document_id: Any) -> None:
        """Publish the events just written to ``document_id`` soon."""
        self._hinted.add(document_id)
        self._wake.set()

    async def _publish(self, document: dict[str, Any]) -> int:
        entries = document.get(OUTBOX_FIELD) or []
        if not entries:
            return 0
        for entry in entries:
            await self._publisher.publish_raw(
                entry["topic"], entry["key"], entry["body"].encode(), entry["event_type"]
            )
        # remove exactly the entries published; entries added meanwhile stay for the next pass
        # ($pullAll on whole entries: FerretDB's $pull takes no conditions)
        await self._collection.update_one(
            {"_id": document["_id"]}, {"$pullAll": {OUTBOX_FIELD: entries}}
        )
        return len(entries)

    async def relay_hinted(self) -> int:
        """Publish the events of the documents named since the last pass."""
        pending, self._hinted = self._hinted, set()
        published = 0
        try:
            while pending:
                document_id = next(iter(pending))
                document = await self._collection.find_one({"_id": document_id}, {OUTBOX_FIELD: 1})
                if document is not None:
                    published += await self._publish(document)
                pending.discard(document_id)
        finally:
            self._hinted |= pending  # failed part way: keep the rest for the next pass
        return published

    async def sweep(self, batch: int = 500) -> int:
        """Publish whatever is pending in the whole collection, ``batch`` documents at a time.

        Another batch is read only when one came back full: under steady writes there is
        nearly always a document or two whose hint is about to be served, and sweeping again
        for those would turn the relay into back-to-back scans of the whole collection.
        """
        published = 0
        while True:
            documents = 0
            cursor = self._collection.find(
                {f"{OUTBOX_FIELD}.0": {"$exists": True}}, {OUTBOX_FIELD: 1}
            ).limit(batch)
            async for document in cursor:
                documents += 1
                published += await self._publish(document)
            if documents < batch:
                return published

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        next_sweep = loop.time()
        while True:
            self._wake.clear()
            try:
                await self.relay_hinted()
                if loop.time() >= next_sweep:
                    await self.sweep()
                    next_sweep = loop.time() + self._sweep_interval_s
            except asyncio.CancelledError:
                raise
            except Exception:
                # store or broker away for a moment: the events stay in the outbox; try again
                log.warning(
                    "outbox relay pass failed", collection=self._collection.name, exc_info=True
                )
                await asyncio.sleep(0.5)
            if self._hinted:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), max(0.0, next_sweep - loop.time()))

    def start(self) -> None:
        """Run the relay in the background until ``stop``."""
        self._task = asyncio.create_task(self._run(), name=f"outbox-relay-{self._collection.name}")

    async def stop(self) -> None:
        """Stop after the current pass."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
