"""Who gets a work order: the site's technicians of its trade, on shift at the work's time by the
published roster, a specialist before a generalist, the least busy first (DSP-02)."""

from __future__ import annotations

from datetime import datetime, timedelta

from hotline_libs.working_calendars import Calendars

from dispatch.domain.roster import month_at
from dispatch.domain.technician import Technician, choose_technician
from dispatch.domain.work_order import WorkOrder, dispatch_order
from dispatch.service_layer.unit_of_work import DispatchUnitOfWork, RosterRepository


async def on_shift_at(
    calendars: Calendars, rosters: RosterRepository, site_id: str, moment: datetime
) -> frozenset[str] | None:
    """Who is on shift at the site at ``moment`` by its published roster of that month; None
    when the site has published none for it (then every available technician counts). A night
    shift begun on the last day of the month before is on that month's roster: asked too."""
    zone = (await calendars.day_of(site_id)).zone
    month, day_before = month_at(moment, zone), month_at(moment - timedelta(days=1), zone)
    roster = await rosters.published(site_id, month)
    if roster is None:
        return None
    working = roster.on_shift(moment)
    if day_before != month and (before := await rosters.published(site_id, day_before)):
        working |= before.on_shift(moment)
    return working


async def technician_for(
    order: WorkOrder, uow: DispatchUnitOfWork, now: datetime, passing_over: str | None = None
) -> Technician | None:
    """The best technician for ``order`` now, other than ``passing_over``; None when nobody
    fits."""
    candidates = [
        t for t in await uow.technicians.at_site(order.site_id) if t.technician_id != passing_over
    ]
    return choose_technician(
        candidates,
        await uow.work_orders.open_per_technician(order.site_id),
        order.need,
        await on_shift_at(uow.calendars, uow.rosters, order.site_id, order.work_time(now)),
    )


async def assign_or_wait(order: WorkOrder, uow: DispatchUnitOfWork, now: datetime) -> None:
    technician = await technician_for(order, uow, now)
    if technician is None:
        order.await_technician(now)
    else:
        order.assign(technician, now, reason=_why(technician, order))


def _why(technician: Technician, order: WorkOrder) -> str:
    """The reason the history keeps for an automatic assignment."""
    fit = (
        "a generalist of the trade"
        if order.skill and order.skill not in technician.skills
        else (f"skilled in {order.skill}" if order.skill else f"of the {order.trade} trade")
    )
    return f"on shift, {fit}, with the fewest open orders"


async def assign_waiting(site_id: str, uow: DispatchUnitOfWork) -> int:
    """Give the site's waiting work orders, emergencies first and then the oldest, to whoever
    fits now (each in its own write); how many went out."""
    assigned = 0
    for order in dispatch_order(await uow.work_orders.waiting_at(site_id)):
        now = uow.clock()
        technician = await technician_for(order, uow, now)
        if technician is not None:
            order.assign(technician, now, reason=_why(technician, order))
            await uow.commit()
            assigned += 1
    return assigned
