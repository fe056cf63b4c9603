"""The site's households as intake last recorded them (``UnitRecorded``, ``ResidentRecorded``):
whom a notice to a whole site goes to, and on which channel each agreed to be sent it.

A unit's household is told through whoever pays its management fee and its owner, each
resident once however many units they have; the tenants who do not pay are not. Each is sent
a notice on the channel they prefer when they agreed to it and can be reached on it, else on
the other one they agreed to; someone who agreed to neither is not sent it, and is counted.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from notification.domain.messages import Channel


@dataclass(frozen=True)
class Household:
    """A unit (栋房号) and who answers for it."""

    site_id: str
    building: str
    room: str
    owner_id: uuid.UUID | None
    payer_id: uuid.UUID | None
    """Who pays the management fee, when someone other than the owner does."""
    recorded_at: datetime

    @property
    def told(self) -> tuple[uuid.UUID, ...]:
        """Who is sent a notice to the household: the payer and the owner, once each."""
        return tuple(dict.fromkeys(r for r in (self.payer_id, self.owner_id) if r is not None))


@dataclass(frozen=True)
class Member:
    """A resident of the directory and how they agreed to be told things."""

    resident_id: uuid.UUID
    site_id: str
    name: str
    phone: str | None
    email: str | None
    prefers_email: bool
    consents_to_sms: bool
    consents_to_email: bool
    recorded_at: datetime
    language: str = "zh-CN"
    """The language they asked to be written to in (BCP 47)."""

    @property
    def addresses(self) -> tuple[tuple[Channel, str], ...]:
        """Their number and e-mail address, those they have."""
        found = ((Channel.SMS, self.phone), (Channel.EMAIL, self.email))
        return tuple((channel, address) for channel, address in found if address)

    def channel(self) -> Channel | None:
        """The channel a notice goes on: the preferred one if agreed to and reachable, else
        the other one if so; None when neither."""
        can = {
            Channel.SMS: bool(self.phone) and self.consents_to_sms,
            Channel.EMAIL: bool(self.email) and self.consents_to_email,
        }
        order = (Channel.EMAIL, Channel.SMS) if self.prefers_email else (Channel.SMS, Channel.EMAIL)
        return next((channel for channel in order if can[channel]), None)


@dataclass(frozen=True)
class Kept:
    """A directory record kept (or not: a later one was), and the one it replaced."""

    kept: bool
    before: Member | None


@dataclass(frozen=True)
class Reader:
    """One resident a notice goes to, where, and how."""

    member: Member
    building: str
    room: str
    channel: Channel


@dataclass(frozen=True)
class Audience:
    """A site's households' readers by building, and those who cannot be sent it."""

    by_building: dict[str, list[Reader]]
    unreachable: tuple[uuid.UUID, ...]
    """Residents who agreed to no channel they can be reached on."""
    unknown: tuple[uuid.UUID, ...]
    """Residents a unit names whose record has not arrived yet."""

    @property
    def readers(self) -> int:
        return sum(len(readers) for readers in self.by_building.values())


def audience(households: Iterable[Household], members: Mapping[uuid.UUID, Member]) -> Audience:
    """Each household's readers by building, in the order given (building, room), each resident
    once: the first unit they answer for places them."""
    by_building: dict[str, list[Reader]] = {}
    seen: set[uuid.UUID] = set()
    unreachable: list[uuid.UUID] = []
    unknown: list[uuid.UUID] = []
    for household in households:
        for resident_id in household.told:
            if resident_id in seen:
                continue
            seen.add(resident_id)
            member = members.get(resident_id)
            if member is None:
                unknown.append(resident_id)
                continue
            channel = member.channel()
            if channel is None:
                unreachable.append(resident_id)
                continue
            by_building.setdefault(household.building, []).append(
                Reader(member, household.building, household.room, channel)
            )
    return Audience(by_building, tuple(unreachable), tuple(unknown))
