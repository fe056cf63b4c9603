"""A site's month of work orders in figures (DSP-02, DSP-03, DSP-04, DSP-12, ACC-02, ACC-03): how
fast orders reached a technician and were taken, arrivals on time, work fixed the first time,
reworks, escalations and voids, for the whole site, per trade and per technician."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from dispatch.domain.work_order import Step, WorkOrder, WorkOrderStatus

DONE = frozenset({WorkOrderStatus.SIGNED_OFF, WorkOrderStatus.VERIFIED, WorkOrderStatus.CLOSED})


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile (``share`` in 0..1) of ``values``; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _ratio(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(part / whole, 4)


@dataclass(frozen=True)
class Figures:
    """The figures of one group of work orders (the site, a trade, a technician)."""

    orders: int
    dispatched: int
    dispatch_p50_s: float | None
    dispatch_p95_s: float | None
    dispatched_within_15_min: float | None
    """Share of the dispatched orders that reached a technician within 15 minutes (DSP-02)."""
    taken: int
    taking_p50_s: float | None
    taking_p95_s: float | None
    """From reaching the technician to their taking it (接单, DSP-03)."""
    arrivals_with_appointment: int
    on_time_arrival: float | None
    """Share of arrivals at or before the appointment (DSP-04)."""
    done: int
    first_time_fix: float | None
    """Share of the orders signed off that needed no rework (ACC-02)."""
    reworked: int
    rework_rate: float | None
    escalations: int
    voids: int
    damage_cases: int
    """Damage to or loss of customers' property reported on the orders (ACC-04)."""
    missed_clocks: int


def _first_given(order: WorkOrder) -> tuple[float | None, float | None]:
    """Seconds from acceptance to reaching a technician, and from then to being taken."""
    if order.dispatched_at is None:
        return None, None
    dispatch_s = (order.dispatched_at - order.accepted_at).total_seconds()
    if order.taken_at is None:
        return dispatch_s, None
    given = order.last_dispatched_at or order.dispatched_at
    return dispatch_s, max((order.taken_at - given).total_seconds(), 0.0)


def _finished_once(order: WorkOrder) -> bool:
    return order.completion is not None or order.reworks > 0 or order.status in DONE


def figures(orders: Iterable[WorkOrder]) -> Figures:
    group = list(orders)
    latencies = [_first_given(o) for o in group]
    dispatch_s = [d for d, _ in latencies if d is not None]
    taking_s = [t for _, t in latencies if t is not None]
    on_time = [
        o.arrived_late is False for o in group if o.arrived_at is not None and o.appointment_at
    ]
    done = [o for o in group if o.status in DONE]
    reworked = [o for o in group if o.reworks > 0]
    within = [d for d in dispatch_s if d <= timedelta(minutes=15).total_seconds()]
    return Figures(
        orders=len(group),
        dispatched=len(dispatch_s),
        dispatch_p50_s=percentile(dispatch_s, 0.5),
        dispatch_p95_s=percentile(dispatch_s, 0.95),
        dispatched_within_15_min=_ratio(len(within), len(dispatch_s)),
        taken=len(taking_s),
        taking_p50_s=percentile(taking_s, 0.5),
        taking_p95_s=percentile(taking_s, 0.95),
        arrivals_with_appointment=len(on_time),
        on_time_arrival=_ratio(sum(on_time), len(on_time)),
        done=len(done),
        first_time_fix=_ratio(sum(o.reworks == 0 for o in done), len(done)),
        reworked=len(reworked),
        rework_rate=_ratio(len(reworked), sum(_finished_once(o) for o in group)),
        escalations=sum(any(c.step is Step.ESCALATE for c in o.history) for o in group),
        voids=sum(o.status is WorkOrderStatus.VOIDED for o in group),
        damage_cases=sum(len(o.damage) for o in group),
        missed_clocks=sum(len(o.clocks_missed) for o in group),
    )


@dataclass(frozen=True)
class MonthOfWork:
    """A site's month: all its work orders, then per trade and per technician."""

    site: Figures
    by_trade: dict[str, Figures]
    by_technician: dict[str, Figures]
    """Keyed by technician id; an order counts for whoever has it now."""
    technician_names: dict[str, str]


def month_of_work(orders: list[WorkOrder]) -> MonthOfWork:
    def grouped(key: Callable[[WorkOrder], str | None]) -> dict[str, Figures]:
        groups: dict[str, list[WorkOrder]] = {}
        for order in orders:
            name = key(order)
            if name is not None:
                groups.setdefault(name, []).append(order)
        return {name: figures(group) for name, group in sorted(groups.items())}

    return MonthOfWork(
        site=figures(orders),
        by_trade=grouped(lambda o: o.trade),
        by_technician=grouped(lambda o: o.technician.technician_id if o.technician else None),
        technician_names={
            o.technician.technician_id: o.technician.name for o in orders if o.technician
        },
    )
