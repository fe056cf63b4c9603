"""Versioned price lists (特约服务项目价格表, BIL-01 to BIL-04, TAX-07): each version holds every
item from a moment on under its rates' approval; a version scheduled ahead changes nothing until
its moment and is announced then, once, on a durable deadline; a charge is priced at the version
in effect when the resident signed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from billing.adapters.demo_data import DEMO_PRICE_LISTS, IN_EFFECT_SINCE
from billing.adapters.mongo.price_lists import SINCE_EVER, MongoPriceLists
from billing.domain.charge import ChargeStatus
from billing.domain.commands import (
    PriceListDeadlineReached,
    SchedulePriceList,
    SetPriceListItem,
)
from billing.domain.price_list import EFFECTIVE, ItemKind, PriceItem, PriceList
from contracts.billing.v1 import PriceItemKind, PriceListRecorded
from contracts.dispatch.v1 import WorkOrderCompleted
from contracts.envelope import PaymentMethod
from hotline_libs.aggregate import is_due
from hotline_libs.errors import Conflict, RuleViolation

from tests.builders import NOW
from tests.unit.billing_harness import Billing, completion, used

NEXT_MONTH = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)  # 1 December, 00:00 in China
TAP_85 = PriceItem("RP-TAP", "更换水龙头", "次", Decimal("85.00"), name_en="Tap replacement")


def dmg_items() -> dict[str, PriceItem]:
    demo = {p.site_id: p for p in DEMO_PRICE_LISTS}["dmg"]
    return dict(demo.versions[0].items)


def new_rates(effective_from: datetime, *changes: PriceItem) -> SchedulePriceList:
    items = dmg_items() | {item.item_code: item for item in changes}
    return SchedulePriceList(
        "dmg", tuple(items.values()), effective_from, "西物价备〔2026〕203号", "财务-刘"
    )


def signed_at(event: WorkOrderCompleted, moment: datetime) -> WorkOrderCompleted:
    return event.model_copy(
        update={"payload": event.payload.model_copy(update={"completed_at": moment})}
    )


def announced(billing: Billing) -> list[PriceListRecorded]:
    return billing.store.published_of(PriceListRecorded)


def test_tax07_bil01_the_demo_lists_hold_the_ten_housekeeping_items_and_common_repairs() -> None:
    dmg = {p.site_id: p for p in DEMO_PRICE_LISTS}["dmg"]
    [version] = dmg.versions
    housekeeping = [i for code, i in version.items.items() if code.startswith("HK-")]
    assert len(housekeeping) == 10
    assert {i.name for i in housekeeping} >= {
        "地毯保养",
        "家具保养",
        "写字间托管保洁",
        "石材地面结晶",
    }
    assert len([code for code in version.items if code.startswith("RP-")]) >= 6
    assert all(i.name_en and i.kind is ItemKind.SPECIAL_PAID for i in version.items.values())
    assert version.approval_ref == "西物价备〔2025〕118号"
    assert version.effective_from == IN_EFFECT_SINCE
    assert dmg.in_effect(NOW) == version
    assert dmg.in_effect(IN_EFFECT_SINCE - timedelta(seconds=1)) is None


async def test_bil04_a_version_scheduled_ahead_changes_nothing_until_its_moment() -> None:
    billing = Billing()
    price_list: PriceList = await billing.handle(new_rates(NEXT_MONTH, TAP_85))
    assert [v.number for v in price_list.versions] == [1, 2]
    assert price_list.deadlines() == {EFFECTIVE: NEXT_MONTH}
    assert announced(billing) == []  # not in effect yet: the hotline keeps quoting 80.00

    signed_today = await billing.completed(completion(used("RP-TAP")))
    assert signed_today is not None and signed_today.total == Decimal("80.00")
    assert signed_today.price_list_version == 1

    # the moment comes: the deadline poller hands it to the bus, once
    billing.clock.now = NEXT_MONTH + timedelta(seconds=5)
    stored = billing.store.saved("price_lists")["dmg"]
    assert is_due(stored, EFFECTIVE, billing.clock.now)
    reached = PriceListDeadlineReached("dmg", EFFECTIVE, NEXT_MONTH)
    await billing.handle(reached)
    await billing.handle(reached)  # another replica's poller, or a redelivery
    [event] = announced(billing)
    assert event.payload.version_no == 2
    assert event.payload.effective_from == NEXT_MONTH
    assert event.payload.approval_ref == "西物价备〔2026〕203号"
    tap = next(i for i in event.payload.items if i.item_code == "RP-TAP")
    assert (tap.unit_price, tap.item_name_en, tap.kind) == (
        Decimal("85.00"),
        "Tap replacement",
        PriceItemKind.SPECIAL_PAID,
    )
    assert billing.store.saved("price_lists")["dmg"].deadlines() == {}

    signed_after = await billing.completed(
        signed_at(completion(used("RP-TAP"), payment_method=PaymentMethod.CASH), billing.clock.now)
    )
    assert signed_after is not None and signed_after.total == Decimal("85.00")
    assert signed_after.price_list_version == 2


async def test_a_completion_arriving_late_is_priced_at_the_version_in_effect_at_signing() -> None:
    """Signed at 23:59 on the last day of the old rates, read by billing after midnight."""
    billing = Billing()
    await billing.handle(new_rates(NEXT_MONTH, TAP_85))
    billing.clock.now = NEXT_MONTH + timedelta(minutes=10)
    charge = await billing.completed(
        signed_at(completion(used("RP-TAP")), NEXT_MONTH - timedelta(minutes=1))
    )
    assert charge is not None and charge.total == Decimal("80.00")
    assert charge.price_list_version == 1


async def test_a_version_in_effect_now_is_announced_at_once_and_prices_waiting_charges() -> None:
    billing = Billing()
    waiting = await billing.completed(completion(used("RP-ROOF", 2)))
    assert waiting is not None and waiting.status is ChargeStatus.NEEDS_PRICING
    roof = PriceItem("RP-ROOF", "屋面防水补漏", "㎡", Decimal("45.50"), name_en="Roof leak repair")
    await billing.handle(new_rates(NOW, roof))
    [event] = announced(billing)
    assert event.payload.version_no == 2
    priced = billing.stored(waiting.charge_id)
    assert priced.status is ChargeStatus.RAISED and priced.total == Decimal("91.00")


async def test_a_version_must_take_effect_now_or_later_with_items_and_after_a_scheduled_one() -> (
    None
):
    billing = Billing()
    with pytest.raises(RuleViolation, match="effective_from lies in the past"):
        await billing.handle(new_rates(NOW - timedelta(days=1), TAP_85))
    with pytest.raises(RuleViolation, match="at least one item"):
        await billing.handle(SchedulePriceList("dmg", (), NEXT_MONTH, None, "财务-刘"))
    with pytest.raises(RuleViolation, match="more than zero"):
        await billing.handle(
            new_rates(NEXT_MONTH, PriceItem("RP-TAP", "更换水龙头", "次", Decimal("0")))
        )
    await billing.handle(new_rates(NEXT_MONTH, TAP_85))
    with pytest.raises(Conflict, match="version 2 takes effect later"):
        await billing.handle(new_rates(NEXT_MONTH - timedelta(days=1), TAP_85))
    # a correction in effect at once would be overtaken by the scheduled rates: refused
    with pytest.raises(Conflict, match="correct the list through a new version after it"):
        await billing.handle(SetPriceListItem("dmg", replace_price(TAP_85, "82.00")))
    assert [v.number for v in billing.store.saved("price_lists")["dmg"].versions] == [1, 2]


async def test_a_correction_is_a_new_version_under_the_same_approval() -> None:
    billing = Billing()
    price_list = await billing.handle(SetPriceListItem("dmg", TAP_85, recorded_by="财务-刘"))
    assert [v.number for v in price_list.versions] == [1, 2]
    latest = price_list.latest
    assert latest.approval_ref == "西物价备〔2025〕118号"  # the approval it stands on
    assert latest.effective_from == NOW and latest.recorded_by == "财务-刘"
    assert latest.items["RP-TAP"] == TAP_85
    assert price_list.versions[0].items["RP-TAP"].unit_price == Decimal("80.00")  # kept


def replace_price(item: PriceItem, price: str) -> PriceItem:
    return PriceItem(item.item_code, item.name, item.unit, Decimal(price), item.name_en, item.kind)


def test_versions_survive_the_store_and_a_list_stored_before_versions_reads_as_version_1() -> None:
    mapping = MongoPriceLists.__new__(MongoPriceLists)
    price_list = {p.site_id: p for p in DEMO_PRICE_LISTS}["dmg"]
    price_list.schedule(
        dmg_items() | {"RP-TAP": TAP_85}, NEXT_MONTH, "西物价备〔2026〕203号", "财务-刘", NOW
    )
    document = mapping.to_document(price_list)
    assert [v["number"] for v in document["versions"]] == [1, 2]
    tap = next(i for i in document["versions"][1]["items"] if i["item_code"] == "RP-TAP")
    assert tap == {
        "item_code": "RP-TAP",
        "name": "更换水龙头",
        "name_en": "Tap replacement",
        "unit": "次",
        "unit_price_fen": 8500,
        "kind": "special_paid",
    }
    back = mapping.from_document({"_id": "dmg", **document})
    assert back.versions == price_list.versions and back.announced == price_list.announced

    old = {
        "_id": "dmg",
        "items": [
            {"item_code": "RP-TAP", "name": "更换水龙头", "unit": "次", "unit_price_fen": 8000}
        ],
        "recorded_at": NOW,
    }
    read = mapping.from_document(old)
    [version] = read.versions
    assert version.number == 1 and version.effective_from == SINCE_EVER
    assert version.items["RP-TAP"].unit_price == Decimal("80.00")
    assert version.items["RP-TAP"].kind is ItemKind.SPECIAL_PAID
    assert read.announced == 1 and read.in_effect(NOW) == version
