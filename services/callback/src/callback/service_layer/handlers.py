"""The callback service's use cases, one handler per command, all registered in ``HANDLERS``."""

from __future__ import annotations

import secrets
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

from callback.domain.callback import Callback, Completed, Outcome, new_callback
from callback.domain.commands import (
    ApproveKpiReport,
    CallbackDeadlineReached,
    DrawSpotChecks,
    KeepUnit,
    NoteCharge,
    OpenSurvey,
    PrepareKpiReport,
    RecordCallbackAttempt,
    RecordCallbackOutcome,
    RecordPatrol,
    RecordSpotCheck,
    RecordSurveyReturn,
    RecordVisit,
    ReviewKpiReport,
    ScheduleCallback,
    ScheduleComplaintCallback,
    SetCallbackPolicy,
    SurveyDeadlineReached,
    WriteDiary,
)
from callback.domain.policy import CallbackPolicy, PolicyVersion, Trigger, service_trigger
from callback.domain.rectification import (
    Rectification,
    RectificationStatus,
    open_rectification,
)
from callback.domain.sample import CallbackSample, Draw, sample_id
from callback.service_layer import kpis, visits
from callback.service_layer.policy import policy_in_force
from callback.service_layer.unit_of_work import CallbackUnitOfWork


def callback_id_for(work_order_id: uuid.UUID) -> uuid.UUID:
    """One callback per completed work order."""
    return derive_id("callback", work_order_id)


def complaint_callback_id_for(request_id: uuid.UUID) -> uuid.UUID:
    """One callback per resolved complaint."""
    return derive_id("complaint-callback", request_id)


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
    if callback.completed is not None:
        return callback  # decided already: a redelivered completion
    done = command.completed
    calendar = await uow.calendars.for_site(command.site_id)
    day = calendar.local_day(done.completed_at)
    policy = await policy_in_force(uow, command.site_id, day)
    trigger = service_trigger(done.paid, done.payment_method)
    draw = (
        None  # a rectification is followed up every time, whatever the sample
        if done.rectification_id is not None
        else await _drawn(uow, command.site_id, day.strftime("%Y-%m"), trigger, policy, callback)
    )
    callback.schedule(done, calendar, uow.clock(), policy, trigger, draw)
    await uow.commit()
    return callback


async def schedule_complaint_callback(
    command: ScheduleComplaintCallback, uow: CallbackUnitOfWork
) -> Callback:
    """Put a resolved complaint's callback on the list (every valid one, CB-11), or draw it for
    the month's sample of invalid ones (CB-10); once."""
    callback_id = complaint_callback_id_for(command.request_id)
    callback = await uow.callbacks.get(callback_id)
    if callback is not None:
        return callback  # a redelivered resolution
    callback = new_callback(callback_id, None, command.site_id)
    uow.callbacks.add(callback)
    done = command.resolved
    calendar = await uow.calendars.for_site(command.site_id)
    day = calendar.local_day(done.completed_at)
    policy = await policy_in_force(uow, command.site_id, day)
    trigger = Trigger.VALID_COMPLAINT if command.valid else Trigger.INVALID_COMPLAINT
    draw = await _drawn(uow, command.site_id, day.strftime("%Y-%m"), trigger, policy, callback)
    callback.schedule(done, calendar, uow.clock(), policy, trigger, draw)
    await uow.commit()
    return callback


async def _drawn(
    uow: CallbackUnitOfWork,
    site_id: str,
    month: str,
    trigger: Trigger,
    policy: PolicyVersion,
    callback: Callback,
) -> Draw | None:
    """The case's draw in the month's sample of its trigger, when the trigger is sampled; the
    sample is saved first, so that a crash before the callback is saved draws the same again."""
    share = policy.rule(trigger).share
    if share >= 100:
        return None
    key = sample_id(site_id, month, trigger.value)
    sample = await uow.samples.get(key)
    if sample is None:
        sample = CallbackSample(site_id, month, trigger.value, seed=secrets.token_hex(16))
        uow.samples.add(sample)
    draw = sample.draw(callback.callback_id, share)
    await uow.commit()
    return draw


