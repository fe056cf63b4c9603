"""Notification: what residents are told, once per event, resident and channel.

The templates are tested on notification's own occasions, built from producers' events by the
real inbound mappers; telling the resident runs the real handler through the real message bus,
with the real outbound mapper, on an in-memory store and fake gateways.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from contracts.billing.v1 import (
    ChargeCollectionRejected,
    ChargeRaised,
    IncomeSpendingStatementPublished,
    ManagementFeeArrearsFlagged,
    ManagementFeeReminderDue,
)
from contracts.callback.v1 import RectificationEscalated
from contracts.dispatch.v1 import (
    WorkOrderClockMissed,
    WorkOrderCompleted,
    WorkOrderDispatched,
    WorkOrderDispatchOverdue,
    WorkOrderMonthReported,
)
from contracts.envelope import PaymentMethod, Resident
from contracts.examples import canonical_examples
from contracts.intake.v1 import Channel as RequestChannel
from contracts.intake.v1 import (
    ComplaintEscalated,
    EmergencyReported,
    FirstAnswerOverdue,
    IncidentClosed,
    IncidentClosedPayload,
    IncidentKind,
    MonthlyReportApproved,
    ReplyKind,
    ReplyPromiseBreached,
    RequestKind,
    ResidentRecorded,
    ResidentReplied,
    ResidentRepliedPayload,
    RosterLate,
    RosterSubmitted,
    ServiceRequestAccepted,
    SiteRecorded,
    StaffRecorded,
    UnitRecorded,
)
from contracts.notification.v1 import NotificationChannel, NotificationSent
from hotline_libs.bus import MessageBus
from hotline_libs.errors import Unavailable
from hotline_libs.ids import derive_id, event_id
from notification.adapters.inbound import events_v1
from notification.adapters.outbound.events_v1 import to_integration
from notification.domain import events
from notification.domain.commands import KeepSiteName, TellResident
from notification.domain.households import Household, Kept, Member
from notification.domain.messages import (
    SIGNATURE,
    SMS_QUOTE_MAX,
    Channel,
    MessageRefused,
    messages_for,
)
from notification.domain.notification import (
    Message,
    MessageStatus,
    Notification,
    message_id,
    notification_id,
)
from notification.domain.occasions import (
    About,
    ChargedLine,
    IncidentOver,
    Occasion,
    Recipient,
    RequestAccepted,
    ResidentAnswered,
)
from notification.domain.occasions import ChargeRaised as Charged
from notification.domain.occasions import ReplyKind as AnswerKind
from notification.domain.preferences import ContactPreference, preference_id
from notification.domain.sites import DEFAULT_QUIET_HOURS, SiteNotices
from notification.domain.staff import StaffMember
from notification.domain.template_versions import TemplateBook, TemplateHistory, book_of
from notification.entrypoints.subscriptions import subscriptions
from notification.service_layer.handlers import HANDLERS, SENDING_AT_ONCE
from notification.service_layer.rules import NoticeRules

from contracts import Event
from tests import builders
from tests.builders import NOW
from tests.fakes import Clock, FakeRepository, FakeUnitOfWork, MemoryStore


class FakeNotifications(FakeRepository[Notification]):
    collection_name = "notifications"

    def identity(self, aggregate: Notification) -> str:
        return str(aggregate.notification_id)

    async def index(self, notification: Notification, messages: Sequence[Message]) -> None:
        """The store finds a message's notification by scanning: nothing to note."""

    async def holding(
        self, message_id: uuid.UUID | None = None, provider_message_id: str | None = None
    ) -> Notification | None:
        def holds(n: Notification) -> bool:
            return any(
                (message_id is not None and m.message_id == message_id)
                or (
                    provider_message_id is not None and m.provider_message_id == provider_message_id
                )
                for m in n.messages
            )

        found = self.tracked_where(holds, order=lambda n: n.created_at)
        return found[0] if found else None


class FakeTemplates(FakeRepository[TemplateHistory]):
    collection_name = "templates"

    def identity(self, aggregate: TemplateHistory) -> str:
        return str(aggregate.key)

    async def book(self) -> TemplateBook:
        return book_of(list(self._saved.values()))

    def changed(self) -> None:
        pass  # read from the store each time


class FakeSiteNames:
    """Site names in memory, kept like the store keeps them: a later record wins."""

    def __init__(self) -> None:
        self.names: dict[str, tuple[str, datetime]] = {}
        self.zones: dict[str, str] = {}
        self.quiet: dict[str, str] = {}
        self.lookups = 0

    async def name_of(self, site_id: str) -> str | None:
        self.lookups += 1
        kept = self.names.get(site_id)
        return None if kept is None else kept[0]

    async def notices_of(self, site_id: str) -> SiteNotices:
        self.lookups += 1
        kept = self.names.get(site_id)
        return SiteNotices(
            site_id,
            name=None if kept is None else kept[0],
            time_zone=self.zones.get(site_id),
            quiet_hours=self.quiet.get(site_id, DEFAULT_QUIET_HOURS),
        )

    async def keep(
        self, site_id: str, name: str, recorded_at: datetime, time_zone: str | None = None
    ) -> bool:
        kept = self.names.get(site_id)
        if kept is not None and kept[1] >= recorded_at:
            return False
        self.names[site_id] = (name, recorded_at)
        if time_zone is not None:
            self.zones[site_id] = time_zone
        return True

    async def set_quiet_hours(self, site_id: str, quiet_hours: str) -> None:
        self.quiet[site_id] = quiet_hours


