"""A domestic bank's batch collection layout (批量代收), as a small spec file: the file billing
sends and the return file (回盘文件) the bank sends back.

Chinese banks each publish their own layout: record markers, column order, a separator or fixed
widths counted in bytes of the file's encoding (GBK, mostly), amounts in yuan with two decimals
or in fen as an integer, a header and a trailer stating the count and total, and their own
return codes. A spec says all of that in TOML (read with the standard library's ``tomllib``);
``specs/generic_cn.toml`` is the example shipped, and a site adds its bank's spec beside it.
A spec that cannot be used is refused when read, naming the key at fault.
"""

from __future__ import annotations

import codecs
import functools
import re
import tomllib
from importlib.resources import files
from typing import Generic, Literal, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

HeaderSource = Literal[
    "batch_id",
    "created_at",
    "collection_date",
    "creditor_name",
    "creditor_account",
    "creditor_bank",
    "creditor_scheme_id",
    "count",
    "total",
    "currency",
]
DetailSource = Literal[
    "sequence",
    "end_to_end_id",
    "amount",
    "mandate_id",
    "mandate_signed_on",
    "debtor_name",
    "debtor_account",
    "debtor_bank",
    "remittance",
    "currency",
]
TrailerSource = Literal["count", "total"]
ReturnTotalSource = Literal[
    "batch_id",
    "count",
    "total",
    "settled_count",
    "settled_total",
    "rejected_count",
    "rejected_total",
]
"""What a return file's header or trailer may state: the batch it answers and its sums, each
checked against the detail lines."""
ReturnDetailSource = Literal["end_to_end_id", "amount", "status", "reason_code", "reason"]
S = TypeVar("S", bound=str, covariant=True)

PACKAGE = "billing.adapters.bank_files"
SPECS = "specs"
"""The folder beside this module holding the spec files, one ``<name>.toml`` each."""


class SpecError(ValueError):
    """A spec file that cannot be used; the message names the file and the key."""


class UnknownSpec(ValueError):
    """No spec of that name is shipped; the message names those that are."""


class Column(BaseModel, Generic[S]):
    """One column of a record."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1, description="The bank's label (户名): what an error names")
    source: S | None = None
    """The value written or read; a column of the return file without one is skipped."""
    value: str | None = None
    """A constant written instead of a source (a currency code, a reserved blank field)."""
    width: int | None = Field(default=None, ge=1, le=1000)
    """Bytes in the file's encoding: exactly, padded, in a fixed-width layout; at most in a
    separated one (a Chinese character is two bytes in GBK)."""
    align: Literal["left", "right"] = "left"
    pad: str = Field(default=" ", pattern=r"^[ -~]$")
    """What fills a fixed-width column (``"0"`` before a right-aligned amount in fen)."""
    amount: Literal["yuan", "fen"] = "yuan"
    """How an amount is written: yuan with two decimals (``120.50``) or whole fen (``12050``)."""
    date_format: str = "%Y%m%d"

    @model_validator(mode="after")
    def _source_or_value(self) -> Self:
        if self.source is not None and self.value is not None:
            raise ValueError("a column takes a source or a constant value, not both")
        return self


class Record(BaseModel, Generic[S]):
    """A kind of line: its marker, written first, then its columns."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    marker: str = Field(min_length=1, max_length=10, pattern=r"^[ -~]+$")
    """The record type (``H`` header, ``D`` detail, ``T`` trailer): printable ASCII."""
    columns: tuple[Column[S], ...] = Field(min_length=1)

    def has(self, source: str) -> bool:
        return any(column.source == source for column in self.columns)


class CollectionLayout(BaseModel):
    """The file sent to the bank."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    header: Record[HeaderSource]
    detail: Record[DetailSource]
    trailer: Record[TrailerSource]

    @model_validator(mode="after")
    def _written_columns(self) -> Self:
        for kind, record in self.records():
            for n, column in enumerate(record.columns):
                if column.source is None and column.value is None:
                    raise ValueError(
                        f"collection_file.{kind}.columns.{n} ({column.name}): a column of the "
                        "file sent needs a source or a constant value"
                    )
        for needed in ("end_to_end_id", "amount"):
            if not self.detail.has(needed):
                raise ValueError(
                    f"collection_file.detail: no column has source {needed!r}: the bank's "
                    "answer could not be matched to its debit"
                )
        return self

    def records(self) -> tuple[tuple[str, Record[str]], ...]:
        return (("header", self.header), ("detail", self.detail), ("trailer", self.trailer))


class ReturnLayout(BaseModel):
    """The bank's return file: a header, one detail line per debit answered, a trailer."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    settled: tuple[str, ...] = Field(min_length=1)
    """Status codes meaning the debit was collected (成功)."""
    rejected: tuple[str, ...] = Field(min_length=1)
    """Status codes meaning the bank refused it (失败): the line carries the reason code."""
    reasons: dict[str, str] = Field(default_factory=dict)
    """The bank's reason codes as ISO 20022 codes (``"1001" = "AM04"``), which the payer's
    reminder words; a code not listed is kept as the bank's own."""
    header: Record[ReturnTotalSource]
    detail: Record[ReturnDetailSource]
    trailer: Record[ReturnTotalSource]

    @field_validator("reasons")
    @classmethod
    def _iso_codes(cls, reasons: dict[str, str]) -> dict[str, str]:
        for code, iso in reasons.items():
            if not re.fullmatch(r"[A-Z0-9]{4}", iso):
                raise ValueError(f"{code}: {iso!r} is not an ISO 20022 reason code (4 letters)")
        return reasons

    @model_validator(mode="after")
    def _readable(self) -> Self:
        for needed in ("end_to_end_id", "status", "reason_code"):
            if not self.detail.has(needed):
                raise ValueError(f"return_file.detail: no column has source {needed!r}")
        both = set(self.settled) & set(self.rejected)
        if both:
            raise ValueError(f"return_file: status {sorted(both)} both settled and rejected")
        return self

    def records(self) -> tuple[tuple[str, Record[str]], ...]:
        return (("header", self.header), ("detail", self.detail), ("trailer", self.trailer))


