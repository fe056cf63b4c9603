"""A site's callback policy (回访规定): which completed services and complaints are called back,
how many of them, and by when; versioned, each version in force from its day on.

The manuals' rules are the defaults and the floors no site may go under: every cash-paid
service called back, bank-collected ones at least 80% (CB-03); convenience services within 2
working days of completion (CB-08); every valid complaint (CB-11), and at least half of all
handled complaints (CB-10: the invalid ones are sampled); all of last month's callbacks done
before the 10th (CB-02).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import Conflict, RuleViolation


class Trigger(enum.StrEnum):
    """What makes a callback: a kind of completed service, or a handled complaint."""

    CASH_PAID = "cash_paid"
    """A paid service the resident paid in cash."""
    BANK_COLLECTED = "bank_collected"
    """A paid service collected by the bank (银行托收)."""
    OTHER_PAID = "other_paid"
    """A paid service paid by transfer, WeChat Pay, Alipay or another way."""
    REPAIR = "repair"
    """Free work: a routine repair the management fee covers (CB-09)."""
    VALID_COMPLAINT = "valid_complaint"
    INVALID_COMPLAINT = "invalid_complaint"


SERVICES = frozenset(
    {Trigger.CASH_PAID, Trigger.BANK_COLLECTED, Trigger.OTHER_PAID, Trigger.REPAIR}
)
"""Triggers that are completed services: convenience services, called within 2 working days."""
COMPLAINTS = frozenset({Trigger.VALID_COMPLAINT, Trigger.INVALID_COMPLAINT})


def service_trigger(paid: bool, payment_method: str | None) -> Trigger:
    """The trigger of a completed work order."""
    if not paid:
        return Trigger.REPAIR
    if payment_method == "cash":
        return Trigger.CASH_PAID
    if payment_method == "bank_collection":
        return Trigger.BANK_COLLECTED
    return Trigger.OTHER_PAID


@dataclass(frozen=True)
class Rule:
    """How many of a trigger's cases are called back (a percentage: below 100 a sample is drawn)
    and within how many working days of the service or the complaint's resolution."""

    share: int
    within_working_days: int


MIN_SHARE = {Trigger.CASH_PAID: 100, Trigger.BANK_COLLECTED: 80, Trigger.VALID_COMPLAINT: 100}
"""The manuals' floors (CB-03, CB-11); a site may call back more, never fewer."""
SERVICE_WORKING_DAYS = 2
"""Convenience services are called back within 2 working days of completion (CB-08)."""
MAX_WORKING_DAYS = 5
"""Complaints: the manuals give no span of their own; a week at most, the month's 10th anyway."""
MONTH_DONE_BEFORE_DAY = 10
"""All of last month's callbacks are done before the 10th of the month (CB-02)."""
MAX_RECTIFICATION_LOOPS = 5

MANUALS = {
    Trigger.CASH_PAID: Rule(100, SERVICE_WORKING_DAYS),
    Trigger.BANK_COLLECTED: Rule(80, SERVICE_WORKING_DAYS),
    Trigger.OTHER_PAID: Rule(100, SERVICE_WORKING_DAYS),
    Trigger.REPAIR: Rule(100, SERVICE_WORKING_DAYS),
    Trigger.VALID_COMPLAINT: Rule(100, SERVICE_WORKING_DAYS),
    Trigger.INVALID_COMPLAINT: Rule(50, SERVICE_WORKING_DAYS),
}
"""The rules of the manuals, in force at a site until it sets its own."""


@dataclass(frozen=True)
class PolicyVersion:
    """One version of a site's policy, in force from ``effective_from`` (the site's day) until
    the next version's day."""

    version: int
    effective_from: date
    rules: dict[Trigger, Rule]
    month_done_before_day: int = MONTH_DONE_BEFORE_DAY
    rectification_limit: int = 2
    """Rectifications of one case before it is escalated to the site's management."""
    set_by: str | None = None
    set_at: datetime | None = None
    note: str | None = None

    def rule(self, trigger: Trigger) -> Rule:
        return self.rules[trigger]

    def month_deadline(self, day: date) -> date:
        """The last day a callback of a case of ``day``'s month may be made: the day before the
        next month's ``month_done_before_day``."""
        first_of_next = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
        return first_of_next.replace(day=self.month_done_before_day) - timedelta(days=1)