class FakeStaff:
    """Staff in memory, kept like the store keeps them: a later record of each wins."""

    def __init__(self) -> None:
        self.members: dict[str, StaffMember] = {}

    async def keep(self, member: StaffMember) -> bool:
        kept = self.members.get(member.staff_id)
        if kept is not None and kept.recorded_at >= member.recorded_at:
            return False
        self.members[member.staff_id] = member
        return True

    async def at_sites(
        self, site_ids: Collection[str], roles: Collection[str]
    ) -> list[StaffMember]:
        return [m for m in self.members.values() if m.site_id in site_ids and m.roles & set(roles)]

    async def at_site_or_with_roles(
        self, site_id: str, roles: Collection[str]
    ) -> list[StaffMember]:
        return [m for m in self.members.values() if m.site_id == site_id or m.roles & set(roles)]

    async def names(self, staff_ids: Collection[str]) -> dict[str, str]:
        return {i: self.members[i].name for i in staff_ids if i in self.members}


class FakeHouseholds:
    """Units and residents in memory, kept like the store keeps them: a later record wins."""

    def __init__(self) -> None:
        self.units: dict[tuple[str, str, str], Household] = {}
        self.members_kept: dict[uuid.UUID, Member] = {}

    async def keep(self, household: Household) -> bool:
        key = (household.site_id, household.building, household.room)
        kept = self.units.get(key)
        if kept is not None and kept.recorded_at >= household.recorded_at:
            return False
        self.units[key] = household
        return True

    async def keep_member(self, member: Member) -> Kept:
        kept = self.members_kept.get(member.resident_id)
        if kept is not None and kept.recorded_at > member.recorded_at:  # the same one: again
            return Kept(False, None)
        self.members_kept[member.resident_id] = member
        return Kept(True, kept)

    async def of_site(self, site_id: str) -> list[Household]:
        return [self.units[key] for key in sorted(self.units) if key[0] == site_id]

    async def members(self, resident_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Member]:
        return {r: self.members_kept[r] for r in resident_ids if r in self.members_kept}


class FakePreferences(FakeRepository[ContactPreference]):
    collection_name = "contact_preferences"

    def identity(self, aggregate: ContactPreference) -> str:
        return aggregate.preference_id

    async def of_addresses(
        self, addresses: Collection[tuple[Channel, str]]
    ) -> dict[str, ContactPreference]:
        found = [await self.get(preference_id(c, a)) for c, a in addresses]
        return {p.preference_id: p for p in found if p is not None}


class FakeNotificationUnitOfWork(FakeUnitOfWork):
    def __init__(
        self,
        store: MemoryStore,
        clock: Clock,
        site_names: FakeSiteNames,
        staff: FakeStaff,
        households: FakeHouseholds | None = None,
    ) -> None:
        super().__init__(store, clock)
        self.notifications = FakeNotifications(store, self, to_integration)
        self.site_names = site_names
        self.staff = staff
        self.households = households or FakeHouseholds()
        self.preferences = FakePreferences(store, self, None)
        self.templates = FakeTemplates(store, self, None)


class FakeGateway:
    """Takes each message, or fails as the test says; ``on_send`` looks around when called."""

    def __init__(self, failure: Exception | None = None) -> None:
        self.failure = failure
        self.calls: list[uuid.UUID] = []
        """Every message id the gateway was asked to send, taken or not."""
        self.sent: list[tuple[uuid.UUID, str]] = []
        """The messages it took: id and recipient."""
        self.on_send: Callable[[uuid.UUID], None] | None = None

    def _take(self, message_id: uuid.UUID, to: str) -> None:
        self.calls.append(message_id)
        if self.on_send is not None:
            self.on_send(message_id)
        if self.failure is not None:
            raise self.failure
        self.sent.append((message_id, to))


class FakeSms(FakeGateway):
    async def send(self, message_id: uuid.UUID, to: str, text: str) -> None:
        self._take(message_id, to)


class FakeMail(FakeGateway):
    async def send(self, message_id: uuid.UUID, to: str, subject: str, body: str) -> None:
        self._take(message_id, to)


class Notifier:
    """Notification's service layer on a memory store, with fake gateways."""

    def __init__(
        self,
        sms: FakeSms | None = None,
        mail: FakeMail | None = None,
        rules: NoticeRules | None = None,
    ) -> None:
        self.store = MemoryStore()
        self.clock = Clock(NOW)
        self.sms = sms or FakeSms()
        self.mail = mail or FakeMail()
        self.site_names = FakeSiteNames()
        self.staff = FakeStaff()
        self.households = FakeHouseholds()
        self.bus = MessageBus(
            HANDLERS,
            uow=lambda: FakeNotificationUnitOfWork(
                self.store, self.clock, self.site_names, self.staff, self.households
            ),
            dependencies={
                "sms": self.sms,
                "mail": self.mail,
                **({"rules": rules} if rules else {}),
            },
        )

    async def tell(self, command: TellResident) -> Notification | None:
        notification: Notification | None = await self.bus.handle(command)
        return notification

    def stored(self, about: Event[Any]) -> Notification:
        """The notification of ``about`` as saved."""
        saved: Notification = self.store.saved("notifications")[
            str(notification_id(about.event_id))
        ]
        return saved

    def message(self, about: Event[Any], channel: Channel) -> Message:
        return next(m for m in self.stored(about).messages if m.channel is channel)

    def sent(self) -> list[NotificationSent]:
        return self.store.published_of(NotificationSent)


def ids(about: Event[Any]) -> tuple[uuid.UUID, uuid.UUID]:
    """The ids of the SMS and the e-mail ``about`` sends (to the builders' resident)."""
    return (
        message_id(about.event_id, Channel.SMS, "+8613800138000"),
        message_id(about.event_id, Channel.EMAIL, "wang.fang@example.com"),
    )


