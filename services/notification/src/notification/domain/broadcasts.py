"""Broadcasts (群发通知): one notice to a whole site, a building or a list of units — the company's
and the government's notices and rules (NTF-07), a planned water or power outage (NTF-08),
greetings (NTF-09), a questionnaire (NTF-11), lift maintenance, a fire drill.

A broadcast is composed once (its SMS text and its e-mail's subject and body are templates that
may use ``{{ name }}``, ``{{ building }}``, ``{{ room }}`` and ``{{ site }}``), checked then, and
sent now or at a set time. Its readers are the households' readers as for any notice to a site
(``households.audience``), each on their agreed channel; they are cut into batches of a few
hundred messages, each batch one document, so that 100,000 residents are 200 writes, not
100,000. Each message's id is derived from the broadcast, the channel and the recipient: the
gateways' idempotency key, so a batch sent again after a crash reaches nobody twice.
"""

from __future__ import annotations

import enum
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from hotline_libs.errors import RuleViolation
from hotline_libs.ids import derive_id

from notification.domain.households import Household, Reader
from notification.domain.messages import Channel
from notification.domain.policy import Urgency
from notification.domain.templates import TemplateProblem, TemplateText, render

BATCH_SIZE = 500
"""Messages per batch: one document, one call to the SMS gateway's bulk API."""

LEASE = timedelta(seconds=60)
"""How long a replica holds a batch it claimed before another may take it."""

PREPARATION_LEASE = timedelta(minutes=5)
"""How long a replica holds a broadcast's preparation (reading and rendering 100,000 readers
takes a minute on a busy machine) before another may start it again."""

PLACEHOLDERS = ("name", "building", "room", "site")
"""What a broadcast's templates may use."""


class BroadcastKind(enum.StrEnum):
    NOTICE = "notice"
    """通知、规定: the government's and the company's notices and rules (NTF-07)."""
    OUTAGE = "outage"
    """停水、停电: a planned water or power outage (NTF-08)."""
    GREETING = "greeting"
    """问候祝福: greetings and good wishes (NTF-09)."""
    QUESTIONNAIRE = "questionnaire"
    """问卷调查: the June and December questionnaire (NTF-11)."""
    LIFT_MAINTENANCE = "lift_maintenance"
    """电梯维保."""
    FIRE_DRILL = "fire_drill"
    """消防演习."""

    @property
    def urgency(self) -> Urgency:
        """Greetings and questionnaires are routine (a resident may opt out of them); the
        notices, outages, lift maintenance and fire drills every resident must know of are
        required (``policy.Urgency``). A blocked address is sent neither."""
        if self in (BroadcastKind.GREETING, BroadcastKind.QUESTIONNAIRE):
            return Urgency.ROUTINE
        return Urgency.REQUIRED


class BroadcastStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    """Waiting for its time (or for the worker to start it)."""
    PREPARING = "preparing"
    """Its readers being cut into batches."""
    SENDING = "sending"
    DONE = "done"
    CANCELLED = "cancelled"


class BatchState(enum.StrEnum):
    QUEUED = "queued"
    CLAIMED = "claimed"
    """Being sent by one replica until its lease runs out."""
    DONE = "done"
    CANCELLED = "cancelled"


