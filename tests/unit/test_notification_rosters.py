"""The front desk's roster goes to the service-centre manager when its supervisor submits it
(NTF-12, DUTY-02: 每月25日前拟定下月前台《排班表》,报物业服务中心经理): by e-mail, day by day with
everyone on it by name; to the site's director, the company's when the site has none; once per
submission however often the event comes; late ones say so.

The real inbound mapper, handler, message bus and outbound mapper run on an in-memory store with
fake gateways (``Notifier`` of ``test_notification``); intake's side is in test_intake_duty.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from contracts.examples import canonical_examples
from contracts.intake.v1 import (
    RosterAssignment,
    RosterSubmitted,
    RosterSubmittedPayload,
    Shift,
)
from hotline_libs.ids import derive_id, event_id
from notification.adapters.inbound import duty_v1
from notification.domain.messages import Channel
from notification.domain.notification import Message

from tests.unit.test_notification import Notifier, with_site_name
from tests.unit.test_notification_emergency import staff_recorded, with_staff

DUE = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)  # the start of the 25th in Xi'an
ON_TIME = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)  # 09:30 on the 20th in Xi'an
LATE = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


def roster_submitted(submitted_at: datetime = ON_TIME, site_id: str = "dmg") -> RosterSubmitted:
    event: RosterSubmitted = RosterSubmitted.build(
        event_id=event_id(RosterSubmitted, f"{site_id}:2026-12"),
        producer="intake",
        site_id=site_id,
        correlation_id=derive_id("roster", f"{site_id}:2026-12"),
        occurred_at=submitted_at,
        payload=RosterSubmittedPayload(
            month="2026-12",
            drafted_by="supervisor-002",
            submitted_at=submitted_at,
            due_at=DUE,
            shifts=[
                Shift(code="early", starts="07:30", ends="15:30"),
                Shift(code="late", starts="12:00", ends="20:00"),
            ],
            assignments=[
                RosterAssignment(day=date(2026, 12, 2), shift="early", staff="agent-002"),
                RosterAssignment(day=date(2026, 12, 1), shift="late", staff="agent-003"),
                RosterAssignment(day=date(2026, 12, 1), shift="early", staff="agent-002"),
                RosterAssignment(day=date(2026, 12, 1), shift="early", staff="agent-001"),
            ],
        ),
    )
    return event


DIRECTOR = staff_recorded(
    "director-dmg", "dmg", ["director"], "+8613900000010", email="jing.zhou@example.com"
)
COMPANY_DIRECTOR = staff_recorded(
    "director-hq", "*", ["director"], "+8613900000011", email="hq@example.com", name="刘总"
)
ON_THE_ROSTER = (
    staff_recorded("supervisor-002", "dmg", ["supervisor"], "+8613900000020", name="陈主管"),
    staff_recorded("agent-001", "dmg", ["agent"], "+8613900000021", name="李娜"),
    staff_recorded("agent-002", "dmg", ["agent"], "+8613900000022", name="王强"),
)


async def notifier_with(*recorded: Any) -> Notifier:
    return await with_staff(await with_site_name(Notifier()), *ON_THE_ROSTER, *recorded)


def mails(notifier: Notifier, event: RosterSubmitted) -> list[Message]:
    return [m for m in notifier.stored(event).messages if m.channel is Channel.EMAIL]


async def test_ntf12_the_submitted_roster_is_emailed_to_the_sites_service_centre_manager() -> None:
    notifier = await notifier_with(DIRECTOR, COMPANY_DIRECTOR)
    event = roster_submitted()
    await notifier.bus.handle(duty_v1.roster_submitted(event))
    [mail] = mails(notifier, event)
    assert mail.recipient == "jing.zhou@example.com"  # the site's, not the company's
    assert mail.subject == "大明宫花园 2026年12月前台排班表"
    assert mail.template == "roster"
    body = mail.body
    assert "由陈主管于2026-11-20 09:30提交。" in body  # site time, the author by name
    assert "班次：early 07:30-15:30；late 12:00-20:00" in body
    first, second = body.index("12月1日（周二）"), body.index("12月2日（周三）")
    assert first < second  # day by day, in order whatever order they came in
    assert "  early：李娜、王强\n  late：agent-003\n" in body  # an id not on record as it is
    assert "共 2 天、4 人次。" in body
    assert [to for _, to in notifier.mail.sent] == ["jing.zhou@example.com"]
    assert notifier.sms.sent == []  # a month's shifts do not fit an SMS


async def test_ntf12_a_roster_submitted_after_the_25th_says_it_is_late() -> None:
    notifier = await notifier_with(DIRECTOR)
    event = roster_submitted(LATE)
    await notifier.bus.handle(duty_v1.roster_submitted(event))
    [mail] = mails(notifier, event)
    assert mail.subject.startswith("【逾期】")
    assert "（逾期：应于11月25日前提交）" in mail.body


async def test_ntf12_a_site_without_a_manager_on_record_sends_it_to_the_companys() -> None:
    other_site = staff_recorded(
        "director-gxi", "gxi", ["director"], "+8613900000012", email="gxi@example.com"
    )
    leaver = staff_recorded(
        "director-old", "dmg", ["director"], "+8613900000013", email="old@example.com", active=False
    )
    notifier = await notifier_with(COMPANY_DIRECTOR, other_site, leaver)
    event = roster_submitted()
    await notifier.bus.handle(duty_v1.roster_submitted(event))
    assert [m.recipient for m in mails(notifier, event)] == ["hq@example.com"]


async def test_ntf12_a_redelivered_submission_sends_nobody_the_roster_twice() -> None:
    notifier = await notifier_with(DIRECTOR)
    event = roster_submitted()
    for _ in range(3):
        await notifier.bus.handle(duty_v1.roster_submitted(event))
    assert len(notifier.mail.sent) == 1
    assert len(notifier.stored(event).messages) == 1


async def test_ntf12_nobody_with_an_address_to_send_it_to_is_logged_not_retried() -> None:
    no_address = staff_recorded("director-dmg", "dmg", ["director"], "+8613900000010")
    notifier = await notifier_with(no_address)
    assert await notifier.bus.handle(duty_v1.roster_submitted(roster_submitted())) is None
    assert notifier.mail.calls == [] and notifier.sms.calls == []


def test_the_canonical_example_maps_to_the_roster_with_its_shifts_and_duties() -> None:
    example = canonical_examples()[RosterSubmitted]
    assert isinstance(example, RosterSubmitted)
    command = duty_v1.roster_submitted(example)
    roster = command.roster
    assert roster.about.event_id == example.event_id and roster.about.site_id == "dmg"
    assert [s.code for s in roster.shifts] == ["early", "late"]
    assert [(d.day, d.shift, d.staff) for d in roster.duties] == [
        (date(2026, 12, 1), "early", "agent-001"),
        (date(2026, 12, 1), "late", "agent-002"),
    ]
    assert not roster.late
