"""Residents are written to in the language they asked for (issue #13, templates per language,
zh-CN and en): intake's directory records each resident's language; notification keeps a
language other than Chinese on the preferences of their number and address (the addresses a
message names), and renders each message from that language's template, the e-mail's greeting,
sign-off and unsubscribe line too. Chinese is everyone else's, at no cost: a Chinese resident's
record touches no preference.

The real inbound mappers, handlers and message bus on an in-memory store (``Notifier``).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from notification.adapters.inbound import events_v1, households_v1
from notification.domain.messages import Channel, language_of
from notification.domain.notification import Message
from notification.domain.templates import Language
from notification.service_layer.rules import NoticeRules
from notification.service_layer.signed_links import SignedLinks
from notification.service_layer.unsubscribe import UnsubscribeLinks

from tests import builders
from tests.unit.test_notification import Notifier
from tests.unit.test_notification_statement import RECORDED, resident_recorded

PHONE, MAIL = "+8613800138000", "wang.fang@example.com"  # the builders' resident
RULES = NoticeRules(
    quiet_hours=None, unsubscribe=UnsubscribeLinks(SignedLinks("s", "https://hotline.example"))
)


async def recorded(notifier: Notifier, phone: str = PHONE, **given: object) -> None:
    event = resident_recorded("王芳", phone=phone, email=MAIL, **given)  # type: ignore[arg-type]
    await notifier.bus.handle(households_v1.resident_recorded(event))


async def told(notifier: Notifier) -> dict[Channel, Message]:
    event = builders.request_accepted()
    notification = await notifier.tell(events_v1.request_accepted(event))
    assert notification is not None
    return {m.channel: m for m in notification.messages}


@pytest.mark.parametrize(
    ("asked", "written_in"),
    [
        ("en", Language.EN),
        ("en-GB", Language.EN),
        ("zh-CN", Language.ZH_CN),
        ("zh-Hans-CN", Language.ZH_CN),
        ("fr", Language.ZH_CN),  # no French templates: the company's
        (None, Language.ZH_CN),
    ],
)
def test_a_resident_is_written_to_in_the_language_asked_for_when_we_have_it(
    asked: str | None, written_in: Language
) -> None:
    assert language_of(asked) is written_in


async def test_a_resident_recorded_in_english_is_told_in_english_on_both_channels() -> None:
    notifier = Notifier(rules=RULES)
    await recorded(notifier, language="en")
    messages = await told(notifier)
    sms, mail = messages[Channel.SMS], messages[Channel.EMAIL]
    assert sms.body.startswith("【物业服务热线】Dear 王芳, ")  # the registered signature stays
    assert mail.subject.startswith("Your request is registered: SR-")
    assert mail.body.startswith("Dear 王芳,\n\n")
    assert "Your property service hotline" in mail.body
    assert "No longer want e-mails like this one? Unsubscribe: https://hotline.example" in mail.body
    assert "您好" not in mail.body and "退订" not in mail.body


async def test_a_chinese_resident_is_told_in_chinese_and_their_record_touches_no_preference() -> (
    None
):
    notifier = Notifier(rules=RULES)
    await recorded(notifier, language="zh-CN")
    assert notifier.store.saved("contact_preferences") == {}
    messages = await told(notifier)
    assert messages[Channel.EMAIL].body.startswith("王芳您好：\n\n")
    assert "点击退订" in messages[Channel.EMAIL].body


async def test_a_resident_back_to_chinese_is_told_in_chinese_and_an_older_record_changes_nothing() -> (
    None
):
    notifier = Notifier(rules=RULES)
    await recorded(notifier, language="en")
    later = RECORDED + timedelta(days=1)
    await recorded(notifier, language="zh-CN", recorded_at=later)
    await recorded(notifier, language="en")  # the first record again, late
    messages = await told(notifier)
    assert messages[Channel.SMS].body.startswith("【物业服务热线】王芳您好，")
    assert messages[Channel.EMAIL].body.startswith("王芳您好：")


async def test_a_number_given_up_forgets_its_language_the_one_kept_learns_it() -> None:
    """王芳 (English) changes her number: whoever has her old number next is written to in
    Chinese; her e-mail address keeps English."""
    notifier = Notifier(rules=RULES)
    await recorded(notifier, language="en", phone="+8613700137000")
    await recorded(notifier, language="en", recorded_at=RECORDED + timedelta(days=1))
    saved = notifier.store.saved("contact_preferences")
    assert saved["sms:+8613700137000"].language is None
    assert saved[f"sms:{PHONE}"].language == "en"
    assert saved[f"email:{MAIL}"].language == "en"
