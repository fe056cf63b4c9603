"""Durable deadlines: the clocks of the business (15 minutes to dispatch, 2 hours to reply, the
working-day callback due date, the 5th and the 10th of the month), kept in the store.

An aggregate says which deadlines its state has running (``Aggregate.deadlines``); the unit of
work writes them into the aggregate's own document, in the same write as the state change that
starts them, with the earliest in the indexed field ``next_deadline_at``. Moving the state on
drops them in the same way. Nothing is held in memory that a restart could lose.

A ``DeadlinePoller`` per collection finds what has run out and fires it by calling ``fire``,
which hands a command to the service layer: the handler loads the aggregate, calls its
``deadline_reached``, and saves it with the version it read. That conditional write is the
claim: when two replicas fire the same deadline, one save wins and the other is retried from a
fresh read, where the deadline has gone. So a deadline fires exactly once, across restarts and
replicas, and one already past at start-up fires at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import structlog
from pymongo.asynchronous.collection import AsyncCollection

from hotline_libs.aggregate import Clock
from hotline_libs.background import Worker
from hotline_libs.unit_of_work import DEADLINES_FIELD, NEXT_DEADLINE_FIELD

log = structlog.get_logger(__name__)

Fire = Callable[[str, str, datetime], Awaitable[None]]
"""Fires one deadline: (document id, deadline name, when it was due)."""


class DeadlinePoller(Worker):
    """Fires the deadlines of one collection as they run out."""

    def __init__(
        self,
        collection: AsyncCollection[dict[str, Any]],
        fire: Fire,
        *,
        clock: Clock,
        interval_s: float,
        batch: int = 200,
    ) -> None:
        self._collection = collection
        self._fire = fire
        self._clock = clock
        self._interval_s = interval_s
        self._batch = batch
        self._wake = asyncio.Event()
        self._soonest: datetime | None = None
        self._failures: dict[tuple[str, str], tuple[int, float]] = {}  # (id, name) -> (n, retry at)
        self.fired = 0

    @property
    def collection_name(self) -> str:
        return self._collection.name

    def hint(self, due_at: datetime | None) -> None:
        """A deadline due at ``due_at`` was just written: poll then, if sooner than planned."""
        if due_at is None:
            return
        if self._soonest is None or due_at < self._soonest:
            self._soonest = due_at
            self._wake.set()

    async def poll(self) -> int:
        """Fire every deadline that has run out; returns how many fired. One that fails is logged
        and retried later with backoff; the others go on."""
        now = self._clock()
        cursor = (
            self._collection.find(
                {NEXT_DEADLINE_FIELD: {"$exists": True, "$lte": now}},
                {DEADLINES_FIELD: 1, NEXT_DEADLINE_FIELD: 1},
            )
            .sort(NEXT_DEADLINE_FIELD, 1)
            .limit(self._batch)
        )
        due = [
            (str(document["_id"]), deadline["name"], deadline["due_at"])
            async for document in cursor
            for deadline in document.get(DEADLINES_FIELD) or []
            if deadline["due_at"] <= now
        ]
        fired = 0
        for document_id, name, due_at in due:
            key = (document_id, name)
            failures, retry_at = self._failures.get(key, (0, 0.0))
            if retry_at > time.monotonic():
                continue
            try:
                await self._fire(document_id, name, due_at)
            except asyncio.CancelledError:
                raise
            except Exception:
                failures += 1
                delay = min(300.0, 2.0**failures)
                self._failures[key] = (failures, time.monotonic() + delay)
                log.exception(
                    "a deadline's handler failed; will retry",
                    collection=self.collection_name,
                    document_id=document_id,
                    deadline=name,
                    retry_in_s=delay,
                )
                continue
            self._failures.pop(key, None)
            fired += 1
        self.fired += fired
        return fired

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            self._soonest = None
            try:
                await self.poll()
                self.succeeded()
            except asyncio.CancelledError:
                raise
            except Exception:
                await self.backoff("deadline poll", collection=self.collection_name)
                continue
            loop = asyncio.get_running_loop()
            wake_at = loop.time() + self._interval_s
            while (remaining := wake_at - loop.time()) > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), remaining)
                if self._wake.is_set() and self._soonest is not None:
                    self._wake.clear()
                    until = (self._soonest - self._clock()).total_seconds()
                    wake_at = min(wake_at, loop.time() + max(0.0, until))

    def start(self) -> None:
        """Poll in the background until ``stop``; the first poll is at once."""
        self._start(f"deadlines-{self.collection_name}", self._run())
