"""Notification alerts staff of an emergency (INC-01: a fast response to facility failures and
emergencies; INC-02: staff respond at once and help the property managers deal with it): every
active supervisor of the central hotline or of the site, and the site's manager, by SMS and
e-mail, once per event, channel and member, from its copy of intake's staff records.

The real inbound mappers, handlers, message bus and outbound mapper run on an in-memory store
with fake gateways (``Notifier`` of ``test_notification``).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
import structlog
from contracts.intake.v1 import Channel as RequestChannel
from contracts.intake.v1 import (
    Emergency,
    EmergencyReported,
    EmergencyReportedPayload,
    ReceivingDesk,
    RequestKind,
    StaffDepartment,
    StaffRecorded,
    StaffRecordedPayload,
    StaffRole,
)
from hotline_libs.ids import derive_id, event_id
from notification.adapters.inbound import events_v1
from notification.domain.commands import AlertStaff, KeepStaffMember
from notification.domain.messages import (
    SIGNATURE,
    SMS_QUOTE_MAX,
    Channel,
    MessageRefused,
    emergency_alerts,
)
from notification.domain.notification import MessageStatus, message_id
from notification.domain.occasions import About, Recipient
from notification.domain.occasions import EmergencyReported as Alerted
from notification.domain.staff import StaffMember

from tests import builders
from tests.builders import NOW
from tests.unit.test_notification import FakeSms, Notifier, with_site_name

RECORDED = NOW - timedelta(days=30)
LEAK = "楼上漏水, 水从天花板流下"


def emergency_reported(
    *,
    site_id: str = "dmg",
    emergency: Emergency = Emergency.WATER_LEAK,
    description: str = LEAK,
    redirected_to: str | None = None,
) -> EmergencyReported:
    request_id = uuid.uuid4()
    event: EmergencyReported = EmergencyReported.build(
        event_id=event_id(EmergencyReported, request_id),
        producer="intake",
        site_id=site_id,
        correlation_id=request_id,
        occurred_at=NOW,
        payload=EmergencyReportedPayload(
            request_id=request_id,
            request_no=f"SR-{site_id.upper()}-20261123-{request_id.hex[:4].upper()}",
            kind=RequestKind.REPAIR,
            category="own_unit",
            channel=RequestChannel.HOTLINE,
            registered_at=NOW,
            resident=builders.resident(),
            emergency=emergency,
            description=description,
            receiving_desk=ReceivingDesk.CALL_CENTRE,
            redirected_to=redirected_to,
            reported_at=NOW,
        ),
    )
    return event


def staff_recorded(
    staff_id: str,
    site_id: str,
    roles: list[str],
    phone: str,
    *,
    email: str | None = None,
    active: bool = True,
    recorded_at: datetime = RECORDED,
    name: str = "周静",
    department: StaffDepartment = StaffDepartment.CUSTOMER_SERVICE,
    liaison: bool = False,
) -> StaffRecorded:
    event: StaffRecorded = StaffRecorded.build(
        event_id=event_id(StaffRecorded, f"{staff_id}@{recorded_at.isoformat()}"),
        producer="intake",
        site_id=site_id,
        correlation_id=derive_id("staff", staff_id),
        occurred_at=recorded_at,
        payload=StaffRecordedPayload(
            staff_id=staff_id,
            staff_name=name,
            title="主管",
            department=department,
            roles=[StaffRole(role) for role in roles],
            phones=[phone],
            email=email,
            information_liaison=liaison,
            active=active,
            recorded_at=recorded_at,
        ),
    )
    return event


CENTRAL_SUPERVISOR = staff_recorded(
    "hq-sup", "*", ["supervisor"], "+8613900000001", email="hq.sup@example.com", name="赵敏"
)
SITE_MANAGER = staff_recorded("dmg-mgr", "dmg", ["site_manager"], "+8613900000002", name="钱伟")
SITE_SUPERVISOR = staff_recorded("dmg-sup", "dmg", ["supervisor", "agent"], "+8613900000003")
OTHER_SITES_MANAGER = staff_recorded("qjc-mgr", "qjc", ["site_manager"], "+8613900000004")
OTHER_SITES_SUPERVISOR = staff_recorded("qjc-sup", "qjc", ["supervisor"], "+8613900000005")
LEFT_SUPERVISOR = staff_recorded("dmg-old", "dmg", ["supervisor"], "+8613900000006", active=False)
TECHNICIAN = staff_recorded("dmg-t01", "dmg", ["technician"], "+8613900000007")
CENTRAL_AGENT = staff_recorded("hq-agent", "*", ["agent"], "+8613900000008")
ON_RECORD = (
    CENTRAL_SUPERVISOR,
    SITE_MANAGER,
    SITE_SUPERVISOR,
    OTHER_SITES_MANAGER,
    OTHER_SITES_SUPERVISOR,
    LEFT_SUPERVISOR,
    TECHNICIAN,
    CENTRAL_AGENT,
)


def phone_of(recorded: StaffRecorded) -> str:
    return recorded.payload.phones[0]


async def with_staff(notifier: Notifier, *recorded: StaffRecorded) -> Notifier:
    """The notifier once intake's records of ``recorded`` have arrived, in that order."""
    for event in recorded:
        await notifier.bus.handle(events_v1.staff_recorded(event))
    return notifier