# --- the templates, on notification's own occasions ---


def test_an_accepted_request_is_told_by_sms_and_email() -> None:
    event = builders.request_accepted()
    sms, email = messages_for(events_v1.request_accepted(event).occasion)
    assert sms.channel is Channel.SMS and sms.recipient == "+8613800138000"
    assert event.payload.request_no in sms.body and sms.body.startswith(SIGNATURE)
    assert sms.body.startswith("【物业服务热线】")
    assert email.channel is Channel.EMAIL and email.recipient == "wang.fang@example.com"
    assert event.payload.request_no in email.subject
    assert email.body.startswith("王芳您好")
    assert sms.template == email.template == "request_accepted"


def test_no_email_without_an_address() -> None:
    occasion = events_v1.request_accepted(builders.request_accepted(email=None)).occasion
    assert [m.channel for m in messages_for(occasion)] == [Channel.SMS]


def test_an_appointment_is_given_in_the_sites_local_time() -> None:
    occasion = RequestAccepted(
        about=About(uuid.uuid4(), "ServiceRequestAccepted", uuid.uuid4(), "dmg", uuid.uuid4()),
        recipient=Recipient("王芳", "+8613800138000", None, "3", "1202"),
        request_no="SR-DMG-20261123-0001",
        appointment_at=datetime(2026, 11, 24, 6, 30, tzinfo=UTC),
    )
    [sms] = messages_for(occasion)
    assert "预约时间 11月24日 14:30" in sms.body
    assert "3栋1202" in sms.body


def test_the_charge_message_gives_amount_and_payment_method() -> None:
    completed = builders.work_order_completed(
        items=[("RP-TAP", 1)], payment_method=PaymentMethod.BANK_COLLECTION
    )
    sms = messages_for(
        events_v1.charge_raised(builders.charge_raised(completed, "88.00")).occasion
    )[0]
    assert "¥88.00" in sms.body and "银行托收" in sms.body
    assert "CH-DMG-20261123-000001" in sms.body
    assert sms.template == "charge_raised"


def collection_rejected(code: str = "AM04", reason: str | None = None) -> ChargeCollectionRejected:
    example = canonical_examples()[ChargeCollectionRejected]
    assert isinstance(example, ChargeCollectionRejected)
    return example.model_copy(
        update={
            "payload": example.payload.model_copy(update={"reason_code": code, "reason": reason})
        }
    )


def test_fee04_a_rejected_debit_reminds_the_payer_why_and_how_to_pay() -> None:
    sms, mail = messages_for(events_v1.collection_rejected(collection_rejected()).occasion)
    assert sms.channel is Channel.SMS and mail.channel is Channel.EMAIL
    assert sms.template == "collection_rejected"
    assert "CH-DMG-20261123-0001" in sms.body and "¥80.00" in sms.body
    assert "账户余额不足" in sms.body and "服务中心以现金缴纳" in sms.body
    # a code without words of ours: the bank's words, else the code itself
    unknown = messages_for(
        events_v1.collection_rejected(collection_rejected("FF05", "本地文件格式错误")).occasion
    )[0]
    assert "本地文件格式错误" in unknown.body
    bare = messages_for(events_v1.collection_rejected(collection_rejected("FF05")).occasion)[0]
    assert "（FF05）" in bare.body


def fee_reminder(number: int = 3) -> ManagementFeeReminderDue:
    example = canonical_examples()[ManagementFeeReminderDue]
    assert isinstance(example, ManagementFeeReminderDue)
    owner = example.payload.owner if number == 3 else None
    payload = example.payload.model_copy(update={"reminder_no": number, "owner": owner})
    return example.model_copy(update={"payload": payload})


def test_fee03_fee14_a_fee_reminder_states_the_bill_the_late_fee_and_what_is_owed_today() -> None:
    sms, mail = messages_for(events_v1.fee_reminder_due(fee_reminder(1)).occasion)
    assert (sms.channel, mail.channel, sms.template) == (Channel.SMS, Channel.EMAIL, "fee_reminder")
    assert "2026-12 物业管理费 MF-DMG-202612-3-1202（¥268.05）" in sms.body
    assert (
        "12月10日截止" in sms.body and "滞纳金 ¥4.15" in sms.body and "今日应缴 ¥272.20" in sms.body
    )
    assert "（第1次催缴）" in sms.body


def tenant_pays(event: ManagementFeeReminderDue) -> ManagementFeeReminderDue:
    """The same reminder when a tenant pays (the owner, 王芳, is liable)."""
    tenant = event.payload.resident.model_copy(
        update={"name": "李雷", "phone": "+8613900139000", "email": "li.lei@example.com"}
    )
    return event.model_copy(
        update={"payload": event.payload.model_copy(update={"resident": tenant})}
    )


def test_fee04_fee05_the_third_reminder_warns_and_tells_the_owner_who_is_liable() -> None:
    event = tenant_pays(fee_reminder(3))
    owner = event.payload.owner
    assert owner is not None
    messages = messages_for(events_v1.fee_reminder_due(event).occasion)
    by_template = {(m.template, m.channel): m for m in messages}
    payer = by_template[("fee_reminder", Channel.SMS)]
    assert payer.recipient == "+8613900139000" and "第三次催缴" in payer.body
    to_owner = by_template[("fee_reminder_owner", Channel.SMS)]
    assert to_owner.recipient == owner.phone
    assert "使用人至今未缴，欠费最终由业主承担" in to_owner.body
    assert ("fee_reminder_owner", Channel.EMAIL) in by_template


