"""Notification's use cases: tell residents, once per occasion, resident and channel; alert
staff of an emergency, once per member and channel; e-mail a site's approved monthly report,
once per member; send a site's income and spending statement to its households, once each;
keep the names of the sites the messages name, the staff an emergency alerts and a report is
sent to, and the households a statement goes to."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

import structlog
from hotline_libs.aggregate import is_due
from hotline_libs.errors import ConcurrencyConflict, NotFound, Unavailable

from notification.domain.alerts import LADDERS, AlertState, StaffAlertOccasion
from notification.domain.commands import (
    AcknowledgeAlert,
    AlertStaff,
    AlertStaffOf,
    KeepHousehold,
    KeepMember,
    KeepSiteName,
    KeepStaffMember,
    NotificationDeadlineReached,
    PublishStatement,
    SendMonthlyReport,
    SendRoster,
    SetBlock,
    SetOptOut,
    SetQuietHours,
    TakeReceipt,
    TellResident,
)
from notification.domain.households import Member, audience
from notification.domain.messages import (
    STAFF_TEMPLATES,
    Channel,
    MessageRefused,
    OutgoingMessage,
    candidates_for,
    emergency_alerts,
    first_that_may_go,
    in_their_languages,
    language_of,
    monthly_report_mails,
    names_the_site,
    recipients_of,
    staff_alert_messages,
)
from notification.domain.notices import statement_messages
from notification.domain.notification import (
    ESCALATE,
    Message,
    Notification,
    new_notification,
    notification_id,
)
from notification.domain.occasions import Occasion
from notification.domain.policy import policy_of
from notification.domain.preferences import (
    ContactPreference,
    Screening,
    new_preference,
    preference_id,
)
from notification.domain.rosters import SENT_TO, roster_mails, sent_roster
from notification.domain.sites import SiteNotices, checked_quiet_hours
from notification.domain.sms_delivery import SmsUndeliverable, Taken
from notification.domain.staff import (
    ALERTED_OF_EMERGENCIES,
    CENTRAL_HOTLINE,
    COMPANY_LEADERS,
    StaffMember,
    alerted_of_emergency_at,
    sent_monthly_report_of,
)
from notification.domain.templates import Language
from notification.service_layer.broadcasts import BROADCAST_HANDLERS
from notification.service_layer.rules import COMPANY_RULES, NoticeRules
from notification.service_layer.template_versions import TEMPLATE_HANDLERS
from notification.service_layer.unit_of_work import Mail, NotificationUnitOfWork, Sms

log = structlog.get_logger(__name__)

SENDING_AT_ONCE = 20
"""Messages handed to the gateways at the same time: an incident's callers are told in waves,
not over hundreds of connections at once."""


def addresses_of(occasion: Occasion) -> set[tuple[Channel, str]]:
    """The numbers and addresses the occasion may write to."""
    found: set[tuple[Channel, str]] = set()
    for recipient in recipients_of(occasion):
        if recipient.phone:
            found.add((Channel.SMS, recipient.phone))
        if recipient.email:
            found.add((Channel.EMAIL, recipient.email))
    return found


def _language_kept(
    preferences: Mapping[str, ContactPreference],
) -> Callable[[Channel, str], str | None]:
    def language_at(channel: Channel, address: str) -> str | None:
        found = preferences.get(preference_id(channel, address))
        return found.language if found else None

    return language_at


async def _screened(
    candidates: list[OutgoingMessage],
    site_id: str,
    site: SiteNotices | None,
    uow: NotificationUnitOfWork,
    rules: NoticeRules,
    preferences: Mapping[str, ContactPreference] | None = None,
) -> list[tuple[OutgoingMessage, Screening]]:
    """The messages that go of ``candidates``, each with what the recipient's preferences and
    the site's quiet hours make of it (NTF quiet hours, opt-outs, blocks): one read of the
    preferences of every address, and one of the site when an SMS may have to wait for its
    morning and ``site`` was not read already. Each resident's e-mail ends with its
    unsubscribe link."""
    if not candidates:
        return []
    if preferences is None:
        preferences = await uow.preferences.of_addresses(
            {(m.channel, m.recipient) for m in candidates}
        )
    if site is None and any(
        m.channel is Channel.SMS and policy_of(m.template).urgency.waits_for_morning
        for m in candidates
    ):
        site = await uow.site_names.notices_of(site_id)
    screener = (site or SiteNotices(site_id)).screening(rules.quiet_hours, uow.clock())

    def screening_of(message: OutgoingMessage) -> Screening:
        preference = preferences.get(preference_id(message.channel, message.recipient))
        return screener(message.channel, policy_of(message.template).urgency, preference)

    return [
        (_with_unsubscribe_link(message, rules), screening)
        for message, screening in first_that_may_go(candidates, screening_of)
    ]


def _with_unsubscribe_link(message: OutgoingMessage, rules: NoticeRules) -> OutgoingMessage:
    if (
        rules.unsubscribe is None
        or message.channel is not Channel.EMAIL
        or message.template in STAFF_TEMPLATES
    ):
        return message
    footer = rules.unsubscribe.footer(message.recipient, message.language)
    return replace(message, body=message.body + footer)


Outcome = Exception | Taken | None
"""A send's result: what went wrong, or who took it (None: taken, by whom not said)."""