async def set_callback_policy(
    command: SetCallbackPolicy, uow: CallbackUnitOfWork
) -> tuple[CallbackPolicy, PolicyVersion, bool]:
    """A site's new policy version, from its day on; the same version again changes nothing."""
    policy = await uow.policies.get(command.site_id)
    if policy is None:
        policy = CallbackPolicy(command.site_id)
        uow.policies.add(policy)
    known = len(policy.versions)
    calendar = await uow.calendars.for_site(command.site_id)
    now = uow.clock()
    version = policy.add_version(
        PolicyVersion(
            version=0,
            effective_from=command.effective_from,
            rules=dict(command.rules),
            month_done_before_day=command.month_done_before_day,
            rectification_limit=command.rectification_limit,
            set_by=command.set_by,
            set_at=now,
            note=command.note,
        ),
        today=calendar.local_day(now),
    )
    added = len(policy.versions) > known
    if added:
        await uow.commit()
    return policy, version, added


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
    await _rectify(uow, callback)
    return callback, changed


def rectification_id_for(callback_id: uuid.UUID) -> uuid.UUID:
    """One rectification per case, named by the callback that first found it wanting."""
    return derive_id("rectification", callback_id)


async def _rectify(uow: CallbackUnitOfWork, callback: Callback) -> None:
    """What a call's outcome means for its case: an unsatisfied first call sends the case back
    to be put right; a follow-up call closes it, opens its next loop or escalates it. Run again
    by a retried request, it finishes what a crash cut short and changes nothing else."""
    outcome, done = callback.outcome, callback.completed
    assert outcome is not None
    assert done is not None
    now = uow.clock()
    if callback.rectification_id is not None:
        rectification = await uow.rectifications.get(callback.rectification_id)
        if rectification is None:
            return
        if rectification.follow_up(callback, now):
            await uow.commit()
    elif outcome.satisfied:
        return
    else:
        rectification_id = rectification_id_for(callback.callback_id)
        rectification = await uow.rectifications.get(rectification_id)
        if rectification is None:
            calendar = await uow.calendars.for_site(callback.site_id)
            policy = await policy_in_force(
                uow, callback.site_id, calendar.local_day(done.completed_at)
            )
            rectification = open_rectification(
                rectification_id, callback, policy.rectification_limit, now
            )
            uow.rectifications.add(rectification)
            await uow.commit()
    if rectification.work_order_id is None and rectification.status is RectificationStatus.OPEN:
        await _follow_complaint(uow, rectification)


async def _follow_complaint(uow: CallbackUnitOfWork, rectification: Rectification) -> None:
    """A complaint's loop goes back to the department that handled it; its follow-up call is
    due the policy's working days after the loop opened (once per loop)."""
    loop = rectification.current
    callback_id = derive_id("rectification-callback", rectification.rectification_id, loop.number)
    if await uow.callbacks.get(callback_id) is not None:
        return
    callback = new_callback(callback_id, None, rectification.site_id)
    uow.callbacks.add(callback)
    calendar = await uow.calendars.for_site(rectification.site_id)
    policy = await policy_in_force(uow, rectification.site_id, calendar.local_day(loop.opened_at))
    followed = Completed(
        request_id=rectification.request_id,
        request_no=rectification.request_no,
        resident=rectification.resident,
        paid=False,
        payment_method=None,
        completed_at=loop.opened_at,
        rectification_id=rectification.rectification_id,
    )
    callback.schedule(followed, calendar, uow.clock(), policy, Trigger.VALID_COMPLAINT)
    await uow.commit()


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
    ScheduleComplaintCallback: schedule_complaint_callback,
    NoteCharge: note_charge,
    RecordCallbackOutcome: record_outcome,
    RecordCallbackAttempt: record_attempt,
    CallbackDeadlineReached: callback_deadline_reached,
    SetCallbackPolicy: set_callback_policy,
    DrawSpotChecks: kpis.draw_spot_checks,
    RecordSpotCheck: kpis.record_spot_check,
    PrepareKpiReport: kpis.prepare_kpi_report,
    ReviewKpiReport: kpis.review_kpi_report,
    ApproveKpiReport: kpis.approve_kpi_report,
    KeepUnit: visits.keep_unit,
    RecordVisit: visits.record_visit,
    RecordPatrol: visits.record_patrol,
    WriteDiary: visits.write_diary,
    OpenSurvey: visits.open_site_survey,
    RecordSurveyReturn: visits.record_survey_return,
    SurveyDeadlineReached: visits.survey_deadline_reached,
    KeepCalendarYear: keep_calendar_year,
    KeepSitePlace: keep_site_place,
}
"""Every command the callback service handles, and its handler."""