async def alert(notifier: Notifier, event: EmergencyReported) -> Any:
    return await notifier.bus.handle(events_v1.emergency_reported(event))


# --- the inbound mappers ---


def test_inc02_an_emergency_maps_to_an_alert_about_the_request() -> None:
    event = emergency_reported(redirected_to="燃气公司")
    assert events_v1.emergency_reported(event) == AlertStaff(
        Alerted(
            about=About(
                event_id=event.event_id,
                event_type="EmergencyReported",
                correlation_id=event.correlation_id,
                site_id="dmg",
                request_id=event.payload.request_id,
            ),
            request_no=event.payload.request_no,
            emergency="water_leak",
            description=LEAK,
            caller=Recipient("王芳", "+8613800138000", "wang.fang@example.com", "3", "1202"),
            redirected_to="燃气公司",
        ),
        causation_id=event.event_id,
    )


def test_a_staff_record_maps_to_the_whole_member_at_the_envelopes_site() -> None:
    assert events_v1.staff_recorded(CENTRAL_SUPERVISOR) == KeepStaffMember(
        StaffMember(
            staff_id="hq-sup",
            site_id="*",
            name="赵敏",
            roles=frozenset({"supervisor"}),
            phones=("+8613900000001",),
            email="hq.sup@example.com",
            active=True,
            recorded_at=RECORDED,
        ),
        causation_id=CENTRAL_SUPERVISOR.event_id,
    )


def test_a_role_intake_adds_later_is_kept_and_alerts_nobody() -> None:
    data = CENTRAL_SUPERVISOR.model_dump(mode="json")
    data["payload"]["roles"] = ["night_watch"]
    member = events_v1.staff_recorded(StaffRecorded.model_validate(data)).member
    assert member.roles == {"other"}
    assert not member.alerted_of_emergency_at("dmg")


# --- who is alerted (the domain's rule) ---


@pytest.mark.parametrize(
    ("recorded", "alerted"),
    [
        (CENTRAL_SUPERVISOR, True),
        (SITE_MANAGER, True),
        (SITE_SUPERVISOR, True),
        (OTHER_SITES_MANAGER, False),
        (OTHER_SITES_SUPERVISOR, False),
        (LEFT_SUPERVISOR, False),
        (TECHNICIAN, False),
        (CENTRAL_AGENT, False),
    ],
    ids=lambda v: v.payload.staff_id if isinstance(v, StaffRecorded) else str(v),
)
def test_inc01_inc02_an_emergency_at_a_site_alerts_its_supervisors_and_manager_only(
    recorded: StaffRecorded, alerted: bool
) -> None:
    member = events_v1.staff_recorded(recorded).member
    assert member.alerted_of_emergency_at("dmg") is alerted


