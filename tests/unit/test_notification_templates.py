"""Notification's message templates: every message type in Chinese and English, per channel,
rendered in Jinja2's sandbox from the data the type gives; what a template may not do; and an
SMS measured as a handset splits it (issue #13: templates; NTF-01 to NTF-05 are the messages
they word)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from notification.domain.messages import SIGNATURE
from notification.domain.template_texts import BUILT_IN, EXAMPLES
from notification.domain.templates import (
    Channel,
    Language,
    SmsEncoding,
    TemplateProblem,
    TemplateText,
    render,
    sms_length,
)


def test_every_message_type_has_both_languages_on_both_channels_and_renders_its_example() -> None:
    assert BUILT_IN.keys() == EXAMPLES.keys()
    for message_type, languages in BUILT_IN.items():
        assert set(languages) == set(Language), message_type
        for language, channels in languages.items():
            assert set(channels) == set(Channel), (message_type, language)
            for channel, text in channels.items():
                rendered = render(text, EXAMPLES[message_type])
                assert rendered.subject and rendered.body, (message_type, language, channel)
                assert "{{" not in rendered.body and "{%" not in rendered.body


def test_the_english_texts_say_what_the_chinese_ones_do() -> None:
    example = EXAMPLES["request_accepted"]
    zh = render(BUILT_IN["request_accepted"][Language.ZH_CN][Channel.SMS], example)
    en = render(BUILT_IN["request_accepted"][Language.EN][Channel.SMS], example)
    # the appointment in the sites' time (09:30 in Xi'an is 01:30 UTC)
    assert zh.body == (
        "张先生您好，您3栋1202的服务请求已受理，单号 SR-DMG-20261123-0001，预约时间 11月24日 09:30。"
        "我们将尽快安排服务人员。"
    )
    assert en.body == (
        "Dear 张先生, your request for 3-1202 is registered as SR-DMG-20261123-0001, "
        "appointment 24 Nov 09:30. We will send someone as soon as we can."
    )
    third = render(
        BUILT_IN["fee_reminder_owner"][Language.EN][Channel.SMS], EXAMPLES["fee_reminder_owner"]
    )
    assert "This is the third reminder" in third.body and "(Reminder" not in third.body


def test_fee_reminders_count_up_to_the_third_which_warns_of_measures_fee04() -> None:
    text = BUILT_IN["fee_reminder"][Language.ZH_CN][Channel.SMS]
    first = render(text, {**EXAMPLES["fee_reminder"], "reminder_no": 1}).body
    third = render(text, {**EXAMPLES["fee_reminder"], "reminder_no": 3}).body
    assert first.endswith("（第1次催缴）") and "必要措施" not in first
    assert third.endswith("这是第三次催缴，仍未缴纳的，管理处将依规采取必要措施。")
    assert "10月31日截止" in first and "¥354.03" in first


def test_a_template_naming_data_its_type_does_not_have_is_refused_naming_the_part() -> None:
    text = TemplateText("受理：{{ request_no }}", "您好 {{ resident_nickname }}")
    with pytest.raises(TemplateProblem) as refused:
        render(text, EXAMPLES["request_accepted"])
    assert refused.value.field == "body" and "resident_nickname" in refused.value.message


def test_a_template_that_is_not_jinja_is_refused_naming_the_part() -> None:
    with pytest.raises(TemplateProblem) as refused:
        render(TemplateText("受理 {{ request_no ", "正文"), EXAMPLES["request_accepted"])
    assert refused.value.field == "subject"


@pytest.mark.parametrize(
    "reaching",
    [
        "{{ request_no.__class__.__mro__ }}",
        "{{ ''.__class__.__subclasses__() }}",
        "{{ lines.__init__.__globals__ }}",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    ],
)
def test_the_sandbox_keeps_a_template_to_its_data(reaching: str) -> None:
    """A template staff edit cannot reach Python's internals (the sandbox refuses, or finds
    nothing by that name: either way the template is refused, nothing is run)."""
    with pytest.raises(TemplateProblem):
        render(TemplateText("x", reaching), EXAMPLES["charge_raised"])


def test_an_sms_is_measured_as_a_handset_splits_it() -> None:
    plain = sms_length("a" * 160)
    assert (plain.encoding, plain.units, plain.parts) == (SmsEncoding.GSM_7, 160, 1)
    assert sms_length("a" * 161).parts == 2 and sms_length("a" * 307).parts == 3
    braces = sms_length("{}" + "a" * 157)  # each escaped character counts twice
    assert (braces.units, braces.parts) == (161, 2)
    chinese = sms_length("水" * 70)
    assert (chinese.encoding, chinese.units, chinese.parts) == (SmsEncoding.UCS_2, 70, 1)
    assert sms_length("水" * 71).parts == 2 and sms_length("水" * 135).parts == 3
    assert sms_length("🔥").units == 2  # outside the BMP: two UTF-16 units
    assert sms_length("").parts == 0


def test_the_hotlines_own_sms_are_at_most_three_parts_with_the_signature() -> None:
    """What each costs: the owner's third fee reminder is the longest (175 characters, 3 parts;
    the others 1 or 2)."""
    parts = {
        message_type: sms_length(
            SIGNATURE + render(languages[Language.ZH_CN][Channel.SMS], EXAMPLES[message_type]).body
        ).parts
        for message_type, languages in BUILT_IN.items()
    }
    assert max(parts.values()) == parts["fee_reminder_owner"] == 3
    assert all(n <= 2 for t, n in parts.items() if t != "fee_reminder_owner"), parts


def test_a_moment_is_shown_in_the_sites_time() -> None:
    text = TemplateText("", "{{ at|local('%Y-%m-%d %H:%M') }}")
    assert render(text, {"at": datetime(2026, 12, 31, 16, 30, tzinfo=UTC)}).body == (
        "2027-01-01 00:30"
    )
