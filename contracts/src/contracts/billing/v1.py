"""Billing events, major version 1."""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar, Literal

from pydantic import Field

from contracts import topics
from contracts.envelope import (
    ContractModel,
    Event,
    Money,
    OpenEnum,
    PaymentMethod,
    Resident,
    UtcDateTime,
)


class ChargeLine(ContractModel):
    """One priced line of a charge, from the site's price list (特约服务项目价格表)."""

    item_code: str = Field(description="Code on the site's price list", examples=["RP-TAP"])
    item_name: str = Field(description="Name on the price list", examples=["更换水龙头"])
    unit: str = Field(description="Unit the price is per", examples=["次", "㎡"])
    unit_price: Money = Field(description="Price per unit, yuan")
    quantity: int = Field(ge=1, description="How many units", examples=[1])
    amount: Money = Field(description="unit_price × quantity, rounded half up to the fen")


class ChargeRaisedPayload(ContractModel):
    """A fee is owed for a completed paid service (收费)."""

    charge_id: uuid.UUID = Field(description="Billing's id of the charge")
    charge_no: str = Field(
        description="The serial on the receipt: CH, site code, the site's business day, a sequence",
        examples=["CH-DMG-20261123-0001"],
    )
    work_order_id: uuid.UUID = Field(description="The work order that delivered the service")
    request_id: uuid.UUID = Field(description="The request it all started from")
    request_no: str = Field(description="The request's serial", examples=["SR-DMG-20261123-0001"])
    resident: Resident = Field(description="Who pays, and where they live")
    lines: list[ChargeLine] = Field(min_length=1, description="What is charged, line by line")
    total: Money = Field(description="Sum of the lines' amounts, yuan")
    currency: Literal["CNY"] = Field(default="CNY", description="Currency of every amount")
    payment_method: PaymentMethod = Field(description="How the resident pays")
    raised_at: UtcDateTime = Field(description="When billing raised the charge")
    service_record_no: str | None = Field(
        default=None,
        description="The service and callback record (服务及回访记录表) opened when the fee was "
        "agreed, which the charge and the callback go with (DSP-05)",
        examples=["SV-DMG-20261123-0001"],
    )


class ChargeRaised(Event[ChargeRaisedPayload]):
    """Published by billing when a completed paid service is priced and charged."""

    EVENT_TYPE: ClassVar[str] = "ChargeRaised"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.CHARGES

    def partition_key(self) -> str:
        return str(self.payload.charge_id)


class ChargePaidPayload(ContractModel):
    """A raised charge is paid in full and booked by finance (登记作帐, BIL-13): in cash on a
    numbered receipt handed in with the service record (BIL-11, BIL-12), or by a transfer or an
    online payment with its reference (BIL-16)."""

    charge_id: uuid.UUID = Field(description="Billing's id of the charge")
    charge_no: str = Field(description="The charge's serial", examples=["CH-DMG-20261123-0001"])
    work_order_id: uuid.UUID = Field(description="The work order that delivered the service")
    request_id: uuid.UUID = Field(description="The request it all started from")
    request_no: str = Field(description="The request's serial", examples=["SR-DMG-20261123-0001"])
    method: PaymentMethod = Field(description="How it was paid")
    amount: Money = Field(description="What was paid: the charge's total, yuan")
    currency: Literal["CNY"] = Field(default="CNY", description="Currency of the amount")
    reference: str = Field(
        description="The numbered receipt for cash; the transfer's or online payment's "
        "transaction number otherwise",
        examples=["DMG-000123"],
    )
    paid_at: UtcDateTime = Field(description="When it was paid (for cash: handed in)")
    booked_at: UtcDateTime = Field(description="When finance booked it")
    service_record_no: str | None = Field(
        default=None,
        description="The service and callback record (服务及回访记录表) the receipt names (BIL-09)",
        examples=["SV-DMG-20261123-0001"],
    )


class ChargePaid(Event[ChargePaidPayload]):
    """Published by billing when a charge is paid and booked."""

    EVENT_TYPE: ClassVar[str] = "ChargePaid"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.CHARGES

    def partition_key(self) -> str:
        return str(self.payload.charge_id)


