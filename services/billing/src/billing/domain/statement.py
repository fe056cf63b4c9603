"""A site's income and spending statement (物业服务费用收支情况), published to its residents for
them to oversee (FEE-07, NTF-06).

For a period (a month, a quarter or a half year) finance takes the fee income from the period's
fee bills as billing holds them, adds the other income and the spending by category from the
planning and finance department's figures (the categories management fees pay for, FEE-09), and
submits it; the site's manager approves it, and it is published: notification sends it to the
site's households. Or the manager sends it back saying what to correct, and finance submits it
again. A published statement stands as published.

The fee income is what was collected of the period's bills when the statement was submitted:
management fees and the late fees paid on them; water and electricity are collected for the
utilities and shown beside it, not counted as the site's income. The balance is the income less
the spending.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import Conflict, RuleViolation

from billing.domain import events
from billing.domain.fee_bill import FeeBill, FeeItem
from billing.domain.fee_contract import ZERO
from billing.domain.review import Review

PERIOD = r"^20\d{2}-(0[1-9]|1[0-2]|Q[1-4]|H[12])$"
"""A month ``2026-11``, a quarter ``2026-Q4`` or a half year ``2026-H2``."""
MAX_LINES = 60


class SpendingCategory(enum.StrEnum):
    """What management fees pay for (管理费用主要用于以下开支, FEE-09)."""

    FACILITIES = "facilities"
    """Upkeep of common facilities and daily care of public areas: materials, public water and
    electricity, wear of equipment, refuse removal, greening (公用设施、设备的维修养护和公共场所
    的日常管理)."""
    STAFF = "staff"
    """Management staff's pay, allowances, welfare, protective gear and office costs."""
    CONTRACTORS = "contractors"
    """Specialist companies and others engaged for the management work."""
    INSURANCE_DEPRECIATION = "insurance_depreciation"
    SECURITY = "security"
    """Security and public order (治安与公共秩序维护)."""
    COMMUNITY_CULTURE = "community_culture"
    STATUTORY_TAXES = "statutory_taxes"
    MANAGER_REMUNERATION = "manager_remuneration"
    """The managing company's remuneration (管理人酬金)."""
    OTHER = "other"


CATEGORY_NAMES: dict[SpendingCategory, str] = {
    SpendingCategory.FACILITIES: "公用设施设备维修养护及公共场所管理",
    SpendingCategory.STAFF: "管理人员工资福利及办公费",
    SpendingCategory.CONTRACTORS: "专营公司及聘请人员费用",
    SpendingCategory.INSURANCE_DEPRECIATION: "设施设备保险费及折旧费",
    SpendingCategory.SECURITY: "治安与公共秩序维护",
    SpendingCategory.COMMUNITY_CULTURE: "社区文化活动",
    SpendingCategory.STATUTORY_TAXES: "法定税费",
    SpendingCategory.MANAGER_REMUNERATION: "管理人酬金",
    SpendingCategory.OTHER: "其它管理开支",
}
"""Each category as the residents' handbook names it, for the published statement."""


