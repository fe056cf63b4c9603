"""Versioned aggregates in the store, and the unit of work that saves them.

One ``save`` writes an aggregate's state, the integration events its domain events map to (the
``outbox`` array) and the deadlines its state has running, in one conditional write: an insert
for a new aggregate, else an update of the document still at the version that was read, which
bumps the version. Someone else's save in between makes the write match nothing and raises
``ConcurrencyConflict``; the message bus retries the use case from a fresh read. FerretDB and
MongoDB both make a single-document write atomic, so a crash at any point leaves either the
whole change (state, events, deadlines) or none of it.

After a successful write the unit of work hands what it wrote to the service's runtime: the
outbox relay publishes those entries without reading the document again, and the deadline
poller learns of a deadline due sooner than its next poll. No write site has to remember to.
"""

from __future__ import annotations

import contextlib
import copy
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Generic, TypeAlias, TypeVar

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from contracts import Event
from hotline_libs.aggregate import Aggregate, Clock
from hotline_libs.errors import ConcurrencyConflict
from hotline_libs.mongo import Document, MongoSerials
from hotline_libs.outbox import (
    ATTEMPTS_FIELD,
    OUTBOX_FIELD,
    OUTBOX_SINCE_FIELD,
    PARKED_FIELD,
    PARKED_SINCE_FIELD,
    outbox_entry,
)
from hotline_libs.paging import Found, PageRequest, with_total
from hotline_libs.working_calendars import StoredCalendars

VERSION_FIELD = "version"
DEADLINES_FIELD = "deadlines"
NEXT_DEADLINE_FIELD = "next_deadline_at"
"""The earliest of an aggregate's deadlines, indexed: what the deadline poller queries."""

RESERVED_FIELDS = frozenset(
    {
        "_id",
        VERSION_FIELD,
        DEADLINES_FIELD,
        NEXT_DEADLINE_FIELD,
        OUTBOX_FIELD,
        OUTBOX_SINCE_FIELD,
        ATTEMPTS_FIELD,
        PARKED_FIELD,
        PARKED_SINCE_FIELD,
    }
)
BOOKKEEPING_PROJECTION: dict[str, int] = {
    OUTBOX_FIELD: 0,
    PARKED_FIELD: 0,
    ATTEMPTS_FIELD: 0,
    DEADLINES_FIELD: 0,
}
"""Fields a read of the aggregate's state does not need (and should not carry over the wire)."""


@dataclass(frozen=True)
class EventContext:
    """What an outbound mapper needs besides the domain event itself."""

    aggregate_version: int
    """The version the aggregate has once this save is stored; travels in the envelope."""
    causation_id: uuid.UUID | None
    """The id of the message (event or command) the use case handled."""


@dataclass(frozen=True)
class Written:
    """One document a unit of work has just stored."""

    collection: str
    document_id: str
    entries: tuple[Document, ...]
    """The outbox entries this save added."""
    next_deadline_at: datetime | None


def ignore_written(_: Written) -> None:
    """For a unit of work nobody relays from (tools, tests)."""


A = TypeVar("A", bound=Aggregate)


Published: TypeAlias = "Event[Any] | Sequence[Event[Any]] | None"
"""What one domain event is published as: nothing, one integration event, or the same fact in
each major version its consumers read (``Repository.to_integration``)."""


def published_events(published: Published) -> Sequence[Event[Any]]:
    """The integration events of one ``to_integration`` answer, as a sequence."""
    if published is None:
        return ()
    if isinstance(published, Event):
        return (published,)
    return published


