"""Notification's template versions (issue #13, templates): drafts written by staff, checked
with their type's example data, approved by another member (four eyes) or rejected with a
reason; the approved version is what residents are sent, and each message says which version it
was rendered from (NTF-01 to NTF-05 are the messages they word)."""

from __future__ import annotations

from datetime import timedelta
from typing import get_args

import pytest
from hotline_libs.errors import Conflict, NotFound
from notification.adapters.inbound import events_v1
from notification.domain.commands import (
    ApproveTemplateVersion,
    RejectTemplateVersion,
    WriteTemplateVersion,
)
from notification.domain.messages import SIGNATURE, Channel, messages_for
from notification.domain.template_texts import BUILT_IN
from notification.domain.template_versions import (
    MAX_SMS_PARTS,
    NotYourOwnApproval,
    TemplateBook,
    TemplateHistory,
    TemplateKey,
    VersionState,
    book_of,
    preview,
)
from notification.domain.templates import Language, SmsEncoding, TemplateProblem, TemplateText
from notification.entrypoints.http.templates import MessageType

from tests import builders
from tests.builders import NOW
from tests.unit.test_notification import Notifier

KEY = TemplateKey("request_accepted", Channel.SMS, Language.ZH_CN)
TEXT = TemplateText(
    "受理：{{ request_no }}", "{{ name }}您好，单号 {{ request_no }} 已受理（新版）。"
)
LATER = NOW + timedelta(hours=1)


def written(*texts: TemplateText, by: str = "author") -> TemplateHistory:
    history = TemplateHistory(KEY)
    for text in texts:
        history.write(text, by, NOW, SIGNATURE)
    return history


def test_versions_are_numbered_from_one_as_drafts_the_built_in_text_being_zero() -> None:
    history = written(TEXT, TEXT)
    assert [(v.number, v.state) for v in history.versions] == [
        (1, VersionState.DRAFT),
        (2, VersionState.DRAFT),
    ]
    assert history.current is None
    assert book_of([history]).text(*_key_args()) == (
        0,
        BUILT_IN["request_accepted"][Language.ZH_CN][Channel.SMS],
    )


def _key_args() -> tuple[str, Channel, Language]:
    return KEY.message_type, KEY.channel, KEY.language


def test_four_eyes_the_author_cannot_approve_their_own_draft() -> None:
    history = written(TEXT)
    with pytest.raises(NotYourOwnApproval) as refused:
        history.approve(1, "author", LATER)
    assert refused.value.field == "number"
    assert history.versions[0].state is VersionState.DRAFT and history.current is None
    approved = history.approve(1, "approver", LATER)
    assert (approved.state, approved.decided_by, approved.decided_at) == (
        VersionState.APPROVED,
        "approver",
        LATER,
    )
    assert book_of([history]).text(*_key_args()) == (1, TEXT)


def test_approving_a_later_version_retires_the_one_before() -> None:
    second = TemplateText("受理：{{ request_no }}", "单号 {{ request_no }}（第二版）")
    history = written(TEXT, second)
    history.approve(1, "approver", NOW)
    history.approve(2, "approver", LATER)
    assert [v.state for v in history.versions] == [VersionState.RETIRED, VersionState.APPROVED]
    assert history.versions[0].retired_at == LATER
    assert history.current is not None and history.current.number == 2
    with pytest.raises(Conflict):
        history.approve(1, "approver", LATER)  # a retired version does not come back


def test_a_rejected_draft_keeps_its_reason_and_is_never_used() -> None:
    history = written(TEXT)
    rejected = history.reject(1, "approver", "  语气太生硬 ", LATER)
    assert (rejected.state, rejected.reason, rejected.decided_by) == (
        VersionState.REJECTED,
        "语气太生硬",
        "approver",
    )
    with pytest.raises(Conflict):
        history.approve(1, "approver", LATER)
    assert history.current is None and book_of([history]).text(*_key_args())[0] == 0