async def _send(message: Message, sms: Sms, mail: Mail) -> Outcome:
    try:
        if message.channel is Channel.SMS:
            return await sms.send(message.message_id, message.recipient, message.body)
        await mail.send(message.message_id, message.recipient, message.subject, message.body)
    except Exception as exc:  # kept, so that the other channels' results are stored first
        return exc
    return None


async def _send_all(messages: list[Message], sms: Sms, mail: Mail) -> list[Outcome]:
    at_once = asyncio.Semaphore(SENDING_AT_ONCE)

    async def send(message: Message) -> Outcome:
        async with at_once:
            return await _send(message, sms, mail)

    return list(await asyncio.gather(*(send(message) for message in messages)))


async def tell_resident(
    command: TellResident,
    uow: NotificationUnitOfWork,
    sms: Sms,
    mail: Mail,
    attempt: int = 2,
    rules: NoticeRules = COMPANY_RULES,
) -> Notification | None:
    """Send every message the occasion calls for that is not settled yet; None when it calls
    for none (an answer given on the phone, an incident nobody called about).

    Each message is screened first (``_screened``): one to an address opted out of or blocked
    is kept as suppressed, with why; a routine SMS in the site's quiet hours is held until they
    end, on the notification's deadline (``release_held``). The attempt is stored before any
    gateway hears of it and the results after, each in one write; the messages go out side by
    side, and one's refusal (a bad number) is recorded on it without holding up the others. A
    gateway that is away leaves its messages to the retry (``Unavailable``), after the others'
    results are stored.
    """
    occasion = command.occasion
    notification = await _told_already(occasion.about.event_id, uow, attempt)
    if notification is None:
        site_id = occasion.about.site_id
        site = await uow.site_names.notices_of(site_id) if names_the_site(occasion) else None
        # the approved texts (kept a few seconds per process: adapters.mongo.templates)
        book = await uow.templates.book()
        preferences = await uow.preferences.of_addresses(addresses_of(occasion))
        occasion = in_their_languages(occasion, _language_kept(preferences))
        candidates = candidates_for(occasion, site.name if site else None, book=book)
        outgoing = await _screened(candidates, site_id, site, uow, rules, preferences)
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


