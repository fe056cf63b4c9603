"""A site's lists of residents and units, line by line: what each line must say.

An import is all or nothing: every line is checked before anything is written, and a file with
a bad line is refused whole with every fault listed by line and column, so a person fixes the
file and sends it again. Sending the same file again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from hotline_libs.errors import HotlineError, RuleViolation

from intake.domain.resident import Language, PreferredChannel, ResidentDetails
from intake.domain.unit import address_part, parse_area

RESIDENT_COLUMNS = (
    "site_id",
    "name",
    "phone",
    "other_phones",
    "email",
    "preferred_channel",
    "language",
    "consents_to_sms",
    "consents_to_email",
)
UNIT_COLUMNS = (
    "site_id",
    "building",
    "room",
    "floor_area_m2",
    "owner_phone",
    "tenant_phones",
    "payer_phone",
)
LIST_SEPARATOR = ";"
YES = {"yes", "y", "true", "1", "是", "同意"}
NO = {"no", "n", "false", "0", "否", "不同意", ""}


class InvalidLines(RuleViolation):
    """Lines of an import are wrong; ``errors`` names each line and column."""


@dataclass(frozen=True)
class Line:
    number: int
    """The line (CSV) or row (XLSX) in the file, the header being line 1."""
    values: dict[str, str]


@dataclass(frozen=True)
class UnitLine:
    site_id: str
    building: str
    room: str
    floor_area_m2: Decimal
    owner_phone: str | None
    tenant_phones: tuple[str, ...]
    payer_phone: str | None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.site_id, self.building, self.room)


def where(line: Line, column: str) -> str:
    """The ``field`` of a fault: the line and the column, as a person finds it."""
    return f"line {line.number}.{column}"


def resident_from(line: Line) -> tuple[str, ResidentDetails]:
    v = line.values
    phones = [v["phone"], *_list(v["other_phones"])]
    details = ResidentDetails(
        name=v["name"],
        phones=tuple(p for p in phones if p),
        email=v["email"] or None,
        preferred_channel=_choice(line, "preferred_channel", PreferredChannel, "sms"),
        language=_choice(line, "language", Language, "zh-CN"),
        consents_to_sms=_yes(line, "consents_to_sms", default=True),
        consents_to_email=_yes(line, "consents_to_email", default=False),
    )
    return _site(line), details


def unit_from(line: Line) -> UnitLine:
    v = line.values
    try:
        building = address_part("building", v["building"])
        room = address_part("room", v["room"])
        area = parse_area(v["floor_area_m2"])
    except HotlineError as refused:
        raise InvalidLines(refused.message, field=where(line, refused.field or "")) from None
    return UnitLine(
        site_id=_site(line),
        building=building,
        room=room,
        floor_area_m2=area,
        owner_phone=v["owner_phone"] or None,
        tenant_phones=tuple(_list(v["tenant_phones"])),
        payer_phone=v["payer_phone"] or None,
    )


def _site(line: Line) -> str:
    site_id = line.values["site_id"]
    if not site_id:
        raise InvalidLines("site_id is empty", field=where(line, "site_id"))
    return site_id


def _list(value: str) -> list[str]:
    return [item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()]


E = TypeVar("E", PreferredChannel, Language)


def _choice(line: Line, column: str, kind: type[E], default: str) -> E:
    value = line.values[column] or default
    try:
        return kind(value)
    except ValueError:
        raise InvalidLines(
            f"{column} {value!r} is not one of: {', '.join(m.value for m in kind)}",
            field=where(line, column),
        ) from None


def _yes(line: Line, column: str, *, default: bool) -> bool:
    value = line.values[column].strip().lower()
    if not value:
        return default
    if value in YES:
        return True
    if value in NO:
        return False
    raise InvalidLines(f"{column} {value!r} is not yes or no", field=where(line, column))