def test_a_draft_naming_data_its_type_does_not_have_is_refused_naming_the_part() -> None:
    history = TemplateHistory(KEY)
    with pytest.raises(TemplateProblem) as refused:
        history.write(TemplateText("受理", "您好 {{ nickname }}"), "author", NOW, SIGNATURE)
    assert refused.value.field == "body" and "nickname" in refused.value.message
    with pytest.raises(TemplateProblem) as broken:
        history.write(TemplateText("受理 {{ request_no", "正文"), "author", NOW, SIGNATURE)
    assert broken.value.field == "subject"
    with pytest.raises(TemplateProblem) as filtered:  # a filter given what it cannot take
        history.write(TemplateText("受理", "{{ name|yuan }}"), "author", NOW, SIGNATURE)
    assert filtered.value.field == "body"
    assert history.versions == []  # nothing numbered


def test_a_draft_whose_sms_would_take_too_many_parts_is_refused() -> None:
    with pytest.raises(TemplateProblem) as refused:
        written(TemplateText("受理", "长" * 67 * MAX_SMS_PARTS))
    assert refused.value.field == "body" and "parts" in refused.value.message


def test_an_unknown_version_is_not_found() -> None:
    with pytest.raises(NotFound):
        written(TEXT).approve(2, "approver", LATER)


def test_the_preview_counts_the_sms_with_the_signature_as_the_handset_does() -> None:
    rendered = preview(KEY, TEXT, SIGNATURE)
    assert rendered.text.body == "张先生您好，单号 SR-DMG-20261123-0001 已受理（新版）。"
    assert rendered.sms is not None and rendered.sms.encoding is SmsEncoding.UCS_2
    assert rendered.sms.units == len(SIGNATURE + rendered.text.body)
    english = TemplateKey("request_accepted", Channel.SMS, Language.EN)
    plain = preview(english, TemplateText("Done", "Request {{ request_no }} registered."), "")
    assert plain.sms is not None and plain.sms.encoding is SmsEncoding.GSM_7
    mail = TemplateKey("request_accepted", Channel.EMAIL, Language.ZH_CN)
    assert preview(mail, TEXT, SIGNATURE).sms is None


def test_the_routes_know_every_message_type() -> None:
    assert set(get_args(MessageType)) == set(BUILT_IN)


def test_the_approved_text_is_what_residents_are_sent_with_its_version() -> None:
    event = builders.request_accepted()
    occasion = events_v1.request_accepted(event).occasion
    book = TemplateBook({KEY: (3, TEXT)})
    sms, email = messages_for(occasion, book=book)
    assert sms.body == f"{SIGNATURE}王芳您好，单号 {event.payload.request_no} 已受理（新版）。"
    assert sms.template_version == 3
    assert email.template_version == 0  # the e-mail's template has no approved version


async def test_a_draft_approved_by_another_member_is_sent_and_recorded_on_the_message() -> None:
    notifier = Notifier()
    await notifier.bus.handle(WriteTemplateVersion(KEY, TEXT, "supervisor-1"))
    with pytest.raises(NotYourOwnApproval):
        await notifier.bus.handle(ApproveTemplateVersion(KEY, 1, "supervisor-1"))
    event = builders.request_accepted()
    await notifier.tell(events_v1.request_accepted(event))
    assert notifier.message(event, Channel.SMS).template_version == 0  # not approved yet

    await notifier.bus.handle(ApproveTemplateVersion(KEY, 1, "manager-2"))
    later = builders.request_accepted()
    await notifier.tell(events_v1.request_accepted(later))
    sms = notifier.message(later, Channel.SMS)
    assert sms.template_version == 1 and "（新版）" in sms.body
    assert notifier.message(later, Channel.EMAIL).template_version == 0


async def test_a_rejected_draft_is_not_sent() -> None:
    notifier = Notifier()
    await notifier.bus.handle(WriteTemplateVersion(KEY, TEXT, "supervisor-1"))
    await notifier.bus.handle(RejectTemplateVersion(KEY, 1, "manager-2", "语气太生硬"))
    event = builders.request_accepted()
    await notifier.tell(events_v1.request_accepted(event))
    sms = notifier.message(event, Channel.SMS)
    assert sms.template_version == 0 and "（新版）" not in sms.body
