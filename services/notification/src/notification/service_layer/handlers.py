"""Notification's use cases: tell residents, once per occasion, resident and channel; alert
staff of an emergency, once per member and channel; e-mail a site's approved monthly report,
once per member; send a site's income and spending statement to its households, once each;
keep the names of the sites the messages name, the staff an emergency alerts and a report is
sent to, and the households a statement goes to."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import structlog
from hotline_libs.errors import Unavailable

from notification.domain.commands import (
    AlertStaff,
    KeepHousehold,
    KeepMember,
    KeepSiteName,
    KeepStaffMember,
    PublishStatement,
    SendMonthlyReport,
    TellResident,
)
from notification.domain.households import audience
from notification.domain.messages import (
    Channel,
    MessageRefused,
    emergency_alerts,
    messages_for,
    monthly_report_mails,
    names_the_site,
)
from notification.domain.notices import statement_messages
from notification.domain.notification import (
    Message,
    Notification,
    new_notification,
    notification_id,
)
from notification.domain.staff import (
    ALERTED_OF_EMERGENCIES,
    CENTRAL_HOTLINE,
    COMPANY_LEADERS,
    alerted_of_emergency_at,
    sent_monthly_report_of,
)
from notification.service_layer.broadcasts import BROADCAST_HANDLERS
from notification.service_layer.unit_of_work import Mail, NotificationUnitOfWork, Sms

log = structlog.get_logger(__name__)

SENDING_AT_ONCE = 20
"""Messages handed to the gateways at the same time: an incident's callers are told in waves,
not over hundreds of connections at once."""


async def _send(message: Message, sms: Sms, mail: Mail) -> Exception | None:
    try:
        if message.channel is Channel.SMS:
            await sms.send(message.message_id, message.recipient, message.body)
        else:
            await mail.send(message.message_id, message.recipient, message.subject, message.body)
    except Exception as exc:  # kept, so that the other channels' results are stored first
        return exc
    return None


async def _send_all(messages: list[Message], sms: Sms, mail: Mail) -> list[Exception | None]:
    at_once = asyncio.Semaphore(SENDING_AT_ONCE)

    async def send(message: Message) -> Exception | None:
        async with at_once:
            return await _send(message, sms, mail)

    return list(await asyncio.gather(*(send(message) for message in messages)))


async def tell_resident(
    command: TellResident, uow: NotificationUnitOfWork, sms: Sms, mail: Mail, attempt: int = 2
) -> Notification | None:
    """Send every message the occasion calls for that is not settled yet; None when it calls
    for none (an answer given on the phone, an incident nobody called about).

    The attempt is stored before any gateway hears of it and the results after, each in one
    write; the messages go out side by side, and one's refusal (a bad number) is recorded on
    it without holding up the others. A gateway that is away leaves its messages to the retry
    (``Unavailable``), after the others' results are stored.
    """
    occasion = command.occasion
    notification = await _told_already(occasion.about.event_id, uow, attempt)
    if notification is None:
        site_name = (
            await uow.site_names.name_of(occasion.about.site_id)
            if names_the_site(occasion)
            else None
        )
        outgoing = messages_for(occasion, site_name)
        if not outgoing:
            return None
        notification = new_notification(occasion.about, outgoing, uow.clock())
        uow.notifications.add(notification)
    return await _deliver(notification, uow, sms, mail)


async def alert_staff(
    command: AlertStaff, uow: NotificationUnitOfWork, sms: Sms, mail: Mail, attempt: int = 2
) -> Notification | None:
    """Alert of an emergency, by SMS and e-mail, every supervisor of the central hotline and
    of its site and the site's manager, as on record now (INC-01, INC-02); sent and stored
    like ``tell_resident``, so a redelivered event alerts nobody twice. None when nobody on
    record is to be alerted: logged with the request number, and the event taken as handled
    (retrying would put nobody on record)."""
    emergency = command.emergency
    about = emergency.about
    notification = await _told_already(about.event_id, uow, attempt)
    if notification is None:
        on_record = await uow.staff.at_sites(
            {about.site_id, CENTRAL_HOTLINE}, ALERTED_OF_EMERGENCIES
        )
        alerted = alerted_of_emergency_at(about.site_id, on_record)
        outgoing = emergency_alerts(emergency, alerted, await uow.site_names.name_of(about.site_id))
        if not outgoing:
            log.warning(
                "nobody on record to alert of an emergency",
                request_no=emergency.request_no,
                site_id=about.site_id,
                emergency=emergency.emergency,
                event_id=str(about.event_id),
            )
            return None
        notification = new_notification(about, outgoing, uow.clock())
        uow.notifications.add(notification)
    return await _deliver(notification, uow, sms, mail)


async def send_monthly_report(
    command: SendMonthlyReport,
    uow: NotificationUnitOfWork,
    sms: Sms,
    mail: Mail,
    attempt: int = 2,
) -> Notification | None:
    """E-mail a site's monthly report (the hotline's, approved; the month's work orders) to each
    department's information liaison at the site, the site's manager and the company's leaders,
    as on record now (CMP-19, CMP-22, KB-11, DSP-12); sent and stored like ``tell_resident``, so a redelivered approval sends nobody the
    report twice. Those without an e-mail address are logged by staff id, not sent it. None
    when nobody on record has an address: logged, and the event taken as handled."""
    report = command.report
    about = report.about
    notification = await _told_already(about.event_id, uow, attempt)
    if notification is None:
        on_record = await uow.staff.at_site_or_with_roles(about.site_id, COMPANY_LEADERS)
        readers = sent_monthly_report_of(about.site_id, on_record)
        unreachable = [member.staff_id for member in readers if not member.email]
        if unreachable:
            log.warning(
                "staff to be sent a monthly report have no e-mail address",
                site_id=about.site_id,
                month=report.month,
                staff_ids=unreachable,
            )
        site_name = await uow.site_names.name_of(about.site_id)
        outgoing = monthly_report_mails(report, readers, site_name)
        if not outgoing:
            log.warning(
                "nobody on record to send a monthly report",
                site_id=about.site_id,
                month=report.month,
                event_id=str(about.event_id),
            )
            return None
        notification = new_notification(about, outgoing, uow.clock())
        uow.notifications.add(notification)
    return await _deliver(notification, uow, sms, mail)


async def publish_statement(
    command: PublishStatement,
    uow: NotificationUnitOfWork,
    sms: Sms,
    mail: Mail,
    attempt: int = 2,
) -> list[Notification]:
    """Send a site's approved income and spending statement to each of its households, as on
    record now, on the channel each agreed to (FEE-07, NTF-06): in parts, one notification per
    building, each stored and sent like ``tell_resident``, so a redelivered statement or one
    cut short by a gateway away sends nobody it twice and finishes the rest. Residents who
    agreed to no channel they can be reached on, or whose record has not arrived, are logged
    by count."""
    statement = command.statement
    about = statement.about
    households = await uow.households.of_site(about.site_id)
    members = await uow.households.members(
        {resident for household in households for resident in household.told}
    )
    readers = audience(households, members)
    if readers.unreachable or readers.unknown:
        log.warning(
            "residents not sent the income and spending statement",
            site_id=about.site_id,
            period=statement.period,
            no_channel_agreed=len(readers.unreachable),
            not_on_record=len(readers.unknown),
        )
    site_name = await uow.site_names.name_of(about.site_id)
    sent: list[Notification] = []
    for building, in_building in readers.by_building.items():
        notification = (
            None
            if attempt == 1
            else await uow.notifications.get(notification_id(about.event_id, building))
        )
        if notification is None:
            outgoing = statement_messages(statement, in_building, site_name)
            notification = new_notification(about, outgoing, uow.clock(), part=building)
            uow.notifications.add(notification)
        sent.append(await _deliver(notification, uow, sms, mail))
    return sent


async def keep_household(command: KeepHousehold, uow: NotificationUnitOfWork) -> bool:
    """Keep the unit as intake recorded it; a redelivery or an older record changes nothing."""
    return await uow.households.keep(command.household)


async def keep_member(command: KeepMember, uow: NotificationUnitOfWork) -> bool:
    """Keep the resident as intake recorded them; a redelivery or an older record changes
    nothing."""
    return await uow.households.keep_member(command.member)


async def _told_already(
    event_id: uuid.UUID, uow: NotificationUnitOfWork, attempt: int
) -> Notification | None:
    """The notification of the event, if it is stored already. Nearly every event arrives
    once: the first attempt inserts the notification with its attempt in one write without
    looking; a redelivery's insert clashes, and the retry reads what is there."""
    return None if attempt == 1 else await uow.notifications.get(notification_id(event_id))