async def send_roster(
    command: SendRoster,
    uow: NotificationUnitOfWork,
    sms: Sms,
    mail: Mail,
    attempt: int = 2,
) -> Notification | None:
    """E-mail the site's front-desk roster, as submitted, to its service-centre manager (the
    company's when the site has none on record) with everyone on it by name (NTF-12); sent and
    stored like ``tell_resident``, so a redelivered submission sends nobody it twice. None when
    nobody to send it to has an address: logged, and the event taken as handled."""
    roster = command.roster
    about = roster.about
    notification = await _told_already(about.event_id, uow, attempt)
    if notification is None:
        managers = sent_roster(
            about.site_id, await uow.staff.at_sites({about.site_id, CENTRAL_HOTLINE}, SENT_TO)
        )
        names = await uow.staff.names(roster.staff_ids)
        site = await uow.site_names.notices_of(about.site_id)
        outgoing = roster_mails(roster, managers, names, site.zone, site.name)
        if not outgoing:
            log.warning(
                "nobody on record to send the roster to",
                site_id=about.site_id,
                month=roster.month,
                managers=[m.staff_id for m in managers],
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
    rules: NoticeRules = COMPANY_RULES,
) -> list[Notification]:
    """Send a site's approved income and spending statement to each of its households, as on
    record now, on the channel each agreed to (FEE-07, NTF-06): in parts, one notification per
    building, each stored and sent like ``tell_resident``, so a redelivered statement or one
    cut short by a gateway away sends nobody it twice and finishes the rest. Residents who
    agreed to no channel they can be reached on, or whose record has not arrived, are logged
    by count. A statement is a notice residents cannot opt out of (NTF-06); a blocked address is
    sent nothing, and an SMS in the site's quiet hours waits for the morning."""
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
    site = await uow.site_names.notices_of(about.site_id)
    sent: list[Notification] = []
    for building, in_building in readers.by_building.items():
        notification = (
            None
            if attempt == 1
            else await uow.notifications.get(notification_id(about.event_id, building))
        )
        if notification is None:
            candidates = statement_messages(statement, in_building, site.name)
            outgoing = await _screened(candidates, about.site_id, site, uow, rules)
            notification = new_notification(about, outgoing, uow.clock(), part=building)
            uow.notifications.add(notification)
        sent.append(await _deliver(notification, uow, sms, mail))
    return sent


async def keep_household(command: KeepHousehold, uow: NotificationUnitOfWork) -> bool:
    """Keep the unit as intake recorded it; a redelivery or an older record changes nothing."""
    return await uow.households.keep(command.household)


async def keep_member(command: KeepMember, uow: NotificationUnitOfWork) -> bool:
    """Keep the resident as intake recorded them, and the language they asked to be written
    to in on the preferences of their number and address (the addresses a message names);
    False for an older record or the same one again (which still finishes the languages, in
    case a crash came between the two writes)."""
    member = command.member
    kept = await uow.households.keep_member(member)
    if not kept.kept:
        return False
    await _keep_language(member, kept.before, uow)
    return kept.before is None or kept.before.recorded_at < member.recorded_at


def _asked(member: Member | None) -> str | None:
    """The language a resident asked for, when it is not the company's (Chinese)."""
    if member is None or language_of(member.language) is Language.ZH_CN:
        return None
    return member.language


async def _keep_language(
    member: Member, before: Member | None, uow: NotificationUnitOfWork
) -> None:
    """Nearly every resident is written to in Chinese and never touches a preference: only a
    language of another (now, or before this record) is written, on each of their addresses;
    an address they gave up forgets theirs."""
    asked, asked_before = _asked(member), _asked(before)
    if asked is None and asked_before is None:
        return
    changes: dict[tuple[Channel, str], str | None] = dict.fromkeys(member.addresses, asked)
    if asked_before is not None and before is not None:
        for given_up in before.addresses:
            changes.setdefault(given_up, None)
    for (channel, address), language in changes.items():
        preference = await uow.preferences.get(preference_id(channel, address))
        if preference is None:
            if language is None:
                continue
            preference = new_preference(channel, address)
            uow.preferences.add(preference)
        preference.speaks(language, member.recorded_at)
    await uow.commit()