class AggregateRepository(Generic[A]):
    """Loads and saves one kind of aggregate in its own collection.

    A subclass names the collection and says how the aggregate maps to the stored document and
    how its domain events map to integration events (the service's outbound mapper). Aggregates
    it hands out or is given are saved by the unit of work's ``commit``.
    """

    collection_name: ClassVar[str]
    markers: ClassVar[frozenset[str]] = frozenset()
    """Fields stored only while they have a value (removed, not set to null, when None), so that
    a query for the few documents having one (``{field: {"$exists": True}}``, through the
    field's index) reads only those: the open work orders among years of closed ones, say."""

    def __init__(self, db: AsyncDatabase[Document], uow: UnitOfWork) -> None:
        self._collection = db[self.collection_name]
        self._uow = uow
        self._seen: dict[str, tuple[A, Document | None]] = {}
        uow.track(self)

    # -- what a subclass provides -------------------------------------------------------------
    def identity(self, aggregate: A) -> str:
        """The aggregate's ``_id`` in the store."""
        raise NotImplementedError

    def to_document(self, aggregate: A) -> Document:
        """The aggregate's state as stored, without ``_id`` and the bookkeeping fields."""
        raise NotImplementedError

    def from_document(self, document: Document) -> A:
        """The aggregate from its stored state."""
        raise NotImplementedError

    def to_integration(self, aggregate: A, event: Any, context: EventContext) -> Published:
        """The integration event a domain event of ``aggregate`` (as it is being saved) is
        published as; None keeps it inside the service. While consumers move to a new major
        version of an event, a sequence publishes the same fact in both versions."""
        return None

    # -- reading ------------------------------------------------------------------------------
    def _load(self, document: Document) -> A:
        aggregate = self.from_document(document)
        aggregate.version = int(document.get(VERSION_FIELD, 0))
        return aggregate

    def _track(self, document: Document) -> A:
        key = str(document["_id"])
        if key in self._seen:  # the use case already holds it: keep its changes
            return self._seen[key][0]
        aggregate = self._load(document)
        self._seen[key] = (aggregate, self.to_document(aggregate))
        return aggregate

    async def get(self, aggregate_id: object) -> A | None:
        """The aggregate as stored, tracked so that ``commit`` saves what the use case changes."""
        key = str(aggregate_id)
        if key in self._seen:
            return self._seen[key][0]
        document = await self._collection.find_one({"_id": key}, BOOKKEEPING_PROJECTION)
        return None if document is None else self._track(document)

    async def reread(self, aggregate_id: object) -> A | None:
        """The aggregate as stored now, in place of the copy the use case holds: after a
        ``ConcurrencyConflict``, for a use case that can apply what it has done (a gateway's
        answers, say) to the fresh state rather than be retried from the start."""
        self._seen.pop(str(aggregate_id), None)
        return await self.get(aggregate_id)

    def add(self, aggregate: A) -> None:
        """A new aggregate, inserted by ``commit``; a clash with an existing id is a conflict."""
        self._seen[self.identity(aggregate)] = (aggregate, None)

    async def find(
        self,
        query: Document,
        *,
        sort: Sequence[tuple[str, int]] = (),
        skip: int = 0,
        limit: int = 0,
        track: bool = False,
    ) -> list[A]:
        """Aggregates matching ``query``; with ``track`` the use case may change and save them,
        else they are for reading only."""
        cursor = self._collection.find(query, BOOKKEEPING_PROJECTION)
        if sort:
            cursor = cursor.sort(list(sort))
        if skip:
            cursor = cursor.skip(skip)
        if limit:
            cursor = cursor.limit(limit)
        load = self._track if track else self._load
        return [load(document) async for document in cursor]

    async def page(
        self, query: Document, *, sort: Sequence[tuple[str, int]], page: PageRequest
    ) -> Found[A]:
        """One page of the aggregates matching ``query``, for reading, and how many match in all.

        ``sort`` should end with a unique field (``_id``) so that pages neither overlap nor skip
        items that tie on the others. The store counts only when the page does not tell: a page
        short of ``limit`` is the last one, so its items say the total (FerretDB counts by reading
        every matching document again).
        """
        items = await self.find(query, sort=sort, skip=page.offset, limit=page.limit)
        return await with_total(items, page, lambda: self._collection.count_documents(query))

    # -- writing ------------------------------------------------------------------------------
    async def save_changes(
        self,
        clock: Clock,
        causation_id: uuid.UUID | None,
        on_written: Callable[[Written], None],
    ) -> list[Written]:
        """Save every tracked aggregate that changed or raised events; ``on_written`` hears of
        each write as soon as it is stored."""
        written = []
        for aggregate, snapshot in list(self._seen.values()):
            result = await self._save(aggregate, snapshot, clock, causation_id)
            if result is not None:
                on_written(result)
                written.append(result)
        return written

    async def _save(
        self, aggregate: A, snapshot: Document | None, clock: Clock, causation_id: uuid.UUID | None
    ) -> Written | None:
        aggregate_id = self.identity(aggregate)
        state = self.to_document(aggregate)
        clash = RESERVED_FIELDS & state.keys()
        if clash:
            raise ValueError(f"{type(self).__name__}.to_document uses reserved fields {clash}")
        events = aggregate.pending_events()
        if snapshot is not None and state == snapshot and not events:
            return None
        version = aggregate.version + 1
        context = EventContext(aggregate_version=version, causation_id=causation_id)
        entries = [
            outbox_entry(integration)
            for e in events
            for integration in published_events(self.to_integration(aggregate, e, context))
        ]
        deadlines = aggregate.deadlines()
        stored_deadlines = [
            {"name": name, "due_at": due_at}
            for name, due_at in sorted(deadlines.items(), key=lambda item: (item[1], item[0]))
        ]
        next_deadline_at = min(deadlines.values(), default=None)
        now = clock()
        absent = [name for name in self.markers if state.get(name) is None]
        present = {name: value for name, value in state.items() if name not in absent}
        if aggregate.version == 0:
            document: Document = {
                "_id": aggregate_id,
                **present,
                VERSION_FIELD: version,
                DEADLINES_FIELD: stored_deadlines,
                OUTBOX_FIELD: entries,
            }
            if next_deadline_at is not None:
                document[NEXT_DEADLINE_FIELD] = next_deadline_at
            if entries:
                document[OUTBOX_SINCE_FIELD] = now
            try:
                await self._collection.insert_one(document)
            except DuplicateKeyError:
                raise ConcurrencyConflict(
                    f"{self.collection_name} {aggregate_id} was created meanwhile"
                ) from None
        else:
            fields = {**present, VERSION_FIELD: version, DEADLINES_FIELD: stored_deadlines}
            update: Document = {"$set": fields}
            unset = dict.fromkeys(absent, "")
            if next_deadline_at is not None:
                fields[NEXT_DEADLINE_FIELD] = next_deadline_at
            else:
                unset[NEXT_DEADLINE_FIELD] = ""
            if unset:  # MongoDB refuses an empty operator
                update["$unset"] = unset
            if entries:
                update["$push"] = {OUTBOX_FIELD: {"$each": entries}}
                update["$min"] = {OUTBOX_SINCE_FIELD: now}
            result = await self._collection.update_one(
                {"_id": aggregate_id, VERSION_FIELD: aggregate.version}, update
            )
            if result.matched_count != 1:
                raise ConcurrencyConflict(
                    f"{self.collection_name} {aggregate_id} changed since version "
                    f"{aggregate.version} was read"
                )
        aggregate.version = version
        aggregate.clear_events()
        self._seen[aggregate_id] = (aggregate, state)
        return Written(self.collection_name, aggregate_id, tuple(entries), next_deadline_at)


