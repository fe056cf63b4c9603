"""Billing events, major version 1."""

from __future__ import annotations

import uuid
from typing import ClassVar, Literal

from pydantic import Field

from contracts import topics
from contracts.envelope import ContractModel, Event, Money, PaymentMethod, Resident, UtcDateTime


class ChargeLine(ContractModel):
    """One priced line of a charge, from the site's price list (特约服务项目价格表)."""

    item_code: str
    item_name: str
    unit: str = Field(examples=["次", "㎡"])
    unit_price: Money
    quantity: int = Field(ge=1)
    amount: Money


class ChargeRaisedPayload(ContractModel):
    """A fee is owed for a completed paid service (收费)."""

    charge_id: uuid.UUID
    charge_no: str = Field(examples=["CH-HY-20261123-1A2B3C"])
    work_order_id: uuid.UUID
    request_id: uuid.UUID
    request_no: str
    resident: Resident
    lines: list[ChargeLine] = Field(min_length=1)
    total: Money
    currency: Literal["CNY"] = "CNY"
    payment_method: PaymentMethod
    raised_at: UtcDateTime


class ChargeRaised(Event[ChargeRaisedPayload]):
    """Published by billing when a completed paid service is priced and charged."""

    EVENT_TYPE: ClassVar[str] = "ChargeRaised"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.CHARGES

    def partition_key(self) -> str:
        return str(self.payload.charge_id)