def test_a_central_supervisor_is_alerted_of_every_sites_emergency_a_sites_manager_of_its_own() -> (
    None
):
    central = events_v1.staff_recorded(CENTRAL_SUPERVISOR).member
    manager = events_v1.staff_recorded(SITE_MANAGER).member
    assert central.alerted_of_emergency_at("qjc") and central.alerted_of_emergency_at("gxi")
    assert not manager.alerted_of_emergency_at("qjc")


# --- the alert's text ---


def occasion(event: EmergencyReported) -> Alerted:
    return events_v1.emergency_reported(event).emergency


def test_inc02_the_alert_names_the_emergency_site_unit_request_and_caller() -> None:
    event = emergency_reported()
    central = events_v1.staff_recorded(CENTRAL_SUPERVISOR).member
    sms, mail = emergency_alerts(occasion(event), [central], "大明宫花园")
    request_no = event.payload.request_no
    assert sms.channel is Channel.SMS and sms.recipient == "+8613900000001"
    assert sms.body == (
        f"{SIGNATURE}紧急报修 漏水 大明宫花园 3栋1202 请求号 {request_no} {LEAK}"
        " 报修人 王芳 +8613800138000"
    )
    assert mail.channel is Channel.EMAIL and mail.recipient == "hq.sup@example.com"
    assert mail.subject == f"紧急报修：漏水 {request_no}"
    assert mail.body.startswith("赵敏您好：") and request_no in mail.body
    assert sms.template == mail.template == "emergency_alert"


@pytest.mark.parametrize(
    ("emergency", "named"),
    [
        (Emergency.WATER_LEAK, "漏水"),
        (Emergency.POWER_FAILURE, "停电"),
        (Emergency.LIFT_ENTRAPMENT, "困梯"),
        (Emergency.GAS, "燃气泄漏"),
        (Emergency.FIRE_ALARM, "火警"),
        (Emergency.OTHER, "紧急情况"),
    ],
)
def test_each_kind_of_emergency_is_named_in_chinese(emergency: Emergency, named: str) -> None:
    manager = events_v1.staff_recorded(SITE_MANAGER).member
    [sms] = emergency_alerts(occasion(emergency_reported(emergency=emergency)), [manager])
    assert sms.body.startswith(f"{SIGNATURE}紧急报修 {named} dmg 3栋1202 ")  # site not known yet


def test_a_long_description_is_cut_in_the_sms_and_whole_in_the_email() -> None:
    said = "水" * (SMS_QUOTE_MAX + 50)
    central = events_v1.staff_recorded(CENTRAL_SUPERVISOR).member
    sms, mail = emergency_alerts(occasion(emergency_reported(description=said)), [central])
    assert f"{'水' * (SMS_QUOTE_MAX - 1)}… 报修人" in sms.body
    assert said in mail.body


def test_where_the_caller_was_sent_is_said() -> None:
    manager = events_v1.staff_recorded(SITE_MANAGER).member
    gas = occasion(emergency_reported(emergency=Emergency.GAS, redirected_to="燃气公司抢修"))
    [sms] = emergency_alerts(gas, [manager])
    assert sms.body.endswith(" 已转燃气公司抢修")


# --- the staff copy: the latest record of each wins ---


async def test_a_staff_record_is_kept_once_and_an_older_one_arriving_later_changes_nothing() -> (
    None
):
    notifier = Notifier()
    left = staff_recorded(
        "hq-sup", "*", ["supervisor"], "+8613900000001", active=False, recorded_at=NOW
    )
    assert await notifier.bus.handle(events_v1.staff_recorded(left))
    assert not await notifier.bus.handle(events_v1.staff_recorded(left))  # redelivered
    assert not await notifier.bus.handle(events_v1.staff_recorded(CENTRAL_SUPERVISOR))  # older
    assert notifier.staff.members["hq-sup"].active is False


async def test_a_move_to_another_site_replaces_the_record_whatever_order_they_arrive_in() -> None:
    moved = staff_recorded(
        "dmg-mgr", "qjc", ["site_manager"], "+8613900000002", recorded_at=NOW - timedelta(days=1)
    )
    notifier = await with_staff(Notifier(), moved, SITE_MANAGER)  # the older one last
    assert notifier.staff.members["dmg-mgr"].site_id == "qjc"
    assert await alert(notifier, emergency_reported(site_id="dmg")) is None
    assert notifier.sms.calls == []


