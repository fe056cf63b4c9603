"""What happens to a callback, as the callback service records it (domain events)."""

from __future__ import annotations

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
