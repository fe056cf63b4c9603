"""The work order (派工单): from an accepted request to the resident's signature.

What may happen to a work order is the transition table below; every change goes through
``_move``, which refuses anything the table does not allow. The clocks a work order has running
are its ``deadlines``: while nobody has it, the 15-minute dispatch deadline (DSP-02) and the next
try at finding a technician.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import NoReturn

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import Conflict, RuleViolation

from dispatch.domain import events
from dispatch.domain.field_records import DamageCase, Drawn, MaterialLine
from dispatch.domain.technician import Assignee, Need, Technician

DISPATCH_TARGET = timedelta(minutes=15)
"""A work order reaches the service staff within 15 minutes of acceptance (DSP-02)."""

ASSIGNMENT_RETRY = timedelta(minutes=2)
"""When a waiting work order first looks again for a technician, besides when one comes on
duty (which assigns it at once); each try that finds nobody doubles the wait, up to
``ASSIGNMENT_RETRY_CAP``, so a site with nobody on duty all night is not rewritten every minute."""
ASSIGNMENT_RETRY_CAP = timedelta(minutes=16)

COMPLETION_CLOCK_SKEW = timedelta(minutes=5)


class InvalidCompletion(RuleViolation):
    """A completion report breaks an acceptance rule."""


class Board(enum.StrEnum):
    """The intake board a request came from, as far as dispatch cares."""

    REPAIR = "repair"
    HOUSEKEEPING = "housekeeping"
    OTHER = "other"


TRADE_FOR_BOARD: dict[Board, str] = {
    Board.REPAIR: "maintenance",
    Board.HOUSEKEEPING: "housekeeping",
}
"""Requests that send someone to the resident, and the trade that goes."""


def trade_needed(board: Board) -> str | None:
    """The trade to send for a request of ``board``, or None when nobody needs to go."""
    return TRADE_FOR_BOARD.get(board)


class PaymentMethod(enum.StrEnum):
    """How the resident pays for the paid items delivered (付款方式)."""

    CASH = "cash"
    BANK_COLLECTION = "bank_collection"


class WorkOrderStatus(enum.StrEnum):
    """Where a work order stands (派工单的状态)."""

    AWAITING_TECHNICIAN = "awaiting_technician"
    DISPATCHED = "dispatched"
    """Delivered to a technician, who has not yet taken it (接单)."""
    ACCEPTED = "accepted"
    """The technician took it and wrote down the time (接单时间, DSP-03)."""
    ON_THE_WAY = "on_the_way"
    ARRIVED = "arrived"
    QUOTED = "quoted"
    """The fee was agreed with the customer from the price list; the service record is open
    (DSP-05)."""
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    """The technician finished; the customer has still to try it and sign (验收)."""
    SIGNED_OFF = "signed_off"
    """The customer tried the result and signed, satisfied (顾客签名, ACC-01)."""
    VERIFIED = "verified"
    """The service centre checked the signed record (ACC-05)."""
    ESCALATED = "escalated"
    """Still unsatisfied after rework: with the service-centre head or site manager (ACC-03)."""
    CANCELLED = "cancelled"
    """The customer called it off; the order is to be voided at the service centre (DSP-06)."""
    VOIDED = "voided"
    """Voided (核销) before completion: never charged."""
    CLOSED = "closed"
    """Closed out (核销) after the work: materials back, the record gone to finance (DSP-08)."""


class Step(enum.StrEnum):
    """What someone (or dispatch itself) does to a work order; each is one row of the table."""

    ASSIGN = "assign"
    REASSIGN = "reassign"
    ACCEPT = "accept"
    SET_OUT = "set_out"
    ARRIVE = "arrive"
    QUOTE = "quote"
    START = "start"
    COMPLETE = "complete"
    SIGN_OFF = "sign_off"
    REWORK = "rework"
    ESCALATE = "escalate"
    VERIFY = "verify"
    RESCHEDULE = "reschedule"
    CANCEL = "cancel"
    VOID = "void"
    CLOSE_OUT = "close_out"


S, T = WorkOrderStatus, Step
_BEFORE_WORK = {T.CANCEL: S.CANCELLED, T.VOID: S.VOIDED}
TRANSITIONS: dict[WorkOrderStatus, dict[Step, WorkOrderStatus]] = {
    S.AWAITING_TECHNICIAN: {T.ASSIGN: S.DISPATCHED, T.RESCHEDULE: S.AWAITING_TECHNICIAN}
    | _BEFORE_WORK,
    S.DISPATCHED: {
        T.ACCEPT: S.ACCEPTED,
        T.REASSIGN: S.DISPATCHED,
        T.RESCHEDULE: S.DISPATCHED,
    }
    | _BEFORE_WORK,
    S.ACCEPTED: {
        T.SET_OUT: S.ON_THE_WAY,
        T.ARRIVE: S.ARRIVED,
        T.REASSIGN: S.DISPATCHED,
        T.RESCHEDULE: S.ACCEPTED,
    }
    | _BEFORE_WORK,
    S.ON_THE_WAY: {T.ARRIVE: S.ARRIVED, T.RESCHEDULE: S.ACCEPTED} | _BEFORE_WORK,
    S.ARRIVED: {T.QUOTE: S.QUOTED, T.START: S.IN_PROGRESS, T.RESCHEDULE: S.ACCEPTED} | _BEFORE_WORK,
    S.QUOTED: {T.QUOTE: S.QUOTED, T.START: S.IN_PROGRESS} | _BEFORE_WORK,
    S.IN_PROGRESS: {T.COMPLETE: S.COMPLETED, T.VOID: S.VOIDED},
    S.COMPLETED: {T.SIGN_OFF: S.SIGNED_OFF, T.REWORK: S.IN_PROGRESS, T.ESCALATE: S.ESCALATED},
    S.ESCALATED: {T.REWORK: S.IN_PROGRESS, T.SIGN_OFF: S.SIGNED_OFF},
    S.SIGNED_OFF: {T.VERIFY: S.VERIFIED},
    S.VERIFIED: {T.CLOSE_OUT: S.CLOSED},
    S.CANCELLED: {T.VOID: S.VOIDED},
    S.VOIDED: {},
    S.CLOSED: {},
}
"""Every change a work order may go through, in one place: state → step → the state it leads
to. Anything not here is refused (409) naming the state and the step."""

WITH_TECHNICIAN = frozenset(
    {S.DISPATCHED, S.ACCEPTED, S.ON_THE_WAY, S.ARRIVED, S.QUOTED, S.IN_PROGRESS}
)
"""The states in which the order is on its technician's hands (their current load)."""
FINISHED = frozenset({S.VOIDED, S.CLOSED})
DRAWING = frozenset({S.ACCEPTED, S.ON_THE_WAY, S.ARRIVED, S.QUOTED, S.IN_PROGRESS})
"""When materials and tools are drawn for the order (DSP-07)."""
RECORD_OPENS_FROM = frozenset({S.DISPATCHED, S.ACCEPTED, S.ON_THE_WAY, S.ARRIVED})
"""Where a visit recorded in one go still has its fee to agree (and its service record to open)."""

