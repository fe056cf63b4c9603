"""The unit's contract for management fees (物业服务合同, or a commercial lease): the rate the
fee is charged at, when the fee runs from and to, and the deposits held (FEE-06, FEE-11, FEE-12).

The fee is charged on the floor area the directory records for the unit, at the contract's rate
per square metre and month; residential and commercial contracts carry their own rates. A
move-out (迁出确认书) fixes the fee cut-off date: the month it falls in is charged for the days
up to it, and nothing after. A commercial tenant leaves deposits at move-in, three months' fee
and, when the lease has a rent, three months' rent; they are held until released at move-out,
less what the tenant still owes.
"""

from __future__ import annotations

import calendar
import enum
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import Conflict, RuleViolation
from hotline_libs.money import round_yuan

from billing.domain import events

ZERO = Decimal("0.00")
DEPOSIT_MONTHS = 3
"""A commercial tenant's deposits: three months' fee and three months' rent (FEE-11)."""
MAX_RATE = Decimal("1000")
"""Yuan per square metre and month: no contract charges more; a larger figure is a typing slip."""


class UnitKind(enum.StrEnum):
    """What the unit is used for: the contract's rate differs (FEE-06)."""

    RESIDENTIAL = "residential"
    COMMERCIAL = "commercial"


class DepositKind(enum.StrEnum):
    MANAGEMENT_FEE = "management_fee"
    """物业管理费保证金: three months' fee."""
    RENT = "rent"
    """房租押金: three months' rent."""


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def monthly_fee(floor_area_m2: Decimal, rate: Decimal) -> Decimal:
    """A whole month's fee: area × rate, rounded half up to the fen once."""
    return round_yuan(floor_area_m2 * rate)


def fee_for_days(floor_area_m2: Decimal, rate: Decimal, days: int, days_in_month: int) -> Decimal:
    """The fee for ``days`` of a month of ``days_in_month``: area × rate × days / days in the
    month, computed exactly and rounded half up to the fen once (never per day)."""
    if days == days_in_month:
        return monthly_fee(floor_area_m2, rate)
    return round_yuan(floor_area_m2 * rate * days / days_in_month)


@dataclass(frozen=True)
class Deposit:
    """Money a tenant left as security, held until released."""

    kind: DepositKind
    amount: Decimal
    held_on: date
    reference: str
    """The receipt or transfer it was paid with."""
    held_by: str
    released_on: date | None = None
    deducted: Decimal = ZERO
    """Kept against what the tenant still owed at release."""
    released_reference: str | None = None
    released_by: str | None = None

    @property
    def refunded(self) -> Decimal | None:
        return None if self.released_on is None else self.amount - self.deducted


@dataclass(frozen=True)
class MoveOut:
    """The move-out confirmation (迁出确认书, FEE-12): the fee stops at ``fee_cut_off``."""

    fee_cut_off: date
    confirmed_by: str
    confirmed_at: datetime
    note: str | None = None


def _check_amount(name: str, amount: Decimal) -> Decimal:
    if amount <= 0 or round_yuan(amount) != amount:
        raise RuleViolation(f"{name} must be a positive amount in fen", field=name)
    return amount


