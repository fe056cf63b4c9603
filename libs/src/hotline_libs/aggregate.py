"""What every aggregate has, with no I/O: a version, the events it raised, the deadlines its state sets.

A domain model subclasses ``Aggregate``. Its methods change its state and ``record`` domain
events (plain dataclasses of the service's own). Its ``deadlines`` say which clocks the current
state has running; they are derived from the state, so moving the state on cancels them by
itself. ``deadline_reached`` is called (through the service layer) once a deadline has passed.
The unit of work stores the state, the events and the deadlines in one conditional write
(``hotline_libs.unit_of_work``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

Clock = Callable[[], datetime]
"""Tells the time; services take one so that tests can set it."""


def utc_now() -> datetime:
    """The current time, timezone-aware, in UTC, to the millisecond: what the store keeps (BSON
    dates), so an answer given before a save shows the time a later read shows."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


class Aggregate:
    """Base of an aggregate root (a work order, a charge, a callback ...).

    ``version`` is 0 until the aggregate is first stored and goes up by one with every save;
    a save expecting a version someone else has moved past is refused (``ConcurrencyConflict``)
    and the use case is retried from a fresh read.
    """

    version: int = 0

    def record(self, event: Any) -> None:
        """Note a domain event; it is published with the aggregate's next save."""
        self.__dict__.setdefault("_pending_events", []).append(event)

    def pending_events(self) -> list[Any]:
        """The events recorded since the last save, oldest first."""
        return list(self.__dict__.get("_pending_events", []))

    def clear_events(self) -> None:
        """Forget the recorded events (called once they are stored with the aggregate)."""
        self.__dict__.pop("_pending_events", None)

    def deadlines(self) -> dict[str, datetime]:
        """The clocks the current state has running: name → when it runs out. None by default."""
        return {}

    def deadline_reached(self, name: str, now: datetime) -> None:
        """React to the deadline ``name`` having passed; only called while ``deadlines`` has it."""
        raise NotImplementedError(f"{type(self).__name__} has no deadline {name!r}")


def is_due(aggregate: Aggregate, deadline: str, now: datetime) -> bool:
    """True when ``aggregate``'s current state has ``deadline`` running and it has run out.

    A deadline handler asks this of a fresh read before acting: a deadline another replica
    already handled, or one the state has moved past, is no longer due.
    """
    due_at = aggregate.deadlines().get(deadline)
    return due_at is not None and due_at <= now
