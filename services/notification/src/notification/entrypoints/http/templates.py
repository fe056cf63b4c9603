"""What each message type says: its templates' versions, written by staff and approved by
another member before residents are sent them (four eyes), and a preview of any text."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, get_args

from fastapi import APIRouter, Depends, Path, status
from hotline_libs.auth import CurrentPrincipal
from hotline_libs.errors import RuleViolation
from hotline_libs.inputs import SHOWS_TEXT
from hotline_libs.service import Bus
from hotline_libs.service import reader as reader_of
from pydantic import BaseModel, ConfigDict, Field

from notification.adapters.mongo.unit_of_work import MongoNotificationUnitOfWork
from notification.domain.commands import (
    ApproveTemplateVersion,
    RejectTemplateVersion,
    WriteTemplateVersion,
)
from notification.domain.messages import SIGNATURE
from notification.domain.template_texts import EXAMPLES
from notification.domain.template_versions import (
    MAX_BODY,
    MAX_REASON,
    MAX_SUBJECT,
    TemplateHistory,
    TemplateKey,
    TemplateVersion,
    VersionState,
    built_in,
    key_of,
    preview,
)
from notification.domain.templates import Channel, Language, SmsEncoding, TemplateText

router = APIRouter(tags=["templates"])

Reader = Annotated[MongoNotificationUnitOfWork, Depends(reader_of(MongoNotificationUnitOfWork))]
MessageType = Literal[
    "request_accepted",
    "work_order_dispatched",
    "charge_raised",
    "collection_rejected",
    "fee_reminder",
    "fee_reminder_owner",
    "progress_reported",
    "reply_given",
    "incident_closed",
]
"""The message types to residents (``template_texts.BUILT_IN``; a unit test keeps them equal)."""
MESSAGE_TYPES: tuple[str, ...] = get_args(MessageType)
TypeIn = Annotated[MessageType, Path(description="The message type")]
Number = Annotated[int, Path(ge=1, le=100_000, description="The version's number")]


class VersionOut(BaseModel):
    number: int = Field(description="1, 2, …; 0 is the built-in text")
    state: VersionState
    subject: str
    body: str
    written_by: str | None = Field(description="Who wrote it (None: the built-in text)")
    written_at: datetime | None
    decided_by: str | None = Field(description="Who approved or rejected it")
    decided_at: datetime | None
    reason: str | None = Field(description="Why it was rejected")
    retired_at: datetime | None


class TemplateOut(BaseModel):
    """One template of a message type: a channel in a language, with every version."""

    channel: Channel
    language: Language
    current: int = Field(description="The version residents are sent now (0: the built-in text)")
    versions: list[VersionOut] = Field(description="Version 0 (built in) first, then 1, 2, …")


class MessageTypeOut(BaseModel):
    message_type: str
    templates: list[TemplateOut]


class CurrentOut(BaseModel):
    channel: Channel
    language: Language
    current: int = Field(description="The version residents are sent now (0: the built-in text)")
    drafts: int = Field(description="Drafts waiting for approval")


class MessageTypeSummary(BaseModel):
    message_type: str
    templates: list[CurrentOut]


def version_out(v: TemplateVersion) -> VersionOut:
    return VersionOut(
        number=v.number,
        state=v.state,
        subject=v.text.subject,
        body=v.text.body,
        written_by=v.written_by,
        written_at=v.written_at,
        decided_by=v.decided_by,
        decided_at=v.decided_at,
        reason=v.reason,
        retired_at=v.retired_at,
    )


def template_out(key: TemplateKey, history: TemplateHistory | None) -> TemplateOut:
    versions = history.versions if history else []
    current = history.current if history else None
    text = built_in(key)
    zero = VersionOut(
        number=0,
        state=VersionState.APPROVED if current is None else VersionState.RETIRED,
        subject=text.subject,
        body=text.body,
        written_by=None,
        written_at=None,
        decided_by=None,
        decided_at=None,
        reason=None,
        retired_at=None,
    )
    return TemplateOut(
        channel=key.channel,
        language=key.language,
        current=current.number if current else 0,
        versions=[zero, *(version_out(v) for v in versions)],
    )


def keys_of(message_type: str) -> list[TemplateKey]:
    return [key_of(message_type, c, lang) for lang in Language for c in Channel]


@router.get("/templates", summary="The message types, each template's current version")
async def list_message_types(reader: Reader) -> list[MessageTypeSummary]:
    return message_types_out(await reader.templates.all())


def message_types_out(stored: list[TemplateHistory]) -> list[MessageTypeSummary]:
    histories = {str(h.key): h for h in stored}
    out = []
    for message_type in MESSAGE_TYPES:
        templates = []
        for key in keys_of(message_type):
            h = histories.get(str(key))
            current = h.current if h else None
            templates.append(
                CurrentOut(
                    channel=key.channel,
                    language=key.language,
                    current=current.number if current else 0,
                    drafts=sum(v.state is VersionState.DRAFT for v in h.versions) if h else 0,
                )
            )
        out.append(MessageTypeSummary(message_type=message_type, templates=templates))
    return out


@router.get(
    "/templates/{message_type}",
    summary="A message type's templates, per channel and language, with every version",
)
async def get_message_type(message_type: TypeIn, reader: Reader) -> MessageTypeOut:
    histories = [await reader.templates.get(str(key)) for key in keys_of(message_type)]
    return message_type_out(message_type, [h for h in histories if h is not None])


def message_type_out(message_type: str, histories: list[TemplateHistory]) -> MessageTypeOut:
    """The type's templates, each with its versions (``histories``: those that have any)."""
    stored = {h.key: h for h in histories}
    return MessageTypeOut(
        message_type=message_type,
        templates=[template_out(key, stored.get(key)) for key in keys_of(message_type)],
    )