# --- alerting (AlertStaff) ---


async def test_inc01_inc02_an_emergency_alerts_each_supervisor_and_the_sites_manager() -> None:
    """A supervisor of the central hotline and one of the site, and the site's manager, get
    the alert; another site's manager and supervisor, a supervisor who left, a technician and
    an agent do not."""
    notifier = await with_site_name(await with_staff(Notifier(), *ON_RECORD))
    event = emergency_reported()
    await alert(notifier, event)
    alerted = (CENTRAL_SUPERVISOR, SITE_MANAGER, SITE_SUPERVISOR)
    assert sorted(to for _, to in notifier.sms.sent) == sorted(map(phone_of, alerted))
    assert notifier.mail.sent == [
        (message_id(event.event_id, Channel.EMAIL, "hq.sup@example.com"), "hq.sup@example.com")
    ]
    stored = notifier.stored(event)
    assert stored.about.request_id == event.payload.request_id
    assert {m.status for m in stored.messages} == {MessageStatus.SENT}
    assert all(
        "大明宫花园" in m.body and event.payload.request_no in m.body for m in stored.messages
    )
    # NotificationSent says a resident was told: an alert to staff stays on the notification
    assert notifier.sent() == []


async def test_a_redelivered_emergency_alerts_nobody_twice() -> None:
    notifier = await with_staff(Notifier(), *ON_RECORD)
    event = emergency_reported()
    await alert(notifier, event)
    commits = notifier.store.commits
    await alert(notifier, event)  # the event again
    assert notifier.store.commits == commits
    alerted = (CENTRAL_SUPERVISOR, SITE_MANAGER, SITE_SUPERVISOR)
    assert sorted(notifier.sms.sent) == sorted(
        (message_id(event.event_id, Channel.SMS, phone_of(r)), phone_of(r)) for r in alerted
    )
    assert len(notifier.sms.calls) == len(alerted) and len(notifier.mail.calls) == 1


async def test_one_member_listed_under_two_records_with_one_number_is_alerted_once() -> None:
    again = staff_recorded("dmg-sup-2", "dmg", ["supervisor"], phone_of(SITE_SUPERVISOR))
    notifier = await with_staff(Notifier(), SITE_SUPERVISOR, again)
    await alert(notifier, emergency_reported())
    assert [to for _, to in notifier.sms.sent] == [phone_of(SITE_SUPERVISOR)]


async def test_a_refused_number_does_not_hold_up_the_others_alerts() -> None:
    refused = phone_of(SITE_MANAGER)

    class RefusingOneNumber(FakeSms):
        async def send(self, message_id: uuid.UUID, to: str, text: str) -> None:
            self.failure = MessageRefused(f"number {to} unknown") if to == refused else None
            self._take(message_id, to)

    notifier = await with_staff(Notifier(sms=RefusingOneNumber()), *ON_RECORD)
    event = emergency_reported()
    await alert(notifier, event)
    statuses = {m.recipient: m.status for m in notifier.stored(event).messages}
    assert statuses[refused] is MessageStatus.REFUSED
    assert statuses[phone_of(CENTRAL_SUPERVISOR)] is MessageStatus.SENT


async def test_nobody_on_record_to_alert_is_logged_with_the_request_number_and_not_retried() -> (
    None
):
    notifier = await with_staff(Notifier(), OTHER_SITES_MANAGER, TECHNICIAN, LEFT_SUPERVISOR)
    event = emergency_reported()
    with structlog.testing.capture_logs() as logs:
        assert await alert(notifier, event) is None
    assert notifier.sms.calls == notifier.mail.calls == []
    assert notifier.store.saved("notifications") == {}
    [line] = [entry for entry in logs if entry["event"].startswith("nobody on record")]
    assert line["request_no"] == event.payload.request_no and line["log_level"] == "warning"