@dataclass(frozen=True)
class Period:
    """The months a statement covers."""

    label: str
    first_month: date
    months: int

    @property
    def month_starts(self) -> tuple[date, ...]:
        return tuple(
            date(
                self.first_month.year + (self.first_month.month - 1 + i) // 12,
                (self.first_month.month - 1 + i) % 12 + 1,
                1,
            )
            for i in range(self.months)
        )

    @property
    def after(self) -> date:
        """The first day after the period."""
        last = self.month_starts[-1]
        return date(last.year + last.month // 12, last.month % 12 + 1, 1)


def period_of(label: str) -> Period:
    """``2026-11``, ``2026-Q4`` or ``2026-H2`` as the months it covers, or a problem naming it."""
    if re.fullmatch(PERIOD, label) is None:
        raise RuleViolation(
            f"period {label!r} is not a month (2026-11), a quarter (2026-Q4) or a half year "
            "(2026-H2)",
            field="period",
        )
    year, part = int(label[:4]), label[5:]
    if part.startswith("Q"):
        return Period(label, date(year, 3 * int(part[1]) - 2, 1), 3)
    if part.startswith("H"):
        return Period(label, date(year, 6 * int(part[1]) - 5, 1), 6)
    return Period(label, date(year, int(part), 1), 1)


@dataclass(frozen=True)
class SpendingLine:
    """One item of spending from the planning and finance department's figures."""

    category: SpendingCategory
    item: str
    """What it was, as the residents read it: "绿化养护", "电梯年检"."""
    amount: Decimal


@dataclass(frozen=True)
class IncomeLine:
    """Income other than management fees (for instance rent of common areas for advertising)."""

    item: str
    amount: Decimal


@dataclass(frozen=True)
class FeeIncome:
    """One fee item of the period's bills: billed, and collected by the time of the figures."""

    item: FeeItem
    billed: Decimal
    collected: Decimal

    @property
    def outstanding(self) -> Decimal:
        return self.billed - self.collected


@dataclass(frozen=True)
class StatementFigures:
    """The fee income of the period's bills as it stood at ``as_of``."""

    fees: tuple[FeeIncome, ...]
    late_fees: Decimal
    bills: int
    as_of: datetime

    def fee(self, item: FeeItem) -> FeeIncome:
        return next((f for f in self.fees if f.item is item), FeeIncome(item, ZERO, ZERO))


def fee_income(bills: list[FeeBill], as_of: datetime) -> StatementFigures:
    """Each fee item of ``bills`` billed and collected by ``as_of``, and the late fees paid."""
    billed: dict[FeeItem, Decimal] = {}
    collected: dict[FeeItem, Decimal] = {}
    late_fees = ZERO
    for bill in bills:
        paid = bill.payment is not None and bill.payment.booked_at <= as_of
        late_fees += bill.late_fee_paid if paid else ZERO
        for line in bill.lines:
            billed[line.item] = billed.get(line.item, ZERO) + line.amount
            if paid:
                collected[line.item] = collected.get(line.item, ZERO) + line.amount
    return StatementFigures(
        fees=tuple(
            FeeIncome(item, billed[item], collected.get(item, ZERO))
            for item in FeeItem
            if item in billed
        ),
        late_fees=late_fees,
        bills=len(bills),
        as_of=as_of,
    )


class StatementState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    """Sent back by the manager: finance corrects it and submits again."""
    PUBLISHED = "published"


def statement_id(site_id: str, period: str) -> str:
    return f"{site_id}:{period}"


@dataclass
class IncomeStatement(Aggregate):
    site_id: str
    period: Period
    time_zone: str
    spending: tuple[SpendingLine, ...]
    other_income: tuple[IncomeLine, ...]
    prepared_by: str
    prepared_at: datetime
    note: str | None = None
    """For the residents, printed under the figures."""
    figures: StatementFigures | None = None
    """Frozen when submitted."""
    submitted_by: str | None = None
    submitted_at: datetime | None = None
    reviews: tuple[Review, ...] = ()
    published_at: datetime | None = None

    @property
    def statement_id(self) -> str:
        return statement_id(self.site_id, self.period.label)

    @property
    def state(self) -> StatementState:
        if self.published_at is not None:
            return StatementState.PUBLISHED
        if self.submitted_at is None:
            return StatementState.DRAFT
        last = self.reviews[-1] if self.reviews else None
        if last is not None and last.at >= self.submitted_at and not last.approved:
            return StatementState.RETURNED
        return StatementState.SUBMITTED

    @property
    def spending_total(self) -> Decimal:
        return sum((line.amount for line in self.spending), ZERO)

    def spending_by_category(self) -> dict[SpendingCategory, Decimal]:
        """Each category's spending, in the handbook's order; categories with none left out."""
        totals = {
            c: sum((s.amount for s in self.spending if s.category is c), ZERO)
            for c in SpendingCategory
        }
        return {c: amount for c, amount in totals.items() if amount}

    def income_total(self, figures: StatementFigures) -> Decimal:
        """Management fees collected, the late fees paid and the other income."""
        return (
            figures.fee(FeeItem.MANAGEMENT_FEE).collected
            + figures.late_fees
            + sum((line.amount for line in self.other_income), ZERO)
        )

    def balance(self, figures: StatementFigures) -> Decimal:
        return self.income_total(figures) - self.spending_total

    @classmethod
    def prepare(
        cls,
        site_id: str,
        period: Period,
        time_zone: str,
        spending: tuple[SpendingLine, ...],
        other_income: tuple[IncomeLine, ...],
        note: str | None,
        by: str,
        now: datetime,
    ) -> IncomeStatement:
        statement = cls(site_id, period, time_zone, (), (), by, now)
        statement.revise(spending, other_income, note, by, now)
        return statement

    def revise(
        self,
        spending: tuple[SpendingLine, ...],
        other_income: tuple[IncomeLine, ...],
        note: str | None,
        by: str,
        now: datetime,
    ) -> None:
        """Finance's figures, whole: while a draft or sent back."""
        if self.state not in (StatementState.DRAFT, StatementState.RETURNED):
            raise Conflict(
                f"the statement of {self.period.label} is {self.state.value}: its figures stand"
            )
        if not spending:
            raise RuleViolation("a statement lists the period's spending", field="spending")
        if len(spending) + len(other_income) > MAX_LINES:
            raise RuleViolation(f"a statement has at most {MAX_LINES} lines", field="spending")
        if any(line.amount <= 0 for line in spending) or any(
            line.amount <= 0 for line in other_income
        ):
            raise RuleViolation("every line's amount is above zero", field="spending")
        self.spending, self.other_income, self.note = spending, other_income, note
        self.prepared_by, self.prepared_at = by, now
        self.record(events.StatementPrepared(now))

    def _period_over_at(self) -> datetime:
        return datetime.combine(self.period.after, time(0), tzinfo=ZoneInfo(self.time_zone))

    def submit(self, figures: StatementFigures, by: str, now: datetime) -> None:
        """Finance submits it for the manager's approval with the fee income as it stands now:
        once the period is over, and again only when sent back."""
        if self.state is StatementState.SUBMITTED:
            if self.submitted_by == by:
                return  # asked again: it waits for the manager as it is
            raise Conflict(f"the statement of {self.period.label} awaits the manager's review")
        if self.state is StatementState.PUBLISHED:
            raise Conflict(f"the statement of {self.period.label} is published")
        if now < self._period_over_at().astimezone(UTC):
            raise Conflict(
                f"{self.period.label} is not over: its statement is submitted from "
                f"{self.period.after.isoformat()}"
            )
        self.figures, self.submitted_by, self.submitted_at = figures, by, now
        self.record(events.StatementSubmitted(now))

    def review(self, by: str, now: datetime, approved: bool, note: str | None) -> Review:
        """The site's manager approves it, and it is published, or sends it back with what to
        correct. Not the one who submitted it: a statement is seen by two."""
        last = self.reviews[-1] if self.reviews else None
        if self.state in (StatementState.PUBLISHED, StatementState.RETURNED):
            assert last is not None
            if (last.by, last.approved, last.note) == (by, approved, note):
                return last  # the same review asked again
            raise Conflict(
                f"the statement of {self.period.label} is {self.state.value}: it is reviewed"
            )
        if self.state is StatementState.DRAFT:
            raise Conflict(f"the statement of {self.period.label} is not submitted yet")
        if by == self.submitted_by:
            raise RuleViolation(
                "the statement is reviewed by someone other than who submitted it", field="by"
            )
        review = Review.given(by, now, approved, note)
        self.reviews = (*self.reviews, review)
        if approved:
            self.published_at = now
            self.record(events.StatementPublished(now))
        else:
            self.record(events.StatementReturned(now))
        return review