class DraftIn(BaseModel):
    """A new version of the template: its subject and body in Jinja2."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "subject": "您的服务单已受理：{{ request_no }}",
                    "body": "{{ name }}您好，您的服务请求已受理，单号 {{ request_no }}。",
                }
            ]
        },
    )
    subject: str = Field(
        min_length=1,
        max_length=MAX_SUBJECT,
        pattern=SHOWS_TEXT,
        description="Jinja2: the e-mail's subject, the title the message is logged under",
        examples=["您的服务单已受理：{{ request_no }}"],
    )
    body: str = Field(
        min_length=1,
        max_length=max(MAX_BODY.values()),
        pattern=SHOWS_TEXT,
        description="Jinja2, with the names of the type's example data; an SMS's at most "
        f"{MAX_BODY[Channel.SMS]} characters",
        examples=["{{ name }}您好，您的服务请求已受理，单号 {{ request_no }}。"],
    )


class SmsOut(BaseModel):
    characters: int = Field(
        description="Units the handset counts, signature included (GSM-7 septets, an escaped "
        "character 2; UCS-2 code units)"
    )
    encoding: SmsEncoding
    parts: int = Field(description="SMS the handset receives it as")


class PreviewOut(BaseModel):
    subject: str
    body: str = Field(description="The body as rendered (an SMS's without the signature)")
    sms: SmsOut | None = Field(description="For an SMS: its length as the handset counts it")


class WrittenOut(BaseModel):
    version: VersionOut
    preview: PreviewOut = Field(description="The draft rendered with the type's example data")


def preview_out(key: TemplateKey, text: TemplateText, data: dict[str, Any] | None) -> PreviewOut:
    rendered = preview(key, text, SIGNATURE, data)
    sms = rendered.sms
    return PreviewOut(
        subject=rendered.text.subject,
        body=rendered.text.body,
        sms=None
        if sms is None
        else SmsOut(characters=sms.units, encoding=sms.encoding, parts=sms.parts),
    )


ChannelIn = Annotated[Channel, Path(description="sms or email")]
LanguageIn = Annotated[Language, Path(description="zh-CN or en")]


@router.post(
    "/templates/{message_type}/{channel}/{language}/versions",
    summary="Write a new draft of a template (checked with the type's example data)",
    status_code=status.HTTP_201_CREATED,
    responses={422: {"description": "The draft names data the type has not, or is not Jinja2"}},
)
async def write_template_version(
    message_type: TypeIn,
    channel: ChannelIn,
    language: LanguageIn,
    body: DraftIn,
    principal: CurrentPrincipal,
    bus: Bus,
) -> WrittenOut:
    key = key_of(message_type, channel, language)
    text = TemplateText(body.subject, body.body)
    _, draft = await bus.handle(WriteTemplateVersion(key, text, principal.subject))
    return WrittenOut(version=version_out(draft), preview=preview_out(key, text, None))


@router.post(
    "/templates/{message_type}/{channel}/{language}/versions/{number}/approve",
    summary="Approve a draft: residents are sent it from now on (not by its author)",
    responses={
        409: {"description": "The version is not a draft"},
        422: {"description": "You wrote it: another member approves it (four eyes)"},
    },
)
async def approve_template_version(
    message_type: TypeIn,
    channel: ChannelIn,
    language: LanguageIn,
    number: Number,
    principal: CurrentPrincipal,
    bus: Bus,
) -> VersionOut:
    key = key_of(message_type, channel, language)
    _, version = await bus.handle(ApproveTemplateVersion(key, number, principal.subject))
    return version_out(version)


class RejectionIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"reason": "预约时间的格式与短信平台要求不符"}]},
    )
    reason: str = Field(
        min_length=1,
        max_length=MAX_REASON,
        pattern=SHOWS_TEXT,
        examples=["预约时间的格式与短信平台要求不符"],
    )


@router.post(
    "/templates/{message_type}/{channel}/{language}/versions/{number}/reject",
    summary="Reject a draft with the reason; it is never sent",
    responses={409: {"description": "The version is not a draft"}},
)
async def reject_template_version(
    message_type: TypeIn,
    channel: ChannelIn,
    language: LanguageIn,
    number: Number,
    body: RejectionIn,
    principal: CurrentPrincipal,
    bus: Bus,
) -> VersionOut:
    key = key_of(message_type, channel, language)
    _, version = await bus.handle(
        RejectTemplateVersion(key, number, principal.subject, body.reason)
    )
    return version_out(version)


class PreviewIn(BaseModel):
    """A text to render, or a stored version's; with the type's example data or data given
    (over the example's: only the names given change)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "subject": "受理：{{ request_no }}",
                    "body": "{{ name }}您好，单号 {{ request_no }}",
                },
                {"version": 0, "data": {"name": "李女士"}},
            ]
        },
    )
    subject: str | None = Field(
        default=None, max_length=MAX_SUBJECT, description="With body: the text to render"
    )
    body: str | None = Field(default=None, max_length=max(MAX_BODY.values()))
    version: int | None = Field(
        default=None, ge=0, le=100_000, description="Else a stored version (0: built in)"
    )
    data: dict[str, Any] | None = Field(
        default=None, description="The data to render with; the type's example by default"
    )


@router.post(
    "/templates/{message_type}/{channel}/{language}/preview",
    summary="Render a text, or a stored version, as residents would receive it",
    responses={
        404: {"description": "No such version"},
        422: {"description": "The text names data not given, or is not Jinja2"},
    },
)
async def preview_template(
    message_type: TypeIn,
    channel: ChannelIn,
    language: LanguageIn,
    body: PreviewIn,
    reader: Reader,
) -> PreviewOut:
    key = key_of(message_type, channel, language)
    if body.subject is not None or body.body is not None:
        if body.subject is None or body.body is None or body.version is not None:
            raise RuleViolation("give a subject and a body, or a version", field="body")
        text = TemplateText(body.subject, body.body)
    elif body.version is None or body.version == 0:
        text = built_in(key)
    else:
        history = await reader.templates.get(str(key))
        if history is None:
            history = TemplateHistory(key)
        text = history.numbered(body.version).text
    data = None if body.data is None else {**EXAMPLES[message_type], **body.data}
    return preview_out(key, text, data)