async def test_fee14_the_report_of_a_sent_reminder_quotes_the_bill_for_billing_to_count() -> None:
    notifier = Notifier()
    event = fee_reminder(1)
    await notifier.tell(events_v1.fee_reminder_due(event))
    reports = notifier.store.published_of(NotificationSent)
    assert {r.payload.channel.value for r in reports} == {"sms", "email"}
    for report in reports:
        assert report.payload.about_event_id == event.event_id
        assert report.payload.about_event_type == "ManagementFeeReminderDue"
        assert report.payload.request_id == event.payload.bill_id


def test_the_dispatch_message_names_the_technician() -> None:
    dispatched = builders.work_order_dispatched(builders.request_accepted())
    (sms,) = messages_for(events_v1.work_order_dispatched(dispatched).occasion)
    assert "李强" in sms.body and "+8613900000101" in sms.body
    assert sms.channel is Channel.SMS and sms.template == "work_order_dispatched"


RESIDENT_TEMPLATES = frozenset(
    {
        "request_accepted",
        "work_order_dispatched",
        "charge_raised",
        "collection_rejected",
        "fee_reminder",
        "fee_reminder_owner",
        "progress_reported",
        "reply_given",
        "incident_closed",
    }
)
"""Every template a resident is sent (the others go to staff)."""


def by_email_only(occasion: Occasion) -> Occasion:
    """The same occasion for residents who gave no phone: each one is sent the e-mail."""
    if isinstance(occasion, IncidentOver):
        return replace(occasion, callers=tuple(replace(c, phone=None) for c in occasion.callers))
    return replace(occasion, recipient=replace(occasion.recipient, phone=None))


def test_every_email_to_a_resident_greets_them_once() -> None:
    """Each resident e-mail is greeted by name in its first line and the text under it does not
    greet them again (the accepted request's said 王芳您好 twice)."""
    accepted = builders.request_accepted()
    occasions = [
        events_v1.request_accepted(accepted).occasion,
        events_v1.work_order_dispatched(builders.work_order_dispatched(accepted)).occasion,
        events_v1.charge_raised(builders.charge_raised(builders.work_order_completed())).occasion,
        events_v1.collection_rejected(collection_rejected()).occasion,
        events_v1.fee_reminder_due(fee_reminder(1)).occasion,
        events_v1.fee_reminder_due(tenant_pays(fee_reminder(3))).occasion,
        events_v1.resident_replied(resident_replied(ReplyKind.PROGRESS)).occasion,
        events_v1.resident_replied(resident_replied(ReplyKind.REPLY)).occasion,
        events_v1.incident_closed(incident_closed((builders.resident(),))).occasion,
    ]
    emails = [
        message
        for occasion in occasions
        for told in (occasion, by_email_only(occasion))
        for message in messages_for(told, SITE_NAME)
        if message.channel is Channel.EMAIL
    ]
    assert {email.template for email in emails} == RESIDENT_TEMPLATES
    for email in emails:
        name = "李雷" if email.recipient == "li.lei@example.com" else "王芳"
        assert email.body.startswith(f"{name}您好：\n\n"), email.template
        assert email.body.count("您好") == 1, (email.template, email.body)


def test_residents_are_not_told_about_internal_events() -> None:
    told = {kind for s in subscriptions(Notifier().bus) for kind in s.handlers}
    assert told == {
        ServiceRequestAccepted,
        WorkOrderDispatched,
        ChargeRaised,
        ChargeCollectionRejected,  # a reminder the charge is owed (FEE-04)
        ManagementFeeReminderDue,  # a reminder the fee is owed (FEE-04, FEE-14)
        ResidentReplied,
        IncidentClosed,
        SiteRecorded,
        EmergencyReported,  # alerts staff, not the resident (INC-02)
        StaffRecorded,
        MonthlyReportApproved,  # sent to staff, not the resident (CMP-22)
        WorkOrderMonthReported,  # sent to staff, not the resident (DSP-12)
        IncomeSpendingStatementPublished,  # to every household of the site (FEE-07, NTF-06)
        UnitRecorded,  # who answers for each household, for the statement
        ResidentRecorded,
        # alerts to staff (test_notification_alerts.py), not to the resident
        WorkOrderDispatchOverdue,
        WorkOrderClockMissed,
        ReplyPromiseBreached,
        FirstAnswerOverdue,
        ComplaintEscalated,
        RectificationEscalated,
        ManagementFeeArrearsFlagged,
        RosterLate,
        RosterSubmitted,  # to the service-centre manager (NTF-12, test_notification_rosters.py)
    }
    assert WorkOrderCompleted not in told


# --- the inbound mappers: producers' events → notification's occasions ---


def test_an_accepted_request_maps_to_an_occasion_about_that_event() -> None:
    event = builders.request_accepted()
    command = events_v1.request_accepted(event)
    assert command == TellResident(
        RequestAccepted(
            about=About(
                event_id=event.event_id,
                event_type="ServiceRequestAccepted",
                correlation_id=event.correlation_id,
                site_id="dmg",
                request_id=event.payload.request_id,
            ),
            recipient=Recipient("王芳", "+8613800138000", "wang.fang@example.com", "3", "1202"),
            request_no=event.payload.request_no,
            appointment_at=None,
        ),
        causation_id=event.event_id,
    )


