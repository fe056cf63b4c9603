"""Rectification (整改): a callback that finds the resident unsatisfied sends the case back to be
put right, and a later callback follows it, until one records satisfaction (CB-07, CB-09).

Each time the follow-up finds it still wanting is another loop, counted; once the site's limit
of loops is spent and the resident is still unsatisfied, the case is escalated to the site's
management. A work order's case goes back to dispatch (a rectification order for the same
request); a complaint's goes back to the department that handled it, and its follow-up call is
due the policy's working days after the loop opens.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import RuleViolation

from callback.domain import events
from callback.domain.callback import Callback, CallbackReason, Contact


class RectificationStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    """A follow-up call found the resident satisfied."""
    ESCALATED = "escalated"
    """Still unsatisfied after the last loop: with the site's management."""


@dataclass(frozen=True)
class Loop:
    """One time the case went back: which callback found it wanting, in the resident's words,
    and the callback that followed it up (once its outcome is recorded)."""

    number: int
    found_by: uuid.UUID
    opinion: str
    opened_at: datetime
    followed_by: uuid.UUID | None = None
    satisfied: bool | None = None


@dataclass
class Rectification(Aggregate):
    rectification_id: uuid.UUID
    site_id: str
    request_id: uuid.UUID
    request_no: str
    work_order_id: uuid.UUID | None
    """The completed work order found wanting; None for a complaint."""
    resident: Contact
    case_reason: CallbackReason
    limit: int
    status: RectificationStatus = RectificationStatus.OPEN
    loops: list[Loop] = field(default_factory=list)
    closed_at: datetime | None = None
    escalated_at: datetime | None = None

    @property
    def current(self) -> Loop:
        return self.loops[-1]

    def open_loop(self, found_by: uuid.UUID, opinion: str, now: datetime) -> Loop:
        loop = Loop(len(self.loops) + 1, found_by, opinion, now)
        self.loops.append(loop)
        self.record(events.RectificationOpened(loop=loop.number, at=now))
        return loop

    def follow_up(self, callback: Callback, now: datetime) -> bool:
        """The follow-up call of the current loop was made: satisfied closes the case; not
        satisfied opens the next loop, or escalates the case once the limit is spent. False
        when this call was already taken into account."""
        outcome = callback.outcome
        if outcome is None:
            raise RuleViolation(f"callback {callback.callback_id} has no outcome yet")
        if any(loop.followed_by == callback.callback_id for loop in self.loops):
            return False
        if self.status is not RectificationStatus.OPEN:
            return False  # a late call on a case already closed or escalated changes nothing
        self.loops[-1] = replace(
            self.current, followed_by=callback.callback_id, satisfied=outcome.satisfied
        )
        if outcome.satisfied:
            self.status = RectificationStatus.CLOSED
            self.closed_at = now
            self.record(events.RectificationClosed(callback_id=callback.callback_id, at=now))
        elif len(self.loops) < self.limit:
            self.open_loop(callback.callback_id, outcome.opinion, now)
        else:
            self.status = RectificationStatus.ESCALATED
            self.escalated_at = now
            self.record(
                events.RectificationEscalated(
                    callback_id=callback.callback_id, opinion=outcome.opinion, at=now
                )
            )
        return True


def open_rectification(
    rectification_id: uuid.UUID, callback: Callback, limit: int, now: datetime
) -> Rectification:
    """The case of ``callback``, whose resident was not satisfied, goes back to be put right."""
    done, outcome = callback.completed, callback.outcome
    assert done is not None
    assert outcome is not None
    assert callback.reason is not None
    rectification = Rectification(
        rectification_id=rectification_id,
        site_id=callback.site_id,
        request_id=done.request_id,
        request_no=done.request_no,
        work_order_id=callback.work_order_id,
        resident=done.resident,
        case_reason=callback.reason,
        limit=limit,
    )
    rectification.open_loop(callback.callback_id, outcome.opinion, now)
    return rectification
