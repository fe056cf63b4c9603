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
    """Publishes the pending events of one collection, oldest document first."""

    def __init__(
        self,
        collection: AsyncCollection[dict[str, Any]],
        publisher: RawPublisher,
        interval_s: float,
    ) -> None:
        self._collection = collection
        self._publisher = publisher
        self._interval_s = interval_s
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Ask for a pass now, e.g. right after a write added events."""
        self._wake.set()

    async def relay_once(self, batch: int = 200) -> int:
        """Publish what is pending now; returns the number of events published."""
        published = 0
        cursor = self._collection.find(
            {f"{OUTBOX_FIELD}.0": {"$exists": True}}, {OUTBOX_FIELD: 1}
        ).limit(batch)
        async for document in cursor:
            entries = document.get(OUTBOX_FIELD) or []
            for entry in entries:
                await self._publisher.publish_raw(
                    entry["topic"], entry["key"], entry["body"].encode(), entry["event_type"]
                )
            # remove exactly the entries published; entries added meanwhile stay for the next pass
            # ($pullAll on whole entries: FerretDB's $pull takes no conditions)
            await self._collection.update_one(
                {"_id": document["_id"]}, {"$pullAll": {OUTBOX_FIELD: entries}}
            )
            published += len(entries)
        return published

    async def _run(self) -> None:
        while True:
            try:
                if await self.relay_once():
                    continue
            except asyncio.CancelledError:
                raise
            except Exception:
                # store or broker away for a moment: the events stay in the outbox; try again
                log.warning(
                    "outbox relay pass failed", collection=self._collection.name, exc_info=True
                )
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._interval_s)

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