def test_a_charge_maps_with_its_lines_amounts_and_payment_method() -> None:
    completed = builders.work_order_completed(payment_method=PaymentMethod.BANK_COLLECTION)
    charge = builders.charge_raised(completed, "88.00")
    occasion = events_v1.charge_raised(charge).occasion
    assert isinstance(occasion, Charged)
    assert occasion.about.request_id == completed.payload.request_id
    assert occasion.about.event_type == "ChargeRaised"
    assert occasion.lines == (ChargedLine("更换水龙头", 1, "次", Decimal("88.00")),)
    assert occasion.total == Decimal("88.00")
    assert occasion.payment_method == "bank_collection"


# --- telling the resident (TellResident) ---


async def test_each_message_goes_out_once_even_when_the_event_comes_again() -> None:
    notifier = Notifier()
    event = builders.request_accepted()
    sms_id, mail_id = ids(event)
    await notifier.tell(events_v1.request_accepted(event))
    commits = notifier.store.commits
    await notifier.tell(events_v1.request_accepted(event))  # the event again
    assert notifier.sms.sent == [(sms_id, "+8613800138000")]
    assert notifier.mail.sent == [(mail_id, "wang.fang@example.com")]
    assert notifier.store.commits == commits  # nothing to save the second time
    assert [e.payload.notification_id for e in notifier.sent()] == [sms_id, mail_id]
    stored = notifier.stored(event)
    assert [(m.status, m.attempts, m.sent_at) for m in stored.messages] == [
        (MessageStatus.SENT, 1, NOW),
        (MessageStatus.SENT, 1, NOW),
    ]


async def test_notification_sent_names_the_message_and_the_event_it_tells_about() -> None:
    notifier = Notifier()
    event = builders.request_accepted()
    sms_id, mail_id = ids(event)
    await notifier.tell(events_v1.request_accepted(event))
    sms, mail = notifier.sent()
    assert sms.event_id == event_id(NotificationSent, sms_id)
    assert sms.payload.notification_id == sms_id and mail.payload.notification_id == mail_id
    assert sms.payload.channel is NotificationChannel.SMS
    assert mail.payload.channel is NotificationChannel.EMAIL
    assert sms.payload.recipient == "+8613800138000"
    assert mail.payload.recipient == "wang.fang@example.com"
    for sent in (sms, mail):
        assert sent.payload.template == "request_accepted"
        assert sent.payload.about_event_id == event.event_id
        assert sent.payload.about_event_type == "ServiceRequestAccepted"
        assert sent.payload.request_id == event.payload.request_id
        assert sent.payload.sent_at == NOW
        assert sent.causation_id == event.event_id
        assert sent.correlation_id == event.correlation_id
        assert sent.site_id == "dmg"
        assert sent.aggregate_version == 2  # the attempt was saved first, as version 1


async def test_each_occasion_sends_its_own_messages() -> None:
    notifier = Notifier()
    accepted = builders.request_accepted(email=None)
    completed = builders.work_order_completed(payment_method=PaymentMethod.CASH)
    await notifier.tell(events_v1.work_order_dispatched(builders.work_order_dispatched(accepted)))
    await notifier.tell(events_v1.charge_raised(builders.charge_raised(completed)))
    assert [e.payload.template for e in notifier.sent()] == [
        "work_order_dispatched",
        "charge_raised",
        "charge_raised",
    ]
    assert len(notifier.sms.sent) == 2 and len(notifier.mail.sent) == 1


async def test_the_attempt_is_stored_before_a_gateway_hears_of_the_message() -> None:
    notifier = Notifier()
    event = builders.request_accepted()
    seen: dict[Channel, tuple[MessageStatus, int, int]] = {}

    def look(sent_id: uuid.UUID) -> None:
        message = next(m for m in notifier.stored(event).messages if m.message_id == sent_id)
        seen[message.channel] = (message.status, message.attempts, len(notifier.sent()))

    notifier.sms.on_send = notifier.mail.on_send = look
    await notifier.tell(events_v1.request_accepted(event))
    assert seen == {
        Channel.SMS: (MessageStatus.SENDING, 1, 0),
        Channel.EMAIL: (MessageStatus.SENDING, 1, 0),
    }


@pytest.mark.parametrize("refusing", [Channel.SMS, Channel.EMAIL])
async def test_a_gateway_refusing_one_message_does_not_hold_up_the_other(
    refusing: Channel,
) -> None:
    reason = f"{refusing.value} gateway refused the message: no such recipient"
    refusal = MessageRefused(reason)
    notifier = (
        Notifier(sms=FakeSms(refusal))
        if refusing is Channel.SMS
        else Notifier(mail=FakeMail(refusal))
    )
    other = Channel.EMAIL if refusing is Channel.SMS else Channel.SMS
    event = builders.request_accepted()
    command = events_v1.request_accepted(event)
    await notifier.tell(command)  # no exception: sending again cannot help
    refused, sent = notifier.message(event, refusing), notifier.message(event, other)
    assert (refused.status, refused.refusal, refused.sent_at) == (
        MessageStatus.REFUSED,
        reason,
        None,
    )
    assert (sent.status, sent.refusal, sent.sent_at) == (MessageStatus.SENT, None, NOW)
    assert [e.payload.notification_id for e in notifier.sent()] == [sent.message_id]
    assert events.MessageRefused(refused.message_id, reason) in notifier.store.events
    # the event again: a refused message is settled and is not tried again
    await notifier.tell(command)
    sms_id, mail_id = ids(event)
    assert notifier.sms.calls == [sms_id]
    assert notifier.mail.calls == [mail_id]
    assert len(notifier.sent()) == 1


