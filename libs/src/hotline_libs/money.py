"""Money: ``Decimal`` yuan in code, integer fen in storage (no Decimal128 in FerretDB, no floats anywhere)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

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
