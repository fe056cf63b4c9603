"""Template versions (模板版本): what staff write to change what a message type says, and the
four-eyes approval before a resident is sent it.

Per message type, channel and language, versions are numbered from 1; the built-in text
(``template_texts.BUILT_IN``) is version 0, used while no version is approved. A version is
written as a draft, checked by rendering it with its type's example data (an unknown name or
broken syntax is refused naming the subject or the body), then approved by another member of
staff than its author (the author cannot approve their own) or rejected with a reason. An
approved version is the current one; the one approved before it retires. A rejected or retired
version is never sent again; a new draft starts from it if wanted.

All versions of one (type, channel, language) are one aggregate, one document in the store:
approving one and retiring the previous is one write.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import Conflict, NotFound, RuleViolation

from notification.domain.template_texts import BUILT_IN, EXAMPLES
from notification.domain.templates import (
    Channel,
    Language,
    SmsLength,
    TemplateProblem,
    TemplateText,
    render,
    sms_length,
)

MAX_SUBJECT = 200
"""Characters of a subject's template (an e-mail's subject, the title a message is logged under)."""
MAX_BODY = {Channel.SMS: 1_000, Channel.EMAIL: 20_000}
"""Characters of a body's template, per channel."""
MAX_SMS_PARTS = 6
"""Parts an SMS rendered with the example data may take (signature included): a longer one costs
the site six messages a resident, and a gateway may refuse it."""
MAX_REASON = 500


class VersionState(enum.StrEnum):
    DRAFT = "draft"
    """Written, waiting for another member to approve or reject it."""
    APPROVED = "approved"
    """The current version: what residents are sent."""
    RETIRED = "retired"
    """Approved once, replaced by a later approval."""
    REJECTED = "rejected"
    """Refused, with a reason; never sent."""


class NotYourOwnApproval(RuleViolation):
    """Four eyes: the member who wrote a version cannot approve it."""


@dataclass(frozen=True)
class TemplateKey:
    """Which template: a message type, on one channel, in one language."""

    message_type: str
    channel: Channel
    language: Language

    def __str__(self) -> str:
        return f"{self.message_type}:{self.channel.value}:{self.language.value}"


@dataclass
class TemplateVersion:
    number: int
    text: TemplateText
    state: VersionState
    written_by: str
    written_at: datetime
    decided_by: str | None = None
    """Who approved or rejected it."""
    decided_at: datetime | None = None
    reason: str | None = None
    """Why it was rejected."""
    retired_at: datetime | None = None


@dataclass(frozen=True)
class Rendered:
    """A template rendered with its type's example data (or data given), as a preview shows it:
    for an SMS, its length as the handset counts it, signature included."""

    text: TemplateText
    sms: SmsLength | None


def message_types() -> list[str]:
    """The message types to residents whose texts staff may change."""
    return list(BUILT_IN)


def key_of(message_type: str, channel: Channel, language: Language) -> TemplateKey:
    if message_type not in BUILT_IN:
        raise NotFound(f"no message type {message_type!r}", field="message_type")
    return TemplateKey(message_type, channel, language)


def built_in(key: TemplateKey) -> TemplateText:
    """Version 0: the text a type is sent with while no version is approved."""
    return BUILT_IN[key.message_type][key.language][key.channel]


def preview(
    key: TemplateKey, text: TemplateText, signature: str, data: Mapping[str, Any] | None = None
) -> Rendered:
    """``text`` rendered with ``data`` (the type's example by default); an SMS measured with
    ``signature`` before it, as the handset receives it. ``TemplateProblem`` naming the part
    that fails."""
    rendered = render(text, EXAMPLES[key.message_type] if data is None else data)
    sms = sms_length(signature + rendered.body) if key.channel is Channel.SMS else None
    return Rendered(rendered, sms)