class Outcome(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"
    SUPPRESSED = "suppressed"


@dataclass(frozen=True)
class Unit:
    building: str
    room: str


@dataclass(frozen=True)
class BroadcastAudience:
    """A whole site, one building of it, or a list of its units."""

    site_id: str
    building: str | None = None
    units: tuple[Unit, ...] = ()

    def __post_init__(self) -> None:
        if self.building is not None and self.units:
            raise RuleViolation(
                "an audience is a building or a list of units, not both", field="audience"
            )

    def includes(self, household: Household) -> bool:
        if household.site_id != self.site_id:
            return False
        if self.units:
            return Unit(household.building, household.room) in set(self.units)
        return self.building is None or household.building == self.building


@dataclass(frozen=True)
class Composition:
    """What a broadcast says: the SMS text, and the e-mail's subject and body (templates)."""

    sms_text: str
    email_subject: str
    email_body: str


_FIELDS = {"subject": "email_subject", "body": "email_body"}


def check(composition: Composition) -> None:
    """Render each template with example data; ``RuleViolation`` naming the field that fails
    (``sms_text``, ``email_subject`` or ``email_body``)."""
    example = {"name": "张三", "building": "1", "room": "101", "site": "示例花园"}
    for name, text in (
        ("sms_text", TemplateText("", composition.sms_text)),
        ("email", TemplateText(composition.email_subject, composition.email_body)),
    ):
        try:
            rendered = render(text, example)
        except TemplateProblem as problem:
            where = name if name == "sms_text" else _FIELDS.get(problem.field or "", name)
            raise RuleViolation(f"{where}: {problem}", field=where) from None
        if name == "sms_text" and not rendered.body.strip():
            raise RuleViolation("sms_text: says nothing", field="sms_text")


@dataclass
class BroadcastMessage:
    message_id: uuid.UUID
    channel: Channel
    recipient: str
    building: str
    room: str
    subject: str
    body: str
    outcome: Outcome = Outcome.QUEUED
    reason: str | None = None


@dataclass
class Batch:
    """Up to ``BATCH_SIZE`` messages of a broadcast: one document, claimed and sent as one."""

    broadcast_id: uuid.UUID
    number: int
    messages: list[BroadcastMessage]
    state: BatchState = BatchState.QUEUED
    attempts: int = 0

    @property
    def batch_id(self) -> str:
        return batch_id(self.broadcast_id, self.number)

    def counts(self) -> Counter[Outcome]:
        return Counter(message.outcome for message in self.messages)


def batch_id(broadcast_id: uuid.UUID, number: int) -> str:
    return f"{broadcast_id}:{number:05d}"


def message_id(broadcast_id: uuid.UUID, channel: Channel, recipient: str) -> uuid.UUID:
    """One message per broadcast, channel and recipient: the gateways' idempotency key."""
    return derive_id("broadcast-message", broadcast_id, channel.value, recipient)


@dataclass
class Broadcast:
    broadcast_id: uuid.UUID
    kind: BroadcastKind
    audience: BroadcastAudience
    composition: Composition
    send_at: datetime
    created_at: datetime
    created_by: str
    status: BroadcastStatus = BroadcastStatus.SCHEDULED
    batches: int = 0
    counts: dict[Outcome, int] = field(default_factory=dict)
    unreachable: int = 0
    """Readers who agreed to no channel they can be reached on, or whose record is missing."""
    finished_at: datetime | None = None
    cancelled_by: str | None = None


def message_for(
    broadcast_id: uuid.UUID, composition: Composition, reader: Reader, site_name: str
) -> BroadcastMessage:
    """The reader's message on their channel, with their name, building and room filled in."""
    member = reader.member
    data = {"name": member.name, "building": reader.building, "room": reader.room}
    data["site"] = site_name
    if reader.channel is Channel.EMAIL:
        assert member.email is not None
        text = render(TemplateText(composition.email_subject, composition.email_body), data)
        recipient, subject, body = member.email, text.subject, text.body
    else:
        assert member.phone is not None
        text = render(TemplateText("", composition.sms_text), data)
        recipient, subject, body = member.phone, "", text.body
    return BroadcastMessage(
        message_id=message_id(broadcast_id, reader.channel, recipient),
        channel=reader.channel,
        recipient=recipient,
        building=reader.building,
        room=reader.room,
        subject=subject,
        body=body,
    )


def batches_of(
    broadcast_id: uuid.UUID, messages: Iterable[BroadcastMessage], size: int = BATCH_SIZE
) -> list[Batch]:
    """The messages cut into batches of ``size``, numbered from 0 in order; a recipient twice
    (two units' payer by the same number) is sent it once."""
    seen: set[uuid.UUID] = set()
    batches: list[Batch] = []
    current: list[BroadcastMessage] = []
    for message in messages:
        if message.message_id in seen:
            continue
        seen.add(message.message_id)
        current.append(message)
        if len(current) == size:
            batches.append(Batch(broadcast_id, len(batches), current))
            current = []
    if current:
        batches.append(Batch(broadcast_id, len(batches), current))
    return batches


@dataclass(frozen=True)
class BuildingReport:
    building: str
    counts: dict[Outcome, int]


@dataclass(frozen=True)
class Failure:
    recipient: str
    building: str
    room: str
    channel: Channel
    reason: str


@dataclass(frozen=True)
class Report:
    """After a broadcast: what each building was sent, and each failure with its reason."""

    buildings: tuple[BuildingReport, ...]
    failures: tuple[Failure, ...]


def report_of(batches: Sequence[Batch]) -> Report:
    per_building: dict[str, Counter[Outcome]] = {}
    failures: list[Failure] = []
    for batch in batches:
        for m in batch.messages:
            per_building.setdefault(m.building, Counter())[m.outcome] += 1
            if m.outcome is Outcome.FAILED:
                failures.append(Failure(m.recipient, m.building, m.room, m.channel, m.reason or ""))
    return Report(
        tuple(
            BuildingReport(building, dict(counts))
            for building, counts in sorted(per_building.items())
        ),
        tuple(failures),
    )


@dataclass(frozen=True)
class ComposeBroadcast:
    """Compose a broadcast and send it at ``send_at`` (now when None)."""

    broadcast_id: uuid.UUID
    kind: BroadcastKind
    audience: BroadcastAudience
    composition: Composition
    send_at: datetime | None
    created_by: str


@dataclass(frozen=True)
class SendBroadcast:
    """A broadcast's time came (its durable deadline): prepare it if need be and send what is
    left of it."""

    broadcast_id: uuid.UUID


@dataclass(frozen=True)
class CancelBroadcast:
    broadcast_id: uuid.UUID
    cancelled_by: str


@dataclass(frozen=True)
class OneSms:
    """One SMS of a batch handed to the gateway's bulk API."""

    message_id: uuid.UUID
    to: str
    text: str


@dataclass(frozen=True)
class BulkResult:
    message_id: uuid.UUID
    refused: str | None
    """The gateway's reason when it would not take the message."""
