"""Notification's use case: tell the resident, once per occasion and channel."""

from __future__ import annotations

import asyncio
from typing import Any

from hotline_libs.errors import Unavailable

from notification.domain.commands import TellResident
from notification.domain.messages import Channel, MessageRefused, messages_for
from notification.domain.notification import (
    Message,
    Notification,
    new_notification,
    notification_id,
)
from notification.service_layer.unit_of_work import Mail, NotificationUnitOfWork, Sms


async def _send(message: Message, sms: Sms, mail: Mail) -> Exception | None:
    try:
        if message.channel is Channel.SMS:
            await sms.send(message.message_id, message.recipient, message.body)
        else:
            await mail.send(message.message_id, message.recipient, message.subject, message.body)
    except Exception as exc:  # kept, so that the other channels' results are stored first
        return exc
    return None


async def tell_resident(
    command: TellResident, uow: NotificationUnitOfWork, sms: Sms, mail: Mail, attempt: int = 2
) -> Notification:
    """Send every message the occasion calls for that is not settled yet.

    The attempt is stored before any gateway hears of it and the results after, each in one
    write; the channels go out side by side, and one channel's refusal (a bad number) is
    recorded on its message without holding up the others. A gateway that is away leaves its
    message to the retry (``Unavailable``), after the others' results are stored.
    """
    occasion = command.occasion
    # nearly every event arrives once: the first attempt inserts the notification with its
    # attempt in one write; a redelivery's insert clashes, and the retry reads what is there
    notification = (
        None
        if attempt == 1
        else await uow.notifications.get(notification_id(occasion.about.event_id))
    )
    if notification is None:
        notification = new_notification(occasion.about, messages_for(occasion), uow.clock())
        uow.notifications.add(notification)
    due = notification.attempt(uow.clock())
    if not due:
        return notification
    await uow.commit()
    results = await asyncio.gather(*(_send(message, sms, mail) for message in due))
    failures: list[tuple[Channel, Exception]] = []
    for message, result in zip(due, results, strict=True):
        if result is None:
            notification.sent(message.message_id, uow.clock())
        elif isinstance(result, MessageRefused):
            notification.refused(message.message_id, str(result))
        else:
            failures.append((message.channel, result))
    await uow.commit()
    for _, failure in failures:
        if not isinstance(failure, Unavailable):
            raise failure  # a fault of ours: retried a few times, then dead-lettered
    if failures:  # a gateway away: retried until it is back
        raise Unavailable("; ".join(f"{channel.value}: {f}" for channel, f in failures))
    return notification


HANDLERS: dict[type[Any], Any] = {TellResident: tell_resident}
"""Every command notification handles, and its handler."""