def check(key: TemplateKey, text: TemplateText, signature: str) -> Rendered:
    """A draft as it may be written: within the size limits, and rendering with its type's
    example data (so it names only data the type has) into an SMS of at most
    ``MAX_SMS_PARTS`` parts."""
    if not text.subject.strip():
        raise TemplateProblem("subject: a template needs a subject", field="subject")
    if len(text.subject) > MAX_SUBJECT:
        raise TemplateProblem(
            f"subject: at most {MAX_SUBJECT} characters, not {len(text.subject)}", field="subject"
        )
    if not text.body.strip():
        raise TemplateProblem("body: a template needs a body", field="body")
    limit = MAX_BODY[key.channel]
    if len(text.body) > limit:
        raise TemplateProblem(
            f"body: at most {limit} characters on {key.channel.value}, not {len(text.body)}",
            field="body",
        )
    rendered = preview(key, text, signature)
    if rendered.sms is not None and rendered.sms.parts > MAX_SMS_PARTS:
        raise TemplateProblem(
            f"body: the example's SMS takes {rendered.sms.parts} parts, at most "
            f"{MAX_SMS_PARTS} are sent",
            field="body",
        )
    return rendered


@dataclass
class TemplateHistory(Aggregate):
    """Every version of one template, in the order written."""

    key: TemplateKey
    versions: list[TemplateVersion] = field(default_factory=list)

    @property
    def current(self) -> TemplateVersion | None:
        """The approved version residents are sent; None while the built-in text is used."""
        return next((v for v in self.versions if v.state is VersionState.APPROVED), None)

    def numbered(self, number: int) -> TemplateVersion:
        if not 1 <= number <= len(self.versions):
            raise NotFound(f"{self.key} has no version {number}", field="number")
        return self.versions[number - 1]

    def write(self, text: TemplateText, by: str, at: datetime, signature: str) -> TemplateVersion:
        """A new draft, numbered after the last; refused (``TemplateProblem``) unless ``check``
        passes it."""
        check(self.key, text, signature)
        draft = TemplateVersion(
            number=len(self.versions) + 1,
            text=text,
            state=VersionState.DRAFT,
            written_by=by,
            written_at=at,
        )
        self.versions.append(draft)
        return draft

    def approve(self, number: int, by: str, at: datetime) -> TemplateVersion:
        """The draft becomes the current version, by another member than its author; the one
        current before it retires. Approving it again by the same member changes nothing."""
        version = self.numbered(number)
        if version.state is VersionState.APPROVED and version.decided_by == by:
            return version
        if version.state is not VersionState.DRAFT:
            raise Conflict(f"version {number} of {self.key} is {version.state.value}, not a draft")
        if version.written_by == by:
            raise NotYourOwnApproval(
                f"version {number} of {self.key} was written by you: another member approves it",
                field="number",
            )
        previous = self.current
        if previous is not None:
            previous.state = VersionState.RETIRED
            previous.retired_at = at
        version.state = VersionState.APPROVED
        version.decided_by = by
        version.decided_at = at
        return version

    def reject(self, number: int, by: str, reason: str, at: datetime) -> TemplateVersion:
        """The draft is refused with ``reason`` and never sent (its author may withdraw it so).
        Rejecting it again with the same reason changes nothing."""
        version = self.numbered(number)
        reason = reason.strip()
        if version.state is VersionState.REJECTED and version.reason == reason:
            return version
        if version.state is not VersionState.DRAFT:
            raise Conflict(f"version {number} of {self.key} is {version.state.value}, not a draft")
        if not reason:
            raise RuleViolation("a rejection needs a reason", field="reason")
        version.state = VersionState.REJECTED
        version.decided_by = by
        version.decided_at = at
        version.reason = reason
        return version


@dataclass(frozen=True)
class TemplateBook:
    """The texts messages are rendered from: each template's approved version where there is
    one, else the built-in text (version 0)."""

    approved: Mapping[TemplateKey, tuple[int, TemplateText]] = field(default_factory=dict)

    def text(
        self, message_type: str, channel: Channel, language: Language
    ) -> tuple[int, TemplateText]:
        """The version number and text of the template messages are sent with now."""
        key = TemplateKey(message_type, channel, language)
        return self.approved.get(key) or (0, built_in(key))


BUILT_IN_BOOK = TemplateBook()
"""The built-in texts only (no version approved)."""


def book_of(histories: list[TemplateHistory]) -> TemplateBook:
    approved = {}
    for history in histories:
        current = history.current
        if current is not None:
            approved[history.key] = (current.number, current.text)
    return TemplateBook(approved)
