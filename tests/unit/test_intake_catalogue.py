"""A site's request catalogue (TAX-01..TAX-08, X2): seeded from the manual, changed by the
site, and what triage and standard answers check a category against."""

from __future__ import annotations

import pytest
from hotline_libs.errors import Conflict, RuleViolation
from intake.domain.boards import BOARDS, RequestKind
from intake.domain.catalogue import CatalogueItem, ServiceClass, manual_catalogue
from intake.domain.commands import DraftStandardAnswer, PutCatalogueItem
from intake.domain.service_request import InvalidRegistration, RequestedItem
from intake.domain.standard_answer import InvalidStandardAnswer

from tests.builders import NOW
from tests.unit.intake_harness import Intake, registration

HEATER = CatalogueItem("water_heater", "热水器维修", "Water heater repair", ServiceClass.PAID)


def test_tax01_x2_the_manual_catalogue_has_the_seven_boards_and_44_items() -> None:
    """42 in the manual's count; 44 with the eight complaint types of its process section (X2)."""
    catalogue = manual_catalogue("dmg")
    assert set(catalogue.items) == set(RequestKind)
    assert sum(len(items) for items in catalogue.items.values()) == 44
    assert [i.code for i in catalogue.items[RequestKind.COMPLAINT]] == list(
        BOARDS[RequestKind.COMPLAINT]
    )
    assert all(i.name_zh and i.name_en for items in catalogue.items.values() for i in items)


@pytest.mark.parametrize(
    ("kind", "code", "service_class"),
    [
        (RequestKind.REPAIR, "common_area", ServiceClass.ROUTINE),
        (RequestKind.REPAIR, "own_unit", ServiceClass.PAID),
        (RequestKind.REPAIR, "other_paid", ServiceClass.PAID),
        (RequestKind.HOUSEKEEPING, "glass_cleaning", ServiceClass.PAID),
        (RequestKind.VALUE_ADDED, "agency", ServiceClass.BUSINESS),
        (RequestKind.CONSULTATION, "property_service", ServiceClass.ROUTINE),
    ],
)
def test_tax03_tax06_tax07_each_item_is_routine_paid_or_business(
    kind: RequestKind, code: str, service_class: ServiceClass
) -> None:
    assert manual_catalogue("dmg").item(kind, code).service_class is service_class


def test_a_site_adds_renames_and_retires_items_and_nothing_is_deleted() -> None:
    catalogue = manual_catalogue("dmg")
    catalogue.put(RequestKind.REPAIR, HEATER, "admin-1", NOW)
    assert catalogue.item(RequestKind.REPAIR, "water_heater") == HEATER
    renamed = CatalogueItem("water_heater", " 燃气热水器维修 ", "Gas heater", ServiceClass.PAID)
    catalogue.put(RequestKind.REPAIR, renamed, "admin-1", NOW)
    assert catalogue.item(RequestKind.REPAIR, "water_heater").name_zh == "燃气热水器维修"
    retired = CatalogueItem("other_paid", "其他有偿维修", "Other paid repair", active=False)
    catalogue.put(RequestKind.REPAIR, retired, "admin-1", NOW)
    with pytest.raises(RuleViolation, match="expected one of: common_area, own_unit, water_heater"):
        catalogue.item(RequestKind.REPAIR, "other_paid")
    codes = [i.code for i in catalogue.items[RequestKind.REPAIR]]
    assert codes == ["common_area", "own_unit", "other_paid", "water_heater"]
    assert (catalogue.changed_by, catalogue.changed_at) == ("admin-1", NOW)


@pytest.mark.parametrize(
    ("kind", "item", "refusal", "message"),
    [
        (RequestKind.REPAIR, CatalogueItem("Heater!", "热水器", "Heater"), RuleViolation, "code"),
        (RequestKind.REPAIR, CatalogueItem("heater", " ", "Heater"), RuleViolation, "name_zh"),
        (
            RequestKind.COMPLAINT,
            CatalogueItem("noise", "噪音", "Noise", ServiceClass.PAID),
            RuleViolation,
            "never charged",
        ),
        (
            RequestKind.VALUE_ADDED,
            CatalogueItem("agency", "中介服务", "Agency", ServiceClass.BUSINESS, active=False),
            Conflict,
            "would offer nothing",
        ),
    ],
)
def test_a_change_that_breaks_the_catalogue_is_refused(
    kind: RequestKind, item: CatalogueItem, refusal: type[Exception], message: str
) -> None:
    catalogue = manual_catalogue("dmg")
    before = dict(catalogue.items)
    with pytest.raises(refusal, match=message):
        catalogue.put(kind, item, "admin-1", NOW)
    assert catalogue.items == before


async def test_triage_checks_the_category_against_the_sites_own_catalogue() -> None:
    intake = Intake()
    with pytest.raises(InvalidRegistration, match="'water_heater' is not an item") as refused:
        await intake.register(registration(category="water_heater"))
    assert refused.value.field == "category"
    await intake.bus.handle(PutCatalogueItem("dmg", RequestKind.REPAIR, HEATER, "admin-1"))
    request, _ = await intake.register(
        registration(category="water_heater", requested_items=(RequestedItem("RP-TAP", 1),))
    )
    assert request.category == "water_heater"
    # another site keeps the manual's catalogue
    with pytest.raises(InvalidRegistration):
        await intake.register(registration(site_id="gxi", category="water_heater"))


async def test_a_retired_item_takes_no_new_requests_or_standard_answers() -> None:
    intake = Intake()
    retired = CatalogueItem("convenience", "便民信息", "Convenience", active=False)
    await intake.bus.handle(PutCatalogueItem("dmg", RequestKind.CONSULTATION, retired, "admin-1"))
    with pytest.raises(InvalidRegistration):
        await intake.register(registration(kind=RequestKind.CONSULTATION, category="convenience"))
    with pytest.raises(InvalidStandardAnswer, match="not an item") as refused:
        await intake.bus.handle(
            DraftStandardAnswer(
                "dmg", RequestKind.CONSULTATION, "convenience", "附近有药店吗?", "有", "agent-1"
            )
        )
    assert refused.value.field == "topic"
