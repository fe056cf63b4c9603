"""Residents' preferences (opt-outs), the company's blocklist, the unsubscribe link residents
follow from an e-mail, and each site's quiet hours."""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse
from hotline_libs.auth import CurrentPrincipal
from hotline_libs.errors import NotFound, RuleViolation
from hotline_libs.inputs import SHOWS_TEXT, SiteInPath
from hotline_libs.service import Bus
from hotline_libs.service import reader as reader_of
from pydantic import BaseModel, ConfigDict, Field

from notification.adapters.mongo.unit_of_work import MongoNotificationUnitOfWork
from notification.domain.commands import SetBlock, SetOptOut, SetQuietHours
from notification.domain.preferences import (
    REASON_MAX,
    ContactPreference,
    OptedOutVia,
    normal_address,
    preference_id,
)
from notification.domain.templates import Channel
from notification.entrypoints.http.pages import page
from notification.service_layer.unsubscribe import UnsubscribeLinks, unsubscribe_links
from notification.settings import NotificationSettings

router = APIRouter(tags=["preferences"])

Reader = Annotated[MongoNotificationUnitOfWork, Depends(reader_of(MongoNotificationUnitOfWork))]
PHONE = re.compile(r"^\+[1-9]\d{6,14}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_OR_EMAIL = r"^(\+[1-9]\d{6,14}|[^@\s/]+@[^@\s/]+\.[^@\s/]+)$"
Address = Annotated[
    str,
    Path(
        min_length=3,
        max_length=254,
        pattern=PHONE_OR_EMAIL,
        description="The phone number (E.164, +86…) on the SMS channel, the e-mail address on "
        "the e-mail channel",
        examples=["+8613800138000"],
    ),
]
QUIET_HOURS = r"^(default|off|([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d)$"


def _checked(channel: Channel, address: str) -> str:
    pattern = PHONE if channel is Channel.SMS else EMAIL
    if not pattern.match(address):
        what = "an E.164 number (+86…)" if channel is Channel.SMS else "an e-mail address"
        raise RuleViolation(f"{address!r} is not {what}", field="address")
    return normal_address(channel, address)


class PreferenceOut(BaseModel):
    """What is kept for one address on one channel."""

    channel: Channel
    address: str
    opted_out: bool = Field(description="The resident refused the messages they may refuse")
    opted_out_via: OptedOutVia | None
    opted_out_by: str | None
    blocked: bool = Field(description="Nothing is sent to it, emergencies neither")
    block_reason: str | None
    blocked_by: str | None
    changed_at: datetime | None
    language: str | None = Field(
        default=None,
        description="The language the resident asked to be written to in, as intake's "
        "directory records it (BCP 47); none: the company's, Chinese",
        examples=["en"],
    )


def preference_out(p: ContactPreference) -> PreferenceOut:
    return PreferenceOut(
        channel=p.channel,
        address=p.address,
        opted_out=p.opted_out,
        opted_out_via=p.opted_out_via,
        opted_out_by=p.opted_out_by,
        blocked=p.blocked,
        block_reason=p.block_reason,
        blocked_by=p.blocked_by,
        changed_at=p.changed_at,
        language=p.language,
    )


@router.get(
    "/preferences/{channel}/{address}",
    summary="What a resident asked of one address, and whether it is blocked",
)
async def get_preference(channel: Channel, address: Address, reader: Reader) -> PreferenceOut:
    address = _checked(channel, address)
    found = await reader.preferences.get(preference_id(channel, address))
    if found is None:
        return PreferenceOut(
            channel=channel,
            address=address,
            opted_out=False,
            opted_out_via=None,
            opted_out_by=None,
            blocked=False,
            block_reason=None,
            blocked_by=None,
            changed_at=None,
        )
    return preference_out(found)


class OptOutIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"opted_out": True}]})
    opted_out: bool = Field(
        description="true: the resident refuses the messages they may refuse on this address "
        "(not emergencies, fee reminders, the published accounts); false: they take them again"
    )


@router.put(
    "/preferences/{channel}/{address}/opt-out",
    summary="Record, on the resident's word, that they refuse (or take again) messages here",
)
async def set_opt_out(
    channel: Channel, address: Address, body: OptOutIn, principal: CurrentPrincipal, bus: Bus
) -> PreferenceOut:
    kept: ContactPreference = await bus.handle(
        SetOptOut(
            channel=channel,
            address=_checked(channel, address),
            opted_out=body.opted_out,
            via=OptedOutVia.STAFF,
            by=principal.who,
        )
    )
    return preference_out(kept)


class BlockIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"blocked": True, "reason": "号码已易主，新机主要求不再发送"}]
        },
    )
    blocked: bool
    reason: str | None = Field(
        default=None,
        max_length=REASON_MAX,
        pattern=SHOWS_TEXT,
        description="Why (required to block): the number was reassigned, the person asked "
        "never to be written to",
    )


@router.put(
    "/blocklist/{channel}/{address}",
    summary="Block an address (nothing is sent to it) with a reason, or lift the block",
)
async def set_block(
    channel: Channel, address: Address, body: BlockIn, principal: CurrentPrincipal, bus: Bus
) -> PreferenceOut:
    if body.blocked and not (body.reason or "").strip():
        raise RuleViolation("a block needs its reason", field="reason")
    kept: ContactPreference = await bus.handle(
        SetBlock(
            channel=channel,
            address=_checked(channel, address),
            blocked=body.blocked,
            reason=body.reason,
            by=principal.who,
        )
    )
    return preference_out(kept)


class QuietHoursIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"quiet_hours": "22:00-08:00"}]}
    )
    quiet_hours: str = Field(
        max_length=20,
        pattern=QUIET_HOURS,
        description="HH:MM-HH:MM in the site's time zone, 'off' for none, or 'default' for "
        "the company's",
        examples=["22:00-08:00"],
    )


class QuietHoursOut(BaseModel):
    site_id: str
    quiet_hours: str = Field(description="As set: HH:MM-HH:MM, off, or default")
    time_zone: str | None = Field(description="The site's time zone as intake recorded it")


@router.get("/sites/{site_id}/quiet-hours", summary="A site's quiet hours and time zone")
async def get_quiet_hours(
    site_id: SiteInPath, principal: CurrentPrincipal, reader: Reader
) -> QuietHoursOut:
    principal.require_site(site_id)
    site = await reader.site_names.notices_of(site_id)
    return QuietHoursOut(site_id=site_id, quiet_hours=site.quiet_hours, time_zone=site.time_zone)


@router.put(
    "/sites/{site_id}/quiet-hours",
    summary="Set the hours a site's residents get no routine SMS",
)
async def set_quiet_hours(
    site_id: SiteInPath,
    body: QuietHoursIn,
    principal: CurrentPrincipal,
    bus: Bus,
    reader: Reader,
) -> QuietHoursOut:
    principal.require_site(site_id)
    kept: str = await bus.handle(
        SetQuietHours(site_id=site_id, quiet_hours=body.quiet_hours, set_by=principal.who)
    )
    site = await reader.site_names.notices_of(site_id)
    return QuietHoursOut(site_id=site_id, quiet_hours=kept, time_zone=site.time_zone)


Token = Annotated[str, Query(min_length=3, max_length=600, description="From the e-mail's link")]


def _links(request: Request) -> UnsubscribeLinks:
    settings: NotificationSettings = request.app.state.service.settings
    return unsubscribe_links(settings)


def _address(request: Request, token: str) -> str:
    found = _links(request).address_of(token)
    if found is None or found[0] is not Channel.EMAIL:
        raise NotFound("this unsubscribe link is not valid (copy the whole link from the e-mail)")
    return found[1]


@router.get(
    "/unsubscribe",
    summary="The page an e-mail's unsubscribe link opens: asks to confirm",
    response_class=HTMLResponse,
    responses={404: {"description": "Not a link of ours"}},
)
async def unsubscribe_page(request: Request, token: Token) -> HTMLResponse:
    address = _address(request, token)
    form = (
        f"<form method=post action='?token={html.escape(token)}'>"
        "<button type=submit>确认退订</button></form>"
    )
    return page(
        "退订邮件通知",
        f"{address} 将不再收到物业服务热线的日常邮件通知；紧急通知、催缴与收支公示仍会发送。",
        form,
    )


@router.post(
    "/unsubscribe",
    summary="Unsubscribe the link's address (one click, RFC 8058); again changes nothing",
    response_class=HTMLResponse,
    responses={404: {"description": "Not a link of ours"}},
)
async def unsubscribe(request: Request, token: Token, bus: Bus) -> HTMLResponse:
    address = _address(request, token)
    await bus.handle(
        SetOptOut(
            channel=Channel.EMAIL,
            address=address,
            opted_out=True,
            via=OptedOutVia.UNSUBSCRIBE_LINK,
            by=None,
        )
    )
    return page("已退订", f"{address} 已退订日常邮件通知。如需恢复，请致电物业服务热线。")
