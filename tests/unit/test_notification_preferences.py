"""Residents' preferences and the night (issue #13): opt-outs, blocks, quiet hours in each site's
time zone, the unsubscribe link, and the policy's "first channel that works".

Quiet hours are tested across a site's midnight in a zone without daylight saving
(Asia/Shanghai) and at a second site in a zone with it (America/New_York), on the real handlers
through the real message bus (``Notifier``, an in-memory store and fake gateways).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hotline_libs.aggregate import is_due
from hotline_libs.errors import RuleViolation
from notification.adapters.inbound import events_v1
from notification.domain.commands import (
    NotificationDeadlineReached,
    SetBlock,
    SetOptOut,
    SetQuietHours,
    TellResident,
)
from notification.domain.messages import Channel
from notification.domain.notification import RELEASE_HELD, MessageStatus
from notification.domain.policy import BUILT_IN_POLICIES, Delivery, Urgency
from notification.domain.preferences import (
    OptedOutVia,
    QuietHours,
    Verdict,
    new_preference,
    quiet_hours_from,
    screen,
)
from notification.domain.sites import checked_quiet_hours
from notification.service_layer.rules import NoticeRules
from notification.service_layer.signed_links import SignedLinks
from notification.service_layer.unsubscribe import UnsubscribeLinks

from tests import builders
from tests.unit.test_notification import Notifier, fee_reminder

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
NIGHT = QuietHours()
PHONE, EMAIL = "+8613800138000", "wang.fang@example.com"


def local(zone: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=zone).astimezone(UTC)  # type: ignore[arg-type,misc]


# --- the night, in the site's own time zone (NTF quiet hours) ---


@pytest.mark.parametrize(
    ("at", "ends"),
    [
        ((2026, 12, 7, 21, 59), None),
        ((2026, 12, 7, 22, 0), (2026, 12, 8, 8, 0)),
        ((2026, 12, 7, 23, 59), (2026, 12, 8, 8, 0)),
        ((2026, 12, 8, 0, 0), (2026, 12, 8, 8, 0)),
        ((2026, 12, 8, 7, 59), (2026, 12, 8, 8, 0)),
        ((2026, 12, 8, 8, 0), None),
    ],
)
def test_quiet_hours_run_across_the_sites_midnight(
    at: tuple[int, ...], ends: tuple[int, ...] | None
) -> None:
    found = NIGHT.ends_at(local(SHANGHAI, *at), SHANGHAI)
    assert found == (None if ends is None else local(SHANGHAI, *ends))


def test_the_morning_is_the_sites_own_even_when_its_clocks_change_overnight() -> None:
    """New York leaves daylight saving on 1 November 2026: 23:00 EDT waits for 08:00 EST,
    13:00 UTC, not 12:00."""
    evening = local(NEW_YORK, 2026, 10, 31, 23, 0)
    assert NIGHT.ends_at(evening, NEW_YORK) == datetime(2026, 11, 1, 13, 0, tzinfo=UTC)


def test_the_same_moment_is_night_at_one_site_and_day_at_another() -> None:
    moment = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)  # 00:00 in Shanghai, 11:00 in New York
    assert NIGHT.ends_at(moment, SHANGHAI) == datetime(2026, 12, 8, 0, 0, tzinfo=UTC)
    assert NIGHT.ends_at(moment, NEW_YORK) is None


def test_quiet_hours_are_read_as_hours_or_off_and_anything_else_is_refused() -> None:
    assert quiet_hours_from("21:30-07:00") == QuietHours(time(21, 30), time(7, 0))
    assert quiet_hours_from("off") is None
    assert checked_quiet_hours(" 22:00-08:00 ") == "22:00-08:00"
    assert checked_quiet_hours("default") == "default"
    with pytest.raises(RuleViolation) as refused:
        checked_quiet_hours("10pm to 8am")
    assert refused.value.field == "quiet_hours"
    with pytest.raises(RuleViolation):
        checked_quiet_hours("08:00-08:00")


# --- what a preference and the night do to a message of each urgency ---

MIDNIGHT = local(SHANGHAI, 2026, 12, 8, 0, 30)
NOON = local(SHANGHAI, 2026, 12, 8, 12, 0)


def test_an_opt_out_stops_routine_messages_and_replies_but_not_required_notices() -> None:
    opted = new_preference(Channel.SMS, PHONE)
    opted.opt_out(OptedOutVia.STAFF, "李娜", NOON)
    for urgency in (Urgency.ROUTINE, Urgency.REPLY):
        found = screen(Channel.SMS, urgency, opted, NIGHT, SHANGHAI, NOON)
        assert (found.verdict, found.reason) == (Verdict.SUPPRESS, "opted out")
    for urgency in (Urgency.REQUIRED, Urgency.EMERGENCY):
        assert screen(Channel.SMS, urgency, opted, NIGHT, SHANGHAI, NOON).verdict is Verdict.SEND


def test_a_blocked_address_is_sent_nothing_not_even_an_emergency() -> None:
    blocked = new_preference(Channel.SMS, PHONE)
    blocked.block("号码已易主", "张主管", NOON)
    found = screen(Channel.SMS, Urgency.EMERGENCY, blocked, NIGHT, SHANGHAI, NOON)
    assert (found.verdict, found.reason) == (Verdict.SUPPRESS, "blocked: 号码已易主")
    with pytest.raises(RuleViolation):
        new_preference(Channel.SMS, PHONE).block("  ", "张主管", NOON)


def test_at_night_routine_sms_wait_for_the_morning_and_replies_emergencies_and_mail_do_not() -> (
    None
):
    morning = local(SHANGHAI, 2026, 12, 8, 8, 0)
    for urgency in (Urgency.ROUTINE, Urgency.REQUIRED):
        found = screen(Channel.SMS, urgency, None, NIGHT, SHANGHAI, MIDNIGHT)
        assert (found.verdict, found.until) == (Verdict.HOLD, morning)
    for urgency in (Urgency.REPLY, Urgency.EMERGENCY):
        assert screen(Channel.SMS, urgency, None, NIGHT, SHANGHAI, MIDNIGHT).verdict is Verdict.SEND
    assert screen(Channel.EMAIL, Urgency.ROUTINE, None, NIGHT, SHANGHAI, MIDNIGHT).verdict is (
        Verdict.SEND
    )
    assert screen(Channel.SMS, Urgency.ROUTINE, None, None, SHANGHAI, MIDNIGHT).verdict is (
        Verdict.SEND
    )


def test_every_message_type_has_a_policy_and_complaint_replies_are_not_routine() -> None:
    """NTF-01 to NTF-03: the written reply a resident waits for is sent day or night."""
    assert BUILT_IN_POLICIES["reply_given"].urgency is Urgency.REPLY
    assert BUILT_IN_POLICIES["progress_reported"].urgency is Urgency.REPLY
    assert BUILT_IN_POLICIES["emergency_alert"].urgency is Urgency.EMERGENCY
    assert BUILT_IN_POLICIES["fee_reminder"].urgency is Urgency.REQUIRED  # NTF-05
    assert BUILT_IN_POLICIES["income_statement"].urgency is Urgency.REQUIRED  # NTF-06
    assert BUILT_IN_POLICIES["work_order_dispatched"].delivery is Delivery.FIRST_THAT_WORKS


# --- on the handlers: held until the site's morning, once ---


def _dispatched(site_id: str = "dmg") -> TellResident:
    accepted = builders.request_accepted(site_id=site_id)
    return events_v1.work_order_dispatched(builders.work_order_dispatched(accepted))


async def test_a_routine_sms_at_night_waits_for_the_sites_morning_and_goes_once() -> None:
    notifier = Notifier()
    notifier.clock.now = MIDNIGHT
    command = _dispatched()
    held = await notifier.tell(command)
    assert held is not None
    (sms,) = held.messages  # first channel that works: the SMS, held; no e-mail instead
    assert (sms.channel, sms.status) == (Channel.SMS, MessageStatus.HELD)
    morning = local(SHANGHAI, 2026, 12, 8, 8, 0)
    assert sms.held_until == morning and held.deadlines() == {RELEASE_HELD: morning}
    assert notifier.sms.calls == [] and notifier.sent() == []

    await notifier.tell(command)  # told again in the night: still waits
    assert notifier.sms.calls == []

    notifier.clock.now = morning
    stored = notifier.store.saved("notifications")[str(held.notification_id)]
    assert is_due(stored, RELEASE_HELD, morning)
    release = NotificationDeadlineReached(held.notification_id, RELEASE_HELD, morning)
    await notifier.bus.handle(release)
    await notifier.bus.handle(release)  # a second replica's firing finds nothing due
    assert notifier.sms.sent == [(sms.message_id, PHONE)]
    assert [e.payload.channel.value for e in notifier.sent()] == ["sms"]


async def test_at_the_same_moment_a_site_in_another_zone_is_told_at_once() -> None:
    notifier = Notifier()
    notifier.clock.now = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)  # midnight in Shanghai
    await notifier.site_names.keep("nyc", "Hudson Yards", builders.NOW, "America/New_York")
    told = await notifier.tell(_dispatched("nyc"))
    assert told is not None and told.messages[0].status is MessageStatus.SENT
    held = await notifier.tell(_dispatched("dmg"))
    assert held is not None and held.messages[0].status is MessageStatus.HELD


async def test_a_site_may_set_its_own_quiet_hours_or_none() -> None:
    notifier = Notifier()
    notifier.clock.now = local(SHANGHAI, 2026, 12, 7, 21, 0)
    await notifier.bus.handle(SetQuietHours("dmg", "20:30-07:30", "刘经理"))
    held = await notifier.tell(_dispatched())
    assert held is not None and held.messages[0].held_until == local(SHANGHAI, 2026, 12, 8, 7, 30)
    await notifier.bus.handle(SetQuietHours("dmg", "off", "刘经理"))
    told = await notifier.tell(_dispatched())
    assert told is not None and told.messages[0].status is MessageStatus.SENT


async def test_the_companys_quiet_hours_can_be_off_for_the_whole_deployment() -> None:
    notifier = Notifier(rules=NoticeRules(quiet_hours=None))
    notifier.clock.now = MIDNIGHT
    told = await notifier.tell(_dispatched())
    assert told is not None and told.messages[0].status is MessageStatus.SENT


# --- opt-outs and blocks on the handlers ---


async def test_an_sms_opted_out_of_goes_by_e_mail_instead_when_the_first_channel_that_works_is_asked() -> (
    None
):
    notifier = Notifier()
    await notifier.bus.handle(SetOptOut(Channel.SMS, PHONE, True, OptedOutVia.STAFF, "李娜"))
    told = await notifier.tell(_dispatched())
    assert told is not None
    by_channel = {m.channel: m for m in told.messages}
    assert by_channel[Channel.SMS].status is MessageStatus.SUPPRESSED
    assert by_channel[Channel.SMS].refusal == "opted out"
    assert by_channel[Channel.EMAIL].status is MessageStatus.SENT
    assert notifier.sms.calls == [] and [to for _, to in notifier.mail.sent] == [EMAIL]


async def test_ntf05_an_opted_out_e_mail_is_not_sent_a_charge_but_is_sent_the_fee_reminder() -> (
    None
):
    reminder = fee_reminder(1)
    payer = reminder.payload.resident.email
    assert payer is not None
    notifier = Notifier()
    for address in ("Wang.Fang@Example.com", payer.upper()):
        await notifier.bus.handle(
            SetOptOut(Channel.EMAIL, address, True, OptedOutVia.UNSUBSCRIBE_LINK, None)
        )
    completed = builders.work_order_completed()
    charged = await notifier.tell(events_v1.charge_raised(builders.charge_raised(completed)))
    assert charged is not None
    statuses = {m.channel: m.status for m in charged.messages}
    assert statuses == {Channel.SMS: MessageStatus.SENT, Channel.EMAIL: MessageStatus.SUPPRESSED}
    reminded = await notifier.tell(events_v1.fee_reminder_due(reminder))
    assert reminded is not None
    assert {m.channel: m.status for m in reminded.messages} == {
        Channel.SMS: MessageStatus.SENT,
        Channel.EMAIL: MessageStatus.SENT,
    }


async def test_nothing_goes_to_a_blocked_number_and_lifting_the_block_lets_it_through() -> None:
    notifier = Notifier()
    await notifier.bus.handle(SetBlock(Channel.SMS, PHONE, True, "号码已易主", "张主管"))
    told = await notifier.tell(_dispatched())
    assert told is not None
    assert {m.channel: m.status for m in told.messages} == {
        Channel.SMS: MessageStatus.SUPPRESSED,
        Channel.EMAIL: MessageStatus.SENT,
    }
    lifted = await notifier.bus.handle(SetBlock(Channel.SMS, PHONE, False, None, "张主管"))
    assert not lifted.blocked and lifted.block_reason is None
    again = await notifier.tell(_dispatched())
    assert again is not None and [m.channel for m in again.messages] == [Channel.SMS]


# --- the unsubscribe link ---

LINKS = UnsubscribeLinks(SignedLinks("a-secret", "https://hotline.example/notification"))


def test_an_unsubscribe_link_names_its_address_and_a_changed_one_names_nothing() -> None:
    token = LINKS.token(Channel.EMAIL, "Wang.Fang@Example.com")
    assert LINKS.address_of(token) == (Channel.EMAIL, EMAIL)
    payload, _, signature = token.partition(".")
    forged = LINKS.token(Channel.EMAIL, "someone.else@example.com").partition(".")[0]
    assert LINKS.address_of(f"{forged}.{signature}") is None
    assert LINKS.address_of(payload) is None
    assert LINKS.address_of(f"{payload}.签名") is None  # not ASCII: refused, not a crash
    assert UnsubscribeLinks(SignedLinks("another-secret", "x")).address_of(token) is None
    assert LINKS.link(Channel.EMAIL, EMAIL).startswith(
        "https://hotline.example/notification/unsubscribe?token="
    )


async def test_each_residents_e_mail_ends_with_its_own_unsubscribe_link() -> None:
    notifier = Notifier(rules=NoticeRules(unsubscribe=LINKS))
    told = await notifier.tell(events_v1.request_accepted(builders.request_accepted()))
    assert told is not None
    mail = next(m for m in told.messages if m.channel is Channel.EMAIL)
    assert mail.body.endswith(LINKS.link(Channel.EMAIL, EMAIL))
    sms = next(m for m in told.messages if m.channel is Channel.SMS)
    assert "unsubscribe" not in sms.body


def test_the_hold_ends_at_the_site_morning_even_when_held_a_minute_before_it() -> None:
    almost = local(SHANGHAI, 2026, 12, 8, 7, 59)
    assert NIGHT.ends_at(almost, SHANGHAI) - almost == timedelta(minutes=1)  # type: ignore[operator]
