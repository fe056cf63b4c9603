"""Broadcasts' use cases: compose one, send it in batches when its time comes, cancel it.

Sending is driven by the broadcast's durable deadline (``send``, due at its time): the deadline
poller fires it, in the background, beside the Kafka consumers. The firing prepares the
broadcast if nobody has (a claim with a lease, so that one replica prepares it), then claims
batch after batch with a conditional write (a batch claimed by a replica that died is claimed
again when its lease runs out), sends each as one call to the SMS gateway's bulk API and its
e-mails side by side, and stores the batch's results in one write. The deadline is dropped when
every batch is settled; until then it fires again, so a crash resumes where the batches stand,
and a batch sent again reaches nobody twice (message ids derived from the broadcast, channel and
recipient: the gateways' idempotency key). Counts are added to the broadcast once per batch
(the batch's number is recorded in the same write), so progress is exact after a crash too.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import structlog
from hotline_libs.aggregate import Clock
from hotline_libs.errors import Conflict, NotFound, Unavailable

from notification.domain.broadcasts import (
    Batch,
    Broadcast,
    BroadcastAudience,
    BroadcastMessage,
    BroadcastStatus,
    BulkResult,
    CancelBroadcast,
    ComposeBroadcast,
    OneSms,
    Outcome,
    SendBroadcast,
    batches_of,
    check,
    message_for,
)
from notification.domain.households import Household, Member, Reader, audience
from notification.domain.messages import Channel, MessageRefused
from notification.domain.preferences import ContactPreference, preference_id
from notification.domain.sites import SiteNotices
from notification.service_layer.rules import COMPANY_RULES, NoticeRules
from notification.service_layer.unit_of_work import Mail

log = structlog.get_logger(__name__)

BATCHES_AT_ONCE = 4
"""Batches one replica sends side by side."""

MAILS_AT_ONCE = 20


class BulkSms(Protocol):
    async def send_many(self, messages: Sequence[OneSms]) -> list[BulkResult]:
        """Each message's result in order; ``Unavailable`` when the gateway is away."""
        ...


class Broadcasts(Protocol):
    async def add(self, broadcast: Broadcast) -> bool:
        """Store a new broadcast with its deadline; False when one with its id exists."""
        ...

    async def get(self, broadcast_id: uuid.UUID) -> Broadcast | None: ...
    async def claim_preparation(self, broadcast_id: uuid.UUID, now: datetime) -> bool: ...
    async def defer(self, broadcast_id: uuid.UUID, until: datetime) -> bool:
        """Move a scheduled broadcast's time to send to ``until``; False once it has begun."""
        ...

    async def add_batches(self, batches: Sequence[Batch]) -> None: ...
    async def started_sending(
        self, broadcast_id: uuid.UUID, batches: int, queued: int, suppressed: int, unreachable: int
    ) -> bool: ...
    async def claim_batch(
        self, broadcast_id: uuid.UUID, number: int, now: datetime
    ) -> Batch | None:
        """Take the batch if it is queued or its holder's lease ran out; None otherwise."""
        ...

    async def batch_sent(self, batch: Batch) -> bool: ...
    async def count_batch(self, batch: Batch) -> None:
        """Add one settled batch's counts to its broadcast, once."""
        ...

    async def tally(self, broadcast_id: uuid.UUID) -> int:
        """Count the settled batches not counted yet; how many are not settled."""
        ...

    async def finish(self, broadcast_id: uuid.UUID, now: datetime) -> bool: ...
    async def cancel(self, broadcast_id: uuid.UUID, by: str, now: datetime) -> bool: ...
    async def batches(self, broadcast_id: uuid.UUID) -> list[Batch]: ...


class Directory(Protocol):
    async def units_at(self, site_id: str) -> list[Household]:
        """The site's units in no particular order."""
        ...

    async def members_at(self, site_id: str) -> dict[uuid.UUID, Member]: ...


class SiteNames(Protocol):
    async def name_of(self, site_id: str) -> str | None: ...
    async def notices_of(self, site_id: str) -> SiteNotices: ...


class Refusals(Protocol):
    async def refusing(self) -> dict[str, ContactPreference]:
        """Every address opted out or blocked, by ``preference_id`` (few: one read)."""
        ...


class BroadcastUnitOfWork(Protocol):
    @property
    def broadcasts(self) -> Broadcasts: ...
    @property
    def preferences(self) -> Refusals: ...
    @property
    def households(self) -> Directory: ...
    @property
    def site_names(self) -> SiteNames: ...
    @property
    def clock(self) -> Clock: ...


@dataclass(frozen=True)
class Screened:
    sent: list[Reader]
    suppressed: list[Reader]


