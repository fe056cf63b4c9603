"""Money: ``Decimal`` yuan in code, integer fen in storage (no Decimal128 in FerretDB, no floats anywhere)."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from pydantic import BeforeValidator, WithJsonSchema

CENT = Decimal("0.01")


def round_yuan(amount: Decimal) -> Decimal:
    """Round to the fen, half up, as a receipt does."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def to_fen(amount: Decimal) -> int:
    """Yuan to integer fen, for storage; refuses amounts finer than a fen."""
    if amount != round_yuan(amount):
        raise ValueError(f"{amount} has more than two decimal places")
    return int(amount * 100)


def from_fen(fen: int) -> Decimal:
    """Stored integer fen back to yuan."""
    return (Decimal(fen) / 100).quantize(CENT)


def positive_amount_pattern(integer_digits: int) -> str:
    """A positive amount in yuan as an API takes it: at most ``integer_digits`` digits before the
    point and two after."""
    return rf"^([1-9][0-9]{{0,{integer_digits - 1}}}(\.[0-9]{{1,2}})?|0\.(0[1-9]|[1-9][0-9]?))$"


POSITIVE_AMOUNT = positive_amount_pattern(12)


def positive_amount_check(integer_digits: int = 12) -> Callable[[object], object]:
    """The check of a positive amount a person enters over HTTP with at most ``integer_digits``
    digits of yuan: what ``positive_amount_pattern`` says, nothing else. Fewer digits where
    amounts are added up, so that a total still fits the contracts' 12 digits."""
    pattern = positive_amount_pattern(integer_digits)

    def check(value: object) -> object:
        if isinstance(value, Decimal):  # from Python, not from a request
            return value
        if not isinstance(value, str) or re.fullmatch(pattern, value) is None:
            raise ValueError(
                f"give an amount in yuan above zero, at most {integer_digits} digits before the "
                "point and two after, as a decimal string such as '80.00' (never a JSON number: "
                "it would be a float)"
            )
        return Decimal(value)

    return check


PositiveAmount = Annotated[
    Decimal,
    BeforeValidator(positive_amount_check()),
    WithJsonSchema({"type": "string", "pattern": POSITIVE_AMOUNT, "examples": ["80.00"]}),
]
"""A price or amount a person enters over HTTP: what the pattern says, nothing else."""


AMOUNT = r"^(0|[1-9][0-9]{0,11})(\.[0-9]{1,2})?$"
"""An amount in yuan that may be zero (compensation none owed), as an API takes it."""


def _amount(value: object) -> object:
    if isinstance(value, Decimal):
        return value
    if not isinstance(value, str) or re.fullmatch(AMOUNT, value) is None:
        raise ValueError(
            "give an amount in yuan, zero or more, as a decimal string with at most two places, "
            "such as '120.00' (never a JSON number: it would be a float)"
        )
    return Decimal(value)


Amount = Annotated[
    Decimal,
    BeforeValidator(_amount),
    WithJsonSchema({"type": "string", "pattern": AMOUNT, "examples": ["120.00"]}),
]
"""An amount a person enters over HTTP that may be zero: what the pattern says, nothing else."""
