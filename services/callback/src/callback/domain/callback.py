"""The follow-up call after a completed service (回访), and its due date in working days.

A callback is created by whichever comes first of the work order's completion and its charge
(they travel on different topics); the completion decides it under the site's policy in force
that day: called back, or not drawn for a month's sample (a record all the same, with its
draw); due within the policy's working days (2 for convenience services, CB-08) on the site's
calendar, and before the next month's 10th (CB-02). While scheduled and not made, its due date
is a deadline: the end of the due day, when it is reported overdue once.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import Conflict, RuleViolation
from hotline_libs.working_days import SiteCalendar

from callback.domain import events
from callback.domain.policy import COMPLAINTS, PolicyVersion, Trigger
from callback.domain.sample import Draw

DUE = "due"
MAX_OPINION = 2000
UNANSWERED_TRIES = 3
"""Calls that nobody answers before the callback is given up as unreachable."""
TRY_AGAIN_AFTER = timedelta(hours=2)
"""When nobody answers, the next try is this much later (another time of the resident's day)."""
MAX_NOTE = 500
MAX_SIGNATURE_REF = 100


class CallbackReason(enum.StrEnum):
    """What the callback follows up (回访类型)."""

    AFTER_REPAIR = "after_repair"
    AFTER_PAID_SERVICE = "after_paid_service"
    AFTER_COMPLAINT = "after_complaint"
    """A handled complaint: every valid one, a sample of the invalid (CB-10, CB-11)."""
    AFTER_RECTIFICATION = "after_rectification"
    """A case put right after an unsatisfied callback: always called back (CB-07)."""


class CallbackStatus(enum.StrEnum):
    AWAITING_COMPLETION = "awaiting_completion"
    """The charge arrived before the completion: nothing to call about yet."""
    SCHEDULED = "scheduled"
    NOT_DRAWN = "not_drawn"
    """Not drawn for the month's sample of its kind: no call to make (the draw is kept)."""
    MADE = "made"
    UNREACHABLE = "unreachable"
    """Given up: nobody answered the last tries, or the number is wrong. The outcome may still
    be recorded if the resident is reached another way."""


class NotReached(enum.StrEnum):
    """Why a try did not give an outcome."""

    NO_ANSWER = "no_answer"
    WRONG_NUMBER = "wrong_number"
    CALL_BACK_LATER = "call_back_later"
    """The resident answered and asked to be called at another time."""


@dataclass(frozen=True)
class Attempt:
    """A try that did not give an outcome, and when to try again (None: no more tries)."""

    at: datetime
    agent: str
    result: NotReached
    note: str | None
    next_at: datetime | None


class Method(enum.StrEnum):
    PHONE = "phone"
    VISIT = "visit"


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str
    email: str | None
    building: str
    room: str


@dataclass(frozen=True)
class ChargeNote:
    """The charge the resident paid, for the agent's script."""

    charge_id: uuid.UUID
    charge_no: str
    total: Decimal
    raised_at: datetime


@dataclass(frozen=True)
class Completed:
    """The work order's completion, or the complaint's resolution, as the callback needs it."""

    request_id: uuid.UUID
    request_no: str
    resident: Contact
    paid: bool
    payment_method: str | None
    completed_at: datetime
    service_record_no: str | None = None
    """The service and callback record (服务及回访记录表) the callback is written on (DSP-05)."""
    rectification_id: uuid.UUID | None = None
    """The rectification (整改) the work was done for: its callback follows the case up."""


@dataclass(frozen=True)
class Outcome:
    """What the resident said (their opinion verbatim), how, and who asked. On a home visit the
    resident signs the record's "signature confirmation" column (签名确认, CB-05): the reference
    of that signed record is kept."""

    satisfied: bool
    opinion: str
    method: Method
    agent: str
    made_at: datetime
    signature_ref: str | None = None

    def same_as(self, other: Outcome) -> bool:
        return (self.satisfied, self.opinion, self.method, self.agent, self.signature_ref) == (
            other.satisfied,
            other.opinion,
            other.method,
            other.agent,
            other.signature_ref,
        )


@dataclass
class Callback(Aggregate):
    callback_id: uuid.UUID
    work_order_id: uuid.UUID | None
    """The completed work order followed up; None for a complaint's callback."""
    site_id: str
    status: CallbackStatus = CallbackStatus.AWAITING_COMPLETION
    completed: Completed | None = None
    reason: CallbackReason | None = None
    due_on: date | None = None
    time_zone: str = "Asia/Shanghai"
    """The site's time zone: the due day ends at midnight there."""
    due_on_assumed: bool = False
    """The due day falls in a year whose official calendar was not loaded when the call was
    scheduled; it was counted Monday to Friday (shown to the callback agents)."""
    scheduled_at: datetime | None = None
    charge: ChargeNote | None = None
    outcome: Outcome | None = None
    overdue_reported_at: datetime | None = None
    attempts: tuple[Attempt, ...] = ()
    trigger: Trigger | None = None
    policy_version: int | None = None
    """The site's policy version that decided it (0: the manuals' rules)."""
    draw: Draw | None = None
    """Its place in the month's sample, when its kind is sampled."""

    @property
    def rectification_id(self) -> uuid.UUID | None:
        """The rectification this call follows up, if any."""
        return None if self.completed is None else self.completed.rectification_id

    @property
    def next_attempt_at(self) -> datetime | None:
        """When the agents should try again, while the call is still to make."""
        if self.status is not CallbackStatus.SCHEDULED or not self.attempts:
            return None
        return self.attempts[-1].next_at

    @property
    def unanswered(self) -> int:
        return sum(a.result is NotReached.NO_ANSWER for a in self.attempts)

    @property
    def due_at(self) -> datetime | None:
        if self.due_on is None:
            return None
        return datetime.combine(
            self.due_on + timedelta(days=1), time(0), tzinfo=ZoneInfo(self.time_zone)
        )

    def schedule(
        self,
        completed: Completed,
        calendar: SiteCalendar,
        now: datetime,
        policy: PolicyVersion,
        trigger: Trigger,
        draw: Draw | None = None,
    ) -> bool:
        """Decide the call under ``policy``: on the list, due the rule's working days after the
        completion day and before the next month's deadline day, or not drawn for the month's
        sample (``draw``); False if it was decided already."""
        if self.status is not CallbackStatus.AWAITING_COMPLETION:
            return False
        self.completed = completed
        self.reason = (
            CallbackReason.AFTER_RECTIFICATION
            if completed.rectification_id is not None
            else reason_of(trigger)
        )
        day = calendar.local_day(completed.completed_at)
        due_on, self.due_on_assumed = calendar.working_days.add_or_assume(
            day, policy.rule(trigger).within_working_days
        )
        self.due_on = min(due_on, policy.month_deadline(day))
        self.time_zone = calendar.zone.key
        self.scheduled_at = now
        self.trigger, self.policy_version, self.draw = trigger, policy.version, draw
        if draw is not None and not draw.drawn:
            self.status = CallbackStatus.NOT_DRAWN
            return True
        self.status = CallbackStatus.SCHEDULED
        self.record(events.CallbackScheduled(scheduled_at=now))
        return True

    def note_charge(self, charge: ChargeNote) -> None:
        """Keep the charge the resident paid with the call."""
        self.charge = charge

    def record_outcome(self, outcome: Outcome) -> bool:
        """The call was made; False when this outcome was already recorded."""
        if self.status is CallbackStatus.MADE:
            assert self.outcome is not None
            if self.outcome.same_as(outcome):
                return False
            raise Conflict(f"callback {self.callback_id} already has a different outcome")
        if self.status is CallbackStatus.NOT_DRAWN:
            raise Conflict(f"callback {self.callback_id} was not drawn for the month's sample")
        if self.status not in (CallbackStatus.SCHEDULED, CallbackStatus.UNREACHABLE):
            raise Conflict(f"callback {self.callback_id} is not scheduled yet")
        if not outcome.opinion.strip() or len(outcome.opinion) > MAX_OPINION:
            raise RuleViolation(
                f"opinion must be the resident's words, 1 to {MAX_OPINION} characters",
                field="opinion",
            )
        visit = outcome.method is Method.VISIT
        if visit != bool(outcome.signature_ref and outcome.signature_ref.strip()):
            raise RuleViolation(
                "signature_ref is the reference of the record the resident signed on a home "
                "visit (签名确认): required on a visit, not given on a phone call",
                field="signature_ref",
            )
        self.outcome = outcome
        self.status = CallbackStatus.MADE
        self.record(events.CallbackMade(made_at=outcome.made_at))
        return True

    def try_without_outcome(
        self,
        result: NotReached,
        agent: str,
        now: datetime,
        note: str | None = None,
        call_back_at: datetime | None = None,
    ) -> Attempt:
        """Record a try that gave no outcome. Nobody answering is tried again two hours later,
        until the third, when the callback is given up as unreachable; a wrong number gives it
        up at once; a resident who asks to be called later is called at the time they asked."""
        if self.status is CallbackStatus.MADE:
            raise Conflict(f"callback {self.callback_id} is made already")
        if self.status is CallbackStatus.UNREACHABLE:
            raise Conflict(f"callback {self.callback_id} was given up as unreachable")
        if self.status is CallbackStatus.NOT_DRAWN:
            raise Conflict(f"callback {self.callback_id} was not drawn for the month's sample")
        if self.status is not CallbackStatus.SCHEDULED:
            raise Conflict(f"callback {self.callback_id} is not scheduled yet")
        if note is not None and len(note) > MAX_NOTE:
            raise RuleViolation(f"a note is at most {MAX_NOTE} characters", field="note")
        if (result is NotReached.CALL_BACK_LATER) != (call_back_at is not None):
            raise RuleViolation(
                "call_back_at is the time the resident asked to be called, given only when they "
                "asked to be called later",
                field="call_back_at",
            )
        if call_back_at is not None and call_back_at <= now:
            raise RuleViolation("call_back_at lies ahead of now", field="call_back_at")
        next_at: datetime | None
        if result is NotReached.CALL_BACK_LATER:
            next_at = call_back_at
        elif result is NotReached.NO_ANSWER and self.unanswered + 1 < UNANSWERED_TRIES:
            next_at = now + TRY_AGAIN_AFTER
        else:
            next_at = None
        attempt = Attempt(now, agent, result, note, next_at)
        self.attempts = (*self.attempts, attempt)
        if next_at is None:
            self.status = CallbackStatus.UNREACHABLE
            self.record(events.CallbackGivenUp(at=now, result=result.value))
        else:
            self.record(events.CallbackTried(at=now, next_at=next_at))
        return attempt

    def deadlines(self) -> dict[str, datetime]:
        due_at = self.due_at
        if self.status is CallbackStatus.SCHEDULED and self.overdue_reported_at is None and due_at:
            return {DUE: due_at}
        return {}

    def deadline_reached(self, name: str, now: datetime) -> None:
        if name != DUE:
            super().deadline_reached(name, now)
        due_at = self.due_at
        assert due_at is not None
        self.overdue_reported_at = now
        self.record(events.CallbackOverdue(due_at=due_at, noticed_at=now))


def reason_of(trigger: Trigger) -> CallbackReason:
    if trigger in COMPLAINTS:
        return CallbackReason.AFTER_COMPLAINT
    if trigger is Trigger.REPAIR:
        return CallbackReason.AFTER_REPAIR
    return CallbackReason.AFTER_PAID_SERVICE


def new_callback(callback_id: uuid.UUID, work_order_id: uuid.UUID | None, site_id: str) -> Callback:
    return Callback(callback_id=callback_id, work_order_id=work_order_id, site_id=site_id)