DISPATCH_DUE = "dispatch_due"
RETRY_ASSIGNMENT = "retry_assignment"
ACCEPTANCE_DUE = "acceptance_due"
"""The technician has not taken the order (接单) in the site's time: reassigned, supervisor told."""
ARRIVAL_DUE = "arrival_due"
"""The appointment came and nobody arrived (DSP-04)."""
COMPLETION_DUE = "completion_due"
"""The work is not finished in the time its urgency allows."""

BEFORE_ARRIVAL = frozenset({S.DISPATCHED, S.ACCEPTED, S.ON_THE_WAY})
BEFORE_DONE = frozenset(
    {
        S.AWAITING_TECHNICIAN,
        S.DISPATCHED,
        S.ACCEPTED,
        S.ON_THE_WAY,
        S.ARRIVED,
        S.QUOTED,
        S.IN_PROGRESS,
    }
)


@dataclass(frozen=True)
class FieldClocks:
    """How long each field step may take, from dispatch's settings when the order is made (so a
    changed setting does not move the clocks of orders already running)."""

    accept_within: timedelta = timedelta(minutes=10)
    emergency_within: timedelta = timedelta(hours=4)
    routine_within: timedelta = timedelta(hours=48)

    def done_within(self, *, emergency: bool) -> timedelta:
        return self.emergency_within if emergency else self.routine_within


@dataclass(frozen=True)
class Contact:
    """The resident to visit, and where (栋房号)."""

    name: str
    phone: str
    email: str | None
    building: str
    room: str


@dataclass(frozen=True)
class Actor:
    """Who made a change: a member of staff from their sign-in, or dispatch itself."""

    subject: str
    role: str
    name: str = ""


DISPATCH_ITSELF = Actor(subject="dispatch", role="system", name="自动派工")


@dataclass(frozen=True)
class Change:
    """One line of a work order's history: every change has its step, an actor and a reason."""

    step: Step
    from_status: WorkOrderStatus
    to_status: WorkOrderStatus
    at: datetime
    actor: Actor
    reason: str


@dataclass(frozen=True)
class ItemUsed:
    """A paid price-list item delivered, with the unit price agreed with the resident before work
    if the technician recorded one (DSP-05)."""

    item_code: str
    quantity: int
    agreed_unit_price: Decimal | None = None


@dataclass(frozen=True)
class Quote:
    """The fee agreed with the customer from the site's price list before work starts (DSP-05);
    agreeing it opens the service and callback record (服务及回访记录表), whose serial travels
    with the charge and the callback."""

    items: tuple[ItemUsed, ...]
    quoted_at: datetime
    service_record_no: str


@dataclass(frozen=True)
class CompletionReport:
    """What the technician reports when the work is done."""

    items: tuple[ItemUsed, ...]
    payment_method: PaymentMethod | None
    completed_at: datetime | None = None
    """When the work was done; now if the technician did not say."""