def screen_recipients(
    broadcast: Broadcast,
    readers: Sequence[Reader],
    refusing: Mapping[str, ContactPreference] | None = None,
) -> Screened:
    """THE place each recipient of a broadcast is screened before anything is sent to them:
    those it returns as ``suppressed`` are counted and sent nothing. A blocked address is sent
    nothing; one opted out is not sent a greeting or a questionnaire (routine) but is sent the
    notices, outages, lift maintenance and fire drills every resident must know of
    (``BroadcastKind.urgency``). (The site's quiet hours are not applied to broadcasts yet: a
    broadcast goes at the time its composer set.)"""
    refusing = refusing or {}
    sent: list[Reader] = []
    suppressed: list[Reader] = []
    urgency = broadcast.kind.urgency
    for reader in readers:
        address = reader.member.phone if reader.channel is Channel.SMS else reader.member.email
        preference = refusing.get(preference_id(reader.channel, address or ""))
        refused = preference is not None and (
            preference.blocked or (preference.opted_out and urgency.may_be_opted_out_of)
        )
        (suppressed if refused else sent).append(reader)
    return Screened(sent=sent, suppressed=suppressed)


async def readers_of(
    target: BroadcastAudience, uow: BroadcastUnitOfWork
) -> tuple[list[Reader], int]:
    """The audience's readers, each once on their channel, and how many cannot be sent it
    (no channel agreed, or their record not arrived)."""
    units, members = await asyncio.gather(
        uow.households.units_at(target.site_id), uow.households.members_at(target.site_id)
    )
    households = sorted(
        (h for h in units if target.includes(h)), key=lambda h: (h.building, h.room)
    )
    found = audience(households, members)
    readers = [reader for building in found.by_building.values() for reader in building]
    return readers, len(found.unreachable) + len(found.unknown)


async def compose_broadcast(
    command: ComposeBroadcast, uow: BroadcastUnitOfWork
) -> tuple[Broadcast, bool]:
    """Check the templates (422 naming the field) and store the broadcast with its deadline;
    the same id again (a retried request) gives the one stored, and False."""
    check(command.composition)
    now = uow.clock()
    broadcast = Broadcast(
        broadcast_id=command.broadcast_id,
        kind=command.kind,
        audience=command.audience,
        composition=command.composition,
        send_at=command.send_at or now,
        created_at=now,
        created_by=command.created_by,
    )
    if await uow.broadcasts.add(broadcast):
        return broadcast, True
    stored = await uow.broadcasts.get(command.broadcast_id)
    assert stored is not None
    return stored, False


async def cancel_broadcast(command: CancelBroadcast, uow: BroadcastUnitOfWork) -> Broadcast:
    """Stop what is not sent yet: the batches not claimed are not sent; those being sent finish."""
    broadcast = await uow.broadcasts.get(command.broadcast_id)
    if broadcast is None:
        raise NotFound(f"no broadcast {command.broadcast_id}")
    if broadcast.status is BroadcastStatus.CANCELLED:
        return broadcast
    if not await uow.broadcasts.cancel(command.broadcast_id, command.cancelled_by, uow.clock()):
        raise Conflict(f"the broadcast is {broadcast.status.value}: too late to cancel")
    await uow.broadcasts.tally(command.broadcast_id)
    cancelled = await uow.broadcasts.get(command.broadcast_id)
    assert cancelled is not None
    return cancelled


async def send_broadcast(
    command: SendBroadcast,
    uow: BroadcastUnitOfWork,
    bulk_sms: BulkSms,
    mail: Mail,
    rules: NoticeRules = COMPANY_RULES,
) -> None:
    """Prepare the broadcast if nobody has, then send its batches until none is left to claim;
    finished when every batch is settled. Returns early, leaving the deadline to fire again,
    while another replica prepares it or holds a batch. A broadcast due in its site's quiet
    hours waits for their end (its deadline moved there): every kind is routine or required."""
    broadcast = await uow.broadcasts.get(command.broadcast_id)
    if broadcast is None or broadcast.status in (BroadcastStatus.DONE, BroadcastStatus.CANCELLED):
        return
    if broadcast.status is BroadcastStatus.SCHEDULED:
        site = await uow.site_names.notices_of(broadcast.audience.site_id)
        quiet = site.quiet(rules.quiet_hours)
        morning = quiet.ends_at(uow.clock(), site.zone) if quiet else None
        if morning is not None:
            await uow.broadcasts.defer(broadcast.broadcast_id, morning)
            log.info(
                "broadcast waits for the end of the site's quiet hours",
                broadcast_id=str(broadcast.broadcast_id),
                until=morning.isoformat(),
            )
            return
    if broadcast.status in (BroadcastStatus.SCHEDULED, BroadcastStatus.PREPARING):
        if not await uow.broadcasts.claim_preparation(broadcast.broadcast_id, uow.clock()):
            return
        await _prepare(broadcast, uow)

    sending = await uow.broadcasts.get(broadcast.broadcast_id)
    if sending is None or sending.status is not BroadcastStatus.SENDING:
        return
    numbers = iter(_from_anywhere(sending.batches))

    async def sender() -> None:
        for number in numbers:
            now = await uow.broadcasts.get(sending.broadcast_id)
            if now is None or now.status is BroadcastStatus.CANCELLED:
                return  # a batch whose holder died is not taken up again once cancelled
            batch = await uow.broadcasts.claim_batch(sending.broadcast_id, number, uow.clock())
            if batch is None:  # sent, cancelled, or held by another replica
                continue
            await _send_batch(batch, bulk_sms, mail)
            if await uow.broadcasts.batch_sent(batch) and not batch.counts()[Outcome.QUEUED]:
                await uow.broadcasts.count_batch(batch)

    async with asyncio.TaskGroup() as senders:  # one failing stops the others: retried whole
        for _ in range(BATCHES_AT_ONCE):
            senders.create_task(sender())
    if await uow.broadcasts.tally(sending.broadcast_id) == 0:
        await uow.broadcasts.finish(sending.broadcast_id, uow.clock())


