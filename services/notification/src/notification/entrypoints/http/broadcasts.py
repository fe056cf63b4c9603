"""Broadcasts (群发通知): compose one to a site, a building or a list of units, count its readers
first, follow its progress, read its report, cancel what is not sent."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from hotline_libs.auth import CurrentPrincipal, Principal
from hotline_libs.idempotency import IdempotencyKey
from hotline_libs.ids import derive_id
from hotline_libs.paging import Page, Paging, SiteFilter, page_of
from hotline_libs.service import Bus
from hotline_libs.service import reader as reader_of
from pydantic import BaseModel, ConfigDict, Field, model_validator

from notification.adapters.mongo.unit_of_work import MongoNotificationUnitOfWork
from notification.domain.broadcasts import (
    Broadcast,
    BroadcastAudience,
    BroadcastKind,
    BroadcastStatus,
    CancelBroadcast,
    ComposeBroadcast,
    Composition,
    Outcome,
    Unit,
    report_of,
)
from notification.domain.messages import Channel
from notification.service_layer.broadcasts import readers_of

router = APIRouter(tags=["broadcasts"])

Reader = Annotated[MongoNotificationUnitOfWork, Depends(reader_of(MongoNotificationUnitOfWork))]

TEXT = r"^[\s\S]*\S[\s\S]*$"


class UnitIn(BaseModel):
    building: str = Field(min_length=1, max_length=20, examples=["3"])
    room: str = Field(min_length=1, max_length=20, examples=["1502"])


class AudienceIn(BaseModel):
    """Whom: the whole site, one building, or a list of units."""

    site_id: str = Field(min_length=1, max_length=40, examples=["dmg"])
    building: str | None = Field(
        default=None, min_length=1, max_length=20, description="One building only"
    )
    units: list[UnitIn] = Field(
        default_factory=list, max_length=5000, description="These units only"
    )

    @model_validator(mode="after")
    def _one_scope(self) -> AudienceIn:
        if self.building is not None and self.units:
            raise ValueError("give a building or a list of units, not both")
        return self

    def audience(self) -> BroadcastAudience:
        return BroadcastAudience(
            site_id=self.site_id,
            building=self.building,
            units=tuple(Unit(u.building, u.room) for u in self.units),
        )


class BroadcastIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": "outage",
                    "audience": {"site_id": "dmg", "building": "3"},
                    "sms_text": "{{ site }}：{{ building }}栋明日9:00-12:00停水，请提前储水。",
                    "email_subject": "{{ site }}停水通知",
                    "email_body": "{{ name }}您好：{{ building }}栋明日9:00-12:00停水，请提前储水。",
                    "send_at": "2026-12-08T18:00:00+08:00",
                }
            ]
        }
    )

    kind: BroadcastKind
    audience: AudienceIn
    sms_text: str = Field(
        min_length=1,
        max_length=1000,
        pattern=TEXT,
        description="The SMS (a template: {{ name }}, {{ building }}, {{ room }}, {{ site }})",
        examples=["{{ site }}通知：{{ building }}栋明日9:00-12:00停水，请提前储水。"],
    )
    email_subject: str = Field(min_length=1, max_length=200, pattern=TEXT)
    email_body: str = Field(min_length=1, max_length=20000, pattern=TEXT)
    send_at: datetime | None = Field(
        default=None, description="When to send it (with its time zone); now when left out"
    )

    @model_validator(mode="after")
    def _aware(self) -> BroadcastIn:
        if self.send_at is not None and self.send_at.tzinfo is None:
            raise ValueError("send_at needs a time zone")
        return self


class ProgressOut(BaseModel):
    queued: int
    sent: int
    delivered: int = Field(description="Receipts from the gateway (none are read yet)")
    failed: int
    suppressed: int = Field(description="Screened out before sending")
    unreachable: int = Field(description="Agreed to no channel they can be reached on")


class BroadcastOut(BaseModel):
    broadcast_id: uuid.UUID
    site_id: str
    kind: BroadcastKind
    building: str | None
    units: list[UnitIn]
    sms_text: str
    email_subject: str
    email_body: str
    send_at: datetime
    created_at: datetime
    created_by: str
    status: BroadcastStatus
    batches: int
    progress: ProgressOut
    finished_at: datetime | None
    cancelled_by: str | None


def broadcast_out(b: Broadcast) -> BroadcastOut:
    c = b.counts
    return BroadcastOut(
        broadcast_id=b.broadcast_id,
        site_id=b.audience.site_id,
        kind=b.kind,
        building=b.audience.building,
        units=[UnitIn(building=u.building, room=u.room) for u in b.audience.units],
        sms_text=b.composition.sms_text,
        email_subject=b.composition.email_subject,
        email_body=b.composition.email_body,
        send_at=b.send_at,
        created_at=b.created_at,
        created_by=b.created_by,
        status=b.status,
        batches=b.batches,
        progress=ProgressOut(
            queued=c.get(Outcome.QUEUED, 0),
            sent=c.get(Outcome.SENT, 0),
            delivered=c.get(Outcome.DELIVERED, 0),
            failed=c.get(Outcome.FAILED, 0),
            suppressed=c.get(Outcome.SUPPRESSED, 0),
            unreachable=b.unreachable,
        ),
        finished_at=b.finished_at,
        cancelled_by=b.cancelled_by,
    )


async def _visible(
    reader: MongoNotificationUnitOfWork, principal: Principal, broadcast_id: uuid.UUID
) -> Broadcast:
    found = await reader.broadcasts.get(broadcast_id)
    if found is None or not principal.may_act_for(found.audience.site_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no broadcast {broadcast_id}")
    return found


@router.post(
    "/broadcasts",
    status_code=status.HTTP_201_CREATED,
    summary="Compose a broadcast to a site, a building or a list of units, sent now or later",
    responses={200: {"description": "Composed before under this Idempotency-Key: that one"}},
)
async def create_broadcast(
    body: BroadcastIn,
    response: Response,
    principal: CurrentPrincipal,
    bus: Bus,
    idempotency_key: IdempotencyKey,
) -> BroadcastOut:
    principal.require_site(body.audience.site_id)
    broadcast_id = derive_id("broadcast", idempotency_key) if idempotency_key else uuid.uuid4()
    broadcast, created = await bus.handle(
        ComposeBroadcast(
            broadcast_id=broadcast_id,
            kind=body.kind,
            audience=body.audience.audience(),
            composition=Composition(body.sms_text, body.email_subject, body.email_body),
            send_at=body.send_at,
            created_by=principal.who,
        )
    )
    if not created:
        response.status_code = status.HTTP_200_OK
    response.headers["Location"] = f"/broadcasts/{broadcast.broadcast_id}"
    return broadcast_out(broadcast)


@router.get("/broadcasts", summary="Broadcasts, newest first, each with its progress")
async def list_broadcasts(
    reader: Reader,
    principal: CurrentPrincipal,
    page: Paging,
    site_id: SiteFilter = None,
    status_: Annotated[BroadcastStatus | None, Query(alias="status")] = None,
) -> Page[BroadcastOut]:
    found = await reader.broadcasts.listing(
        principal.visible_sites, page, site_id=site_id, status=status_
    )
    return page_of(found, page, broadcast_out)


class AudienceCountOut(BaseModel):
    site_id: str
    readers: int = Field(description="Residents it would be sent to, each once")
    by_channel: dict[Channel, int]
    by_building: dict[str, int]
    unreachable: int = Field(
        description="Residents agreeing to no channel they can be reached on, or not on record"
    )


@router.get(
    "/broadcast-audiences/{site_id}",
    summary="How many residents a broadcast to the site, a building or units would reach",
)
async def count_audience(
    site_id: str,
    reader: Reader,
    principal: CurrentPrincipal,
    building: Annotated[str | None, Query(min_length=1, max_length=20)] = None,
    unit: Annotated[
        list[str] | None,
        Query(
            max_length=5000,
            description="Units as building/room, repeated",
            examples=[["3/1502"]],
        ),
    ] = None,
) -> AudienceCountOut:
    principal.require_site(site_id)
    units = []
    for value in unit or []:
        building_of, _, room = value.partition("/")
        if not building_of or not room:
            raise HTTPException(422, f"unit: {value!r} is not building/room")
        units.append(UnitIn(building=building_of, room=room))
    try:
        target = AudienceIn(site_id=site_id, building=building, units=units).audience()
    except ValueError as problem:
        raise HTTPException(422, f"unit: {problem}") from None
    readers, unreachable = await readers_of(target, reader)
    return AudienceCountOut(
        site_id=site_id,
        readers=len(readers),
        by_channel=dict(Counter(r.channel for r in readers)),
        by_building=dict(Counter(r.building for r in readers)),
        unreachable=unreachable,
    )


@router.get("/broadcasts/{broadcast_id}", summary="One broadcast and its progress")
async def get_broadcast(
    broadcast_id: uuid.UUID, reader: Reader, principal: CurrentPrincipal
) -> BroadcastOut:
    return broadcast_out(await _visible(reader, principal, broadcast_id))


class BuildingOut(BaseModel):
    building: str
    queued: int
    sent: int
    failed: int


class FailureOut(BaseModel):
    recipient: str
    building: str
    room: str
    channel: Channel
    reason: str


class ReportOut(BaseModel):
    broadcast: BroadcastOut
    buildings: list[BuildingOut]
    failures: list[FailureOut]


@router.get(
    "/broadcasts/{broadcast_id}/report",
    summary="A broadcast's report: per building, and each failure with its reason",
)
async def broadcast_report(
    broadcast_id: uuid.UUID, reader: Reader, principal: CurrentPrincipal
) -> ReportOut:
    broadcast = await _visible(reader, principal, broadcast_id)
    report = report_of(await reader.broadcasts.batches(broadcast_id))
    return ReportOut(
        broadcast=broadcast_out(broadcast),
        buildings=[
            BuildingOut(
                building=b.building,
                queued=b.counts.get(Outcome.QUEUED, 0),
                sent=b.counts.get(Outcome.SENT, 0),
                failed=b.counts.get(Outcome.FAILED, 0),
            )
            for b in report.buildings
        ],
        failures=[
            FailureOut(
                recipient=f.recipient,
                building=f.building,
                room=f.room,
                channel=f.channel,
                reason=f.reason,
            )
            for f in report.failures
        ],
    )


@router.post(
    "/broadcasts/{broadcast_id}/cancel",
    summary="Cancel a broadcast: what is not sent yet is not sent",
)
async def cancel_broadcast(
    broadcast_id: uuid.UUID,
    reader: Reader,
    principal: CurrentPrincipal,
    bus: Bus,
    idempotency_key: IdempotencyKey,
) -> BroadcastOut:
    await _visible(reader, principal, broadcast_id)
    cancelled = await bus.handle(CancelBroadcast(broadcast_id, principal.who))
    return broadcast_out(cancelled)
