"""Residents' personal data stays out of the logs (REC-01: confidential, never to third parties;
log files travel to support tools and people who have no business reading them).

Two layers, both in every service's logging (``hotline_libs.logging``):

- ``mask_event``: values under keys that name personal data (``name``, ``phone``, ``email``,
  ``recipient``, ``resident`` …) are masked wherever they sit in the event, nested dicts, lists
  and models included;
- ``scrub``: the rendered line, exceptions and library messages included, has phone numbers,
  e-mail addresses and bank accounts (IBAN) masked wherever they appear.

Masks keep what support needs to tell records apart and nothing more: ``138****8000``,
``w***@example.com``, ``王*``, ``CN12 **** 5678``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, MutableMapping
from typing import Any

from pydantic import BaseModel

PERSONAL_KEYS = frozenset(
    {
        "name",
        "resident_name",
        "technician_name",
        "holder",
        "phone",
        "resident_phone",
        "mobile",
        "email",
        "resident_email",
        "recipient",
        "to",
        "address",
        "building",
        "room",
        "iban",
        "account",
        "account_number",
        "bank_account",
        "opinion",
        "description",
    }
)
"""Keys whose values are personal wherever they appear (the contracts' ``x-personal`` fields
and the HTTP bodies' equivalents)."""
PERSONAL_CONTAINERS = frozenset({"resident", "contact", "technician", "mandate", "debtor"})
"""Keys whose whole value is about one person: every text inside is masked."""

_NOT_DIGIT_OR_LETTER_BEFORE = r"(?<![0-9A-Za-z])"
_NOT_DIGIT_OR_LETTER_AFTER = r"(?![0-9A-Za-z])"
PHONE = re.compile(
    _NOT_DIGIT_OR_LETTER_BEFORE
    + r"(\+?86[ -]?)?1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}"
    + _NOT_DIGIT_OR_LETTER_AFTER
    + r"|"
    + _NOT_DIGIT_OR_LETTER_BEFORE
    + r"\+[1-9][0-9]{7,14}"
    + _NOT_DIGIT_OR_LETTER_AFTER
)
"""Mainland mobiles (13800138000, +86 138 0013 8000) and any E.164 number."""
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
IBAN = re.compile(r"\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")


def mask_phone(found: str) -> str:
    digits = re.sub(r"\D", "", found)
    if len(digits) == 13 and digits.startswith("86"):  # a mainland mobile with its country code
        digits = digits[2:]
    return f"{digits[:3]}****{digits[-4:]}"


def mask_email(found: str) -> str:
    local, _, domain = found.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_iban(found: str) -> str:
    compact = found.replace(" ", "")
    return f"{compact[:4]} **** {compact[-4:]}"


def mask_text(text: str) -> str:
    """A personal value: a name keeps its first character (``王*``), an address or account
    nothing but its length; phone numbers and e-mail addresses inside keep their ends."""
    scrubbed = scrub(text)
    if scrubbed != text:
        return scrubbed
    if len(text) <= 1:
        return "*"
    return text[0] + "*" * min(len(text) - 1, 8)


def scrub(text: str) -> str:
    """``text`` with every phone number, e-mail address and IBAN in it masked."""
    text = EMAIL.sub(lambda m: mask_email(m.group(0)), text)
    text = IBAN.sub(lambda m: mask_iban(m.group(0)), text)
    return PHONE.sub(lambda m: mask_phone(m.group(0)), text)


def _is_personal(key: object) -> bool:
    """A key whose whole value is personal: a personal field, or a person."""
    return isinstance(key, str) and (
        key.lower() in PERSONAL_KEYS or key.lower() in PERSONAL_CONTAINERS
    )


def mask_value(value: Any, *, personal: bool = False) -> Any:
    """``value`` with what is personal masked: all of it when ``personal``, else the values under
    personal keys and the phone numbers, e-mails and IBANs in any text."""
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    if isinstance(value, Mapping):
        return {
            key: mask_value(
                inner,
                personal=personal or _is_personal(key),
            )
            for key, inner in value.items()
        }
    if isinstance(value, (list, tuple, set, frozenset)):
        return [mask_value(inner, personal=personal) for inner in value]
    if isinstance(value, str):
        return mask_text(value) if personal else scrub(value)
    return value


_UNTOUCHED = frozenset({"timestamp", "level", "logger", "exc_info", "stack_info", "exception"})
"""structlog's own keys (an exception is scrubbed once rendered, by ``scrub_line``)."""


def mask_event(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> Mapping[str, Any]:
    """structlog processor: mask the personal values of one log event."""
    for key, value in list(event_dict.items()):
        if key in _UNTOUCHED or key.startswith("_"):
            continue
        event_dict[key] = mask_value(value, personal=_is_personal(key))
    return event_dict


def scrub_line(_: Any, __: str, line: Any) -> Any:
    """structlog processor placed after the renderer: scrub the whole rendered line, exceptions
    and library messages included."""
    return scrub(line) if isinstance(line, str) else line
