"""Alerts to staff (issue #13, "Staff alerts"): a clock run out or a case gone wrong alerts
the first rung of its ladder on the staff's own channel, and the next rung when nobody has
acknowledged it in time, once, on the notification's durable deadline. On the real handlers
through the real message bus with the real inbound mappers (``Notifier``)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from contracts.callback.v1 import RectificationEscalated
from contracts.dispatch.v1 import WorkOrderDispatchOverdue
from contracts.examples import canonical_examples
from contracts.intake.v1 import RosterLate
from hotline_libs.errors import RuleViolation
from hotline_libs.roles import Role
from notification.adapters.inbound import alerts_v1, events_v1
from notification.domain.commands import AcknowledgeAlert, NotificationDeadlineReached
from notification.domain.messages import Channel
from notification.domain.notification import ESCALATE, Notification, notification_id
from notification.domain.staff import StaffMember
from notification.service_layer.acknowledgement_links import AcknowledgementLinks, Acknowledger
from notification.service_layer.rules import NoticeRules
from notification.service_layer.signed_links import SignedLinks
from notification.service_layer.unsubscribe import UnsubscribeLinks

from tests import builders
from tests.builders import NOW
from tests.unit.test_notification import Notifier


def member(staff_id: str, site_id: str, role: Role, phone: str, active: bool = True) -> StaffMember:
    return StaffMember(
        staff_id=staff_id,
        site_id=site_id,
        name=staff_id,
        roles=frozenset({role}),
        phones=(phone,),
        email=f"{staff_id}@property.example",
        active=active,
        recorded_at=NOW,
    )


STAFF = (
    member("sup-central", "*", Role.SUPERVISOR, "+8613900000001"),
    member("sup-dmg", "dmg", Role.SUPERVISOR, "+8613900000002"),
    member("sup-other", "qjc", Role.SUPERVISOR, "+8613900000003"),
    member("mgr-dmg", "dmg", Role.SITE_MANAGER, "+8613900000004"),
    member("mgr-other", "qjc", Role.SITE_MANAGER, "+8613900000005"),
    member("sup-left", "dmg", Role.SUPERVISOR, "+8613900000006", active=False),
    member("director", "*", Role.DIRECTOR, "+8613900000007"),
)


LINKS = SignedLinks("a-secret", "https://hotline.example/notification")
ACKNOWLEDGEMENT = AcknowledgementLinks(LINKS)


async def notifier_with(*staff: StaffMember, rules: NoticeRules | None = None) -> Notifier:
    notifier = Notifier(rules=rules)
    for m in staff:
        await notifier.staff.keep(m)
    return notifier


def dispatch_overdue() -> WorkOrderDispatchOverdue:
    example = canonical_examples()[WorkOrderDispatchOverdue]
    assert isinstance(example, WorkOrderDispatchOverdue)
    return example


def phones(notification: Notification) -> set[str]:
    return {m.recipient for m in notification.messages if m.channel is Channel.SMS}


async def test_dsp02_a_dispatch_missed_alerts_the_supervisors_of_the_hotline_and_the_site() -> None:
    notifier = await notifier_with(*STAFF)
    event = dispatch_overdue()
    alert = await notifier.bus.handle(alerts_v1.dispatch_overdue(event))
    assert phones(alert) == {"+8613900000001", "+8613900000002"}  # not another site's, a leaver
    sms = next(m for m in alert.messages if m.channel is Channel.SMS)
    assert event.payload.work_order_no in sms.body and "15分钟内未派出" in sms.body
    assert alert.deadlines() == {ESCALATE: NOW + timedelta(minutes=15)}
    assert len(notifier.sms.sent) == 2 and len(notifier.mail.sent) == 2

    again = await notifier.bus.handle(alerts_v1.dispatch_overdue(event))  # redelivered
    assert again.messages == alert.messages and len(notifier.sms.sent) == 2
    assert notifier.sent() == []  # NotificationSent says a resident was told: not for staff


async def test_nobody_acknowledging_in_time_alerts_the_sites_manager_once() -> None:
    notifier = await notifier_with(*STAFF)
    alert = await notifier.bus.handle(alerts_v1.dispatch_overdue(dispatch_overdue()))
    notifier.clock.now = NOW + timedelta(minutes=15)
    fired = NotificationDeadlineReached(alert.notification_id, ESCALATE, notifier.clock.now)
    escalated = await notifier.bus.handle(fired)
    assert escalated is not None
    assert phones(escalated) == {"+8613900000001", "+8613900000002", "+8613900000004"}
    manager = [m for m in escalated.messages if m.recipient == "+8613900000004"]
    assert manager and manager[0].subject.startswith("【升级】") and "无人确认" in manager[0].body
    assert escalated.deadlines() == {}
    assert await notifier.bus.handle(fired) is None  # another replica's firing: not due any more
    assert [to for _, to in notifier.sms.sent].count("+8613900000004") == 1


async def test_an_acknowledged_alert_goes_no_further_up() -> None:
    notifier = await notifier_with(*STAFF)
    alert = await notifier.bus.handle(alerts_v1.dispatch_overdue(dispatch_overdue()))
    notifier.clock.now = NOW + timedelta(minutes=5)
    taken = await notifier.bus.handle(AcknowledgeAlert(alert.notification_id, "张主管"))
    assert taken.alert.acknowledged_by == "张主管" and taken.deadlines() == {}
    later = NOW + timedelta(minutes=15)
    notifier.clock.now = later
    assert (
        await notifier.bus.handle(
            NotificationDeadlineReached(alert.notification_id, ESCALATE, later)
        )
        is None
    )
    assert "+8613900000004" not in {to for _, to in notifier.sms.sent}
    again = await notifier.bus.handle(AcknowledgeAlert(alert.notification_id, "李主管"))
    assert again.alert.acknowledged_by == "张主管"  # the first to take it keeps it


async def test_with_nobody_on_the_first_rung_the_next_is_alerted_at_once() -> None:
    notifier = await notifier_with(member("mgr-dmg", "dmg", Role.SITE_MANAGER, "+8613900000004"))
    alert = await notifier.bus.handle(alerts_v1.dispatch_overdue(dispatch_overdue()))
    assert phones(alert) == {"+8613900000004"}
    assert alert.alert.escalated_at == NOW and alert.deadlines() == {}


async def test_cb09_a_rectification_out_of_loops_alerts_the_sites_manager() -> None:
    example = canonical_examples()[RectificationEscalated]
    assert isinstance(example, RectificationEscalated)
    notifier = await notifier_with(*STAFF)
    alert = await notifier.bus.handle(alerts_v1.rectification_escalated(example))
    site_manager = {"dmg": "+8613900000004", "qjc": "+8613900000005"}[example.site_id]
    assert phones(alert) == {site_manager}
    assert example.payload.opinion in alert.messages[0].body


async def test_ntf12_a_late_roster_alerts_the_service_centres_manager_wherever_recorded() -> None:
    example = canonical_examples()[RosterLate]
    assert isinstance(example, RosterLate)
    notifier = await notifier_with(*STAFF)
    alert = await notifier.bus.handle(alerts_v1.roster_late(example))
    assert phones(alert) == {"+8613900000007"} and alert.deadlines() == {}


async def test_only_an_alert_to_staff_is_acknowledged() -> None:
    notifier = Notifier()
    told = await notifier.tell(events_v1.request_accepted(builders.request_accepted()))
    assert told is not None
    with pytest.raises(RuleViolation):
        await notifier.bus.handle(AcknowledgeAlert(told.notification_id, "张主管"))


# --- the link in each alert that acknowledges it (the staff's own channel) ---


def test_an_acknowledgement_link_names_its_alert_and_member_and_nothing_else_passes() -> None:
    alert_id = notification_id(dispatch_overdue().event_id)
    link = ACKNOWLEDGEMENT.link(alert_id, "sup-dmg")
    assert link.startswith("https://hotline.example/notification/alert-acknowledgements?token=")
    token = link.partition("token=")[2]
    assert ACKNOWLEDGEMENT.acknowledger(token) == Acknowledger(alert_id, "sup-dmg")
    other_secret = AcknowledgementLinks(SignedLinks("another-secret", "x"))
    assert other_secret.acknowledger(token) is None
    assert ACKNOWLEDGEMENT.acknowledger(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    # an unsubscribe link's token, signed with the same secret, acknowledges nothing; and the
    # other way round
    unsubscribe = UnsubscribeLinks(LINKS).token(Channel.EMAIL, "sup-dmg@property.example")
    assert ACKNOWLEDGEMENT.acknowledger(unsubscribe) is None
    assert UnsubscribeLinks(LINKS).address_of(token) is None
    assert ACKNOWLEDGEMENT.acknowledger("é.é") is None


async def test_each_alert_ends_with_the_members_own_link_by_sms_and_by_email() -> None:
    notifier = await notifier_with(*STAFF, rules=NoticeRules(acknowledgement=ACKNOWLEDGEMENT))
    alert = await notifier.bus.handle(alerts_v1.dispatch_overdue(dispatch_overdue()))
    by_address = {a: m.staff_id for m in STAFF for a in (m.phone, m.email)}
    assert len(alert.messages) == 4
    for message in alert.messages:
        link = ACKNOWLEDGEMENT.link(alert.notification_id, by_address[message.recipient])
        if message.channel is Channel.SMS:
            assert message.body.endswith(f"确认已处理：{link}"), message.body
        else:
            assert f"点击确认，无人确认将逐级升级提醒：{link}\n" in message.body, message.body
    notifier.clock.now = NOW + timedelta(minutes=15)
    escalated = await notifier.bus.handle(
        NotificationDeadlineReached(alert.notification_id, ESCALATE, notifier.clock.now)
    )
    [to_manager] = [m for m in escalated.messages if m.recipient == "+8613900000004"]
    assert to_manager.body.endswith(ACKNOWLEDGEMENT.link(alert.notification_id, "mgr-dmg"))
