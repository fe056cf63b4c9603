"""Notification sends a site's approved income and spending statement to each of its households
(FEE-07: income and spending of fees published regularly for residents to oversee; NTF-06:
publish fee income and spending; FEE-09: the spending by the categories fees pay for), from its
copy of intake's units and residents: the payer and the owner of each unit, once each, on the
channel they agreed to.

The real inbound mappers, handler, message bus and outbound mapper run on an in-memory store with
fake gateways (``Notifier`` of ``test_notification``).
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from contracts.billing.v1 import IncomeSpendingStatementPublished
from contracts.examples import canonical_examples
from contracts.intake.v1 import PreferredChannel, ResidentRecorded, UnitRecorded
from contracts.notification.v1 import NotificationSent
from hotline_libs.errors import Unavailable
from notification.adapters.inbound import households_v1
from notification.domain.households import Household, Member, audience
from notification.domain.messages import Channel
from notification.domain.notices import INCOME_STATEMENT, statement_text
from notification.domain.notification import Notification, notification_id

from tests.unit.test_notification import FakeMail, Notifier, with_site_name

RECORDED = datetime(2026, 10, 24, 2, 0, tzinfo=UTC)


def _id(name: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"resident:{name}")


def unit_recorded(
    building: str, room: str, owner: str | None, payer: str | None = None, site_id: str = "dmg"
) -> UnitRecorded:
    example = canonical_examples()[UnitRecorded]
    assert isinstance(example, UnitRecorded)
    pays = payer or owner
    payload = example.payload.model_copy(
        update={
            "unit_id": f"{site_id}:{building}:{room}",
            "building": building,
            "room": room,
            "owner_id": _id(owner) if owner else None,
            "payer_id": _id(pays) if pays else None,
        }
    )
    return example.model_copy(
        update={"payload": payload, "site_id": site_id, "event_id": uuid.uuid4()}
    )


def resident_recorded(
    name: str,
    *,
    phone: str | None = None,
    email: str | None = None,
    prefers: PreferredChannel = PreferredChannel.SMS,
    sms: bool = True,
    mail: bool = True,
    recorded_at: datetime = RECORDED,
    language: str = "zh-CN",
) -> ResidentRecorded:
    example = canonical_examples()[ResidentRecorded]
    assert isinstance(example, ResidentRecorded)
    payload = example.payload.model_copy(
        update={
            "resident_id": _id(name),
            "name": name,
            "phones": [phone] if phone else [],
            "email": email,
            "preferred_channel": prefers,
            "consents_to_sms": sms,
            "consents_to_email": mail,
            "recorded_at": recorded_at,
            "language": language,
        }
    )
    return example.model_copy(update={"payload": payload, "event_id": uuid.uuid4()})


def statement() -> IncomeSpendingStatementPublished:
    event = canonical_examples()[IncomeSpendingStatementPublished]
    assert isinstance(event, IncomeSpendingStatementPublished)
    return event


async def with_households(notifier: Notifier) -> Notifier:
    """Building 3: 王芳 owns and pays 1202 and owns 1203, where 李雷 rents and pays; building 5:
    赵敏 owns 0801, 孙伟 owns 0802 but agreed to no channel; 1101 names someone whose record has
    not arrived."""
    for event in (
        resident_recorded("王芳", phone="+8613800138000", email="wang.fang@example.com"),
        resident_recorded("李雷", phone="+8613900139000"),
        resident_recorded(
            "赵敏",
            phone="+8613700137000",
            email="zhao.min@example.com",
            prefers=PreferredChannel.EMAIL,
        ),
        resident_recorded("孙伟", phone="+8613600136000", sms=False, mail=False),
    ):
        await notifier.bus.handle(households_v1.resident_recorded(event))
    for unit in (
        unit_recorded("3", "1202", "王芳"),
        unit_recorded("3", "1203", "王芳", payer="李雷"),
        unit_recorded("5", "0801", "赵敏"),
        unit_recorded("5", "0802", "孙伟"),
        unit_recorded("5", "1101", "周强"),
        unit_recorded("1", "0101", "王芳", site_id="xa"),  # another site's
    ):
        await notifier.bus.handle(households_v1.unit_recorded(unit))
    return notifier


def _member(name: str, **changes: object) -> Member:
    base = Member(
        resident_id=_id(name),
        site_id="dmg",
        name=name,
        phone="+8613800138000",
        email="a@example.com",
        prefers_email=False,
        consents_to_sms=True,
        consents_to_email=True,
        recorded_at=RECORDED,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


# --- whom it goes to, and how ---


def test_fee07_a_preferred_channel_agreed_to_is_used_else_the_other_else_none() -> None:
    assert _member("a").channel() is Channel.SMS
    assert _member("a", prefers_email=True).channel() is Channel.EMAIL
    assert _member("a", prefers_email=True, consents_to_email=False).channel() is Channel.SMS
    assert _member("a", consents_to_sms=False).channel() is Channel.EMAIL
    assert _member("a", phone=None).channel() is Channel.EMAIL
    assert _member("a", email=None, consents_to_sms=False).channel() is None


def test_fee07_each_unit_is_told_through_its_payer_and_owner_each_resident_once() -> None:
    wang, li = _member("王芳"), _member("李雷")
    households = [
        Household("dmg", "3", "1202", wang.resident_id, wang.resident_id, RECORDED),
        Household("dmg", "3", "1203", wang.resident_id, li.resident_id, RECORDED),
        Household("dmg", "5", "0801", _id("nobody"), None, RECORDED),
        Household("dmg", "5", "0802", None, None, RECORDED),
    ]
    found = audience(households, {wang.resident_id: wang, li.resident_id: li})
    assert [(r.member.name, r.room) for r in found.by_building["3"]] == [
        ("王芳", "1202"),
        ("李雷", "1203"),
    ]
    assert "5" not in found.by_building
    assert found.unknown == (_id("nobody"),)
    assert found.readers == 2


# --- the text ---


def test_fee09_the_statement_reads_income_spending_by_category_and_the_balance() -> None:
    occasion = households_v1.statement_published(statement()).statement
    text = statement_text(occasion, "大明宫花园")
    assert text.startswith(
        "大明宫花园 2026年第4季度（2026-10-01 至 2026-12-31）物业服务费用收支情况"
    )
    # the canonical example: 804,150.00 billed, 771,984.00 collected, 32,166.00 owed
    assert "应收 ¥804,150.00，实收 ¥771,984.00，未收 ¥32,166.00" in text
    assert "公共区域广告位租金：¥6,000.00" in text
    assert "收入合计：¥778,296.40" in text
    assert "公用设施设备维修养护及公共场所管理：¥231,500.00" in text
    assert "    绿化养护：¥133,000.00" in text
    assert "支出合计：¥643,500.00" in text
    assert "三、结余：¥134,796.40" in text
    assert "代收水电费 ¥152,310.55" in text
    assert text.endswith("详细账目可到服务中心查阅")


def test_a_deficit_is_called_one_and_half_years_and_months_are_named() -> None:
    occasion = households_v1.statement_published(statement()).statement
    deficit = replace(occasion, balance=Decimal("-1200.50"), period="2026-H1", note=None)
    text = statement_text(deficit)
    assert "2026年上半年" in text and "三、亏损：¥1,200.50" in text
    assert "2026年11月" in statement_text(replace(occasion, period="2026-11"))


# --- sending it ---


async def test_ntf06_every_household_of_the_site_is_sent_it_once_by_building() -> None:
    notifier = await with_households(await with_site_name(Notifier()))
    event = statement()
    sent: list[Notification] = await notifier.bus.handle(households_v1.statement_published(event))
    assert [len(n.messages) for n in sent] == [2, 1]  # building 3, then building 5
    by_recipient = {m.recipient: m for n in sent for m in n.messages}
    assert set(by_recipient) == {"+8613800138000", "+8613900139000", "zhao.min@example.com"}
    assert {m.template for m in by_recipient.values()} == {INCOME_STATEMENT}
    sms = by_recipient["+8613900139000"]
    assert "收入 ¥778,296.40，支出 ¥643,500.00，结余 ¥134,796.40" in sms.body
    mail = by_recipient["zhao.min@example.com"]
    assert mail.body.startswith("赵敏您好") and "绿化养护" in mail.body
    assert "大明宫花园" in mail.subject and "2026年第4季度" in mail.subject
    assert len(notifier.sms.sent) == 2 and len(notifier.mail.sent) == 1
    # about no request: no resident's timeline gets it
    assert notifier.store.published_of(NotificationSent) == []
    assert sent[0].notification_id == notification_id(event.event_id, "3")


async def test_a_redelivered_statement_sends_nobody_it_twice() -> None:
    notifier = await with_households(Notifier())
    event = statement()
    await notifier.bus.handle(households_v1.statement_published(event))
    await notifier.bus.handle(households_v1.statement_published(event))
    assert len(notifier.sms.sent) == 2 and len(notifier.mail.sent) == 1


async def test_a_gateway_away_part_way_is_finished_later_without_doubles() -> None:
    notifier = await with_households(Notifier(mail=FakeMail(Unavailable("smtp down"))))
    command = households_v1.statement_published(statement())
    with pytest.raises(Unavailable):
        await notifier.bus.handle(command)
    assert len(notifier.sms.sent) == 2  # building 3 went out; 赵敏's e-mail waits
    notifier.mail.failure = None
    await notifier.bus.handle(command)
    assert len(notifier.sms.sent) == 2
    assert [to for _, to in notifier.mail.sent] == ["zhao.min@example.com"]


async def test_a_later_record_of_a_resident_wins_and_an_older_one_changes_nothing() -> None:
    notifier = await with_households(Notifier())
    newer = resident_recorded(
        "李雷",
        email="li.lei@example.com",
        prefers=PreferredChannel.EMAIL,
        recorded_at=RECORDED + timedelta(days=1),
    )
    older = resident_recorded("李雷", phone="+8613900139999", recorded_at=RECORDED)
    assert await notifier.bus.handle(households_v1.resident_recorded(newer)) is True
    assert await notifier.bus.handle(households_v1.resident_recorded(older)) is False
    await notifier.bus.handle(households_v1.statement_published(statement()))
    assert "li.lei@example.com" in [to for _, to in notifier.mail.sent]
    assert "+8613900139999" not in [to for _, to in notifier.sms.sent]