class ChargeCollectionRejectedPayload(ContractModel):
    """The bank refused to debit a charge in a collection batch (银行托收未成功): the charge is
    owed again, and the payer is to be told how to pay it."""

    charge_id: uuid.UUID = Field(description="Billing's id of the charge")
    charge_no: str = Field(description="The charge's serial", examples=["CH-DMG-20261123-0001"])
    request_id: uuid.UUID = Field(description="The request it all started from")
    request_no: str = Field(description="The request's serial", examples=["SR-DMG-20261123-0001"])
    resident: Resident = Field(description="Who pays, and where they live")
    amount: Money = Field(description="What the bank did not collect, yuan")
    currency: Literal["CNY"] = Field(default="CNY", description="Currency of the amount")
    batch_id: str = Field(description="The collection batch", examples=["COL-DMG-20261204"])
    reason_code: str = Field(
        description="The bank's ISO 20022 reason code (AM04 insufficient funds, AC04 account "
        "closed, MD01 no mandate, ...)",
        examples=["AM04"],
    )
    reason: str | None = Field(default=None, description="The bank's words, if it gave any")
    rejections: int = Field(ge=1, description="How many times the bank has refused this charge")
    rejected_at: UtcDateTime = Field(description="When billing read the bank's answer")


class ChargeCollectionRejected(Event[ChargeCollectionRejectedPayload]):
    """Published by billing when the bank's answer rejects a charge's debit."""

    EVENT_TYPE: ClassVar[str] = "ChargeCollectionRejected"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.CHARGES

    def partition_key(self) -> str:
        return str(self.payload.charge_id)


class PriceItemKind(OpenEnum):
    """What sort of service an item is priced for."""

    ROUTINE = "routine"
    SPECIAL_PAID = "special_paid"
    BUSINESS = "business"
    OTHER = "other"


class PriceListItem(ContractModel):
    """One item of a site's price list."""

    item_code: str = Field(description="The item's code", examples=["RP-TAP"])
    item_name: str = Field(description="What the resident is charged for", examples=["更换水龙头"])
    unit: str = Field(description="Unit the price is per", examples=["次", "㎡"])
    unit_price: Money = Field(description="Price per unit, yuan")
    item_name_en: str | None = Field(
        default=None, description="The item's name in English", examples=["Tap replacement"]
    )
    kind: PriceItemKind = Field(
        default=PriceItemKind.SPECIAL_PAID,
        description="routine (in the management fee), special_paid (a paid convenience "
        "service, 特约服务) or business",
    )


class PriceListRecordedPayload(ContractModel):
    """A site's whole current price list (特约服务项目价格表, BIL-01, BIL-02): the items a paid
    request may name (TAX-09)."""

    items: list[PriceListItem] = Field(description="Every item, ordered by code")
    currency: Literal["CNY"] = Field(default="CNY", description="Currency of every price")
    recorded_at: UtcDateTime = Field(description="When this version was announced in effect")
    version_no: int | None = Field(
        default=None, ge=1, description="The list's version now in effect", examples=[3]
    )
    effective_from: UtcDateTime | None = Field(
        default=None, description="When this version took effect"
    )
    approval_ref: str | None = Field(
        default=None,
        description="The reference of the rates' approval or filing (BIL-03, BIL-04)",
        examples=["西物价备〔2025〕118号"],
    )


class PriceListRecorded(Event[PriceListRecordedPayload]):
    """Published by billing when a version of a site's price list takes effect (at once, or at
    its scheduled moment); services keep the one with the highest ``aggregate_version``."""

    EVENT_TYPE: ClassVar[str] = "PriceListRecorded"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.PRICE_LISTS

    def partition_key(self) -> str:
        return self.site_id


class ManagementFeeReminderDuePayload(ContractModel):
    """A unit's management fee bill is unpaid past the 10th (FEE-01): the payer is to be
    reminded (催缴, FEE-14), and with the third reminder the owner too, who is liable for the
    arrears (FEE-05). The reminder counts once notification reports it sent (``NotificationSent``
    quoting this event's id); until then billing asks again with the same ``reminder_no``."""

    bill_id: uuid.UUID = Field(description="Billing's id of the fee bill")
    bill_no: str = Field(description="The bill's number", examples=["MF-DMG-202612-3-1202"])
    month: str = Field(description="The month the fee is for", examples=["2026-12"])
    reminder_no: int = Field(ge=1, le=3, description="Which reminder: the third is the last")
    resident: Resident = Field(description="Who pays the fee, and the unit")
    owner: Resident | None = Field(
        default=None,
        description="The owner, told as well when someone else pays (the third reminder)",
    )
    amount: Money = Field(description="The bill: management fee, water and electricity, yuan")
    late_fee: Money = Field(description="0.05% of the amount per day past the due day, yuan")
    owed: Money = Field(description="amount + late_fee on the day of the reminder, yuan")
    currency: Literal["CNY"] = Field(default="CNY", description="Currency of every amount")
    due_on: date = Field(description="The last day of the payment window (the 10th)")
    asked_at: UtcDateTime = Field(description="When billing asked for the reminder")


class ManagementFeeReminderDue(Event[ManagementFeeReminderDuePayload]):
    """Published by billing when an overdue fee bill's reminder is to be sent."""

    EVENT_TYPE: ClassVar[str] = "ManagementFeeReminderDue"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.CHARGES

    def partition_key(self) -> str:
        return str(self.payload.bill_id)


