"""Fakes for unit tests: an in-memory store with the real store's version rule, and serials.

``MemoryStore`` keeps copies of saved aggregates per collection. ``FakeRepository`` hands out
copies, tracks them like ``AggregateRepository`` does, and on commit refuses a save whose
expected version someone else moved past (``ConcurrencyConflict``), so handlers run through a
real ``MessageBus`` retry exactly as they would on the store. Each saved domain event is kept,
and mapped with the service's real outbound mapper to the integration event it would publish.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import datetime
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import ConcurrencyConflict
from hotline_libs.unit_of_work import EventContext, Published, published_events
from hotline_libs.working_calendars import FixedCalendars
from hotline_libs.working_days import SiteCalendar, WorkingDays

from contracts import Event

A = TypeVar("A", bound=Aggregate)
Outbound = Callable[[Any, Any, EventContext], Published]


class CountingSerials:
    """Sequences kept in memory, like ``hotline_libs.mongo.MongoSerials``."""

    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    async def next(self, sequence: str) -> int:
        self.values[sequence] = self.values.get(sequence, 0) + 1
        return self.values[sequence]


CHINA_TIME = ZoneInfo("Asia/Shanghai")


class MemoryStore:
    """What is saved, per collection; shared by every unit of work of one test."""

    def __init__(self) -> None:
        self.collections: dict[str, dict[str, Any]] = {}
        self.events: list[Any] = []
        """Domain events, in the order they were saved."""
        self.published: list[Event[Any]] = []
        """The integration events those map to: what the relay would publish."""
        self.commits = 0
        self.serials = CountingSerials()
        self.calendars = FixedCalendars(SiteCalendar(WorkingDays.of("CN"), CHINA_TIME))
        """China's statutory calendar, in China's time zone, for every site."""

    def saved(self, collection: str) -> dict[str, Any]:
        return self.collections.setdefault(collection, {})

    def published_of(self, kind: type[Event[Any]]) -> list[Any]:
        return [event for event in self.published if isinstance(event, kind)]


class FakeRepository(Generic[A]):
    collection_name: str

    def __init__(self, store: MemoryStore, uow: FakeUnitOfWork, outbound: Outbound | None) -> None:
        self._store = store
        self._outbound = outbound
        self._seen: dict[str, A] = {}
        uow.track(self)

    def identity(self, aggregate: A) -> str:
        raise NotImplementedError

    @property
    def _saved(self) -> dict[str, A]:
        return self._store.saved(self.collection_name)

    def _track(self, key: str) -> A:
        if key not in self._seen:
            self._seen[key] = copy.deepcopy(self._saved[key])
        return self._seen[key]

    async def get(self, aggregate_id: object) -> A | None:
        key = str(aggregate_id)
        if key in self._seen:
            return self._seen[key]
        return self._track(key) if key in self._saved else None

    async def reread(self, aggregate_id: object) -> A | None:
        self._seen.pop(str(aggregate_id), None)
        return await self.get(aggregate_id)

    def add(self, aggregate: A) -> None:
        self._seen[self.identity(aggregate)] = aggregate

    def stored(self) -> list[A]:
        """Copies of everything saved, for the test to look at."""
        return [copy.deepcopy(a) for a in self._saved.values()]

    def tracked_where(self, keep: Callable[[A], bool], order: Callable[[A], Any]) -> list[A]:
        keys = sorted(
            (k for k, a in self._saved.items() if keep(a)), key=lambda k: order(self._saved[k])
        )
        return [self._track(key) for key in keys]

    async def save_changes(self, clock: Callable[[], datetime], causation_id: Any) -> None:
        for key, aggregate in list(self._seen.items()):
            before = self._saved.get(key)
            events = aggregate.pending_events()
            if aggregate.version == 0 and before is not None:
                raise ConcurrencyConflict(f"{self.collection_name} {key} was created meanwhile")
            if aggregate.version and (before is None or before.version != aggregate.version):
                raise ConcurrencyConflict(f"{self.collection_name} {key} changed meanwhile")
            if before is not None and before == aggregate and not events:
                continue
            aggregate.version += 1
            context = EventContext(aggregate_version=aggregate.version, causation_id=causation_id)
            for event in events:
                self._store.events.append(event)
                if self._outbound is not None:
                    published = self._outbound(aggregate, event, context)
                    self._store.published += published_events(published)
            aggregate.clear_events()
            self._saved[key] = copy.deepcopy(aggregate)
            self._store.commits += 1


class FakeUnitOfWork:
    """A unit of work over a ``MemoryStore``; a service's test adds its repositories."""

    def __init__(self, store: MemoryStore, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.clock = clock
        self.serials = store.serials
        self.calendars = store.calendars
        self.causation_id: Any = None
        self._repositories: list[FakeRepository[Any]] = []

    def track(self, repository: FakeRepository[Any]) -> None:
        self._repositories.append(repository)

    async def commit(self) -> None:
        for repository in self._repositories:
            await repository.save_changes(self.clock, self.causation_id)


class Clock:
    """A clock a test sets."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now
