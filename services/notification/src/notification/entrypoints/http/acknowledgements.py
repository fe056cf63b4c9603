"""The link at the end of an alert to staff (``service_layer/acknowledgement_links``): a page
showing the alert and whether someone has it in hand, and its button acknowledging it as the
member of staff the link was sent to. No sign-in: the signed link is the proof it reached them.
"""

from __future__ import annotations

import html
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from hotline_libs.errors import NotFound
from hotline_libs.service import Bus
from hotline_libs.service import reader as reader_of

from notification.adapters.mongo.unit_of_work import MongoNotificationUnitOfWork
from notification.domain.commands import AcknowledgeAlert
from notification.domain.notification import Notification
from notification.entrypoints.http.pages import page
from notification.service_layer.acknowledgement_links import (
    PATH,
    AcknowledgementLinks,
    Acknowledger,
)
from notification.service_layer.signed_links import signed_links
from notification.settings import NotificationSettings

router = APIRouter(tags=["staff alerts"])

Reader = Annotated[MongoNotificationUnitOfWork, Depends(reader_of(MongoNotificationUnitOfWork))]
Token = Annotated[
    str, Query(min_length=3, max_length=600, description="From the alert's link (SMS or e-mail)")
]
NOT_OURS = "this link is not valid (copy the whole link from the alert)"


def _acknowledger(request: Request, token: str) -> Acknowledger:
    settings: NotificationSettings = request.app.state.service.settings
    found = AcknowledgementLinks(signed_links(settings)).acknowledger(token)
    if found is None:
        raise NotFound(NOT_OURS)
    return found


async def _alert(reader: MongoNotificationUnitOfWork, who: Acknowledger) -> Notification:
    found = await reader.notifications.get(who.notification_id)
    if found is None or found.alert is None:
        raise NotFound(NOT_OURS)
    return found


async def _state(reader: MongoNotificationUnitOfWork, alert: Notification) -> str:
    """Who has the alert in hand and since when (site time), or that nobody has yet."""
    assert alert.alert is not None
    if alert.alert.acknowledged_at is None:
        return "尚无人确认。"
    zone = (await reader.site_names.notices_of(alert.about.site_id)).zone
    at = alert.alert.acknowledged_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    return f"已由{alert.alert.acknowledged_by}于{at}确认处理，不再逐级升级提醒。"


@router.get(
    PATH,
    summary="The page an alert's link opens: the alert, and a button to acknowledge it",
    response_class=HTMLResponse,
    responses={404: {"description": "Not a link of ours, or no such alert"}},
)
async def acknowledgement_page(request: Request, token: Token, reader: Reader) -> HTMLResponse:
    alert = await _alert(reader, _acknowledger(request, token))
    assert alert.alert is not None
    state = await _state(reader, alert)
    form = (
        ""
        if alert.alert.acknowledged_at is not None
        else f"<form method=post action='?token={html.escape(token)}'>"
        "<button type=submit>我已着手处理</button></form>"
    )
    return page(alert.alert.subject, f"{alert.alert.text} {state}", form)


@router.post(
    PATH,
    summary="Acknowledge the alert as the member of staff the link was sent to (again changes "
    "nothing)",
    response_class=HTMLResponse,
    responses={404: {"description": "Not a link of ours, or no such alert"}},
)
async def acknowledge_by_link(
    request: Request, token: Token, reader: Reader, bus: Bus
) -> HTMLResponse:
    who = _acknowledger(request, token)
    await _alert(reader, who)
    name = (await reader.staff.names([who.staff_id])).get(who.staff_id, who.staff_id)
    acknowledged: Notification = await bus.handle(
        AcknowledgeAlert(notification_id=who.notification_id, by=name)
    )
    assert acknowledged.alert is not None
    return page("已确认", await _state(reader, acknowledged))
