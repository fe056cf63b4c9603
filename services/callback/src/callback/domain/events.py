"""What happens to a callback, as the callback service records it (domain events)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class CallbackScheduled:
    """A follow-up call is on an agent's list (回访)."""

    scheduled_at: datetime


@dataclass(frozen=True)
class CallbackOverdue:
    """The due day ended and the call has not been made."""

    due_at: datetime
    noticed_at: datetime

    @property
    def overdue_by(self) -> timedelta:
        return self.noticed_at - self.due_at


@dataclass(frozen=True)
class CallbackMade:
    """The agent reached the resident and recorded the outcome."""

    made_at: datetime


@dataclass(frozen=True)
class CallbackTried:
    """A try gave no outcome; the next is due at ``next_at``."""

    at: datetime
    next_at: datetime


@dataclass(frozen=True)
class CallbackGivenUp:
    """Nobody answered the last try, or the number is wrong: the callback is unreachable."""

    at: datetime
    result: str


@dataclass(frozen=True)
class RectificationOpened:
    """A case went back to be put right (its ``loop``-th time)."""

    loop: int
    at: datetime


@dataclass(frozen=True)
class RectificationClosed:
    """A follow-up call found the resident satisfied."""

    callback_id: uuid.UUID
    at: datetime


@dataclass(frozen=True)
class RectificationEscalated:
    """Still unsatisfied after the last loop."""

    callback_id: uuid.UUID
    opinion: str
    at: datetime
