"""The callback service's use cases, one handler per command, all registered in ``HANDLERS``."""

from __future__ import annotations

import uuid
from typing import Any

from hotline_libs.aggregate import is_due
from hotline_libs.errors import NotFound
from hotline_libs.ids import derive_id
from hotline_libs.working_calendars import (
    KeepCalendarYear,
    KeepSitePlace,
    keep_calendar_year,
    keep_site_place,
)

from callback.domain.callback import Callback, Outcome, new_callback
from callback.domain.commands import (
    CallbackDeadlineReached,
    NoteCharge,
    RecordCallbackAttempt,
    RecordCallbackOutcome,
    ScheduleCallback,
)
from callback.service_layer.unit_of_work import CallbackUnitOfWork


def callback_id_for(work_order_id: uuid.UUID) -> uuid.UUID:
    """One callback per completed work order."""
    return derive_id("callback", work_order_id)


async def _callback_of(
    uow: CallbackUnitOfWork, work_order_id: uuid.UUID, site_id: str, read: bool = True
) -> Callback:
    """The work order's callback; created by whichever of its completion and charge comes first
    (two handlers creating it at once: one insert wins, the other is retried and finds it).
    Without ``read`` it is taken to be new: inserted, or a conflict if it is not."""
    callback_id = callback_id_for(work_order_id)
    callback = await uow.callbacks.get(callback_id) if read else None
    if callback is None:
        callback = new_callback(callback_id, work_order_id, site_id)
        uow.callbacks.add(callback)
    return callback


async def schedule_callback(
    command: ScheduleCallback,
    uow: CallbackUnitOfWork,
    attempt: int = 2,
) -> Callback:
    """Put the follow-up call of a completed work order on the list (once).

    The completion nearly always comes first: the first attempt inserts the callback without
    reading; when the charge came first, or the completion is redelivered, the insert clashes
    and the retry reads it.
    """
    callback = await _callback_of(uow, command.work_order_id, command.site_id, read=attempt > 1)
    calendar = await uow.calendars.for_site(command.site_id)
    if callback.schedule(command.completed, calendar, uow.clock()):
        await uow.commit()
    return callback


async def note_charge(command: NoteCharge, uow: CallbackUnitOfWork) -> Callback:
    """Keep the raised charge with the work order's callback, for the agent's script."""
    callback = await _callback_of(uow, command.work_order_id, command.site_id)
    if callback.charge != command.charge:
        callback.note_charge(command.charge)
        await uow.commit()
    return callback


async def _visible(
    uow: CallbackUnitOfWork, callback_id: uuid.UUID, visible_sites: frozenset[str] | None
) -> Callback:
    """The callback, if it is on the list and at one of the caller's sites."""
    callback = await uow.callbacks.get(callback_id)
    visible = visible_sites is None or (callback is not None and callback.site_id in visible_sites)
    if callback is None or callback.completed is None or not visible:
        raise NotFound(f"no callback {callback_id}")
    return callback


async def record_outcome(
    command: RecordCallbackOutcome, uow: CallbackUnitOfWork
) -> tuple[Callback, bool]:
    """The agent made the call: record what the resident said; the due-date clock stops."""
    callback = await _visible(uow, command.callback_id, command.visible_sites)
    changed = callback.record_outcome(
        Outcome(
            satisfied=command.satisfied,
            opinion=command.opinion,
            method=command.method,
            agent=command.agent,
            made_at=uow.clock(),
            signature_ref=command.signature_ref,
        )
    )
    if changed:
        await uow.commit()
    return callback, changed


async def record_attempt(command: RecordCallbackAttempt, uow: CallbackUnitOfWork) -> Callback:
    """A try without an outcome: tried again later, or given up as unreachable."""
    callback = await _visible(uow, command.callback_id, command.visible_sites)
    callback.try_without_outcome(
        command.result, command.agent, uow.clock(), command.note, command.call_back_at
    )
    await uow.commit()
    return callback


async def callback_deadline_reached(
    command: CallbackDeadlineReached, uow: CallbackUnitOfWork
) -> None:
    """The due day ended with the call not made: report it overdue (once)."""
    callback = await uow.callbacks.get(command.callback_id)
    now = uow.clock()
    if callback is None or not is_due(callback, command.deadline, now):
        return
    callback.deadline_reached(command.deadline, now)
    await uow.commit()


HANDLERS: dict[type[Any], Any] = {
    ScheduleCallback: schedule_callback,
    NoteCharge: note_charge,
    RecordCallbackOutcome: record_outcome,
    RecordCallbackAttempt: record_attempt,
    CallbackDeadlineReached: callback_deadline_reached,
    KeepCalendarYear: keep_calendar_year,
    KeepSitePlace: keep_site_place,
}
"""Every command the callback service handles, and its handler."""
