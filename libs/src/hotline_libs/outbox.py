"""Transactional outbox without transactions, and the relay that publishes it.

A state change and the events it causes are written in one document update (single-document
atomicity, which FerretDB and MongoDB both give): the events wait in the document's ``outbox``
array, and ``outbox_at`` says since when something waits there. The relay publishes them and
then pulls them out. A crash between the two republishes the same event ids, and consumers
deduplicate on them: nothing is lost, nothing doubles.

What a unit of work has just written reaches the relay directly (``written``): the relay
publishes it without reading the document back, and clears what it published of many documents
in one bulk write, a quarter of a second later (clearing is not on anyone's path; an entry
published but not yet cleared when the process dies is published again, with the same id). A sweep (at start-up, then every ``sweep_interval_s``) finds what no live
process announced, through an index on ``outbox_at``: events left by a process that died, or
by another replica.

One entry the broker will not take (its topic is missing, it is too large) does not hold up the
others: its attempts are counted in the document, it is retried with backoff, and after
``max_attempts`` it is parked in ``outbox_parked`` with the reason, where the operator command
(``make dlq``) lists it and can replay it. An outage of the broker or the store parks nothing:
everything waits and is retried.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

import structlog
from pymongo import ReturnDocument, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection

from contracts import Event
from hotline_libs.aggregate import Clock
from hotline_libs.background import Worker

log = structlog.get_logger(__name__)

OUTBOX_FIELD = "outbox"
OUTBOX_SINCE_FIELD = "outbox_at"
"""When the oldest entry still in ``outbox`` was written; unset when the outbox is empty."""
ATTEMPTS_FIELD = "outbox_attempts"
"""Failed publish attempts per event id, for entries the broker refused."""
PARKED_FIELD = "outbox_parked"
PARKED_SINCE_FIELD = "parked_at"
"""Set while the document has parked entries: what the operator command looks for."""


def outbox_entry(event: Event[Any]) -> dict[str, Any]:
    """The stored form of an event waiting to be published."""
    return {
        "event_id": str(event.event_id),
        "topic": event.TOPIC,
        "key": event.partition_key(),
        "event_type": event.EVENT_TYPE,
        "body": event.model_dump_json(),
    }


class EntryRefused(Exception):
    """The broker answers but will not take this entry (missing topic, too large, not allowed).

    Retrying helps only once someone fixes the cause, so such an entry is counted and parked.
    Any other error from a publisher is taken as an outage, which parks nothing.
    """


class EntryPublisher(Protocol):
    """Publishes one stored outbox entry (see ``messaging.KafkaRelayPublisher``)."""

    async def publish_entry(self, entry: dict[str, Any]) -> None: ...


@dataclass
class RelayMetrics:
    """What a relay has done; the service exports these (``hotline_libs.metrics``)."""

    published: int = 0
    refused: int = 0
    parked: int = 0
    outages: int = 0
    pending_since: dict[Any, datetime] = field(default_factory=dict)
    """Documents known to have unpublished entries, with the time the oldest was written."""

    def oldest_pending_age_s(self, now: datetime) -> float:
        """Age of the oldest entry known to wait: the relay's lag."""
        if not self.pending_since:
            return 0.0
        return max(0.0, (now - min(self.pending_since.values())).total_seconds())


@dataclass
class _Outcome:
    published: list[dict[str, Any]]
    failed: dict[str, Any] | None = None
    error: BaseException | None = None


@dataclass
class _Waiting:
    entries: list[dict[str, Any]]
    not_before: float


