"""Billing: pricing paid services from the site's price list (收费, BIL-01, BIL-02, DSP-05).

Handlers run through the real message bus and the real inbound and outbound mappers, on an
in-memory store that keeps the real store's version rule. A charge that cannot be priced as it
stands is never a dead letter: it waits in ``needs_pricing`` with its reasons, for finance.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from billing.adapters.demo_data import DEMO_PRICE_LISTS
from billing.adapters.inbound.dispatch_v1 import charge_work_order
from billing.adapters.mongo.charges import MongoCharges
from billing.domain import events
from billing.domain.charge import AgreedPrice, Charge, ChargeStatus
from billing.domain.charge import PaymentMethod as BillingPaymentMethod
from billing.domain.commands import (
    ChargeWorkOrder,
    ConfirmAgreedPrices,
    PriceCharge,
    SetPriceListItem,
)
from billing.domain.price_list import PriceItem
from billing.service_layer.handlers import HANDLERS
from contracts.billing.v1 import ChargeRaised, PriceListRecorded
from contracts.dispatch.v1 import WorkOrderCompleted
from contracts.envelope import PaymentMethod
from hotline_libs.bus import MessageBus
from hotline_libs.errors import Conflict, NotFound, RuleViolation
from hotline_libs.ids import derive_id, event_id
from hotline_libs.money import from_fen, to_fen

from contracts import parse_event
from tests import builders
from tests.builders import NOW
from tests.unit.billing_harness import Billing, FakeBillingUnitOfWork, completion, listed, used

ROOF = PriceItem("RP-ROOF", "屋面防水补漏", "㎡", Decimal("45.50"))


# -- priced from the site's list ----------------------------------------------------------------


async def test_bil01_bil02_a_paid_completion_is_priced_from_the_sites_list() -> None:
    billing = Billing()
    completed = builders.work_order_completed(
        site_id="qjc",
        items=[("RP-TAP", 1), ("HK-GLASS", 12)],
        payment_method=PaymentMethod.BANK_COLLECTION,
    )
    charge = await billing.completed(completed)
    assert charge is not None
    assert charge.charge_id == derive_id("charge", completed.payload.work_order_id)
    assert charge.charge_no == "CH-QJC-20261123-0001"
    assert charge.status is ChargeStatus.RAISED and charge.priced_by == "price_list"
    assert charge.total == Decimal("154.00")  # qjc is 1.10× the base: 88.00 + 12 × 5.50
    assert charge.problems == ()
    [event] = billing.raised()
    assert event.event_id == event_id(ChargeRaised, charge.charge_id)
    assert event.site_id == "qjc"
    assert event.causation_id == completed.event_id
    assert event.correlation_id == completed.payload.request_id
    assert event.aggregate_version == 1
    payload = event.payload
    assert payload.charge_no == "CH-QJC-20261123-0001"
    assert payload.work_order_id == completed.payload.work_order_id
    assert payload.total == Decimal("154.00")
    assert [(line.item_code, line.item_name, line.unit) for line in payload.lines] == [
        ("RP-TAP", "更换水龙头", "次"),
        ("HK-GLASS", "玻璃清洁", "㎡"),
    ]
    assert [(line.unit_price, line.quantity, line.amount) for line in payload.lines] == [
        (Decimal("88.00"), 1, Decimal("88.00")),
        (Decimal("5.50"), 12, Decimal("66.00")),
    ]
    assert payload.payment_method is PaymentMethod.BANK_COLLECTION  # BIL-05
    assert payload.resident == completed.payload.resident
    assert payload.raised_at == NOW


async def test_dsp05_a_price_agreed_before_work_that_matches_the_list_is_charged() -> None:
    billing = Billing()
    charge = await billing.completed(completion(used("RP-TAP", 2, agreed="80.00")))
    assert charge is not None and charge.status is ChargeStatus.RAISED
    [event] = billing.raised()
    assert event.payload.total == Decimal("160.00")


async def test_a_redelivered_completion_raises_one_charge() -> None:
    billing = Billing()
    completed = builders.work_order_completed(
        items=[("RP-TAP", 1)], payment_method=PaymentMethod.CASH
    )
    first = await billing.completed(completed)
    second = await billing.completed(completed)
    assert first is not None and second is not None
    assert first.charge_id == second.charge_id
    assert first.charge_no == second.charge_no == "CH-DMG-20261123-0001"
    assert len(billing.charges()) == 1
    assert len(billing.raised()) == 1
    assert billing.store.commits == 1


async def test_charge_numbers_run_per_site_and_day() -> None:
    billing = Billing()
    numbers = []
    for site_id in ("dmg", "dmg", "gxi"):
        charge = await billing.completed(
            builders.work_order_completed(
                site_id=site_id, items=[("RP-TAP", 1)], payment_method=PaymentMethod.CASH
            )
        )
        assert charge is not None
        numbers.append(charge.charge_no)
    assert numbers == ["CH-DMG-20261123-0001", "CH-DMG-20261123-0002", "CH-GXI-20261123-0001"]


async def test_free_routine_work_raises_no_charge() -> None:
    billing = Billing()
    assert charge_work_order(builders.work_order_completed()) is None
    assert await billing.completed(builders.work_order_completed()) is None
    assert billing.charges() == []
    assert billing.store.published == []


async def test_a_command_with_nothing_delivered_charges_nothing() -> None:
    billing = Billing()
    command = charge_work_order(
        builders.work_order_completed(items=[("RP-TAP", 1)], payment_method=PaymentMethod.CASH)
    )
    assert command is not None
    assert await billing.handle(replace(command, delivered=())) is None
    assert billing.charges() == []


def test_money_is_stored_as_whole_fen_and_comes_back_exact() -> None:
    assert to_fen(Decimal("144.20")) == 14420
    assert from_fen(14420) == Decimal("144.20")
    assert to_fen(Decimal("0.10")) == 10 and from_fen(10) == Decimal("0.10")
    with pytest.raises(ValueError, match="more than two decimal places"):
        to_fen(Decimal("1.005"))


def _mapping() -> MongoCharges:
    """The charge ↔ document mapping alone: ``to_document``/``from_document`` touch no database."""
    return MongoCharges.__new__(MongoCharges)


async def test_a_charge_is_stored_in_whole_fen_and_read_back_exact() -> None:
    billing = Billing()
    billing.save_price_list(
        listed("dmg", {"HK-GLASS": PriceItem("HK-GLASS", "玻璃清洁", "㎡", Decimal("5.35"))})
    )
    raised = await billing.completed(
        completion(used("HK-GLASS", 12, agreed="5.35"), payment_method=PaymentMethod.CASH)
    )
    waiting = await billing.completed(completion(used("RP-ROOF", 3, agreed="45.50")))
    assert raised is not None and waiting is not None
    mapping = _mapping()

    document = mapping.to_document(raised)
    assert document["total_fen"] == 6420
    assert document["lines"][0]["unit_price_fen"] == 535
    assert document["lines"][0]["amount_fen"] == 6420
    assert document["delivered"] == [
        {"item_code": "HK-GLASS", "quantity": 12, "agreed_unit_price_fen": 535}
    ]
    back = mapping.from_document({"_id": str(raised.charge_id), **document})
    assert back == raised
    assert back.total == Decimal("64.20")

    document = mapping.to_document(waiting)
    assert document["total_fen"] is None and document["lines"] == []
    assert document["status"] == "needs_pricing" and document["problems"] == list(waiting.problems)
    assert mapping.from_document({"_id": str(waiting.charge_id), **document}) == waiting


def test_bil01_demo_prices_differ_by_site() -> None:
    by_site = {p.site_id: p for p in DEMO_PRICE_LISTS}
    assert by_site["dmg"].versions[0].items["RP-TAP"].unit_price == Decimal("80.00")
    assert by_site["qjc"].versions[0].items["RP-TAP"].unit_price == Decimal("88.00")
    assert by_site["gxi"].versions[0].items["RP-TAP"].unit_price == Decimal("96.00")
    assert by_site["qjc"].versions[0].items["HK-GLASS"].unit_price == Decimal("5.50")
    assert by_site["gxi"].versions[0].items["HK-STONE"].unit_price == Decimal("30.00")
    assert "HK-SOFA" in by_site["qjc"].versions[0].items
    assert "HK-SOFA" not in by_site["gxi"].versions[0].items
    assert "HK-NEWHOME" not in by_site["gxi"].versions[0].items
    assert set(by_site["dmg"].versions[0].items) == set(by_site["qjc"].versions[0].items)


# -- what cannot be priced waits for finance -------------------------------------------------------

NO_METHOD = "the work order reported paid items but no payment method"


@pytest.mark.parametrize(
    ("event", "problems"),
    [
        pytest.param(
            completion(used("RP-ROOF", 2)),
            ["item 'RP-ROOF' is not on the price list of site 'dmg'"],
            id="item-not-on-the-list",
        ),
        pytest.param(
            completion(used("HK-SOFA"), site_id="gxi"),
            ["item 'HK-SOFA' is not on the price list of site 'gxi'"],
            id="item-another-site-offers",
        ),
        pytest.param(
            completion(used("RP-TAP"), site_id="elsewhere"),
            ["site 'elsewhere' has no price list for paid services"],
            id="site-without-price-list",
        ),
        pytest.param(
            completion(used("RP-TAP", agreed="75.00")),
            ["item 'RP-TAP' was agreed at 75.00 but the price list says 80.00"],
            id="agreed-price-differs",
        ),
        pytest.param(
            completion(used("RP-TAP"), payment_method=None),
            [NO_METHOD],
            id="no-payment-method",
        ),
        pytest.param(
            completion(
                used("RP-TAP", agreed="70.00"),
                used("RP-LOCK"),
                used("RP-ROOF"),
                payment_method=None,
            ),
            [
                NO_METHOD,
                "item 'RP-TAP' was agreed at 70.00 but the price list says 80.00",
                "item 'RP-ROOF' is not on the price list of site 'dmg'",
            ],
            id="every-problem-listed",
        ),
    ],
)
async def test_bil02_dsp05_a_charge_that_cannot_be_priced_waits_for_finance_with_its_reasons(
    event: WorkOrderCompleted, problems: list[str]
) -> None:
    billing = Billing()
    charge = await billing.completed(event)  # no exception: not a dead letter
    assert charge is not None
    [stored] = billing.charges()
    assert stored.status is ChargeStatus.NEEDS_PRICING
    assert list(stored.problems) == problems
    assert stored.total is None and stored.lines == () and stored.raised_at is None
    assert stored.charge_no == f"CH-{event.site_id.upper()}-20261123-0001"
    assert billing.raised() == []
    assert billing.store.events == [events.ChargeNeedsPricing(tuple(problems))]


async def test_a_redelivered_completion_of_a_waiting_charge_changes_nothing() -> None:
    billing = Billing()
    event = completion(used("RP-ROOF"))
    await billing.completed(event)
    await billing.completed(event)
    assert len(billing.charges()) == 1
    assert billing.store.commits == 1
    assert len(billing.store.events) == 1


async def test_bil05_a_payment_method_billing_does_not_know_waits_for_finance() -> None:
    billing = Billing()
    command = charge_work_order(completion(used("RP-TAP"), payment_method=PaymentMethod.OTHER))
    assert command is not None and command.payment_method is None
    charge = await billing.handle(command)
    assert charge.status is ChargeStatus.NEEDS_PRICING
    assert charge.problems == (NO_METHOD,)
    assert billing.raised() == []


async def test_bil05_an_unknown_payment_method_in_the_message_is_read_and_waits_for_finance() -> (
    None
):
    billing = Billing()
    sent = builders.work_order_completed(items=[("RP-TAP", 1)], payment_method=PaymentMethod.CASH)
    body = json.loads(sent.model_dump_json())
    body["payload"]["payment_method"] = "credit_card"  # a value dispatch may add to the open enum
    arrived = parse_event(json.dumps(body))
    assert isinstance(arrived, WorkOrderCompleted)
    assert arrived.payload.payment_method is PaymentMethod.OTHER
    charge = await billing.completed(arrived)
    assert charge is not None and charge.status is ChargeStatus.NEEDS_PRICING
    assert charge.problems == (NO_METHOD,)
    assert billing.raised() == []
    # finance confirms how the resident pays, with the amounts on the signed record
    done = await billing.handle(
        ConfirmAgreedPrices(
            charge.charge_id,
            (AgreedPrice("RP-TAP", Decimal("80.00")),),
            BillingPaymentMethod.CASH,
            "业户刷卡支付, 财务按现金入账",
            None,
        )
    )
    assert done.status is ChargeStatus.RAISED
    [event] = billing.raised()
    assert event.payload.payment_method is PaymentMethod.CASH
    assert event.payload.total == Decimal("80.00")


# -- finance's recovery ----------------------------------------------------------------------------


async def test_bil01_correcting_the_price_list_raises_the_sites_waiting_charges_at_once() -> None:
    billing = Billing()
    older = await billing.completed(completion(used("RP-ROOF", 2)))
    billing.clock.now = NOW + timedelta(minutes=5)
    newer = await billing.completed(completion(used("RP-ROOF", 1), used("RP-TAP")))
    still_no_method = await billing.completed(completion(used("RP-ROOF"), payment_method=None))
    other_site = await billing.completed(completion(used("RP-ROOF"), site_id="qjc"))
    assert older and newer and still_no_method and other_site
    assert billing.raised() == []

    billing.clock.now = NOW + timedelta(hours=1)
    price_list = await billing.handle(SetPriceListItem("dmg", ROOF))
    assert price_list.latest.items["RP-ROOF"] == ROOF
    assert billing.store.saved("price_lists")["dmg"].latest.items["RP-ROOF"] == ROOF

    raised = billing.raised()
    assert [e.payload.charge_id for e in raised] == [older.charge_id, newer.charge_id]
    assert [e.payload.total for e in raised] == [Decimal("91.00"), Decimal("125.50")]
    assert raised[0].payload.lines[0].unit_price == Decimal("45.50")
    assert raised[0].payload.lines[0].item_name == "屋面防水补漏"
    assert all(e.payload.raised_at == NOW + timedelta(hours=1) for e in raised)
    assert billing.stored(older.charge_id).priced_by == "price_list"

    waiting = billing.stored(still_no_method.charge_id)
    assert waiting.status is ChargeStatus.NEEDS_PRICING
    assert waiting.problems == (NO_METHOD,)  # the list is right now; the method still missing
    assert billing.stored(other_site.charge_id).status is ChargeStatus.NEEDS_PRICING


async def test_dsp05_correcting_a_listed_price_to_the_agreed_one_raises_the_charge() -> None:
    billing = Billing()
    charge = await billing.completed(completion(used("RP-TAP", agreed="75.00")))
    assert charge is not None
    await billing.handle(
        SetPriceListItem("dmg", PriceItem("RP-TAP", "更换水龙头", "次", Decimal("75.00")))
    )
    [event] = billing.raised()
    assert event.payload.charge_id == charge.charge_id
    assert event.payload.total == Decimal("75.00")


async def test_a_price_list_is_started_for_a_site_that_had_none() -> None:
    billing = Billing()
    charge = await billing.completed(completion(used("RP-ROOF"), site_id="elsewhere"))
    assert charge is not None
    await billing.handle(SetPriceListItem("elsewhere", ROOF))
    assert billing.stored(charge.charge_id).status is ChargeStatus.RAISED
    [event] = billing.raised()
    assert event.payload.total == Decimal("45.50")


@pytest.mark.parametrize(
    ("price", "message"),
    [("0.00", "must be more than zero"), ("45.505", "more than two decimal places")],
)
async def test_bil01_a_price_list_item_must_have_a_price_in_fen(price: str, message: str) -> None:
    billing = Billing()
    await billing.completed(completion(used("RP-ROOF")))
    with pytest.raises(RuleViolation, match=message):
        await billing.handle(SetPriceListItem("dmg", replace(ROOF, unit_price=Decimal(price))))
    assert "RP-ROOF" not in billing.store.saved("price_lists")["dmg"].latest.items
    assert billing.raised() == []


async def test_pricing_one_waiting_charge_again_uses_the_sites_current_list() -> None:
    billing = Billing()
    charge = await billing.completed(completion(used("RP-ROOF", 2)))
    assert charge is not None
    # nothing changed yet: it keeps waiting, with the same reasons, and nothing is published
    again = await billing.handle(PriceCharge(charge.charge_id, None))
    assert again.status is ChargeStatus.NEEDS_PRICING
    assert billing.store.commits == 1
    # the list is corrected elsewhere (an import, say) and finance prices the charge again
    demo = {p.site_id: p for p in DEMO_PRICE_LISTS}["dmg"]
    billing.save_price_list(listed("dmg", {**demo.versions[0].items, "RP-ROOF": ROOF}))
    billing.clock.now = NOW + timedelta(hours=2)
    priced = await billing.handle(PriceCharge(charge.charge_id, frozenset({"dmg"})))
    assert priced.status is ChargeStatus.RAISED and priced.total == Decimal("91.00")
    [event] = billing.raised()
    assert event.payload.total == Decimal("91.00")
    assert event.payload.raised_at == NOW + timedelta(hours=2)
    with pytest.raises(Conflict, match="already raised"):
        await billing.handle(PriceCharge(charge.charge_id, None))
    assert len(billing.raised()) == 1


async def test_pricing_another_sites_charge_is_not_found() -> None:
    billing = Billing()
    charge = await billing.completed(completion(used("RP-ROOF")))
    assert charge is not None
    with pytest.raises(NotFound):
        await billing.handle(PriceCharge(charge.charge_id, frozenset({"qjc"})))
    with pytest.raises(NotFound):
        await billing.handle(PriceCharge(uuid.uuid4(), None))


async def _waiting_for_agreed_prices(billing: Billing) -> Charge:
    """RP-TAP agreed at 75.00 against a list of 80.00, RP-ROOF not listed, no payment method."""
    charge = await billing.completed(
        completion(used("RP-TAP", agreed="75.00"), used("RP-ROOF", 2), payment_method=None)
    )
    assert charge is not None and charge.status is ChargeStatus.NEEDS_PRICING
    assert len(charge.problems) == 3
    return charge


async def test_dsp05_finance_confirms_the_amounts_agreed_before_work_and_the_charge_is_raised() -> (
    None
):
    billing = Billing()
    charge = await _waiting_for_agreed_prices(billing)
    billing.clock.now = NOW + timedelta(days=1)
    done = await billing.handle(
        ConfirmAgreedPrices(
            charge.charge_id,
            (AgreedPrice("RP-ROOF", Decimal("45.50"), "屋面防水补漏", "㎡"),),
            BillingPaymentMethod.BANK_COLLECTION,
            "见服务及回访记录表 No.0012",
            frozenset({"dmg"}),
        )
    )
    assert done.status is ChargeStatus.RAISED
    stored = billing.stored(charge.charge_id)
    assert stored.priced_by == "agreed"
    assert stored.problems == ()
    assert stored.note == "见服务及回访记录表 No.0012"
    assert stored.payment_method is BillingPaymentMethod.BANK_COLLECTION
    [event] = billing.raised()
    payload = event.payload
    # exactly the amounts agreed: the technician's 75.00, not the list's 80.00
    assert [(line.item_code, line.item_name, line.unit) for line in payload.lines] == [
        ("RP-TAP", "更换水龙头", "次"),
        ("RP-ROOF", "屋面防水补漏", "㎡"),
    ]
    assert [(line.unit_price, line.quantity, line.amount) for line in payload.lines] == [
        (Decimal("75.00"), 1, Decimal("75.00")),
        (Decimal("45.50"), 2, Decimal("91.00")),
    ]
    assert payload.total == Decimal("166.00")
    assert payload.payment_method is PaymentMethod.BANK_COLLECTION
    assert payload.raised_at == NOW + timedelta(days=1)
    assert event.aggregate_version == 2


async def test_an_item_not_on_any_list_confirmed_without_a_name_is_charged_by_its_code() -> None:
    billing = Billing()
    charge = await billing.completed(completion(used("RP-ROOF")))
    assert charge is not None
    await billing.handle(
        ConfirmAgreedPrices(
            charge.charge_id, (AgreedPrice("RP-ROOF", Decimal("40.00")),), None, None, None
        )
    )
    [event] = billing.raised()
    [line] = event.payload.lines
    assert (line.item_name, line.unit, line.amount) == ("RP-ROOF", "次", Decimal("40.00"))
    assert event.payload.payment_method is PaymentMethod.CASH  # as the work order reported


@pytest.mark.parametrize(
    ("agreed", "method", "message"),
    [
        pytest.param(
            (),
            BillingPaymentMethod.CASH,
            r"no agreed unit price for 'RP-ROOF'",
            id="price-never-invented",
        ),
        pytest.param(
            (AgreedPrice("RP-ROOF", Decimal("45.50")),),
            None,
            "payment_method is required",
            id="no-payment-method",
        ),
        pytest.param(
            (AgreedPrice("RP-ROOF", Decimal("45.50")), AgreedPrice("RP-LOCK", Decimal("1.00"))),
            BillingPaymentMethod.CASH,
            r"\['RP-LOCK'\] were not delivered",
            id="item-not-delivered",
        ),
        pytest.param(
            (AgreedPrice("RP-ROOF", Decimal("0.00")),),
            BillingPaymentMethod.CASH,
            "'RP-ROOF' must be a positive amount in fen",
            id="zero-price",
        ),
        pytest.param(
            (AgreedPrice("RP-ROOF", Decimal("45.505")),),
            BillingPaymentMethod.CASH,
            "'RP-ROOF' must be a positive amount in fen",
            id="finer-than-a-fen",
        ),
    ],
)
async def test_dsp05_confirming_agreed_prices_never_invents_a_price(
    agreed: tuple[AgreedPrice, ...], method: BillingPaymentMethod | None, message: str
) -> None:
    billing = Billing()
    charge = await _waiting_for_agreed_prices(billing)
    before = billing.stored(charge.charge_id)
    commits = billing.store.commits
    with pytest.raises(RuleViolation, match=message):
        await billing.handle(ConfirmAgreedPrices(charge.charge_id, agreed, method, None, None))
    after = billing.stored(charge.charge_id)
    assert after == before and after.version == before.version
    assert after.payment_method is None and after.status is ChargeStatus.NEEDS_PRICING
    assert billing.store.commits == commits
    assert billing.raised() == []


async def test_confirming_a_charge_already_raised_is_a_conflict() -> None:
    billing = Billing()
    charge = await billing.completed(
        builders.work_order_completed(items=[("RP-TAP", 1)], payment_method=PaymentMethod.CASH)
    )
    assert charge is not None and charge.status is ChargeStatus.RAISED
    with pytest.raises(Conflict, match=f"charge {charge.charge_no} is already raised"):
        await billing.handle(
            ConfirmAgreedPrices(
                charge.charge_id, (AgreedPrice("RP-TAP", Decimal("1.00")),), None, None, None
            )
        )
    assert billing.stored(charge.charge_id).total == Decimal("80.00")
    assert len(billing.raised()) == 1


async def test_confirming_another_sites_charge_is_not_found() -> None:
    billing = Billing()
    charge = await _waiting_for_agreed_prices(billing)
    confirm = ConfirmAgreedPrices(
        charge.charge_id,
        (AgreedPrice("RP-ROOF", Decimal("45.50")),),
        BillingPaymentMethod.CASH,
        None,
        frozenset({"qjc", "gxi"}),
    )
    with pytest.raises(NotFound):
        await billing.handle(confirm)
    with pytest.raises(NotFound):
        await billing.handle(replace(confirm, charge_id=uuid.uuid4(), visible_sites=None))
    assert billing.stored(charge.charge_id).status is ChargeStatus.NEEDS_PRICING
    assert billing.raised() == []


async def test_a_charge_command_names_what_was_delivered_and_by_whom() -> None:
    completed = completion(used("RP-TAP", 2, agreed="80.00"), payment_method=None)
    command = charge_work_order(completed)
    assert isinstance(command, ChargeWorkOrder)
    assert command.site_id == "dmg"
    assert command.causation_id == completed.event_id
    assert command.payment_method is None
    [delivered] = command.delivered
    assert (delivered.item_code, delivered.quantity, delivered.agreed_unit_price) == (
        "RP-TAP",
        2,
        Decimal("80.00"),
    )
    assert command.payer.name == "王芳" and command.payer.room == "1202"


async def test_the_same_completion_delivered_twice_at_once_raises_one_charge() -> None:
    billing = Billing()
    completed = builders.work_order_completed(
        items=[("RP-TAP", 1)], payment_method=PaymentMethod.CASH
    )
    raced = False

    class SavedMeanwhile(FakeBillingUnitOfWork):
        async def commit(self) -> None:
            nonlocal raced
            if not raced:  # another replica handles the redelivery and saves first
                raced = True
                await billing.completed(completed)
            await super().commit()

    bus = MessageBus(HANDLERS, uow=lambda: SavedMeanwhile(billing.store, billing.clock))
    command = charge_work_order(completed)
    charge = await bus.handle(command)  # retried from a fresh read: finds the saved charge
    assert raced
    [stored] = billing.charges()
    assert charge.charge_id == stored.charge_id and charge.charge_no == stored.charge_no
    assert len(billing.raised()) == 1
    # the loser drew a number before it lost: the day's sequence has a gap, never a duplicate
    assert stored.charge_no == "CH-DMG-20261123-0002"


async def test_bil05_a_charge_waiting_only_for_its_payment_method_takes_the_list_price() -> None:
    """Finance say how the resident pays; the items on the list keep the list's price (DSP-05:
    the fee was confirmed from the list), so no price is typed in again."""
    billing = Billing()
    charge = await billing.handle(
        charge_work_order(completion(used("RP-TAP", 2), payment_method=PaymentMethod.OTHER))
    )
    assert charge.problems == (NO_METHOD,)
    done = await billing.handle(
        ConfirmAgreedPrices(charge.charge_id, (), BillingPaymentMethod.BANK_COLLECTION, None, None)
    )
    assert done.status is ChargeStatus.RAISED and done.total == Decimal("160.00")


async def test_bil01_a_changed_list_is_published_whole_and_an_unchanged_item_publishes_nothing() -> (
    None
):
    """BIL-01, TAX-09: the hotline matches paid requests against the list billing publishes; each
    change publishes the whole list at the list's next version, a put that changes nothing none."""
    billing = Billing()
    billing.clock.now = NOW + timedelta(minutes=5)
    await billing.handle(SetPriceListItem("dmg", ROOF))
    await billing.handle(SetPriceListItem("dmg", ROOF))  # the same again
    [published] = billing.store.published_of(PriceListRecorded)
    assert published.site_id == "dmg"
    assert published.payload.recorded_at == NOW + timedelta(minutes=5)
    items = {i.item_code: i for i in published.payload.items}
    assert items["RP-ROOF"].unit_price == ROOF.unit_price
    assert items["RP-ROOF"].item_name == ROOF.name
    assert "RP-TAP" in items  # the whole list, not the one item
    assert published.aggregate_version == billing.store.saved("price_lists")["dmg"].version


async def test_a_new_sites_first_item_publishes_its_list() -> None:
    billing = Billing()
    await billing.handle(SetPriceListItem("new-site", ROOF))
    [published] = billing.store.published_of(PriceListRecorded)
    assert (published.site_id, published.aggregate_version) == ("new-site", 1)
    assert [i.item_code for i in published.payload.items] == ["RP-ROOF"]
