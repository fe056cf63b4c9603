"""The callback agents' list, and the outcome of a call."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from contracts.envelope import Money
from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from hotline_libs.auth import CurrentPrincipal
from hotline_libs.paging import (
    IsoDate,
    IsoDateTime,
    Page,
    Paging,
    SiteFilter,
    TimeWindow,
    page_of,
    time_window,
)
from hotline_libs.service import Bus
from pydantic import BaseModel, ConfigDict, Field

from callback.domain.callback import (
    MAX_NOTE,
    MAX_SIGNATURE_REF,
    UNANSWERED_TRIES,
    Callback,
    CallbackReason,
    CallbackStatus,
    Method,
    NotReached,
)
from callback.domain.commands import RecordCallbackAttempt, RecordCallbackOutcome
from callback.domain.policy import Trigger
from callback.domain.queue import Standing, queue
from callback.entrypoints.http import Reader

router = APIRouter(tags=["callbacks"])


class ChargeRef(BaseModel):
    charge_id: uuid.UUID
    charge_no: str
    total: Money


class ContactOut(BaseModel):
    name: str
    phone: str
    email: str | None
    building: str
    room: str


class OutcomeOut(BaseModel):
    satisfied: bool
    opinion: str
    method: Method
    agent: str
    made_at: datetime
    signature_ref: str | None = Field(
        description="On a home visit: the record the resident signed (签名确认)"
    )


class AttemptOut(BaseModel):
    at: datetime
    agent: str
    result: NotReached
    note: str | None
    next_at: datetime | None = Field(description="When to try again; none: given up")


class SampleDraw(BaseModel):
    position: int = Field(description="Its place in the month's cases of its kind")
    draw: int
    share: int
    drawn: bool
    by_lot: bool


class CallbackOut(BaseModel):
    callback_id: uuid.UUID
    work_order_id: uuid.UUID | None = Field(
        description="The completed work order followed up; none for a complaint's callback"
    )
    request_id: uuid.UUID
    request_no: str
    service_record_no: str | None = Field(
        description="The service and callback record (服务及回访记录表) of the paid work, if any"
    )
    site_id: str
    status: CallbackStatus
    resident: ContactOut
    reason: CallbackReason
    payment_method: str | None
    completed_at: datetime
    due_on: date
    due_on_assumed: bool = Field(
        description="The due day falls in a year whose official calendar was not loaded yet: "
        "counted Monday to Friday (check it once the year is loaded)"
    )
    scheduled_at: datetime
    overdue_reported_at: datetime | None
    charge: ChargeRef | None
    outcome: OutcomeOut | None
    attempts: list[AttemptOut] = Field(description="Tries that gave no outcome, oldest first")
    next_attempt_at: datetime | None = Field(
        description="When the agents should try again, while the call is still to make"
    )
    trigger: Trigger | None = Field(description="The kind of case under the site's policy")
    policy_version: int | None = Field(
        description="The site's policy version that decided it (0: the manuals' rules)"
    )
    draw: SampleDraw | None = Field(description="Its draw, when its kind is sampled that month")
    version: int


def callback_out(callback: Callback) -> CallbackOut:
    done, charge, outcome = callback.completed, callback.charge, callback.outcome
    assert done is not None
    assert callback.reason
    assert callback.due_on
    assert callback.scheduled_at
    r = done.resident
    return CallbackOut(
        callback_id=callback.callback_id,
        work_order_id=callback.work_order_id,
        request_id=done.request_id,
        request_no=done.request_no,
        service_record_no=done.service_record_no,
        site_id=callback.site_id,
        status=callback.status,
        resident=ContactOut(
            name=r.name, phone=r.phone, email=r.email, building=r.building, room=r.room
        ),
        reason=callback.reason,
        payment_method=done.payment_method,
        completed_at=done.completed_at,
        due_on=callback.due_on,
        due_on_assumed=callback.due_on_assumed,
        scheduled_at=callback.scheduled_at,
        overdue_reported_at=callback.overdue_reported_at,
        charge=None
        if charge is None
        else ChargeRef(charge_id=charge.charge_id, charge_no=charge.charge_no, total=charge.total),
        outcome=None
        if outcome is None
        else OutcomeOut(
            satisfied=outcome.satisfied,
            opinion=outcome.opinion,
            method=outcome.method,
            agent=outcome.agent,
            made_at=outcome.made_at,
            signature_ref=outcome.signature_ref,
        ),
        attempts=[
            AttemptOut(at=a.at, agent=a.agent, result=a.result, note=a.note, next_at=a.next_at)
            for a in callback.attempts
        ],
        next_attempt_at=callback.next_attempt_at,
        trigger=callback.trigger,
        policy_version=callback.policy_version,
        draw=None
        if callback.draw is None
        else SampleDraw(
            position=callback.draw.position,
            draw=callback.draw.draw,
            share=callback.draw.share,
            drawn=callback.draw.drawn,
            by_lot=callback.draw.by_lot,
        ),
        version=callback.version,
    )


SCHEDULED = time_window("scheduled", "callbacks put on the list")

ListedStatus = Literal["scheduled", "made", "unreachable"]
"""The statuses a listed callback has (one awaiting its completion is nobody's to call yet)."""


@router.get("/callbacks", summary="Callbacks, soonest due first, a page at a time")
async def list_callbacks(
    reader: Reader,
    principal: CurrentPrincipal,
    page: Paging,
    scheduled: Annotated[TimeWindow, Depends(SCHEDULED)],
    site_id: SiteFilter = None,
    request_id: uuid.UUID | None = None,
    due_on_or_after: Annotated[
        IsoDate | None, Query(description="Only those due on this day (YYYY-MM-DD) or later")
    ] = None,
    due_on_or_before: Annotated[
        IsoDate | None, Query(description="Only those due on this day (YYYY-MM-DD) or earlier")
    ] = None,
    status_: Annotated[
        ListedStatus | None,
        Query(alias="status", description="scheduled: still to call; made: called"),
    ] = None,
    reason: Annotated[CallbackReason | None, Query(description="What the calls follow up")] = None,
    overdue: Annotated[
        bool | None,
        Query(description="true: reported overdue (the due day ended, not called then)"),
    ] = None,
) -> Page[CallbackOut]:
    found = await reader.callbacks.listing(
        sites=principal.visible_sites,
        page=page,
        site_id=site_id,
        request_id=request_id,
        due_on_or_after=due_on_or_after,
        due_on_or_before=due_on_or_before,
        status=None if status_ is None else CallbackStatus(status_),
        scheduled=scheduled,
        reason=reason,
        overdue=overdue,
    )
    return page_of(found, page, callback_out)


class QueueRow(BaseModel):
    site_id: str
    reason: CallbackReason
    overdue: int = Field(description="Due day over, not called")
    due_today: int = Field(description="Due today (the site's day)")
    later: int
    unreachable: int = Field(description="Given up: no answer or a wrong number")


class QueueOut(BaseModel):
    rows: list[QueueRow] = Field(description="Per site and reason, sites and reasons in order")
    today: dict[str, date] = Field(description="Each site's day the counts are taken on")


@router.get(
    "/callback-queue",
    summary="The callbacks still to make, per site and reason: overdue, due today, later",
)
async def get_queue(
    reader: Reader, principal: CurrentPrincipal, site_id: SiteFilter = None
) -> QueueOut:
    open_ = await reader.callbacks.still_open(sites=principal.visible_sites, site_id=site_id)
    now = reader.clock()
    today = {
        site: (await reader.calendars.for_site(site)).local_day(now)
        for site in sorted({c.site_id for c in open_})
    }
    counts = queue(open_, today)
    return QueueOut(
        rows=[
            QueueRow(
                site_id=site,
                reason=CallbackReason(reason),
                overdue=counted[Standing.OVERDUE],
                due_today=counted[Standing.DUE_TODAY],
                later=counted[Standing.LATER],
                unreachable=counted[Standing.UNREACHABLE],
            )
            for (site, reason), counted in sorted(counts.items())
        ],
        today=today,
    )


@router.get("/callbacks/{callback_id}", summary="One callback")
async def get_callback(
    callback_id: uuid.UUID, reader: Reader, principal: CurrentPrincipal
) -> CallbackOut:
    found = await reader.callbacks.get(callback_id)
    if found is None or found.completed is None or not principal.may_act_for(found.site_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no callback {callback_id}")
    return callback_out(found)


class OutcomeIn(BaseModel):
    """What the resident said when called back; the due-date clock stops."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"satisfied": True, "opinion": "师傅很准时，水龙头不漏了", "method": "phone"},
                {
                    "satisfied": False,
                    "opinion": "门还是关不严",
                    "method": "visit",
                    "signature_ref": "SR-DMG-000123 回访栏",
                },
            ]
        },
    )
    satisfied: bool = Field(description="The resident is satisfied with the service")
    opinion: str = Field(
        min_length=1,
        max_length=2000,
        description="The resident's words, verbatim",
        examples=["师傅很准时，水龙头不漏了"],
    )
    method: Method = Field(default=Method.PHONE, description="phone, or visit (上门)")
    signature_ref: str | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_SIGNATURE_REF,
        description="On a home visit (and only then): the reference of the record the resident "
        "signed in its signature confirmation column (签名确认)",
        examples=["SR-DMG-000123 回访栏"],
    )


@router.post(
    "/callbacks/{callback_id}/outcome",
    summary="Record the outcome of a follow-up call (回访)",
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"description": "This outcome was already recorded"},
        409: {"description": "A different outcome is already recorded"},
    },
)
async def record_outcome(
    callback_id: uuid.UUID,
    body: OutcomeIn,
    response: Response,
    principal: CurrentPrincipal,
    bus: Bus,
) -> CallbackOut:
    callback, changed = await bus.handle(
        RecordCallbackOutcome(
            callback_id=callback_id,
            satisfied=body.satisfied,
            opinion=body.opinion,
            method=body.method,
            agent=principal.subject,
            visible_sites=principal.visible_sites,
            signature_ref=body.signature_ref,
        )
    )
    if not changed:
        response.status_code = status.HTTP_200_OK
    return callback_out(callback)


class AttemptIn(BaseModel):
    """A try that gave no outcome."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {"result": "no_answer"},
                {
                    "result": "call_back_later",
                    "call_back_at": "2026-11-24T10:00:00+08:00",
                    "note": "在开会，明早再打",
                },
            ]
        },
    )
    result: NotReached = Field(
        description=f"no_answer (tried again 2 hours later; after {UNANSWERED_TRIES} unanswered "
        "tries given up as unreachable), wrong_number (given up at once), call_back_later (at "
        "call_back_at)"
    )
    note: str | None = Field(default=None, min_length=1, max_length=MAX_NOTE)
    call_back_at: IsoDateTime | None = Field(
        default=None,
        description="When the resident asked to be called; only with call_back_later, ahead of now",
    )


@router.post(
    "/callbacks/{callback_id}/attempts",
    summary="Record a try that gave no outcome: no answer, a wrong number, or call back later",
    status_code=status.HTTP_201_CREATED,
    responses={409: {"description": "The callback is made, given up, or not scheduled yet"}},
)
async def record_attempt(
    callback_id: uuid.UUID, body: AttemptIn, principal: CurrentPrincipal, bus: Bus
) -> CallbackOut:
    callback: Callback = await bus.handle(
        RecordCallbackAttempt(
            callback_id=callback_id,
            result=body.result,
            note=body.note,
            call_back_at=body.call_back_at,
            agent=principal.subject,
            visible_sites=principal.visible_sites,
        )
    )
    return callback_out(callback)