@dataclass
class FeeContract(Aggregate):
    """One unit's contract for the fee: its rate and its dates."""

    contract_no: str
    site_id: str
    building: str
    room: str
    kind: UnitKind
    rate: Decimal
    """Yuan per square metre of floor area and month."""
    starts_on: date
    recorded_at: datetime
    recorded_by: str
    monthly_rent: Decimal | None = None
    """A commercial lease's rent, for its deposit."""
    move_out: MoveOut | None = None
    deposits: tuple[Deposit, ...] = ()

    @classmethod
    def signed(
        cls,
        *,
        contract_no: str,
        site_id: str,
        building: str,
        room: str,
        kind: UnitKind,
        rate: Decimal,
        starts_on: date,
        monthly_rent: Decimal | None,
        by: str,
        now: datetime,
    ) -> FeeContract:
        if not ZERO < rate <= MAX_RATE or rate.as_tuple().exponent < -4:  # type: ignore[operator]
            raise RuleViolation(
                f"rate must be above 0 and at most {MAX_RATE} yuan per m² and month, with at "
                "most four decimal places",
                field="rate",
            )
        if monthly_rent is not None:
            _check_amount("monthly_rent", monthly_rent)
            if kind is UnitKind.RESIDENTIAL:
                raise RuleViolation(
                    "monthly_rent is for a commercial lease; a residential fee contract has none",
                    field="monthly_rent",
                )
        contract = cls(
            contract_no=contract_no,
            site_id=site_id,
            building=building,
            room=room,
            kind=kind,
            rate=rate,
            starts_on=starts_on,
            recorded_at=now,
            recorded_by=by,
            monthly_rent=monthly_rent,
        )
        contract.record(events.FeeContractRecorded(now))
        return contract

    @property
    def unit(self) -> tuple[str, str, str]:
        return (self.site_id, self.building, self.room)

    @property
    def ends_on(self) -> date | None:
        """The fee cut-off date, once the move-out is confirmed."""
        return self.move_out.fee_cut_off if self.move_out else None

    def overlaps(self, other: FeeContract) -> bool:
        """Two contracts of one unit must not charge the same day twice."""
        far = date.max
        return self.starts_on <= (other.ends_on or far) and other.starts_on <= (self.ends_on or far)

    def days_charged(self, month: date) -> int:
        """The days of ``month`` the contract runs: the whole month, or from its start or up
        to its cut-off."""
        first, last = month_start(month), month_end(month)
        start = max(first, self.starts_on)
        end = min(last, self.ends_on or last)
        return max(0, (end - start).days + 1)

    def confirm_move_out(
        self, fee_cut_off: date, by: str, now: datetime, note: str | None = None
    ) -> None:
        """The move-out confirmation fixes the fee cut-off date (FEE-12); confirming the same
        date again changes nothing."""
        if self.move_out is not None:
            if self.move_out.fee_cut_off == fee_cut_off:
                return
            raise Conflict(
                f"contract {self.contract_no} has its move-out confirmed already, fee cut-off "
                f"{self.move_out.fee_cut_off.isoformat()}"
            )
        if fee_cut_off < self.starts_on:
            raise RuleViolation(
                f"fee_cut_off must be on or after the contract's start "
                f"({self.starts_on.isoformat()})",
                field="fee_cut_off",
            )
        self.move_out = MoveOut(fee_cut_off, by, now, note)
        self.record(events.FeeContractMovedOut(now, fee_cut_off))

    def deposits_required(self, floor_area_m2: Decimal | None) -> dict[DepositKind, Decimal]:
        """What a commercial tenant leaves at move-in (FEE-11): three months' fee at the
        contract's rate and, with a rent, three months' rent. Residential contracts: none."""
        if self.kind is not UnitKind.COMMERCIAL:
            return {}
        required: dict[DepositKind, Decimal] = {}
        if floor_area_m2 is not None:
            required[DepositKind.MANAGEMENT_FEE] = DEPOSIT_MONTHS * monthly_fee(
                floor_area_m2, self.rate
            )
        if self.monthly_rent is not None:
            required[DepositKind.RENT] = DEPOSIT_MONTHS * self.monthly_rent
        return required

    def deposit(self, kind: DepositKind) -> Deposit | None:
        return next((d for d in self.deposits if d.kind is kind), None)

    def hold_deposit(
        self,
        kind: DepositKind,
        amount: Decimal,
        held_on: date,
        reference: str,
        by: str,
        required: Decimal | None,
    ) -> None:
        """Record a deposit paid in; the same one again changes nothing."""
        _check_amount("amount", amount)
        held = self.deposit(kind)
        if held is not None:
            if (held.amount, held.reference) == (amount, reference):
                return
            raise Conflict(f"contract {self.contract_no} holds its {kind.value} deposit already")
        if required is not None and amount < required:
            raise RuleViolation(
                f"the {kind.value} deposit is {required:.2f} yuan ({DEPOSIT_MONTHS} months); "
                f"{amount:.2f} was given",
                field="amount",
            )
        self.deposits = (*self.deposits, Deposit(kind, amount, held_on, reference, by))
        self.record(events.DepositHeld(kind.value, amount))

    def release_deposit(
        self, kind: DepositKind, released_on: date, deducted: Decimal, reference: str, by: str
    ) -> Deposit:
        """Give a held deposit back, less what is kept against the tenant's debts."""
        held = self.deposit(kind)
        if held is None:
            raise Conflict(f"contract {self.contract_no} holds no {kind.value} deposit")
        if held.released_on is not None:
            if (held.released_on, held.deducted, held.released_reference) == (
                released_on,
                deducted,
                reference,
            ):
                return held
            raise Conflict(
                f"the {kind.value} deposit of contract {self.contract_no} was released on "
                f"{held.released_on.isoformat()}"
            )
        if deducted < 0 or round_yuan(deducted) != deducted or deducted > held.amount:
            raise RuleViolation(
                f"deducted must be an amount in fen from 0 to the deposit's {held.amount:.2f}",
                field="deducted",
            )
        if released_on < held.held_on:
            raise RuleViolation("released_on is before the deposit was held", field="released_on")
        released = Deposit(
            held.kind,
            held.amount,
            held.held_on,
            held.reference,
            held.held_by,
            released_on,
            deducted,
            reference,
            by,
        )
        self.deposits = tuple(released if d.kind is kind else d for d in self.deposits)
        self.record(events.DepositReleased(kind.value, released.refunded or ZERO))
        return released