async def test_a_gateway_away_leaves_its_message_to_the_retry_and_stores_the_others() -> None:
    notifier = Notifier(sms=FakeSms(Unavailable("SMS gateway answered 503")))
    event = builders.request_accepted()
    sms_id, mail_id = ids(event)
    command = events_v1.request_accepted(event)
    with pytest.raises(Unavailable, match="sms: SMS gateway answered 503"):
        await notifier.tell(command)
    sms, mail = notifier.message(event, Channel.SMS), notifier.message(event, Channel.EMAIL)
    assert (sms.status, sms.attempts) == (MessageStatus.SENDING, 1)
    assert (mail.status, mail.attempts) == (MessageStatus.SENT, 1)
    assert [e.payload.notification_id for e in notifier.sent()] == [mail_id]

    notifier.sms.failure = None  # the gateway is back; the consumer retries the event
    notifier.clock.now = NOW + timedelta(seconds=30)
    await notifier.tell(command)
    assert notifier.mail.calls == [mail_id]  # the e-mail is not sent again
    assert notifier.sms.calls == [sms_id, sms_id]
    assert notifier.sms.sent == [(sms_id, "+8613800138000")]
    sms, mail = notifier.message(event, Channel.SMS), notifier.message(event, Channel.EMAIL)
    assert (sms.status, sms.attempts, sms.resends, sms.sent_at) == (
        MessageStatus.SENT,
        2,
        1,
        NOW + timedelta(seconds=30),
    )
    assert (mail.attempts, mail.resends, mail.sent_at) == (1, 0, NOW)
    assert [e.payload.notification_id for e in notifier.sent()] == [mail_id, sms_id]


async def test_both_gateways_away_say_so_and_both_messages_go_out_on_the_retry() -> None:
    notifier = Notifier(
        sms=FakeSms(Unavailable("SMS gateway unreachable")),
        mail=FakeMail(Unavailable("mail server unavailable")),
    )
    event = builders.request_accepted()
    command = events_v1.request_accepted(event)
    with pytest.raises(
        Unavailable, match="sms: SMS gateway unreachable; email: mail server unavailable"
    ):
        await notifier.tell(command)
    assert notifier.sent() == []
    notifier.sms.failure = notifier.mail.failure = None
    await notifier.tell(command)
    assert [m.attempts for m in notifier.stored(event).messages] == [2, 2]
    assert len(notifier.sent()) == 2


async def test_a_gateway_failing_unexpectedly_still_lets_the_other_channels_result_be_stored() -> (
    None
):
    """A fault of ours in one channel (not an outage, not a refusal) is raised for the
    consumer's bounded retries, after the e-mail that went out is recorded: it is not resent."""
    notifier = Notifier(sms=FakeSms(RuntimeError("template bug")))
    event = builders.request_accepted()
    sms_id, mail_id = ids(event)
    command = events_v1.request_accepted(event)
    with pytest.raises(RuntimeError, match="template bug"):
        await notifier.tell(command)
    assert notifier.message(event, Channel.EMAIL).status is MessageStatus.SENT
    notifier.sms.failure = None
    await notifier.tell(command)
    assert notifier.mail.calls == [mail_id]
    assert notifier.sms.calls == [sms_id, sms_id]


# --- answers and incidents: what residents are told in writing (CMP-16, KB-16, INC-05, INC-06) ---

SITE_NAME = "大明宫花园"


def resident_replied(
    reply_kind: ReplyKind = ReplyKind.PROGRESS,
    kind: RequestKind = RequestKind.COMPLAINT,
    text: str = "已通知维修部, 明天上午更换门机板",
    email: str | None = "wang.fang@example.com",
) -> ResidentReplied:
    request_id = uuid.uuid4()
    replied_at = NOW + timedelta(hours=1)
    event: ResidentReplied = ResidentReplied.build(
        event_id=derive_id("replied", request_id, replied_at.isoformat()),
        producer="intake",
        site_id="dmg",
        correlation_id=request_id,
        occurred_at=replied_at,
        payload=ResidentRepliedPayload(
            request_id=request_id,
            request_no=f"SR-DMG-20261123-{request_id.hex[:4].upper()}",
            kind=kind,
            category="facilities",
            channel=RequestChannel.HOTLINE,
            registered_at=NOW,
            resident=builders.resident(email=email),
            reply_kind=reply_kind,
            text=text,
            replied_by="agent-017",
            replied_at=replied_at,
        ),
    )
    return event


def caller(phone: str, **overrides: Any) -> Resident:
    return builders.resident(**{"phone": phone, "email": None, "room": phone[-4:], **overrides})


CALLERS = (caller("+8613900000001"), caller("+8613900000002"), caller("+8613900000003"))


def incident_closed(
    callers: tuple[Resident, ...] = CALLERS, note: str = "3栋已恢复供水, 感谢您的耐心"
) -> IncidentClosed:
    incident_id = uuid.uuid4()
    event: IncidentClosed = IncidentClosed.build(
        event_id=event_id(IncidentClosed, incident_id),
        producer="intake",
        site_id="dmg",
        correlation_id=incident_id,
        occurred_at=NOW + timedelta(hours=7),
        payload=IncidentClosedPayload(
            incident_id=incident_id,
            kind=IncidentKind.WATER_OUTAGE,
            title="3栋停水",
            buildings=["3"],
            closing_note=note,
            closed_at=NOW + timedelta(hours=7),
            callers=list(callers),
        ),
    )
    return event


async def with_site_name(notifier: Notifier) -> Notifier:
    """The notifier once intake's record of the site has arrived."""
    recorded = canonical_examples()[SiteRecorded]  # 大明宫花园, site dmg
    assert isinstance(recorded, SiteRecorded)
    await notifier.bus.handle(events_v1.site_recorded(recorded))
    return notifier