class ManagementFeeArrearsFlaggedPayload(ContractModel):
    """Three reminders were sent and the bill is still unpaid: the site may act (FEE-04), and
    the owner is liable (FEE-05)."""

    bill_id: uuid.UUID = Field(description="Billing's id of the fee bill")
    bill_no: str = Field(description="The bill's number", examples=["MF-DMG-202612-3-1202"])
    month: str = Field(description="The month the fee is for", examples=["2026-12"])
    resident: Resident = Field(description="Who pays the fee, and the unit")
    owner: Resident | None = Field(default=None, description="The owner, if someone else pays")
    owed: Money = Field(description="The bill and its late fee on the day it was flagged, yuan")
    currency: Literal["CNY"] = Field(default="CNY", description="Currency of the amount")
    reminders_sent: int = Field(ge=3, description="Reminders sent before the flag")
    flagged_at: UtcDateTime = Field(description="When billing flagged it")


class ManagementFeeArrearsFlagged(Event[ManagementFeeArrearsFlaggedPayload]):
    """Published by billing when a fee bill is flagged for the site to act."""

    EVENT_TYPE: ClassVar[str] = "ManagementFeeArrearsFlagged"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.CHARGES

    def partition_key(self) -> str:
        return str(self.payload.bill_id)


class StatementAmount(ContractModel):
    """One line of an income and spending statement."""

    label: str = Field(description="What it is, as residents read it", examples=["绿化养护"])
    amount: Money = Field(description="Yuan")


class SpendingCategory(OpenEnum):
    """What management fees pay for (管理费用主要用于以下开支, FEE-09)."""

    FACILITIES = "facilities"
    STAFF = "staff"
    CONTRACTORS = "contractors"
    INSURANCE_DEPRECIATION = "insurance_depreciation"
    SECURITY = "security"
    COMMUNITY_CULTURE = "community_culture"
    STATUTORY_TAXES = "statutory_taxes"
    MANAGER_REMUNERATION = "manager_remuneration"
    OTHER = "other"


class SpendingByCategory(ContractModel):
    """The period's spending in one of the categories management fees pay for (FEE-09)."""

    category: SpendingCategory = Field(
        description="The category; a consumer shows one it does not know by its name",
        examples=["facilities"],
    )
    category_name: str = Field(
        description="The category as the residents' handbook names it",
        examples=["公用设施设备维修养护及公共场所管理"],
    )
    amount: Money = Field(description="The category's total, yuan")
    lines: list[StatementAmount] = Field(description="Its items")


class IncomeSpendingStatementPublishedPayload(ContractModel):
    """A site's income and spending statement for a period (物业服务费用收支情况), prepared by
    finance and approved by the site's manager, to be published to its residents for them to
    oversee (FEE-07, FEE-09, NTF-06). Fee income is what was collected of the period's bills
    when finance submitted it; water and electricity are collected for the utilities and shown
    apart from the income."""

    statement_id: str = Field(description="The site and the period", examples=["dmg:2026-Q4"])
    period: str = Field(
        description="A month (2026-11), a quarter (2026-Q4) or a half year (2026-H2)",
        examples=["2026-Q4"],
    )
    period_start: date = Field(description="The period's first day")
    period_end: date = Field(description="The period's last day")
    fees_billed: Money = Field(description="Management fees billed for the period, yuan")
    fees_collected: Money = Field(description="Of which collected, yuan")
    late_fees: Money = Field(description="Late fees paid on the period's bills, yuan")
    other_income: list[StatementAmount] = Field(description="Income besides the fees")
    income_total: Money = Field(description="fees_collected + late_fees + the other income, yuan")
    utilities_collected: Money = Field(
        description="Water and electricity collected for the utilities (not income), yuan"
    )
    spending: list[SpendingByCategory] = Field(description="By category, the handbook's order")
    spending_total: Money = Field(description="Yuan")
    balance: Money = Field(description="income_total − spending_total; negative is a deficit")
    currency: Literal["CNY"] = Field(default="CNY", description="Currency of every amount")
    note: str | None = Field(default=None, description="Finance's note to the residents")
    figures_as_of: UtcDateTime = Field(description="When the fee income was taken")
    approved_by: str = Field(description="The manager who approved it")
    published_at: UtcDateTime = Field(description="When it was approved and published")


class IncomeSpendingStatementPublished(Event[IncomeSpendingStatementPublishedPayload]):
    """Published by billing when a site's manager approves its income and spending statement;
    notification sends it to the site's households."""

    EVENT_TYPE: ClassVar[str] = "IncomeSpendingStatementPublished"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.CHARGES

    def partition_key(self) -> str:
        return self.site_id
