"""The half-yearly satisfaction survey (满意度问卷调查): sent before June and before December to
every occupied unit (SRV-02), collected 15 working days after (SRV-03), at least half returned
(SRV-04), the results tabulated per question (SRV-05) with the share of satisfied residents
(≥ 90%, SRV-10).

A survey is opened for a site's half year (``2026-H2``) with the day it goes out and its
questions; the units it goes to are the site's occupied units that day (a unit with an owner or
a tenant in the directory). Returns are recorded as the questionnaires come back, one per unit;
at the end of the collection day (a durable deadline) the survey closes and a late return is
refused.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from statistics import fmean
from zoneinfo import ZoneInfo

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import Conflict, RuleViolation
from hotline_libs.working_days import SiteCalendar

COLLECT_AFTER_WORKING_DAYS = 15
RETURNED_SHARE = 0.50
SATISFIED_SHARE = 0.90
CLOSE = "close"
PERIOD = re.compile(r"^(20\d{2})-H([12])$")
SCORES = range(1, 6)
MAX_COMMENT = 2000
DEFAULT_QUESTIONS = {
    "service_attitude": "客服人员服务态度",
    "repairs": "维修服务及时性与质量",
    "cleaning": "公共区域保洁",
    "security": "安全秩序维护",
    "greenery": "绿化养护",
    "communication": "信息公开与沟通",
}
"""The questionnaire's items when a site sets none (scores 1 to 5)."""


def send_before(period: str) -> date:
    """The day a half year's questionnaires go out before: 1 June for H1, 1 December for H2."""
    found = PERIOD.match(period)
    if found is None:
        raise RuleViolation("period is a half year, YYYY-H1 or YYYY-H2", field="period")
    year, half = int(found.group(1)), int(found.group(2))
    return date(year, 6 if half == 1 else 12, 1)


class SurveyStatus(enum.StrEnum):
    COLLECTING = "collecting"
    CLOSED = "closed"


@dataclass(frozen=True)
class Return:
    unit_id: str
    satisfied: bool
    scores: dict[str, int]
    comment: str | None
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True)
class QuestionResult:
    code: str
    text: str
    answers: int
    average: float | None


@dataclass
class Survey(Aggregate):
    site_id: str
    period: str
    sent_on: date
    questions: dict[str, str]
    units: list[str]
    collect_on: date
    collect_on_assumed: bool
    time_zone: str
    opened_by: str
    status: SurveyStatus = SurveyStatus.COLLECTING
    returns: list[Return] = field(default_factory=list)
    closed_at: datetime | None = None

    @property
    def sent_late(self) -> bool:
        """Sent on or after the day it was due before (SRV-02)."""
        return self.sent_on >= send_before(self.period)

    @property
    def closes_at(self) -> datetime:
        """The end of the collection day in the site's time."""
        return datetime.combine(
            self.collect_on + timedelta(days=1), time(0), tzinfo=ZoneInfo(self.time_zone)
        )

    def record_return(
        self,
        unit_id: str,
        satisfied: bool,
        scores: dict[str, int],
        comment: str | None,
        by: str,
        now: datetime,
    ) -> bool:
        """A unit's questionnaire came back; False when this one was recorded already."""
        if unit_id not in self.units:
            raise RuleViolation(
                f"unit {unit_id} was not sent this survey (not occupied on {self.sent_on})",
                field="room",
            )
        unknown = sorted(set(scores) - set(self.questions))
        if unknown:
            raise RuleViolation(f"no such question {unknown}", field="scores")
        bad = sorted(q for q, score in scores.items() if score not in SCORES)
        if bad:
            raise RuleViolation(f"scores are 1 to 5; not for {bad}", field="scores")
        if comment is not None and (not comment.strip() or len(comment) > MAX_COMMENT):
            raise RuleViolation(f"a comment is 1 to {MAX_COMMENT} characters", field="comment")
        for earlier in self.returns:
            if earlier.unit_id == unit_id:
                same = (earlier.satisfied, earlier.scores, earlier.comment) == (
                    satisfied,
                    scores,
                    comment,
                )
                if same:
                    return False
                raise Conflict(f"unit {unit_id}'s questionnaire is recorded already")
        if self.status is SurveyStatus.CLOSED:
            raise Conflict(f"the survey closed on {self.collect_on}: a late return is not counted")
        self.returns.append(Return(unit_id, satisfied, scores, comment, by, now))
        return True

    def deadlines(self) -> dict[str, datetime]:
        return {CLOSE: self.closes_at} if self.status is SurveyStatus.COLLECTING else {}

    def deadline_reached(self, name: str, now: datetime) -> None:
        if name != CLOSE:
            super().deadline_reached(name, now)
        self.status, self.closed_at = SurveyStatus.CLOSED, now

    # -- the results table (问卷结果统计表, SRV-05) ------------------------------------------
    @property
    def return_rate(self) -> float | None:
        return round(len(self.returns) / len(self.units), 4) if self.units else None

    @property
    def satisfaction(self) -> float | None:
        if not self.returns:
            return None
        return round(sum(r.satisfied for r in self.returns) / len(self.returns), 4)

    def results(self) -> list[QuestionResult]:
        rows = []
        for code, text in self.questions.items():
            answers = [r.scores[code] for r in self.returns if code in r.scores]
            rows.append(
                QuestionResult(
                    code, text, len(answers), round(fmean(answers), 2) if answers else None
                )
            )
        return rows


def open_survey(
    site_id: str,
    period: str,
    sent_on: date,
    questions: dict[str, str],
    occupied: list[str],
    calendar: SiteCalendar,
    by: str,
    today: date,
) -> Survey:
    """A half year's survey going out on ``sent_on`` to the ``occupied`` units."""
    due_before = send_before(period)
    if sent_on > today:
        raise RuleViolation(
            "a survey is recorded once sent: sent_on is not ahead of today", field="sent_on"
        )
    if not due_before - timedelta(days=183) <= sent_on < due_before + timedelta(days=31):
        raise RuleViolation(
            f"{period}'s questionnaires go out before {due_before}: sent_on is in that half year",
            field="sent_on",
        )
    if not questions:
        raise RuleViolation("a questionnaire has at least one question", field="questions")
    if not occupied:
        raise Conflict(f"no occupied unit of {site_id} is in the directory yet")
    collect_on, assumed = calendar.working_days.add_or_assume(sent_on, COLLECT_AFTER_WORKING_DAYS)
    return Survey(
        site_id=site_id,
        period=period,
        sent_on=sent_on,
        questions=dict(questions),
        units=sorted(occupied),
        collect_on=collect_on,
        collect_on_assumed=assumed,
        time_zone=calendar.zone.key,
        opened_by=by,
    )