def test_a_reply_maps_to_an_answer_of_that_request() -> None:
    event = resident_replied()
    command = events_v1.resident_replied(event)
    assert command == TellResident(
        ResidentAnswered(
            about=About(
                event_id=event.event_id,
                event_type="ResidentReplied",
                correlation_id=event.correlation_id,
                site_id="dmg",
                request_id=event.payload.request_id,
            ),
            recipient=Recipient("王芳", "+8613800138000", "wang.fang@example.com", "3", "1202"),
            request_no=event.payload.request_no,
            board="complaint",
            reply_kind=AnswerKind.PROGRESS,
            text="已通知维修部, 明天上午更换门机板",
        ),
        causation_id=event.event_id,
    )


def test_kb16_cmp16_word_of_progress_on_a_complaint_is_sent_naming_the_request_and_site() -> None:
    event = resident_replied(ReplyKind.PROGRESS, RequestKind.COMPLAINT)
    request_no = event.payload.request_no
    sms, email = messages_for(events_v1.resident_replied(event).occasion, SITE_NAME)
    assert sms.channel is Channel.SMS and sms.recipient == "+8613800138000"
    assert sms.body == (
        f"{SIGNATURE}您在大明宫花园的投诉 {request_no} 处理进展：已通知维修部, 明天上午更换门机板"
    )
    assert email.channel is Channel.EMAIL and email.recipient == "wang.fang@example.com"
    assert email.subject == f"投诉处理进展：{request_no}"
    assert email.body.startswith("王芳您好：") and "已通知维修部, 明天上午更换门机板" in email.body
    assert sms.template == email.template == "progress_reported"


def test_cmp16_a_complaints_answer_is_sent_in_writing() -> None:
    event = resident_replied(
        ReplyKind.REPLY, RequestKind.COMPLAINT, text="门机板已更换, 电梯恢复", email=None
    )
    [sms] = messages_for(events_v1.resident_replied(event).occasion, SITE_NAME)
    assert sms.body == (
        f"{SIGNATURE}您在大明宫花园的投诉 {event.payload.request_no} 答复如下：门机板已更换, 电梯恢复"
    )
    assert sms.template == "reply_given"


def test_kb16_progress_on_a_repair_is_sent_as_word_on_the_request() -> None:
    event = resident_replied(ReplyKind.PROGRESS, RequestKind.REPAIR, email=None)
    [sms] = messages_for(events_v1.resident_replied(event).occasion, SITE_NAME)
    assert f"您在大明宫花园的服务单 {event.payload.request_no} 处理进展：" in sms.body


@pytest.mark.parametrize(
    ("reply_kind", "kind", "in_writing"),
    [
        (ReplyKind.PROGRESS, RequestKind.COMPLAINT, True),
        (ReplyKind.PROGRESS, RequestKind.CONSULTATION, True),
        (ReplyKind.PROGRESS, RequestKind.REPAIR, True),
        (ReplyKind.REPLY, RequestKind.COMPLAINT, True),
        (ReplyKind.REPLY, RequestKind.CONSULTATION, False),
        (ReplyKind.STANDARD_ANSWER, RequestKind.CONSULTATION, False),
        (ReplyKind.STANDARD_ANSWER, RequestKind.COMPLAINT, False),
        (ReplyKind.OTHER, RequestKind.COMPLAINT, False),
    ],
)
def test_only_progress_and_a_complaints_answer_go_out_in_writing(
    reply_kind: ReplyKind, kind: RequestKind, in_writing: bool
) -> None:
    """CMP-16 and KB-16: the resident gets word of progress, and a complaint's answer, in
    writing; an answer given live on the phone (a standard answer) is not sent again."""
    occasion = events_v1.resident_replied(resident_replied(reply_kind, kind)).occasion
    assert isinstance(occasion, ResidentAnswered) and occasion.in_writing is in_writing
    assert bool(messages_for(occasion, SITE_NAME)) is in_writing


def test_a_long_reply_is_cut_in_the_sms_and_whole_in_the_email() -> None:
    text = "进展" * SMS_QUOTE_MAX
    sms, email = messages_for(
        events_v1.resident_replied(resident_replied(text=text)).occasion, SITE_NAME
    )
    quoted = sms.body.split("处理进展：", 1)[1]
    assert len(quoted) == SMS_QUOTE_MAX and quoted.endswith("…")
    assert text in email.body


def test_a_closed_incident_maps_to_its_callers_about_no_request() -> None:
    event = incident_closed()
    command = events_v1.incident_closed(event)
    occasion = command.occasion
    assert isinstance(occasion, IncidentOver)
    assert occasion.about == About(
        event_id=event.event_id,
        event_type="IncidentClosed",
        correlation_id=event.correlation_id,
        site_id="dmg",
        request_id=None,
        incident_id=event.payload.incident_id,
    )
    assert (occasion.title, occasion.closing_note) == ("3栋停水", "3栋已恢复供水, 感谢您的耐心")
    assert [c.phone for c in occasion.callers] == [c.phone for c in CALLERS]
    assert command.causation_id == event.event_id


def test_each_caller_of_a_closed_incident_gets_one_sms_with_the_closing_note() -> None:
    """INC-05, INC-06: the incident is over; everyone who called is told, once."""
    told = messages_for(events_v1.incident_closed(incident_closed()).occasion, SITE_NAME)
    assert [(m.channel, m.recipient) for m in told] == [(Channel.SMS, c.phone) for c in CALLERS]
    for sms in told:
        assert sms.body == (
            f"{SIGNATURE}您来电反映的大明宫花园“3栋停水”已处理完毕。3栋已恢复供水, 感谢您的耐心"
        )
        assert sms.template == "incident_closed"