async def _told_already(
    event_id: uuid.UUID, uow: NotificationUnitOfWork, attempt: int
) -> Notification | None:
    """The notification of the event, if it is stored already. Nearly every event arrives
    once: the first attempt inserts the notification with its attempt in one write without
    looking; a redelivery's insert clashes, and the retry reads what is there."""
    return None if attempt == 1 else await uow.notifications.get(notification_id(event_id))


async def _deliver(
    notification: Notification,
    uow: NotificationUnitOfWork,
    sms: Sms,
    mail: Mail,
    *,
    changed: bool = False,
) -> Notification:
    """Send the notification's messages that are not settled yet and store their results.
    ``changed``: the notification changed before (stored even when nothing is due now).

    An SMS no provider took after the retries and the failover is recorded failed with the
    reason (``SmsUndeliverable``), not retried (``domain/sms_delivery.py`` says why). A
    provider's receipt stored while the sends were out (the SMS's receipt comes while the
    e-mail is still on its way) makes the results' write conflict: the results are applied to
    the notification as stored now and written again, nothing is sent twice, and the receipt
    stays (delivered is never moved back to sent)."""
    due = notification.attempt(uow.clock())
    if not due:
        if changed or notification.version == 0:  # every message held or suppressed: keep it
            await uow.commit()
        return notification
    await uow.notifications.index(notification, due)
    await uow.commit()
    results = await _send_all(due, sms, mail)
    for attempt in range(1, RESULT_WRITES + 1):
        failures = _store_results(notification, due, results, uow.clock())
        try:
            await uow.commit()
            break
        except ConcurrencyConflict:
            fresh = await uow.notifications.reread(notification.notification_id)
            if fresh is None or attempt == RESULT_WRITES:
                raise
            notification = fresh
    for _, failure in failures:
        if not isinstance(failure, Unavailable):
            raise failure  # a fault of ours: retried a few times, then dead-lettered
    if failures:  # a gateway away: retried until it is back (each reason once, not per caller)
        raise Unavailable(
            "; ".join(dict.fromkeys(f"{channel.value}: {f}" for channel, f in failures))
        )
    return notification


RESULT_WRITES = 5
"""Tries to store the sends' results on a notification receipts keep changing meanwhile."""


def _store_results(
    notification: Notification,
    due: Sequence[Message],
    results: Sequence[Outcome],
    now: datetime,
) -> list[tuple[Channel, Exception]]:
    """Apply each message's send result (by its id) to ``notification``; the failures that
    are not the gateway's answer about the message (a gateway away, a fault of ours)."""
    failures: list[tuple[Channel, Exception]] = []
    for message, result in zip(due, results, strict=True):
        if result is None:
            notification.sent(message.message_id, now)
        elif isinstance(result, Taken):
            notification.sent(message.message_id, now, result.provider, result.provider_message_id)
        elif isinstance(result, SmsUndeliverable):
            notification.failed(message.message_id, str(result))
        elif isinstance(result, MessageRefused):
            notification.refused(message.message_id, str(result))
        else:
            failures.append((message.channel, result))
    return failures


async def keep_site_name(command: KeepSiteName, uow: NotificationUnitOfWork) -> bool:
    """Keep the site's name as intake recorded it; a redelivery or an older record changes
    nothing."""
    return await uow.site_names.keep(
        command.site_id, command.name, command.recorded_at, command.time_zone
    )


async def keep_staff_member(command: KeepStaffMember, uow: NotificationUnitOfWork) -> bool:
    """Keep the member of staff as intake recorded them; a redelivery or an older record
    changes nothing (a later move or leaving is kept)."""
    return await uow.staff.keep(command.member)


def _acknowledged_with(
    rules: NoticeRules, alert_id: uuid.UUID
) -> Callable[[StaffMember], str | None] | None:
    """Each member's link acknowledging the alert, when the company's rules have the links."""
    links = rules.acknowledgement
    if links is None:
        return None
    return lambda member: links.link(alert_id, member.staff_id)


