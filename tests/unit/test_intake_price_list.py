"""Triage matches a paid request against the site's price list as billing last published it
(TAX-09, BIL-01, BIL-02)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from contracts.billing.v1 import PriceListRecorded
from contracts.examples import canonical_examples
from intake.adapters.inbound.billing_v1 import keep_price_list
from intake.domain.boards import RequestKind
from intake.domain.price_list import PricedItem
from intake.domain.service_request import InvalidRegistration, RequestedItem, RequestStatus

from tests.builders import NOW
from tests.unit.intake_harness import Intake, price_list, registration

HEATER = PricedItem("RP-HEATER", "热水器维修", "次", Decimal("150.00"))


def published(version: int, *items: PricedItem) -> PriceListRecorded:
    """Billing's event for dmg's list at ``version``."""
    example = canonical_examples()[PriceListRecorded]
    assert isinstance(example, PriceListRecorded)
    payload = example.payload.model_copy(
        update={
            "items": [
                example.payload.items[0].model_copy(
                    update={
                        "item_code": i.item_code,
                        "item_name": i.name,
                        "unit": i.unit,
                        "unit_price": i.unit_price,
                    }
                )
                for i in items
            ],
            "recorded_at": NOW + timedelta(minutes=version),
        }
    )
    event: PriceListRecorded = example.model_copy(
        update={"site_id": "dmg", "aggregate_version": version, "payload": payload}
    )
    return event


async def test_bil01_the_latest_list_billing_published_is_kept_and_an_older_one_ignored() -> None:
    intake = Intake()
    assert await intake.bus.handle(keep_price_list(published(3, HEATER)))
    older = published(2, PricedItem("RP-TAP", "更换水龙头", "次", Decimal("80.00")))
    assert not await intake.bus.handle(keep_price_list(older))
    assert not await intake.bus.handle(keep_price_list(published(3, HEATER)))  # redelivered
    kept = intake.store.saved("price_lists")["dmg"]
    assert list(kept.items) == ["RP-HEATER"]
    assert kept.items["RP-HEATER"].unit_price == Decimal("150.00")
    assert (kept.source_version, kept.recorded_at) == (3, NOW + timedelta(minutes=3))


async def test_tax09_a_paid_request_names_items_only_from_the_sites_current_list() -> None:
    intake = Intake()
    await intake.bus.handle(keep_price_list(published(2, HEATER)))
    with pytest.raises(InvalidRegistration, match="not on the price list of site 'dmg'") as refused:
        await intake.register(registration())  # RP-TAP: no longer sold at dmg
    assert refused.value.field == "requested_items[0].item_code"
    assert "RP-HEATER" in refused.value.message

    with pytest.raises(InvalidRegistration, match="must name what the resident asks") as unnamed:
        await intake.register(registration(requested_items=()))
    assert unnamed.value.field == "requested_items"

    request, _ = await intake.register(
        registration(requested_items=(RequestedItem("RP-HEATER", 2),))
    )
    assert request.requested_items == (RequestedItem("RP-HEATER", 2),)


async def test_tax09_a_site_billing_has_not_priced_takes_no_paid_request() -> None:
    intake = Intake()
    del intake.store.saved("price_lists")["gxi"]
    with pytest.raises(InvalidRegistration, match="no price list from billing yet") as refused:
        await intake.register(registration(site_id="gxi"))
    assert refused.value.field == "requested_items"
    # what is covered by the management fee is taken as before
    request, _ = await intake.register(registration(site_id="gxi", category="common_area"))
    assert request.category == "common_area"


async def test_tax09_routine_and_business_services_name_no_price_list_items() -> None:
    intake = Intake()
    for kind, category in (
        (RequestKind.REPAIR, "common_area"),
        (RequestKind.CONSULTATION, "property_service"),
    ):
        with pytest.raises(InvalidRegistration, match="requested_items are for paid services"):
            await intake.register(
                registration(
                    kind=kind, category=category, requested_items=(RequestedItem("RP-TAP", 1),)
                )
            )


async def test_a_paid_request_declined_on_the_call_names_nothing_to_charge() -> None:
    intake = Intake()
    del intake.store.saved("price_lists")["dmg"]
    request, _ = await intake.register(
        registration(requested_items=(), triage=RequestStatus.DECLINED, triage_note="不在服务范围")
    )
    assert request.status is RequestStatus.DECLINED


def test_a_refusal_quotes_a_long_list_shortened() -> None:
    long = price_list("dmg", *(f"RP-{n:02d}" for n in range(20)))
    assert long.codes().endswith("RP-11, …")