def test_a_caller_listed_twice_is_told_once_and_one_without_a_phone_by_email() -> None:
    callers = (
        caller("+8613900000001", email="a@example.com"),  # a phone: the SMS only
        caller("+8613900000001"),  # the same caller again
        caller("", email="b@example.com"),  # no phone: the e-mail instead
        caller(""),  # no way to reach them
    )
    told = messages_for(events_v1.incident_closed(incident_closed(callers)).occasion, SITE_NAME)
    assert [(m.channel, m.recipient) for m in told] == [
        (Channel.SMS, "+8613900000001"),
        (Channel.EMAIL, "b@example.com"),
    ]
    email = told[1]
    assert email.subject == "大明宫花园“3栋停水”已处理完毕"
    assert "3栋已恢复供水, 感谢您的耐心" in email.body


def test_a_site_not_known_yet_is_left_out_of_the_message() -> None:
    [sms, *_] = messages_for(events_v1.incident_closed(incident_closed()).occasion)
    assert sms.body.startswith(f"{SIGNATURE}您来电反映的“3栋停水”已处理完毕。")


async def test_a_redelivered_incident_closed_tells_each_caller_once() -> None:
    notifier = await with_site_name(Notifier())
    event = incident_closed()
    await notifier.tell(events_v1.incident_closed(event))
    commits = notifier.store.commits
    await notifier.tell(events_v1.incident_closed(event))  # the event again
    assert notifier.store.commits == commits
    assert notifier.sms.sent == [
        (message_id(event.event_id, Channel.SMS, c.phone), c.phone) for c in CALLERS
    ]
    assert len({sent_id for sent_id, _ in notifier.sms.sent}) == len(CALLERS)
    stored = notifier.stored(event)
    assert stored.about.incident_id == event.payload.incident_id
    assert stored.about.request_id is None
    assert [m.status for m in stored.messages] == [MessageStatus.SENT] * len(CALLERS)
    assert SITE_NAME in stored.messages[0].body
    # NotificationSent v1 names a request: an incident's messages stay on the notification
    assert notifier.sent() == []


async def test_a_caller_whose_number_is_refused_does_not_hold_up_the_others() -> None:
    refused = CALLERS[1].phone

    class RefusingOneNumber(FakeSms):
        async def send(self, message_id: uuid.UUID, to: str, text: str) -> None:
            self.failure = (
                MessageRefused(f"number {to} cannot receive messages") if to == refused else None
            )
            self._take(message_id, to)

    notifier = Notifier(sms=RefusingOneNumber())
    event = incident_closed()
    command = events_v1.incident_closed(event)
    await notifier.tell(command)
    statuses = {m.recipient: m.status for m in notifier.stored(event).messages}
    assert statuses == {
        CALLERS[0].phone: MessageStatus.SENT,
        refused: MessageStatus.REFUSED,
        CALLERS[2].phone: MessageStatus.SENT,
    }
    await notifier.tell(command)  # again: nobody is sent anything twice
    assert len(notifier.sms.calls) == len(CALLERS)


async def test_an_incidents_callers_are_told_in_waves() -> None:
    class Counting(FakeSms):
        def __init__(self) -> None:
            super().__init__()
            self.in_flight = self.most = 0

        async def send(self, message_id: uuid.UUID, to: str, text: str) -> None:
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
            await asyncio.sleep(0)
            self.in_flight -= 1
            self._take(message_id, to)

    sms = Counting()
    callers = tuple(caller(f"+86139000{n:05d}") for n in range(SENDING_AT_ONCE * 3))
    await Notifier(sms=sms).tell(events_v1.incident_closed(incident_closed(callers)))
    assert len(sms.sent) == len(callers)
    assert sms.most == SENDING_AT_ONCE


async def test_a_progress_reply_is_sent_and_published_like_any_message_on_a_request() -> None:
    notifier = await with_site_name(Notifier())
    event = resident_replied(ReplyKind.PROGRESS, RequestKind.COMPLAINT)
    await notifier.tell(events_v1.resident_replied(event))
    assert [to for _, to in notifier.sms.sent] == ["+8613800138000"]
    assert [to for _, to in notifier.mail.sent] == ["wang.fang@example.com"]
    sms, mail = notifier.sent()
    assert sms.payload.template == mail.payload.template == "progress_reported"
    assert sms.payload.request_id == event.payload.request_id
    assert sms.payload.about_event_type == "ResidentReplied"
    assert sms.causation_id == event.event_id


async def test_a_standard_answer_given_on_the_phone_is_not_sent_nor_stored() -> None:
    notifier = Notifier()
    event = resident_replied(ReplyKind.STANDARD_ANSWER, RequestKind.CONSULTATION)
    assert await notifier.tell(events_v1.resident_replied(event)) is None
    assert notifier.sms.calls == notifier.mail.calls == []
    assert notifier.store.saved("notifications") == {}
    assert notifier.site_names.lookups == 0  # nothing to name the site in


async def test_a_sites_name_is_kept_unless_a_later_record_is_kept_already() -> None:
    notifier = Notifier()
    later = NOW + timedelta(days=1)
    assert await notifier.bus.handle(KeepSiteName("dmg", "大明宫花园（新）", later))
    assert not await notifier.bus.handle(KeepSiteName("dmg", "大明宫花园", NOW))
    assert await notifier.site_names.name_of("dmg") == "大明宫花园（新）"


def test_a_kind_of_answer_intake_adds_later_is_not_sent_until_notification_says_so() -> None:
    assert AnswerKind("apology_letter") is AnswerKind.OTHER