async def _deliver(
    notification: Notification, uow: NotificationUnitOfWork, sms: Sms, mail: Mail
) -> Notification:
    """Send the notification's messages that are not settled yet and store their results."""
    due = notification.attempt(uow.clock())
    if not due:
        return notification
    await uow.commit()
    results = await _send_all(due, sms, mail)
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
    if failures:  # a gateway away: retried until it is back (each reason once, not per caller)
        raise Unavailable(
            "; ".join(dict.fromkeys(f"{channel.value}: {f}" for channel, f in failures))
        )
    return notification


async def keep_site_name(command: KeepSiteName, uow: NotificationUnitOfWork) -> bool:
    """Keep the site's name as intake recorded it; a redelivery or an older record changes
    nothing."""
    return await uow.site_names.keep(command.site_id, command.name, command.recorded_at)


async def keep_staff_member(command: KeepStaffMember, uow: NotificationUnitOfWork) -> bool:
    """Keep the member of staff as intake recorded them; a redelivery or an older record
    changes nothing (a later move or leaving is kept)."""
    return await uow.staff.keep(command.member)


HANDLERS: dict[type[Any], Any] = {
    TellResident: tell_resident,
    AlertStaff: alert_staff,
    SendMonthlyReport: send_monthly_report,
    KeepSiteName: keep_site_name,
    KeepStaffMember: keep_staff_member,
    PublishStatement: publish_statement,
    KeepHousehold: keep_household,
    KeepMember: keep_member,
    **BROADCAST_HANDLERS,
}
"""Every command notification handles, and its handler."""
