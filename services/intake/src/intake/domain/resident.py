"""Residents (业户): owners and tenants of a site's units, as the directory knows them.

A resident is found by any of their phones, kept in E.164 (a caller's number as the exchange
shows it finds them however it was typed in). What they prefer and what they agreed to is
kept with them, for notification to respect: the channel and language they prefer, and
whether they consented to messages by SMS and e-mail (CH-13, CH-14).
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import RuleViolation

from intake.domain import events
from intake.domain.service_request import normalise_email, normalise_phone

MAX_NAME = 100
MAX_PHONES = 5


class PreferredChannel(enum.StrEnum):
    SMS = "sms"
    EMAIL = "email"
    PHONE = "phone"
    WECHAT = "wechat"


class Language(enum.StrEnum):
    CHINESE = "zh-CN"
    ENGLISH = "en"


class InvalidResident(RuleViolation):
    """A resident's record breaks a rule; the message names the field."""


@dataclass(frozen=True)
class ResidentDetails:
    name: str
    phones: tuple[str, ...]
    email: str | None
    preferred_channel: PreferredChannel = PreferredChannel.SMS
    language: Language = Language.CHINESE
    consents_to_sms: bool = True
    consents_to_email: bool = False


@dataclass
class Resident(Aggregate):
    resident_id: uuid.UUID
    site_id: str
    details: ResidentDetails
    updated_at: datetime

    def update(self, details: ResidentDetails, now: datetime) -> bool:
        """Keep the new details; False when nothing changed."""
        cleaned = clean_details(details)
        if cleaned == self.details:
            return False
        self.details, self.updated_at = cleaned, now
        self.record(events.ResidentRecorded(recorded_at=now))
        return True


def clean_details(details: ResidentDetails) -> ResidentDetails:
    """The details as kept: the name trimmed, phones in E.164 once each, the e-mail checked."""
    name = details.name.strip()
    if not 1 <= len(name) <= MAX_NAME:
        raise InvalidResident(f"name must be 1 to {MAX_NAME} characters", field="name")
    if not 1 <= len(details.phones) <= MAX_PHONES:
        raise InvalidResident(f"phones must list 1 to {MAX_PHONES} numbers", field="phones")
    phones: list[str] = []
    for n, raw in enumerate(details.phones):
        try:
            phone = normalise_phone(raw)
        except RuleViolation as refused:
            raise InvalidResident(
                refused.message.replace("resident.phone", f"phones[{n}]"), field=f"phones[{n}]"
            ) from None
        if phone not in phones:
            phones.append(phone)
    try:
        email = normalise_email(details.email)
    except RuleViolation as refused:
        raise InvalidResident(refused.message.replace("resident.", ""), field="email") from None
    if details.preferred_channel is PreferredChannel.EMAIL and email is None:
        raise InvalidResident("preferred_channel email needs an e-mail address", field="email")
    return ResidentDetails(
        name=name,
        phones=tuple(phones),
        email=email,
        preferred_channel=details.preferred_channel,
        language=details.language,
        consents_to_sms=details.consents_to_sms,
        consents_to_email=details.consents_to_email,
    )


def record_resident(
    resident_id: uuid.UUID, site_id: str, details: ResidentDetails, now: datetime
) -> Resident:
    resident = Resident(resident_id, site_id, clean_details(details), now)
    resident.record(events.ResidentRecorded(recorded_at=now))
    return resident
