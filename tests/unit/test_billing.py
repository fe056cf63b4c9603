"""Billing: pricing paid services from the site's price list (收费)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
from billing.adapters.demo_data import DEMO_PRICE_LISTS
from billing.domain.model import Charge, ItemNotOnPriceList, NoPriceList, PriceItem, PriceList
from billing.service_layer.services import raise_charge
from contracts.billing.v1 import ChargeRaised
from contracts.envelope import PaymentMethod
from hotline_libs.money import from_fen, to_fen

from contracts import Event
from tests import builders
from tests.builders import NOW
from tests.fakes import CountingSerials

SERIALS = CountingSerials()

PRICES = PriceList(
    "dmg",
    {
        "RP-TAP": PriceItem("RP-TAP", "更换水龙头", "次", Decimal("80.00")),
        "HK-GLASS": PriceItem("HK-GLASS", "玻璃清洁", "㎡", Decimal("5.35")),
    },
)


class FakeCharges:
    def __init__(self) -> None:
        self.charges: dict[uuid.UUID, Charge] = {}
        self.events: list[Event[Any]] = []

    async def add(self, charge: Charge, events: list[Event[Any]]) -> bool:
        if charge.charge_id in self.charges:
            return False
        self.charges[charge.charge_id] = charge
        self.events += events
        return True

    async def get(self, charge_id: uuid.UUID) -> Charge | None:
        return self.charges.get(charge_id)


class FakePriceLists:
    async def for_site(self, site_id: str) -> PriceList | None:
        return PRICES if site_id == "dmg" else None


async def test_a_paid_completion_is_priced_from_the_sites_list() -> None:
    charges = FakeCharges()
    completed = builders.work_order_completed(
        items=[("RP-TAP", 1), ("HK-GLASS", 12)], payment_method=PaymentMethod.BANK_COLLECTION
    )
    charge = await raise_charge(
        completed, charges=charges, price_lists=FakePriceLists(), serials=SERIALS, now=NOW
    )
    assert charge is not None
    assert charge.total == Decimal("144.20")
    [event] = charges.events
    assert isinstance(event, ChargeRaised)
    assert event.payload.total == Decimal("144.20")
    assert [line.amount for line in event.payload.lines] == [Decimal("80.00"), Decimal("64.20")]
    assert event.payload.payment_method is PaymentMethod.BANK_COLLECTION


async def test_a_redelivered_completion_raises_one_charge() -> None:
    charges = FakeCharges()
    completed = builders.work_order_completed(
        items=[("RP-TAP", 1)], payment_method=PaymentMethod.CASH
    )
    await raise_charge(
        completed, charges=charges, price_lists=FakePriceLists(), serials=SERIALS, now=NOW
    )
    await raise_charge(
        completed, charges=charges, price_lists=FakePriceLists(), serials=SERIALS, now=NOW
    )
    assert len(charges.charges) == 1 and len(charges.events) == 1


async def test_free_routine_work_raises_no_charge() -> None:
    charges = FakeCharges()
    assert (
        await raise_charge(
            builders.work_order_completed(),
            charges=charges,
            price_lists=FakePriceLists(),
            serials=SERIALS,
            now=NOW,
        )
        is None
    )
    assert charges.charges == {}


async def test_an_item_not_on_the_list_is_refused_with_the_list() -> None:
    charges = FakeCharges()
    completed = builders.work_order_completed(
        items=[("RP-ROOF", 1)], payment_method=PaymentMethod.CASH
    )
    with pytest.raises(
        ItemNotOnPriceList,
        match=r"'RP-ROOF' is not on the price list of site 'dmg'; listed: HK-GLASS, RP-TAP",
    ):
        await raise_charge(
            completed, charges=charges, price_lists=FakePriceLists(), serials=SERIALS, now=NOW
        )
    assert charges.charges == {}


async def test_a_site_without_price_list_is_refused() -> None:
    completed = builders.work_order_completed(
        site_id="elsewhere", items=[("RP-TAP", 1)], payment_method=PaymentMethod.CASH
    )
    with pytest.raises(NoPriceList):
        await raise_charge(
            completed, charges=FakeCharges(), price_lists=FakePriceLists(), serials=SERIALS, now=NOW
        )


def test_money_is_stored_as_whole_fen_and_comes_back_exact() -> None:
    assert to_fen(Decimal("144.20")) == 14420
    assert from_fen(14420) == Decimal("144.20")
    with pytest.raises(ValueError, match="more than two decimal places"):
        to_fen(Decimal("1.005"))


def test_demo_prices_differ_by_site() -> None:
    by_site = {p.site_id: p for p in DEMO_PRICE_LISTS}
    assert by_site["dmg"].items["RP-TAP"].unit_price == Decimal("80.00")
    assert by_site["qjc"].items["RP-TAP"].unit_price == Decimal("88.00")
    assert "HK-SOFA" not in by_site["gxi"].items
