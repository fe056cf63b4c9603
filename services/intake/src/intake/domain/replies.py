"""What the resident is told, and when: standard answers, replies, and promises of a reply.

A consultation with an approved standard answer is answered at once (KB-03). Otherwise the agent
asks the department and promises a reply in one of six tiers chosen by how hard the question
is: 10, 20 or 30 minutes, or 1, 2 or 3 working days on the site's calendar, never later (KB-04).
A promise is a durable deadline: kept by a reply, or breached once when it runs out. Whatever
the tier, a request the agent could not answer on the spot gets a first answer within 24 hours
(domain.md: "any request answered within 24 hours"; X7, X8), so a 3-working-day promise still
owes the resident word of progress by then.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from hotline_libs.working_days import SiteCalendar

FIRST_ANSWER_WITHIN = timedelta(hours=24)
MAX_REPLY = 4000
MAX_REVIEW_NOTE = 500

REPLY_PROMISE = "reply_promise"
FIRST_ANSWER = "first_answer"
"""The names of the request's two answer clocks (durable deadlines)."""


class ReplyTier(enum.StrEnum):
    """How soon the agent promised to reply (KB-04): chosen by the question's difficulty."""

    MINUTES_10 = "10_minutes"
    MINUTES_20 = "20_minutes"
    MINUTES_30 = "30_minutes"
    WORKING_DAYS_1 = "1_working_day"
    WORKING_DAYS_2 = "2_working_days"
    WORKING_DAYS_3 = "3_working_days"

    @property
    def minutes(self) -> int | None:
        return {"10_minutes": 10, "20_minutes": 20, "30_minutes": 30}.get(self.value)

    @property
    def working_days(self) -> int | None:
        return {"1_working_day": 1, "2_working_days": 2, "3_working_days": 3}.get(self.value)

    def due(self, promised_at: datetime, calendar: SiteCalendar) -> datetime:
        """When a promise made at ``promised_at`` runs out: minutes later, or the same time of
        day so many working days later at the site."""
        if self.minutes is not None:
            return promised_at + timedelta(minutes=self.minutes)
        assert self.working_days is not None
        return calendar.after_working_days(promised_at, self.working_days)


class ReplyKind(enum.StrEnum):
    STANDARD_ANSWER = "standard_answer"
    """An approved standard answer, given at once (KB-03)."""
    REPLY = "reply"
    """The department's answer, passed on: keeps the promise."""
    PROGRESS = "progress"
    """Word of progress while the answer is awaited: a first answer, keeps the promise made;
    a new promise is made for the answer itself."""


@dataclass(frozen=True)
class StandardAnswerGiven:
    """Which controlled text was given: its document and revision."""

    answer_id: uuid.UUID
    document_no: str
    revision: int


@dataclass(frozen=True)
class PolicyReview:
    """Quality control's reading of an answer given: did it keep to company policy? An answer
    given in a hurry, or one that misled the resident, is found against it (KB-05, KB-14,
    KB-15) and counted in the month's report."""

    contradicts_policy: bool
    note: str
    by: str
    at: datetime


@dataclass(frozen=True)
class Reply:
    kind: ReplyKind
    text: str
    by: str
    at: datetime
    standard_answer: StandardAnswerGiven | None = None
    review: PolicyReview | None = None


@dataclass(frozen=True)
class ReplyPromise:
    tier: ReplyTier
    promised_by: str
    promised_at: datetime
    due_at: datetime
    kept_at: datetime | None = None
    breached_at: datetime | None = None
    """When the deadline ran out with the promise still open (reported once)."""

    @property
    def is_open(self) -> bool:
        return self.kept_at is None

    @property
    def kept_on_time(self) -> bool:
        return self.kept_at is not None and self.kept_at <= self.due_at