MANUALS_VERSION = PolicyVersion(version=0, effective_from=date.min, rules=dict(MANUALS))
"""Version 0: the manuals' rules, in force before a site's first version."""


def checked_rules(rules: dict[Trigger, Rule]) -> dict[Trigger, Rule]:
    """Every trigger's rule, within the manuals' floors; refusals name the field."""
    missing = [t.value for t in Trigger if t not in rules]
    if missing:
        raise RuleViolation(f"a rule for each trigger is needed; missing {missing}", field="rules")
    for trigger, rule in rules.items():
        where = f"rules.{trigger.value}"
        floor = MIN_SHARE.get(trigger, 0)
        if not floor <= rule.share <= 100:
            raise RuleViolation(
                f"{trigger.value}: the share called back is {floor} to 100 percent"
                + (" (the manuals' floor)" if floor else ""),
                field=f"{where}.share",
            )
        most = SERVICE_WORKING_DAYS if trigger in SERVICES else MAX_WORKING_DAYS
        if not 1 <= rule.within_working_days <= most:
            raise RuleViolation(
                f"{trigger.value}: called back within 1 to {most} working days",
                field=f"{where}.within_working_days",
            )
    return dict(rules)


@dataclass
class CallbackPolicy(Aggregate):
    """A site's policy versions, oldest first; the manuals' rules before the first."""

    site_id: str
    versions: list[PolicyVersion] = field(default_factory=list)

    def in_force(self, day: date) -> PolicyVersion:
        """The version in force on the site's ``day``."""
        current = MANUALS_VERSION
        for version in self.versions:
            if version.effective_from <= day:
                current = version
        return current

    def add_version(self, proposed: PolicyVersion, today: date) -> PolicyVersion:
        """Add a version from ``proposed.effective_from`` on (today or later; after the last
        version's day): a version in force is never edited. The same version proposed again is
        no change (its number is given back)."""
        last = self.versions[-1] if self.versions else None
        if last is not None and _same(last, proposed):
            return last
        if proposed.effective_from < today:
            raise RuleViolation(
                "a policy version takes effect today or later: the past is not rewritten",
                field="effective_from",
            )
        if last is not None and proposed.effective_from <= last.effective_from:
            raise Conflict(
                f"version {last.version} takes effect on {last.effective_from}: a new version "
                "takes effect after it"
            )
        if not 1 <= proposed.month_done_before_day <= MONTH_DONE_BEFORE_DAY:
            raise RuleViolation(
                f"last month's callbacks are done before a day from 1 to {MONTH_DONE_BEFORE_DAY}",
                field="month_done_before_day",
            )
        if not 1 <= proposed.rectification_limit <= MAX_RECTIFICATION_LOOPS:
            raise RuleViolation(
                f"a case is rectified 1 to {MAX_RECTIFICATION_LOOPS} times before it is escalated",
                field="rectification_limit",
            )
        version = PolicyVersion(
            version=len(self.versions) + 1,
            effective_from=proposed.effective_from,
            rules=checked_rules(proposed.rules),
            month_done_before_day=proposed.month_done_before_day,
            rectification_limit=proposed.rectification_limit,
            set_by=proposed.set_by,
            set_at=proposed.set_at,
            note=proposed.note,
        )
        self.versions.append(version)
        return version


def _same(a: PolicyVersion, b: PolicyVersion) -> bool:
    return (a.effective_from, a.rules, a.month_done_before_day, a.rectification_limit, a.note) == (
        b.effective_from,
        b.rules,
        b.month_done_before_day,
        b.rectification_limit,
        b.note,
    )