class OutboxRelay(Worker):
    """Publishes the pending events of one collection; see the module's docstring."""

    def __init__(
        self,
        collection: AsyncCollection[dict[str, Any]],
        publisher: EntryPublisher,
        *,
        clock: Clock,
        sweep_interval_s: float,
        sweep_grace_s: float = 5.0,
        max_attempts: int = 5,
        batch: int = 500,
        clear_delay_s: float = 0.25,
    ) -> None:
        self._collection = collection
        self._publisher = publisher
        self._clock = clock
        self._sweep_interval_s = sweep_interval_s
        self._sweep_grace_s = sweep_grace_s
        self._max_attempts = max_attempts
        self._batch = batch
        self._clear_delay_s = clear_delay_s
        self._clears: dict[Any, list[dict[str, Any]]] = {}
        """Entries published but not yet pulled from their documents, per document, in order."""
        self._clears_since: float | None = None
        self._fresh: dict[Any, list[dict[str, Any]]] = {}
        self._waiting: dict[Any, _Waiting] = {}  # documents backing off after a refused entry
        self._wake = asyncio.Event()
        self.metrics = RelayMetrics()

    @property
    def collection_name(self) -> str:
        return self._collection.name

    def written(self, document_id: Any, entries: tuple[dict[str, Any], ...]) -> None:
        """Publish ``entries``, just written to ``document_id``'s outbox, soon."""
        if not entries:
            return
        self._fresh.setdefault(document_id, []).extend(entries)
        self.metrics.pending_since.setdefault(document_id, self._clock())
        self._wake.set()

    # -- one pass -------------------------------------------------------------------------------
    async def relay_fresh(self) -> int:
        """Publish what was announced since the last pass, and what is due after a backoff."""
        batch, self._fresh = self._fresh, {}
        now = time.monotonic()
        for document_id in [d for d, w in self._waiting.items() if w.not_before <= now]:
            waiting = self._waiting.pop(document_id)
            batch[document_id] = _merge(waiting.entries, batch.get(document_id, []))
        if not batch:
            return 0
        return await self._relay(batch)

    async def sweep(self, grace_s: float | None = None) -> bool:
        """Publish what waits in the collection longer than ``grace_s``; True if the batch was full
        (more may wait). Documents backing off after a refusal are left to their backoff."""
        grace = self._sweep_grace_s if grace_s is None else grace_s
        cutoff = self._clock() - timedelta(seconds=grace)
        cursor = self._collection.find(
            {OUTBOX_SINCE_FIELD: {"$exists": True, "$lte": cutoff}},
            {OUTBOX_FIELD: 1, OUTBOX_SINCE_FIELD: 1},
        ).limit(self._batch)
        found: dict[Any, list[dict[str, Any]]] = {}
        stale_markers = []
        documents = 0
        async for document in cursor:
            documents += 1
            if document["_id"] in self._waiting:
                continue
            entries = document.get(OUTBOX_FIELD) or []
            if not entries:
                stale_markers.append(
                    UpdateOne(
                        {"_id": document["_id"], OUTBOX_FIELD: []},
                        {"$unset": {OUTBOX_SINCE_FIELD: ""}},
                    )
                )
                continue
            found[document["_id"]] = entries
            self.metrics.pending_since.setdefault(document["_id"], document[OUTBOX_SINCE_FIELD])
        if stale_markers:
            await self._collection.bulk_write(stale_markers, ordered=False)
        if found:
            await self._relay(found)
        return documents >= self._batch

    async def _relay(self, documents: dict[Any, list[dict[str, Any]]]) -> int:
        """Publish each document's entries (documents side by side, a document's own in order),
        then clear what was published in one bulk write."""
        ids = list(documents)
        outcomes = await asyncio.gather(*(self._publish_in_order(documents[d]) for d in ids))
        clears = self._clears
        refusals: list[tuple[Any, list[dict[str, Any]], str]] = []
        outage: BaseException | None = None
        published = 0
        for document_id, outcome in zip(ids, outcomes, strict=True):
            rest = documents[document_id][len(outcome.published) :]
            if outcome.published:
                published += len(outcome.published)
                clears[document_id] = _merge(clears.get(document_id, []), outcome.published)
            if not rest:
                self.metrics.pending_since.pop(document_id, None)
            elif isinstance(outcome.error, EntryRefused):
                refusals.append((document_id, rest, str(outcome.error)))
            else:  # an outage: all of it waits for the next pass
                outage = outage or outcome.error
                self._fresh[document_id] = _merge(rest, self._fresh.get(document_id, []))
        if clears and self._clears_since is None:
            self._clears_since = time.monotonic()
        self.metrics.published += published
        for document_id, rest, reason in refusals:
            try:
                await self._refused(document_id, rest, reason)
            except BaseException:
                self._fresh[document_id] = _merge(rest, self._fresh.get(document_id, []))
                raise
        if outage is not None:
            self.metrics.outages += 1
            raise outage
        return published

    async def flush(self) -> int:
        """Clear what was published from the documents; returns how many documents.

        Nearly always a document's outbox holds just what was published: one bulk write empties
        those outboxes and drops their markers, each only if that is so. If any held more (an
        event added meanwhile), a second bulk write pulls exactly the published entries out of
        every one, leaving the rest and the marker. If this fails, the sweep finds the published
        entries again and they are published again, with the same ids.
        """
        clears, self._clears, self._clears_since = self._clears, {}, None
        if not clears:
            return 0
        emptied = await self._collection.bulk_write(
            [
                UpdateOne(
                    {"_id": document_id, OUTBOX_FIELD: entries},
                    {"$set": {OUTBOX_FIELD: []}, "$unset": {OUTBOX_SINCE_FIELD: ""}},
                )
                for document_id, entries in clears.items()
            ],
            ordered=False,
        )
        if emptied.matched_count < len(clears):
            await self._collection.bulk_write(
                [
                    UpdateOne({"_id": document_id}, {"$pullAll": {OUTBOX_FIELD: entries}})
                    for document_id, entries in clears.items()
                ],
                ordered=False,
            )
        return len(clears)

    def _flush_due(self) -> bool:
        if not self._clears or self._clears_since is None:
            return False
        waited = time.monotonic() - self._clears_since
        return waited >= self._clear_delay_s or len(self._clears) >= self._batch

    async def _publish_in_order(self, entries: list[dict[str, Any]]) -> _Outcome:
        outcome = _Outcome(published=[])
        for entry in entries:
            try:
                await self._publisher.publish_entry(entry)
            except Exception as exc:
                outcome.failed, outcome.error = entry, exc
                return outcome
            outcome.published.append(entry)
        return outcome

    async def _refused(self, document_id: Any, rest: list[dict[str, Any]], reason: str) -> None:
        """Count a refusal of ``rest[0]``; park it after ``max_attempts``; let the rest wait."""
        entry = rest[0]
        self.metrics.refused += 1
        counted = f"{ATTEMPTS_FIELD}.{entry['event_id']}"
        # (FerretDB's findAndModify takes no projection: the document comes back whole)
        document = await self._collection.find_one_and_update(
            {"_id": document_id}, {"$inc": {counted: 1}}, return_document=ReturnDocument.AFTER
        )
        attempts = 1
        if document is not None:
            attempts = int((document.get(ATTEMPTS_FIELD) or {}).get(entry["event_id"], 1))
        log.warning(
            "the broker refused an outbox entry",
            collection=self.collection_name,
            document_id=str(document_id),
            event_type=entry["event_type"],
            event_id=entry["event_id"],
            attempts=attempts,
            reason=reason,
        )
        if attempts >= self._max_attempts:
            now = self._clock()
            await self._collection.update_one(
                {"_id": document_id},
                {
                    "$pullAll": {OUTBOX_FIELD: [entry]},
                    "$push": {
                        PARKED_FIELD: {
                            **entry,
                            "reason": reason,
                            "attempts": attempts,
                            "parked_at": now,
                        }
                    },
                    "$set": {PARKED_SINCE_FIELD: now},
                    "$unset": {counted: ""},
                },
            )
            self.metrics.parked += 1
            log.error(
                "outbox entry parked; `make dlq` lists and replays it",
                collection=self.collection_name,
                document_id=str(document_id),
                event_id=entry["event_id"],
                reason=reason,
            )
            rest = rest[1:]
            if not rest:
                self.metrics.pending_since.pop(document_id, None)
                return
        delay = min(30.0, 0.5 * 2**attempts)
        self._waiting[document_id] = _Waiting(
            rest, time.monotonic() + (0 if attempts >= self._max_attempts else delay)
        )

    # -- the loop -------------------------------------------------------------------------------
    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        next_sweep = loop.time()
        grace: float | None = 0.0  # the first sweep takes everything a dead process left behind
        while True:
            self._wake.clear()
            try:
                await self.relay_fresh()
                if loop.time() >= next_sweep:
                    more = await self.sweep(grace)
                    grace = None
                    next_sweep = loop.time() + (0.0 if more else self._sweep_interval_s)
                if self._flush_due():
                    await self.flush()
                self.succeeded()
            except asyncio.CancelledError:
                raise
            except Exception:  # the events stay in the outbox
                await self.backoff("outbox relay pass", collection=self.collection_name)
                continue
            if self._fresh:
                continue
            wake_at = min([next_sweep, *(w.not_before for w in self._waiting.values())])
            if self._clears_since is not None:
                wake_at = min(wake_at, loop.time() + self._clear_delay_s)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), max(0.0, wake_at - loop.time()))

    def start(self) -> None:
        """Run the relay in the background until ``stop``."""
        self._start(f"outbox-relay-{self.collection_name}", self._run())

    async def stop(self) -> None:
        """Stop after the current pass, clearing what was published."""
        await super().stop()
        with contextlib.suppress(Exception):  # else the next start's sweep publishes them again
            await self.flush()


def _merge(first: list[dict[str, Any]], then: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``first`` followed by the entries of ``then`` not already in it, in order."""
    seen = {entry["event_id"] for entry in first}
    return [*first, *(entry for entry in then if entry["event_id"] not in seen)]