def _from_anywhere(batches: int) -> list[int]:
    """The batches' numbers from a random one on, round: replicas firing the same deadline
    start apart and meet only at the end."""
    start = random.randrange(batches) if batches else 0  # noqa: S311 (spread, not secrecy)
    return [*range(start, batches), *range(start)]


async def _prepare(broadcast: Broadcast, uow: BroadcastUnitOfWork) -> None:
    """Cut the broadcast's readers into batches and store them. Rendering 100,000 messages is
    seconds of work: done in a thread, so that the consumers' heartbeats go on meanwhile."""
    started = time.monotonic()
    readers, unreachable = await readers_of(broadcast.audience, uow)
    screened = screen_recipients(broadcast, readers, await uow.preferences.refusing())
    site = broadcast.audience.site_id
    site_name = await uow.site_names.name_of(site) or site
    batches = await asyncio.to_thread(_batches, broadcast, screened.sent, site_name)
    await uow.broadcasts.add_batches(batches)
    queued = sum(len(batch.messages) for batch in batches)
    started_sending = await uow.broadcasts.started_sending(
        broadcast.broadcast_id, len(batches), queued, len(screened.suppressed), unreachable
    )
    log.info(
        "broadcast prepared" if started_sending else "broadcast cancelled while prepared",
        broadcast_id=str(broadcast.broadcast_id),
        site_id=site,
        messages=queued,
        batches=len(batches),
        suppressed=len(screened.suppressed),
        unreachable=unreachable,
        seconds=round(time.monotonic() - started, 1),
    )


def _batches(broadcast: Broadcast, readers: Sequence[Reader], site_name: str) -> list[Batch]:
    messages = (
        message_for(broadcast.broadcast_id, broadcast.composition, reader, site_name)
        for reader in readers
    )
    return batches_of(broadcast.broadcast_id, messages)


async def _send_batch(batch: Batch, bulk_sms: BulkSms, mail: Mail) -> None:
    """Send the batch's messages not sent yet, and record each one's outcome on it; a gateway
    away leaves its messages queued for the next attempt (``Unavailable`` raised after)."""
    due = [m for m in batch.messages if m.outcome is Outcome.QUEUED]
    sms = [m for m in due if m.channel is Channel.SMS]
    away: list[Exception] = []
    if sms:
        try:
            results = await bulk_sms.send_many(
                [OneSms(m.message_id, m.recipient, m.body) for m in sms]
            )
        except Unavailable as exc:
            away.append(exc)
        else:
            for message, result in zip(sms, results, strict=True):
                _settle(message, result.refused)
    at_once = asyncio.Semaphore(MAILS_AT_ONCE)

    async def one_mail(message: BroadcastMessage) -> None:
        async with at_once:
            try:
                await mail.send(
                    message.message_id, message.recipient, message.subject, message.body
                )
            except MessageRefused as refused:
                _settle(message, str(refused))
            except Unavailable as exc:
                away.append(exc)
            else:
                _settle(message, None)

    await asyncio.gather(*(one_mail(m) for m in due if m.channel is Channel.EMAIL))
    if away:
        log.warning(
            "a gateway is away; the batch's rest is sent again later",
            batch=batch.batch_id,
            reason=str(away[0]),
        )


def _settle(message: BroadcastMessage, refused: str | None) -> None:
    message.outcome = Outcome.SENT if refused is None else Outcome.FAILED
    message.reason = refused


BROADCAST_HANDLERS: dict[type[Any], Any] = {
    ComposeBroadcast: compose_broadcast,
    SendBroadcast: send_broadcast,
    CancelBroadcast: cancel_broadcast,
}
"""Broadcasts' commands and their handlers (merged into ``HANDLERS``)."""
