"""A resident's direct-debit mandate (委托收款协议): the account the site's bank may debit each
month for the unit's fees and paid services (FEE-02, BIL-05).

The mandate names the unit it pays for, the account holder, the account (an IBAN, or a domestic
account or card number) and the bank (a BIC, or its clearing member id: the 12-digit CNAPS code
of a Chinese bank branch), and the day it was signed. A revoked mandate stays on record (a
collection file already sent quoted it) and collects nothing after.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, datetime

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import Conflict, RuleViolation
from stdnum import iban as iban_number

from billing.domain import events

MANDATE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9/.+-]{0,34}")
"""What a bank file carries as the mandate's id (ISO 20022 Max35Text, kept to safe characters)."""
BIC = re.compile(r"[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?")
CNAPS = re.compile(r"[0-9]{12}")
DOMESTIC_ACCOUNT = re.compile(r"[0-9]{8,30}")


class MandateStatus(enum.StrEnum):
    ACTIVE = "active"
    REVOKED = "revoked"


def normal_account(account: str) -> str:
    """An account number as banks print it (IBANs in groups of four, cards with spaces), as a
    bank file carries it: no spaces, capitals."""
    return account.replace(" ", "").upper()


def check_account(account: str, bank: str) -> None:
    """The account and bank as a bank file needs them; ``RuleViolation`` naming what is wrong."""
    if account[:2].isalpha():
        if not iban_number.is_valid(account):
            raise RuleViolation(f"account {account!r} is not a valid IBAN", field="account")
    elif not DOMESTIC_ACCOUNT.fullmatch(account):
        raise RuleViolation(
            "account must be an IBAN or a domestic account or card number of 8 to 30 digits",
            field="account",
        )
    if not (BIC.fullmatch(bank) or CNAPS.fullmatch(bank)):
        raise RuleViolation(
            "bank must be a BIC (8 or 11 characters) or a 12-digit clearing member id (CNAPS)",
            field="bank",
        )


@dataclass
class Mandate(Aggregate):
    mandate_id: str
    site_id: str
    building: str
    room: str
    holder: str
    account: str
    bank: str
    signed_on: date
    recorded_at: datetime
    recorded_by: str
    status: MandateStatus = MandateStatus.ACTIVE
    revoked_on: date | None = None
    revoke_reason: str | None = None

    @classmethod
    def signed(
        cls,
        *,
        mandate_id: str,
        site_id: str,
        building: str,
        room: str,
        holder: str,
        account: str,
        bank: str,
        signed_on: date,
        by: str,
        now: datetime,
    ) -> Mandate:
        if not MANDATE_ID.fullmatch(mandate_id):
            raise RuleViolation(
                "mandate_id must be 1 to 35 letters, digits or / . + - (as the bank file carries "
                "it)",
                field="mandate_id",
            )
        account = normal_account(account)
        check_account(account, bank)
        if signed_on > now.date():
            raise RuleViolation("signed_on lies in the future", field="signed_on")
        mandate = cls(
            mandate_id=mandate_id,
            site_id=site_id,
            building=building,
            room=room,
            holder=holder,
            account=account,
            bank=bank,
            signed_on=signed_on,
            recorded_at=now,
            recorded_by=by,
        )
        mandate.record(events.MandateRecorded(now))
        return mandate

    @property
    def active(self) -> bool:
        return self.status is MandateStatus.ACTIVE

    def revoke(self, on: date, reason: str, now: datetime) -> None:
        """The resident withdrew the mandate, or the bank closed the account; once."""
        if not self.active:
            if (on, reason) == (self.revoked_on, self.revoke_reason):
                return
            raise Conflict(f"mandate {self.mandate_id} was revoked on {self.revoked_on}")
        if not reason.strip():
            raise RuleViolation("say why the mandate ends", field="reason")
        self.status = MandateStatus.REVOKED
        self.revoked_on = on
        self.revoke_reason = reason
        self.record(events.MandateRevoked(now))