async def notification_deadline_reached(
    command: NotificationDeadlineReached,
    uow: NotificationUnitOfWork,
    sms: Sms,
    mail: Mail,
    rules: NoticeRules = COMPANY_RULES,
) -> Notification | None:
    """The site's quiet hours are over: send the messages that waited for them; or nobody
    acknowledged an alert in time: alert the next rung. Once: a deadline another replica fired
    already is no longer due on a fresh read."""
    notification = await uow.notifications.get(command.notification_id)
    if notification is None or not is_due(notification, command.deadline, uow.clock()):
        return None
    if command.deadline == ESCALATE and notification.alert is not None:
        ladder = LADDERS[notification.alert.kind]
        staff = await uow.staff.at_sites(
            {notification.about.site_id, CENTRAL_HOTLINE}, ladder.roles
        )
        next_rung = ladder.then.alerted(notification.about.site_id, staff) if ladder.then else []
        site_name = await uow.site_names.name_of(notification.about.site_id)
        alert = notification.alert
        occasion = StaffAlertOccasion(notification.about, alert.kind, alert.subject, alert.text)
        link_for = _acknowledged_with(rules, notification.notification_id)
        notification.escalate(
            staff_alert_messages(occasion, next_rung, site_name, escalated=True, link_for=link_for),
            uow.clock(),
        )
        if not next_rung:
            log.warning(
                "nobody on record to escalate an alert to",
                kind=notification.alert.kind.value,
                site_id=notification.about.site_id,
            )
            await uow.commit()
            return notification
    return await _deliver(notification, uow, sms, mail, changed=True)


async def alert_staff_of(
    command: AlertStaffOf,
    uow: NotificationUnitOfWork,
    sms: Sms,
    mail: Mail,
    attempt: int = 2,
    rules: NoticeRules = COMPANY_RULES,
) -> Notification | None:
    """Alert the first rung of the alert's ladder at its site (the next at once when nobody
    is on the first), by SMS and e-mail, and set the moment the next rung is alerted unless
    someone acknowledges it first (each message ends with the member's link that does); sent
    and stored like ``tell_resident``, so a redelivered event alerts nobody twice. None when
    nobody on record is on either rung: logged."""
    alert = command.alert
    about = alert.about
    notification = await _told_already(about.event_id, uow, attempt)
    if notification is None:
        ladder = alert.ladder
        staff = await uow.staff.at_sites({about.site_id, CENTRAL_HOTLINE}, ladder.roles)
        first = ladder.first.alerted(about.site_id, staff)
        straight_up = not first and ladder.then is not None
        alerted = first or (ladder.then.alerted(about.site_id, staff) if ladder.then else [])
        site_name = await uow.site_names.name_of(about.site_id)
        link_for = _acknowledged_with(rules, notification_id(about.event_id))
        outgoing = staff_alert_messages(
            alert, alerted, site_name, escalated=straight_up, link_for=link_for
        )
        if not outgoing:
            log.warning(
                "nobody on record to alert",
                kind=alert.kind.value,
                site_id=about.site_id,
                event_id=str(about.event_id),
            )
            return None
        now = uow.clock()
        notification = new_notification(about, outgoing, now)
        notification.alert = AlertState(
            kind=alert.kind,
            subject=alert.subject,
            text=alert.text,
            escalate_at=now + ladder.within if ladder.then is not None else None,
            escalated_at=now if straight_up else None,
        )
        uow.notifications.add(notification)
    return await _deliver(notification, uow, sms, mail)


async def acknowledge_alert(command: AcknowledgeAlert, uow: NotificationUnitOfWork) -> Notification:
    """Someone has the alert in hand: nobody further up is alerted. Again changes nothing."""
    notification = await uow.notifications.get(command.notification_id)
    if notification is None:
        raise NotFound(f"no alert {command.notification_id}")
    if notification.acknowledge(command.by, uow.clock()):
        await uow.commit()
    return notification


