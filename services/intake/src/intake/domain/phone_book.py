"""The phone book agents transfer calls with (KB-12: the common numbers staff know by heart):
a site's desks, departments and outside services (the gas company, the water works, the
police), or the company's, each with its number and what it is for."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import RuleViolation

from intake.domain.complaint import Department
from intake.domain.service_request import InvalidRegistration, normalise_phone

EXTENSION = re.compile(r"^\d{3,8}$")
"""An internal extension, or a short service number (110, 119, 96777)."""
MAX_TEXT = 60
MAX_PURPOSE = 200


@dataclass(frozen=True)
class PhoneBookDetails:
    name: str
    number: str
    purpose: str
    """What to transfer there: 燃气泄漏抢修, 夜间维修值班 …"""
    department: Department | None = None

    def checked(self) -> PhoneBookDetails:
        name = self.name.strip()
        if not 1 <= len(name) <= MAX_TEXT:
            raise RuleViolation(f"name must be 1 to {MAX_TEXT} characters", field="name")
        purpose = self.purpose.strip()
        if not 1 <= len(purpose) <= MAX_PURPOSE:
            raise RuleViolation(f"purpose must be 1 to {MAX_PURPOSE} characters", field="purpose")
        return replace(self, name=name, purpose=purpose, number=phone_book_number(self.number))


def phone_book_number(raw: str) -> str:
    """An extension or short number as typed, any other number in E.164."""
    digits = raw.strip().replace(" ", "").replace("-", "")
    if EXTENSION.match(digits):
        return digits
    try:
        return normalise_phone(raw)
    except InvalidRegistration:
        raise RuleViolation(
            f"number {raw!r} is neither a phone number nor a 3 to 8 digit extension",
            field="number",
        ) from None


@dataclass
class PhoneBookEntry(Aggregate):
    entry_id: uuid.UUID
    site_id: str
    """The site whose number it is; ``*`` for the company's and the city's."""
    details: PhoneBookDetails
    updated_at: datetime
    removed_at: datetime | None = None
    """When it was taken out of the book (a number no longer in use); kept for the record."""

    def update(self, details: PhoneBookDetails, now: datetime) -> bool:
        details = details.checked()
        if details == self.details and self.removed_at is None:
            return False
        self.details, self.updated_at, self.removed_at = details, now, None
        return True

    def remove(self, now: datetime) -> bool:
        if self.removed_at is not None:
            return False
        self.removed_at = now
        return True

    def matches(self, words: str) -> bool:
        """Whether every word is in its name, purpose, number or department."""
        d = self.details
        text = " ".join((d.name, d.purpose, d.number, d.department or "")).lower()
        return all(word in text for word in words.lower().split())