class DomesticSpec(BaseModel):
    """A bank's batch collection layout: encoding, lines, the file sent and the file returned."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(pattern=r"^[a-z0-9_]{1,40}$")
    """The spec's name: its file's stem, and ``domestic:<name>`` in the answers it reads."""
    title: str = Field(min_length=1)
    encoding: str
    line_ending: Literal["\r\n", "\n"] = "\r\n"
    separator: str | None = Field(default=None, pattern=r"^[\t -~]{1,3}$")
    """Between columns (``"|"``, a tab, ASCII); none for a fixed-width layout, where each
    column's width says where it ends."""
    trailing_separator: bool = False
    """The separator ends each line too (``H|...|208.51|``), as some banks write it."""
    collection_file: CollectionLayout
    return_file: ReturnLayout

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, encoding: str) -> str:
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            raise ValueError(f"{encoding!r} is not an encoding Python knows") from None
        if "\r\n|0 AZ".encode(name) != b"\r\n|0 AZ":
            raise ValueError(f"{encoding!r} does not write ASCII as ASCII (a UTF-16?)")
        return name

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.separator is None and self.trailing_separator:
            raise ValueError("trailing_separator: a fixed-width layout has no separator")
        for layout, records in (
            ("collection_file", self.collection_file.records()),
            ("return_file", self.return_file.records()),
        ):
            markers = [record.marker for _, record in records]
            for a in markers:
                if any(b != a and b.startswith(a) for b in markers) or markers.count(a) > 1:
                    raise ValueError(f"{layout}: marker {a!r} does not tell its records apart")
            for kind, record in records:
                self._columns_fit(f"{layout}.{kind}", record)
        return self

    def _columns_fit(self, key: str, record: Record[str]) -> None:
        if self.separator is not None and self.separator in record.marker:
            raise ValueError(f"{key}.marker: holds the separator {self.separator!r}")
        for n, column in enumerate(record.columns):
            where = f"{key}.columns.{n} ({column.name})"
            if self.separator is None and column.width is None:
                raise ValueError(f"{where}: a fixed-width layout needs its width")
            if column.value is None:
                continue
            if self.separator is not None and self.separator in column.value:
                raise ValueError(f"{where}.value: holds the separator {self.separator!r}")
            try:
                size = len(column.value.encode(self.encoding))
            except UnicodeEncodeError:
                raise ValueError(f"{where}.value: cannot be written in {self.encoding}") from None
            if column.width is not None and size > column.width:
                raise ValueError(f"{where}.value: {size} bytes, wider than its width")

    @property
    def answer_kind(self) -> str:
        return f"domestic:{self.name}"


def load_spec(text: str, origin: str = "spec") -> DomesticSpec:
    """The spec in ``text``; ``SpecError`` naming ``origin`` and each key at fault."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as broken:
        raise SpecError(f"{origin} is not TOML: {broken}") from None
    try:
        return DomesticSpec.model_validate(data)
    except ValidationError as invalid:
        faults = [
            f"{'.'.join(str(step) for step in error['loc']) or 'spec'}: {error['msg']}"
            for error in invalid.errors()
        ]
        raise SpecError(f"{origin}: {'; '.join(faults)}") from None


def spec_names() -> tuple[str, ...]:
    """The specs shipped beside this module, by name."""
    folder = files(PACKAGE) / SPECS
    return tuple(
        sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))
    )


@functools.cache
def shipped_spec(name: str) -> DomesticSpec:
    """The shipped spec ``name``; ``UnknownSpec`` naming the known ones."""
    known = spec_names()
    if name not in known:
        raise UnknownSpec(
            f"no bank file spec {name!r}: the specs shipped are {', '.join(known) or 'none'}"
        )
    origin = f"{SPECS}/{name}.toml"
    spec = load_spec((files(PACKAGE) / SPECS / f"{name}.toml").read_text("utf-8"), origin)
    if spec.name != name:
        raise SpecError(f"{origin}: name {spec.name!r} is not the file's name {name!r}")
    return spec