async def set_quiet_hours(command: SetQuietHours, uow: NotificationUnitOfWork) -> str:
    """Set a site's quiet hours (``HH:MM-HH:MM``, ``off``, or ``default`` for the company's);
    the hours as kept."""
    kept = checked_quiet_hours(command.quiet_hours)
    await uow.site_names.set_quiet_hours(command.site_id, kept)
    log.info("quiet hours set", site_id=command.site_id, quiet_hours=kept, by=command.set_by)
    return kept


async def _preference(
    uow: NotificationUnitOfWork, channel: Channel, address: str
) -> ContactPreference:
    found = await uow.preferences.get(preference_id(channel, address))
    if found is None:
        found = new_preference(channel, address)
        uow.preferences.add(found)
    return found


async def set_opt_out(command: SetOptOut, uow: NotificationUnitOfWork) -> ContactPreference:
    """Opt an address out of the messages a resident may refuse, or back in; the preference
    as kept (a second click on an unsubscribe link changes nothing)."""
    preference = await _preference(uow, command.channel, command.address)
    now = uow.clock()
    changed = (
        preference.opt_out(command.via, command.by, now)
        if command.opted_out
        else preference.opt_in(command.by or "", now)
    )
    if changed or preference.version == 0:
        await uow.commit()
    return preference


async def set_block(command: SetBlock, uow: NotificationUnitOfWork) -> ContactPreference:
    """Block an address with a reason (nothing is sent to it, emergencies neither), or lift
    the block; the preference as kept."""
    preference = await _preference(uow, command.channel, command.address)
    now = uow.clock()
    if command.blocked:
        changed = preference.block(command.reason or "", command.by, now)
    else:
        changed = preference.unblock(command.by, now)
    if changed or preference.version == 0:
        await uow.commit()
    return preference


async def take_receipt(command: TakeReceipt, uow: NotificationUnitOfWork) -> bool | None:
    """Move the message the provider reports on to delivered or failed (NTF-03: the resident
    was told, or we know they were not); True when it changed, False for a receipt told again
    or one after a delivery, None for a message we don't know (logged; answered so the
    provider stops retrying). A conflict with the send's own result is retried by the bus from
    a fresh read, so neither is lost."""
    notification = await uow.notifications.holding(command.message_id, command.provider_message_id)
    if notification is None:
        log.warning(
            "SMS receipt for a message we don't know",
            provider=command.provider,
            message_id=_text(command.message_id),
            provider_message_id=command.provider_message_id,
        )
        return None
    message_id = command.message_id
    if message_id is None or not notification.holds(message_id):
        message_id = next(
            m.message_id
            for m in notification.messages
            if m.provider_message_id == command.provider_message_id
        )
    changed = notification.reported(
        message_id,
        provider=command.provider,
        delivered=command.delivered,
        at=command.at,
        error_code=command.error_code,
        provider_message_id=command.provider_message_id,
    )
    if changed:
        await uow.commit()
    return changed


def _text(value: uuid.UUID | None) -> str | None:
    return None if value is None else str(value)


HANDLERS: dict[type[Any], Any] = {
    TellResident: tell_resident,
    AlertStaff: alert_staff,
    SendMonthlyReport: send_monthly_report,
    SendRoster: send_roster,
    KeepSiteName: keep_site_name,
    KeepStaffMember: keep_staff_member,
    PublishStatement: publish_statement,
    KeepHousehold: keep_household,
    KeepMember: keep_member,
    NotificationDeadlineReached: notification_deadline_reached,
    AlertStaffOf: alert_staff_of,
    AcknowledgeAlert: acknowledge_alert,
    SetQuietHours: set_quiet_hours,
    SetOptOut: set_opt_out,
    SetBlock: set_block,
    TakeReceipt: take_receipt,
    **TEMPLATE_HANDLERS,
    **BROADCAST_HANDLERS,
}
"""Every command notification handles, and its handler."""