@dataclass(frozen=True)
class Completion:
    completed_at: datetime
    items: tuple[ItemUsed, ...]
    payment_method: PaymentMethod | None

    def same_report(self, report: CompletionReport) -> bool:
        """True when ``report`` repeats this completion (a retry), whatever time it omits."""
        return (
            report.items == self.items
            and report.payment_method == self.payment_method
            and report.completed_at in (None, self.completed_at)
        )


@dataclass(frozen=True)
class SignOff:
    """The customer tried the result and says whether they are satisfied (验收, ACC-01)."""

    signed_by: str
    satisfied: bool
    signature_ref: str | None = None
    """Where the signature drawn on the technician's phone is kept."""
    opinion: str | None = None
    signed_at: datetime | None = None
    """Now if not given."""

    def repeated_by(self, other: SignOff) -> bool:
        """True when ``other`` is this signature again (a retry), whatever time it omits."""
        return replace(other, signed_at=other.signed_at or self.signed_at) == self


class Escalation(enum.StrEnum):
    """Who an unsatisfied customer's order goes to (ACC-03)."""

    SERVICE_CENTRE_HEAD = "service_centre_head"
    SITE_MANAGER = "site_manager"


@dataclass
class WorkOrder(Aggregate):
    """A work order (派工单) for one accepted request."""

    work_order_id: uuid.UUID
    work_order_no: str
    request_id: uuid.UUID
    request_no: str
    site_id: str
    board: Board
    trade: str
    description: str
    resident: Contact
    appointment_at: datetime | None
    accepted_at: datetime
    created_at: datetime
    status: WorkOrderStatus = WorkOrderStatus.AWAITING_TECHNICIAN
    technician: Assignee | None = None
    dispatched_at: datetime | None = None
    completion: Completion | None = None
    waiting_reason: str | None = None
    next_assignment_try: datetime | None = None
    assignment_tries: int = 0
    overdue_reported_at: datetime | None = field(default=None)
    emergency: str | None = None
    """What makes it an emergency, as intake flagged it; None for routine work."""
    requested_items: tuple[ItemUsed, ...] = ()
    """The priced items the resident asked for at registration: paid work when there are any."""
    taken_at: datetime | None = None
    """When the technician took the order (接单时间, DSP-03)."""
    arrived_at: datetime | None = None
    quote: Quote | None = None
    started_at: datetime | None = None
    sign_off: SignOff | None = None
    reworks: int = 0
    escalated_to: Escalation | None = None
    reschedules: int = 0
    history: list[Change] = field(default_factory=list)
    clocks: FieldClocks = field(default_factory=FieldClocks)
    materials: list[MaterialLine] = field(default_factory=list)
    damage: list[DamageCase] = field(default_factory=list)
    clocks_missed: list[str] = field(default_factory=list)
    """The field clocks that ran out, each once (acceptance per dispatch round, arrival per
    appointment, completion)."""
    skill: str | None = None
    """The speciality the work needs (the housekeeping item booked, plumbing for a leak), if
    any."""
    rectification_id: uuid.UUID | None = None
    """The rectification (整改) this order puts right: a callback found the resident unsatisfied
    with the work of an earlier order for the same request (CB-07)."""

    @property
    def need(self) -> Need:
        return Need(self.site_id, self.trade, self.skill)

    def work_time(self, now: datetime) -> datetime:
        """When the technician will be working on it: the appointment, or now when none is
        agreed or it has passed (whose roster shift to send from)."""
        if self.appointment_at is not None and self.appointment_at > now:
            return self.appointment_at
        return now

    @property
    def paid(self) -> bool:
        """Paid work (有偿服务): the fee is agreed before work starts."""
        return bool(self.requested_items)

    @property
    def dispatch_due_at(self) -> datetime:
        return self.accepted_at + DISPATCH_TARGET

    @property
    def dispatched_on_time(self) -> bool | None:
        """Whether it reached a technician within 15 minutes; None while nobody has it."""
        if self.dispatched_at is None:
            return None
        return self.dispatched_at <= self.dispatch_due_at

    @property
    def arrived_late(self) -> bool | None:
        """Whether the technician came after the appointment (DSP-04); None until they arrive
        or when no time was agreed."""
        if self.arrived_at is None or self.appointment_at is None:
            return None
        return self.arrived_at > self.appointment_at

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    def allowed_steps(self) -> list[Step]:
        """What may be done next, as the table says."""
        return list(TRANSITIONS[self.status])

    def _refuse(self, step: Step) -> NoReturn:
        allowed = ", ".join(self.allowed_steps()) or "nothing: it is finished"
        raise Conflict(
            f"work order {self.work_order_no} is {self.status.value}; "
            f"{step.value} is not possible now (possible: {allowed})"
        )

    def _move(self, step: Step, now: datetime, actor: Actor, reason: str) -> None:
        to = TRANSITIONS[self.status].get(step)
        if to is None:
            self._refuse(step)
        self.history.append(Change(step, self.status, to, now, actor, reason))
        self.status = to
        self.record(
            events.WorkOrderChanged(
                step=step.value, to_status=to.value, at=now, change_no=len(self.history)
            )
        )

    def _repeats(self, step: Step) -> bool:
        """True when ``step`` was the last change made (a retried call), so it changes nothing."""
        return bool(self.history) and self.history[-1].step is step

    # -- dispatch (派工) ---------------------------------------------------------------------
    def assign(
        self,
        technician: Technician,
        now: datetime,
        actor: Actor = DISPATCH_ITSELF,
        reason: str = "on duty for the trade with the fewest open orders",
    ) -> None:
        """Hand the waiting work order to ``technician``."""
        self._check_can_take(technician)
        self._move(Step.ASSIGN, now, actor, reason)
        self._give_to(technician, now)

    def reassign(self, technician: Technician, now: datetime, actor: Actor, reason: str) -> bool:
        """Give the order to someone else before work starts; False if they have it already."""
        has_it = self.technician is not None and (
            self.technician.technician_id == technician.technician_id
        )
        if has_it and self.status is WorkOrderStatus.DISPATCHED:
            return False
        self._check_can_take(technician)
        self._move(Step.REASSIGN, now, actor, reason)
        self._give_to(technician, now)
        self.taken_at = None
        return True

    def _check_can_take(self, technician: Technician) -> None:
        if not technician.can_take(self.trade, self.site_id):
            raise RuleViolation(
                f"{technician.name} ({technician.technician_id}) cannot take {self.trade} work "
                f"at site {self.site_id!r}",
                field="technician_id",
            )

    def _give_to(self, technician: Technician, now: datetime) -> None:
        self.technician = Assignee.of(technician)
        self.dispatched_at = self.dispatched_at or now
        self.waiting_reason = None
        self.next_assignment_try = None
        self.record(
            events.WorkOrderDispatched(dispatched_at=now, round=max(self.dispatch_round, 1))
        )

    def await_technician(self, now: datetime) -> None:
        """Nobody is on duty for the trade: wait visibly, tell the supervisor (once), try again."""
        if self.status is not WorkOrderStatus.AWAITING_TECHNICIAN:
            raise Conflict(f"work order {self.work_order_no} is {self.status.value}, not waiting")
        first = self.waiting_reason is None
        wanted = f"{self.trade} technician" + (f" ({self.skill})" if self.skill else "")
        self.waiting_reason = f"site {self.site_id!r} has no {wanted} on duty or on shift"
        self.next_assignment_try = now + min(
            ASSIGNMENT_RETRY * 2**self.assignment_tries, ASSIGNMENT_RETRY_CAP
        )
        self.assignment_tries += 1
        if first:
            self.record(events.WorkOrderAwaitingTechnician(since=now, reason=self.waiting_reason))

    # -- in the field ---------------------------------------------------------------------------
    def accept(self, now: datetime, actor: Actor) -> bool:
        """The technician takes the order and the time is written down (接单时间, DSP-03)."""
        if self._repeats(Step.ACCEPT) and self.status is WorkOrderStatus.ACCEPTED:
            return False
        self._move(Step.ACCEPT, now, actor, "taken by the technician")
        self.taken_at = now
        return True

    def set_out(self, now: datetime, actor: Actor) -> bool:
        if self._repeats(Step.SET_OUT):
            return False
        self._move(Step.SET_OUT, now, actor, "on the way to the resident")
        return True

    def arrive(self, now: datetime, actor: Actor) -> bool:
        """At the resident's door; after the appointment is recorded as late (DSP-04)."""
        if self._repeats(Step.ARRIVE):
            return False
        late = self.appointment_at is not None and now > self.appointment_at
        self._move(Step.ARRIVE, now, actor, "arrived late" if late else "arrived")
        self.arrived_at = now
        return True

    def agree_fee(
        self, items: tuple[ItemUsed, ...], service_record_no: str, now: datetime, actor: Actor
    ) -> bool:
        """The fee agreed with the customer from the price list before work (DSP-05): the items
        at their agreed unit prices (None: the list price), or none when the work turns out to
        be free. It opens the service and callback record ``service_record_no``."""
        if self.quote is not None and self.status is WorkOrderStatus.QUOTED:
            if self.quote.items == items:
                return False
            service_record_no = self.quote.service_record_no  # a new price, the same record
        _check_items(items)
        self._move(
            Step.QUOTE, now, actor, "fee agreed with the customer" if items else "no fee: free"
        )
        self.quote = Quote(items=items, quoted_at=now, service_record_no=service_record_no)
        return True

    def start(self, now: datetime, actor: Actor) -> bool:
        """Work begins; paid work only once the fee is agreed (DSP-05)."""
        if self._repeats(Step.START) and self.status is WorkOrderStatus.IN_PROGRESS:
            return False
        if self.status is WorkOrderStatus.ARRIVED and self.paid:
            raise RuleViolation(
                f"work order {self.work_order_no} is paid work: agree the fee with the customer "
                "from the price list before starting (DSP-05)"
            )
        self._move(Step.START, now, actor, "work started")
        self.started_at = self.started_at or now
        return True

    def complete(self, report: CompletionReport, now: datetime, actor: Actor) -> bool:
        """The technician finished; the customer is to try it and sign. False when this
        completion was already recorded."""
        items = self._delivered(report)
        if self.status is WorkOrderStatus.COMPLETED and self.completion is not None:
            if self.completion.same_report(replace(report, items=items)):
                return False
            raise Conflict(
                f"work order {self.work_order_no} is completed; complete is not possible now: "
                "it is already completed differently"
            )
        completed_at = report.completed_at or now
        _check_completion(report, items, completed_at, self, now)
        self._move(Step.COMPLETE, now, actor, "work done")
        self.completion = Completion(
            completed_at=completed_at, items=items, payment_method=report.payment_method
        )
        return True

    def _delivered(self, report: CompletionReport) -> tuple[ItemUsed, ...]:
        """The items a completion reports, or, when it names none, those agreed in the quote;
        with the materials the customer pays for, as used (drawn less given back)."""
        items = list(report.items or (self.quote.items if self.quote else ()))
        for code, used in self.charged_materials().items():
            at = next((n for n, item in enumerate(items) if item.item_code == code), None)
            if at is None:
                items.append(ItemUsed(code, used))
            else:
                items[at] = replace(items[at], quantity=items[at].quantity + used)
        return tuple(items)

    def charged_materials(self) -> dict[str, int]:
        """The materials charged to the customer, by price-list item, as used so far."""
        used: dict[str, int] = {}
        for line in self.materials:
            if line.charge_as is not None and line.outstanding > 0:
                used[line.charge_as] = used.get(line.charge_as, 0) + line.outstanding
        return used

    def needs_fee_agreed(self, report: CompletionReport) -> bool:
        """Whether recording ``report`` in one go takes the quote step (and so a service
        record serial)."""
        return self.quote is None and (self.paid or bool(report.items))

    def record_visit(
        self,
        report: CompletionReport,
        service_record_no: str | None,
        now: datetime,
        actor: Actor,
    ) -> bool:
        """The whole visit at once, from the technician's signed paper record (补录) or a phone
        that was offline: the steps not yet recorded are taken now, in the table's order (taken,
        arrived, fee agreed for paid work, started, completed, signed off by the resident,
        satisfied). False when this visit was already recorded."""
        if self.status in (S.SIGNED_OFF, S.VERIFIED, S.CLOSED) and self.completion is not None:
            items = self._delivered(report)
            if self.completion.same_report(replace(report, items=items)):
                return False
            raise Conflict(
                f"work order {self.work_order_no} is {self.status.value}: it is already "
                "completed differently"
            )
        if self.status is S.AWAITING_TECHNICIAN:
            raise Conflict(
                f"work order {self.work_order_no} has not reached a technician yet "
                f"({self.status.value})"
            )
        if self.status is S.DISPATCHED:
            self.accept(now, actor)
        if self.status in (S.ACCEPTED, S.ON_THE_WAY):
            self.arrive(now, actor)
        if self.status is S.ARRIVED and self.needs_fee_agreed(report):
            assert service_record_no is not None, "a fee needs its service record"
            self.agree_fee(report.items, service_record_no, now, actor)
        if self.status in (S.ARRIVED, S.QUOTED):
            self.start(now, actor)
        if self.status is not S.COMPLETED:
            self.complete(report, now, actor)
        return self.sign(
            SignOff(signed_by=self.resident.name, satisfied=True, signed_at=report.completed_at),
            now,
            actor,
        )

    # -- acceptance (验收) ---------------------------------------------------------------------
    def sign(self, sign_off: SignOff, now: datetime, actor: Actor) -> bool:
        """The customer tried the result. Satisfied: signed off, and the work is charged and
        called back. Not satisfied: reworked (ACC-02), or escalated when it was reworked before
        (ACC-03). False when this signature was already recorded."""
        if self.sign_off is not None and self.sign_off.repeated_by(sign_off):
            return False
        if not sign_off.signed_by.strip():
            raise RuleViolation("signed_by names who signed", field="signed_by")
        signed_at = sign_off.signed_at or now
        if signed_at > now + COMPLETION_CLOCK_SKEW:
            raise RuleViolation("signed_at is in the future", field="signed_at")
        if not sign_off.satisfied:
            if self.status is WorkOrderStatus.ESCALATED:
                raise Conflict(
                    f"work order {self.work_order_no} is escalated to the "
                    f"{self.escalated_to or 'service centre head'}, who decides: rework, or the "
                    "customer signs once satisfied"
                )
            if self.status is not WorkOrderStatus.COMPLETED:
                self._refuse(Step.SIGN_OFF)
            if self.reworks == 0:
                self.rework(now, actor, sign_off.opinion or "the customer is not satisfied")
            else:
                self.escalate(
                    Escalation.SERVICE_CENTRE_HEAD,
                    now,
                    actor,
                    sign_off.opinion or "still not satisfied after rework",
                )
            return True
        self._move(Step.SIGN_OFF, now, actor, sign_off.opinion or "signed, satisfied")
        self.sign_off = replace(sign_off, signed_at=signed_at)
        assert self.completion is not None
        self.record(events.WorkOrderCompleted(completed_at=self.completion.completed_at))
        return True

    def rework(self, now: datetime, actor: Actor, reason: str) -> bool:
        """Back to work until the customer is satisfied (返工、返修, ACC-02); each one counted."""
        _need_reason(reason)
        self._move(Step.REWORK, now, actor, reason)
        self.reworks += 1
        self.completion = None
        return True

    def escalate(self, to: Escalation, now: datetime, actor: Actor, reason: str) -> bool:
        """Still unsatisfied after rework: to the service-centre head or site manager (ACC-03)."""
        if self.status is WorkOrderStatus.COMPLETED and self.reworks == 0:
            raise RuleViolation(
                f"work order {self.work_order_no} has not been reworked yet: rework it first "
                "(ACC-02); escalate when the customer is still unsatisfied after rework"
            )
        _need_reason(reason)
        self._move(Step.ESCALATE, now, actor, reason)
        self.escalated_to = to
        self.record(events.WorkOrderEscalated(to=to.value, reason=reason, at=now))
        return True

    def verify(self, now: datetime, actor: Actor) -> bool:
        """The service centre checked the signed record (ACC-05)."""
        if self._repeats(Step.VERIFY):
            return False
        self._move(Step.VERIFY, now, actor, "signed record checked")
        return True

    def close_out(self, now: datetime, actor: Actor) -> bool:
        """Closed (核销): tools back to the warehouse, damage settled, the record gone to finance
        (DSP-08, ACC-04)."""
        if self._repeats(Step.CLOSE_OUT):
            return False
        out = [
            f"{m.item} ×{m.outstanding}"
            for m in self.materials
            if m.kind is Drawn.TOOL and m.outstanding
        ]
        if out and TRANSITIONS[self.status].get(Step.CLOSE_OUT):
            raise RuleViolation(
                f"work order {self.work_order_no} still has tools out: {', '.join(out)}; return "
                "them to the warehouse first (DSP-08)"
            )
        unsettled = [str(d.case_no) for d in self.damage if d.open]
        if unsettled and TRANSITIONS[self.status].get(Step.CLOSE_OUT):
            raise RuleViolation(
                f"work order {self.work_order_no} has damage cases {', '.join(unsettled)} without "
                "agreed compensation (ACC-04)"
            )
        self._move(Step.CLOSE_OUT, now, actor, "tools returned, record to finance")
        return True

    # -- the warehouse and the customer's property ----------------------------------------------
    def draw(
        self,
        item: str,
        quantity: int,
        kind: Drawn,
        now: datetime,
        actor: Actor,
        charge_as: str | None = None,
    ) -> int:
        """Materials or tools drawn for the work (领料、借用, DSP-07): the line's number. A material
        the customer pays for names its price-list item (``charge_as``): what is used of it is
        charged with the work."""
        if self.status not in DRAWING:
            raise Conflict(
                f"work order {self.work_order_no} is {self.status.value}; materials are drawn "
                "once the technician has taken it and until the work is done"
            )
        if not item.strip():
            raise RuleViolation("item names what was drawn", field="item")
        if quantity < 1:
            raise RuleViolation("quantity is at least 1", field="quantity")
        if charge_as is not None and kind is not Drawn.MATERIAL:
            raise RuleViolation("only materials are charged to the customer", field="charge_as")
        line = MaterialLine(
            len(self.materials) + 1,
            item.strip(),
            quantity,
            kind,
            now,
            actor.subject,
            charge_as=charge_as,
        )
        self.materials.append(line)
        return line.line_no

    def give_back(self, line_no: int, quantity: int, now: datetime, actor: Actor) -> None:
        """Unused materials or borrowed tools back to the warehouse (DSP-08)."""
        if self.status in FINISHED:
            raise Conflict(f"work order {self.work_order_no} is {self.status.value}")
        line = next((m for m in self.materials if m.line_no == line_no), None)
        if line is None:
            raise RuleViolation(
                f"work order {self.work_order_no} has no material line {line_no}", field="line_no"
            )
        if line.charge_as is not None and self.completion is not None:
            raise Conflict(
                f"line {line_no} was charged to the customer at completion "
                f"({line.charge_as}): what was used stays used"
            )
        if not 1 <= quantity <= line.outstanding:
            raise RuleViolation(
                f"quantity is 1 to {line.outstanding} (what is still out of line {line_no})",
                field="quantity",
            )
        line.returned += quantity

    def report_damage(self, description: str, now: datetime, actor: Actor) -> int:
        """Damage to or loss of the customer's property, reported for the service-centre head or
        site manager (ACC-04): the case's number."""
        if self.status in FINISHED or self.status is WorkOrderStatus.AWAITING_TECHNICIAN:
            raise Conflict(f"work order {self.work_order_no} is {self.status.value}")
        if not description.strip():
            raise RuleViolation("description says what was damaged or lost", field="description")
        case = DamageCase(len(self.damage) + 1, description.strip(), now, actor.subject)
        self.damage.append(case)
        self.record(events.DamageReported(case_no=case.case_no, description=case.description))
        return case.case_no

    def agree_compensation(
        self, case_no: int, amount: Decimal, agreement: str, now: datetime
    ) -> bool:
        """The site agreed compensation with the customer (协商赔偿); False if already agreed
        the same."""
        case = next((d for d in self.damage if d.case_no == case_no), None)
        if case is None:
            raise RuleViolation(
                f"work order {self.work_order_no} has no damage case {case_no}", field="case_no"
            )
        if not case.open:
            if case.compensation == amount and case.agreement == agreement:
                return False
            raise Conflict(f"damage case {case_no} was settled at {case.compensation} already")
        if amount < 0:
            raise RuleViolation("amount is 0 or more", field="amount")
        case.compensation, case.agreement, case.agreed_at = amount, agreement.strip(), now
        return True

    # -- changes of plan --------------------------------------------------------------------------
    def reschedule(
        self, appointment_at: datetime, now: datetime, actor: Actor, reason: str
    ) -> bool:
        """A new time re-confirmed with the customer (a missed or moved appointment)."""
        if appointment_at == self.appointment_at and self._repeats(Step.RESCHEDULE):
            return False
        if appointment_at < now - COMPLETION_CLOCK_SKEW:
            raise RuleViolation("appointment_at is in the past", field="appointment_at")
        _need_reason(reason)
        self._move(Step.RESCHEDULE, now, actor, reason)
        self.appointment_at = appointment_at
        self.reschedules += 1
        return True

    def cancel(self, now: datetime, actor: Actor, reason: str) -> bool:
        """The customer called it off; the order goes back to be voided (DSP-06)."""
        if self._repeats(Step.CANCEL) and self.status is WorkOrderStatus.CANCELLED:
            return False
        _need_reason(reason)
        self._move(Step.CANCEL, now, actor, reason)
        self.waiting_reason = None
        self.next_assignment_try = None
        return True

    def void(self, now: datetime, actor: Actor, reason: str) -> bool:
        """Voided (核销) at the service centre or control room before completion: nothing is
        charged."""
        if self._repeats(Step.VOID) and self.status is WorkOrderStatus.VOIDED:
            return False
        _need_reason(reason)
        self._move(Step.VOID, now, actor, reason)
        self.waiting_reason = None
        self.next_assignment_try = None
        self.record(events.WorkOrderVoided(reason=reason, at=now))
        return True

    # -- clocks --------------------------------------------------------------------------------
    @property
    def dispatch_round(self) -> int:
        """How many times the order was given to a technician (1 + reassignments)."""
        return sum(c.step in (Step.ASSIGN, Step.REASSIGN) for c in self.history)

    @property
    def last_dispatched_at(self) -> datetime | None:
        given = [c.at for c in self.history if c.step in (Step.ASSIGN, Step.REASSIGN)]
        return given[-1] if given else self.dispatched_at

    @property
    def done_by(self) -> datetime:
        """When the work is to be finished: by urgency, from the request's acceptance."""
        return self.accepted_at + self.clocks.done_within(emergency=self.emergency is not None)

    def _clock_keys(self) -> dict[str, str]:
        """Each field clock's key in ``clocks_missed``: a new dispatch round or a new appointment
        starts a clock of its own."""
        appointment = self.appointment_at.isoformat() if self.appointment_at else ""
        return {
            ACCEPTANCE_DUE: f"acceptance/{self.dispatch_round}",
            ARRIVAL_DUE: f"arrival/{appointment}",
            COMPLETION_DUE: "completion",
        }

    def deadlines(self) -> dict[str, datetime]:
        running: dict[str, datetime] = {}
        if self.status is WorkOrderStatus.AWAITING_TECHNICIAN:
            if self.overdue_reported_at is None:
                running[DISPATCH_DUE] = self.dispatch_due_at
            if self.next_assignment_try is not None:
                running[RETRY_ASSIGNMENT] = self.next_assignment_try
        keys = self._clock_keys()
        dispatched = self.last_dispatched_at
        if self.status is WorkOrderStatus.DISPATCHED and dispatched is not None:
            running[ACCEPTANCE_DUE] = dispatched + self.clocks.accept_within
        if self.appointment_at is not None and self.status in BEFORE_ARRIVAL:
            running[ARRIVAL_DUE] = self.appointment_at
        if self.status in BEFORE_DONE:
            running[COMPLETION_DUE] = self.done_by
        return {
            name: due
            for name, due in running.items()
            if name not in keys or keys[name] not in self.clocks_missed
        }

    def deadline_reached(self, name: str, now: datetime) -> None:
        if name == DISPATCH_DUE:
            self.overdue_reported_at = now
            self.record(
                events.WorkOrderDispatchOverdue(due_at=self.dispatch_due_at, noticed_at=now)
            )
        elif name in (ARRIVAL_DUE, COMPLETION_DUE):
            self._missed(name, now)
        else:
            super().deadline_reached(name, now)

    def not_taken(self, replacement: Technician | None, now: datetime) -> None:
        """Nobody took the order in time (DSP-03): it goes to ``replacement`` when someone else
        is on duty for the trade, and the supervisor is told either way."""
        late = self.technician
        self._missed(ACCEPTANCE_DUE, now, reassigned_to=replacement)
        if replacement is not None:
            minutes = int(self.clocks.accept_within.total_seconds() // 60)
            self.reassign(
                replacement,
                now,
                DISPATCH_ITSELF,
                f"not taken within {minutes} minutes by {late.name if late else 'anyone'}",
            )

    def _missed(self, name: str, now: datetime, reassigned_to: Technician | None = None) -> None:
        due = self.deadlines()[name]
        key = self._clock_keys()[name]
        self.clocks_missed.append(key)
        self.record(
            events.WorkOrderClockMissed(
                clock=name.removesuffix("_due"),
                key=key,
                due_at=due,
                noticed_at=now,
                technician=self.technician,
                reassigned_to=None if reassigned_to is None else Assignee.of(reassigned_to),
            )
        )


def _need_reason(reason: str) -> None:
    if not reason.strip():
        raise RuleViolation("reason says why", field="reason")


def _check_items(items: tuple[ItemUsed, ...]) -> None:
    codes = [item.item_code for item in items]
    if len(set(codes)) != len(codes):
        raise InvalidCompletion(
            "items lists an item_code twice; give one line per item", field="items"
        )


def _check_completion(
    report: CompletionReport,
    items: tuple[ItemUsed, ...],
    completed_at: datetime,
    order: WorkOrder,
    now: datetime,
) -> None:
    if items and report.payment_method is None:
        raise InvalidCompletion(
            "payment_method is required when paid items (or materials charged to the customer) "
            "were delivered",
            field="payment_method",
        )
    if not items and report.payment_method is not None:
        raise InvalidCompletion(
            "payment_method given but no paid items were delivered", field="payment_method"
        )
    _check_items(items)
    if order.dispatched_at is not None and completed_at < order.dispatched_at:
        raise InvalidCompletion(
            "completed_at is before the work order was dispatched", field="completed_at"
        )
    if completed_at > now + COMPLETION_CLOCK_SKEW:
        raise InvalidCompletion("completed_at is in the future", field="completed_at")


def new_work_order(
    *,
    work_order_id: uuid.UUID,
    work_order_no: str,
    request_id: uuid.UUID,
    request_no: str,
    site_id: str,
    board: Board,
    trade: str,
    description: str,
    resident: Contact,
    appointment_at: datetime | None,
    accepted_at: datetime,
    now: datetime,
    emergency: str | None = None,
    requested_items: tuple[ItemUsed, ...] = (),
    clocks: FieldClocks | None = None,
    skill: str | None = None,
) -> WorkOrder:
    """A work order for an accepted request, not yet with anyone."""
    return WorkOrder(
        work_order_id=work_order_id,
        work_order_no=work_order_no,
        request_id=request_id,
        request_no=request_no,
        site_id=site_id,
        board=board,
        trade=trade,
        description=description,
        resident=resident,
        appointment_at=appointment_at,
        accepted_at=accepted_at,
        created_at=now,
        emergency=emergency,
        requested_items=requested_items,
        clocks=clocks or FieldClocks(),
        skill=skill,
    )


def rectification_order(
    earlier: WorkOrder,
    *,
    work_order_id: uuid.UUID,
    work_order_no: str,
    rectification_id: uuid.UUID,
    loop: int,
    opinion: str,
    now: datetime,
) -> WorkOrder:
    """A free order to put right what a callback found wanting in ``earlier``'s work, for the
    same request, resident and trade (CB-07, CB-09); dispatched like any other."""
    order = new_work_order(
        work_order_id=work_order_id,
        work_order_no=work_order_no,
        request_id=earlier.request_id,
        request_no=earlier.request_no,
        site_id=earlier.site_id,
        board=earlier.board,
        trade=earlier.trade,
        description=f"整改 #{loop} ({earlier.work_order_no}): {opinion}",
        resident=earlier.resident,
        appointment_at=None,
        accepted_at=now,
        now=now,
        clocks=earlier.clocks,
        skill=earlier.skill,
    )
    order.rectification_id = rectification_id
    return order


def dispatch_order(waiting: list[WorkOrder]) -> list[WorkOrder]:
    """The order waiting work goes out in: emergencies first, then the longest waiting."""
    return sorted(waiting, key=lambda order: (order.emergency is None, order.accepted_at))