class UnitOfWork:
    """The changes of one use case, saved by ``commit`` (nothing is written before).

    A service subclasses it and adds its repositories as attributes. Each aggregate is saved in
    its own atomic write: a use case that must change two aggregates is written so that a
    retry after a crash between the two finishes the job (each handler is idempotent).
    """

    def __init__(
        self,
        db: AsyncDatabase[Document],
        *,
        clock: Clock,
        on_written: Callable[[Written], None] = ignore_written,
    ) -> None:
        self.db = db
        self.clock = clock
        self.serials = MongoSerials(db)
        self.calendars = StoredCalendars(db)
        self.causation_id: uuid.UUID | None = None
        self._on_written = on_written
        self._repositories: list[AggregateRepository[Any]] = []

    def track(self, repository: AggregateRepository[Any]) -> None:
        """Called by each repository made for this unit of work."""
        self._repositories.append(repository)

    async def commit(self) -> list[Written]:
        """Save every changed aggregate; then let the relay and the deadline poller know."""
        written: list[Written] = []
        for repository in self._repositories:
            written += await repository.save_changes(
                self.clock, self.causation_id, self._on_written
            )
        return written


async def add_missing(
    uow: UnitOfWork,
    repository: AggregateRepository[A],
    aggregates: Iterable[A],
    added: Callable[[A], None] | None = None,
) -> None:
    """Store each of ``aggregates`` (a service's demo data, say) not stored yet, as copies (the
    given objects stay unsaved); ``added`` is told of each copy before it is stored (to record
    the event that publishes it). Another replica doing the same at the same moment is no
    error."""
    for aggregate in aggregates:
        if await repository.get(repository.identity(aggregate)) is None:
            stored = copy.deepcopy(aggregate)
            if added is not None:
                added(stored)
            repository.add(stored)
    with contextlib.suppress(ConcurrencyConflict):
        await uow.commit()
