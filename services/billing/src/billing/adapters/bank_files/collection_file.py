"""What a collection file says whatever its format (ISO 20022 pain.008 or a domestic bank's
batch collection file): the batch's header, its debits, and the rules every writer keeps.

An amount is above zero and in fen at most; the header states the number of debits and their
control sum before the first debit, so each writer tallies what it wrote and checks at the end
that the debits add up to the header (the batch changed while it was written, otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


class BankFileError(ValueError):
    """The batch cannot be written as a valid file; the message names the debit and the field."""


@dataclass(frozen=True)
class Account:
    """An account at a bank: an IBAN, or a domestic account number, and the bank by its BIC or
    its clearing member id (a CNAPS code for a Chinese bank)."""

    number: str
    bank: str

    def check(self, where: str) -> None:
        if not 1 <= len(self.number) <= 34:
            raise BankFileError(f"{where}: the account number must be 1 to 34 characters")
        if not 1 <= len(self.bank) <= 35:
            raise BankFileError(f"{where}: the bank identifier must be 1 to 35 characters")


@dataclass(frozen=True)
class Creditor:
    """The site's company collecting: its name, its account and its creditor scheme id."""

    name: str
    account: Account
    scheme_id: str | None = None


@dataclass(frozen=True)
class Debit:
    """One debit of the batch: a charge or a fee owed, on the payer's mandate."""

    end_to_end_id: str
    amount: Decimal
    mandate_id: str
    mandate_signed_on: date
    debtor_name: str
    debtor_account: Account
    remittance: str


@dataclass(frozen=True)
class CollectionFile:
    """The batch's header: who collects, when, and what the debits add up to."""

    message_id: str
    created_at: datetime
    collection_date: date
    creditor: Creditor
    number_of_debits: int
    control_sum: Decimal
    currency: str = "CNY"
    sequence: str = "RCUR"
    """Recurring monthly collection on a standing mandate."""


def checked_amount(amount: Decimal, where: str) -> Decimal:
    """``amount`` when a bank can debit it: above zero, in fen at most."""
    if amount <= 0 or amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise BankFileError(f"{where}: the amount must be above zero, in fen at most")
    return amount


class Tally:
    """The debits a writer has written, checked at the end against the file's header."""

    def __init__(self, file: CollectionFile) -> None:
        self.file = file
        self.count, self.total = 0, Decimal(0)

    def add(self, debit: Debit) -> int:
        """Count the debit in; its number in the file, from 1."""
        self.count += 1
        self.total += debit.amount
        return self.count

    def check(self) -> None:
        file = self.file
        if self.count != file.number_of_debits or self.total != file.control_sum:
            raise BankFileError(
                f"the debits written ({self.count}, {self.total:.2f}) differ from the batch's "
                f"header ({file.number_of_debits}, {file.control_sum:.2f}): the batch changed "
                "while it was written"
            )
