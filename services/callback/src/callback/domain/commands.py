"""What the callback service is asked to do: by dispatch's and billing's events, by agents, by its clock."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from callback.domain.callback import ChargeNote, Completed, Method, NotReached
from callback.domain.policy import Rule, Trigger


@dataclass(frozen=True)
class ScheduleCallback:
    work_order_id: uuid.UUID
    site_id: str
    completed: Completed
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class ScheduleComplaintCallback:
    """A complaint was resolved (or an invalid one explained): called back under the policy."""

    request_id: uuid.UUID
    site_id: str
    resolved: Completed
    valid: bool
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class NoteCharge:
    work_order_id: uuid.UUID
    site_id: str
    charge: ChargeNote
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class RecordCallbackOutcome:
    callback_id: uuid.UUID
    satisfied: bool
    opinion: str
    method: Method
    agent: str
    visible_sites: frozenset[str] | None
    signature_ref: str | None = None
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class CallbackDeadlineReached:
    callback_id: uuid.UUID
    deadline: str
    due_at: datetime
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class RecordCallbackAttempt:
    """An agent tried the resident and got no outcome: nobody answered, the number is wrong,
    or the resident asked to be called later (at ``call_back_at``)."""

    callback_id: uuid.UUID
    result: NotReached
    note: str | None
    call_back_at: datetime | None
    agent: str
    visible_sites: frozenset[str] | None
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class SetCallbackPolicy:
    """A site's manager sets a new version of the site's callback policy, from a day on."""

    site_id: str
    effective_from: date
    rules: Mapping[Trigger, Rule]
    month_done_before_day: int
    rectification_limit: int
    note: str | None
    set_by: str
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class DrawSpotChecks:
    """Draw a site's month's callbacks to spot-check, up to ``count`` (CB-06)."""

    site_id: str
    month: str
    count: int
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class RecordSpotCheck:
    site_id: str
    month: str
    callback_id: uuid.UUID
    confirmed: bool
    note: str | None
    by: str
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class PrepareKpiReport:
    site_id: str
    month: str
    by: str
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class ReviewKpiReport:
    site_id: str
    month: str
    approved: bool
    note: str | None
    by: str
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class ApproveKpiReport:
    site_id: str
    month: str
    by: str
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class KeepUnit:
    """Intake recorded a unit: whether anyone lives there (the households visits and surveys
    count)."""

    unit_id: str
    site_id: str
    occupied: bool
    recorded_at: datetime
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class RecordVisit:
    visit_id: uuid.UUID
    site_id: str
    building: str
    room: str
    visited_on: date
    opinion: str
    steward: str
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class RecordPatrol:
    site_id: str
    day: date
    at: datetime
    notes: str | None
    steward: str
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class WriteDiary:
    site_id: str
    day: date
    text: str
    steward: str
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class OpenSurvey:
    site_id: str
    period: str
    sent_on: date
    questions: Mapping[str, str]
    by: str
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class RecordSurveyReturn:
    site_id: str
    period: str
    building: str
    room: str
    satisfied: bool
    scores: Mapping[str, int]
    comment: str | None
    by: str
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class SurveyDeadlineReached:
    survey_id: str
    deadline: str
    due_at: datetime
    causation_id: uuid.UUID | None = None
