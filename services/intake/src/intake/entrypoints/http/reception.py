"""How a request was received, as the API takes and shows it: the call's record, attachments
by reference (rules in ``intake.domain.reception``)."""

from __future__ import annotations

from datetime import datetime

from hotline_libs.inputs import SHOWS_TEXT
from hotline_libs.paging import IsoDateTime
from pydantic import BaseModel, ConfigDict, Field

from intake.domain.reception import (
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENT_NAME,
    MAX_CALL,
    MAX_REFERENCE,
    MAX_RINGS,
    MAX_WAIT,
    Attachment,
    CallDirection,
    CallRecord,
)

REFERENCE = r"^(?i:https?|s3|oss|cos)://[^/\s]+\S*$"


class CallIn(BaseModel):
    """The telephone's record of the call (from the switch, or typed in by the agent)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    caller_number: str = Field(
        min_length=3,
        max_length=30,
        description="The number the switch showed",
        examples=["029-88886666"],
    )
    direction: CallDirection = CallDirection.INBOUND
    rings: int = Field(
        ge=0,
        le=MAX_RINGS,
        description="Rings before it was answered (3 or fewer: KPI-09)",
        examples=[2],
    )
    wait_seconds: int = Field(
        default=0, ge=0, le=int(MAX_WAIT.total_seconds()), description="Time queued"
    )
    started_at: IsoDateTime = Field(description="When it was answered (outbound: dialled)")
    duration_seconds: int = Field(ge=0, le=int(MAX_CALL.total_seconds()), examples=[185])
    agent: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        pattern=SHOWS_TEXT,
        description="Who answered; the registering agent if absent",
    )


class CallOut(BaseModel):
    caller_number: str
    direction: CallDirection
    rings: int
    answered_within_rings: bool = Field(description="Answered within 3 rings (KPI-09)")
    wait_seconds: int
    started_at: datetime
    duration_seconds: int
    agent: str


class AttachmentIn(BaseModel):
    """A file kept elsewhere: its address, name, type and size."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    reference: str = Field(
        min_length=1,
        max_length=MAX_REFERENCE,
        pattern=REFERENCE,
        examples=["https://files.example.com/dmg/2026/11/leak.jpg"],
    )
    name: str = Field(
        min_length=1, max_length=MAX_ATTACHMENT_NAME, pattern=SHOWS_TEXT, examples=["leak.jpg"]
    )
    media_type: str = Field(
        max_length=100, pattern=r"^[A-Za-z0-9][\w.+-]*/[\w.+-]+$", examples=["image/jpeg"]
    )
    size_bytes: int = Field(ge=1, le=MAX_ATTACHMENT_BYTES, examples=[482133])


class AttachmentOut(BaseModel):
    reference: str
    name: str
    media_type: str
    size_bytes: int


def call_record(call: CallIn | None, registering: str) -> CallRecord | None:
    if call is None:
        return None
    return CallRecord(
        caller_number=call.caller_number,
        direction=call.direction,
        rings=call.rings,
        wait_seconds=call.wait_seconds,
        started_at=call.started_at,
        duration_seconds=call.duration_seconds,
        agent=call.agent or registering,
    )


def call_out(call: CallRecord | None) -> CallOut | None:
    if call is None:
        return None
    return CallOut(
        caller_number=call.caller_number,
        direction=call.direction,
        rings=call.rings,
        answered_within_rings=call.answered_within_rings,
        wait_seconds=call.wait_seconds,
        started_at=call.started_at,
        duration_seconds=call.duration_seconds,
        agent=call.agent,
    )


def attachments(given: list[AttachmentIn]) -> tuple[Attachment, ...]:
    return tuple(Attachment(a.reference, a.name, a.media_type, a.size_bytes) for a in given)


def attachments_out(kept: tuple[Attachment, ...]) -> list[AttachmentOut]:
    return [
        AttachmentOut(
            reference=a.reference, name=a.name, media_type=a.media_type, size_bytes=a.size_bytes
        )
        for a in kept
    ]
