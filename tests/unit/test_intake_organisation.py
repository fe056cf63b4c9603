"""Staff and the phone book (KB-12, ORG-06, ORG-07, CMP-14): records checked field by field,
numbers in one form, another site's id never taken over."""

from __future__ import annotations

import uuid
from dataclasses import replace
from decimal import Decimal

import pytest
from hotline_libs.errors import Conflict, NotFound, RuleViolation
from intake.domain.commands import RecordPhoneBookEntry, RecordStaffMember, RemovePhoneBookEntry
from intake.domain.complaint import Department
from intake.domain.phone_book import PhoneBookDetails, phone_book_number
from intake.domain.site_organisation import buildings_of, departments_of
from intake.domain.staff import StaffDetails, new_staff_member
from intake.domain.unit import Occupancy, Unit

from tests.builders import NOW
from tests.unit.intake_harness import Intake

STEWARD = StaffDetails(
    name="周静",
    title="管家",
    department=Department.CUSTOMER_SERVICE,
    phones=("139 0000 1234",),
    steward_of=("3", "4"),
)
GAS = PhoneBookDetails("燃气公司抢修", "029-96777", "燃气泄漏, 燃气表故障")


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("8001", "8001"),
        ("119", "119"),
        ("029-8888 6666", "+862988886666"),
        ("13800138000", "+8613800138000"),
    ],
)
def test_kb12_a_number_is_kept_as_an_extension_or_in_e164(raw: str, kept: str) -> None:
    assert phone_book_number(raw) == kept


def test_kb12_a_number_that_is_neither_is_refused_naming_it() -> None:
    with pytest.raises(RuleViolation) as refused:
        phone_book_number("12")
    assert refused.value.field == "number"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": " "}, "name"),
        ({"phones": ()}, "phones"),
        ({"phones": ("12345",)}, "phones[0]"),
        ({"phones": ("13900001234", "139 0000 1234")}, "phones"),
        ({"steward_of": ("3", "3")}, "steward_of"),
        ({"email": "not-an-address"}, "email"),
    ],
)
async def test_a_staff_record_that_breaks_a_rule_is_refused_and_nothing_is_kept(
    overrides: dict[str, object], field: str
) -> None:
    intake = Intake()
    with pytest.raises(RuleViolation) as refused:
        await intake.bus.handle(
            RecordStaffMember("dmg-s01", "dmg", replace(STEWARD, **overrides), None)  # type: ignore[arg-type]
        )
    assert refused.value.field == field
    assert intake.store.saved("staff") == {}


async def test_cmp14_a_steward_is_recorded_with_the_buildings_covered() -> None:
    intake = Intake()
    member, created = await intake.bus.handle(RecordStaffMember("dmg-s01", "dmg", STEWARD, None))
    assert created and member.steward
    assert member.details.phones == ("+8613900001234",)
    _, again = await intake.bus.handle(RecordStaffMember("dmg-s01", "dmg", STEWARD, None))
    assert not again


async def test_another_sites_staff_id_is_not_taken_over() -> None:
    intake = Intake()
    await intake.bus.handle(RecordStaffMember("dmg-s01", "dmg", STEWARD, None))
    with pytest.raises(Conflict, match="is taken"):
        await intake.bus.handle(RecordStaffMember("dmg-s01", "gxi", STEWARD, frozenset({"gxi"})))


async def test_kb12_a_number_is_kept_changed_and_taken_out_of_the_book() -> None:
    intake = Intake()
    entry_id = uuid.uuid4()
    entry, created = await intake.bus.handle(RecordPhoneBookEntry(entry_id, "*", GAS, None))
    assert created and entry.details.number == "02996777"
    assert entry.matches("燃气 抢修") and not entry.matches("电梯")
    removed = await intake.bus.handle(RemovePhoneBookEntry(entry_id, None))
    assert removed.removed_at is not None
    with pytest.raises(NotFound):
        await intake.bus.handle(RemovePhoneBookEntry(uuid.uuid4(), None))
    with pytest.raises(Conflict):
        await intake.bus.handle(RecordPhoneBookEntry(entry_id, "dmg", GAS, frozenset({"dmg"})))


def test_ch13_cmp14_a_sites_buildings_show_units_area_and_who_covers_each() -> None:
    owner = uuid.uuid4()
    units = [
        Unit("dmg", building, room, Decimal(area), Occupancy(owner_id=who), NOW)
        for building, room, area, who in [
            ("10", "101", "90.50", owner),
            ("2", "201", "88.25", owner),
            ("2", "202", "60.00", None),
        ]
    ]
    steward = new_staff_member("dmg-s01", "dmg", replace(STEWARD, steward_of=("2", "7")), NOW)
    gone = new_staff_member(
        "dmg-s02", "dmg", replace(STEWARD, steward_of=("10",), active=False), NOW
    )

    found = {b.building: b for b in buildings_of(units, [steward, gone])}

    assert list(found) == ["2", "7", "10"]  # numbered buildings in number order
    assert (found["2"].units, found["2"].floor_area_m2, found["2"].units_with_owner) == (
        2,
        Decimal("148.25"),
        1,
    )
    assert [m.staff_id for m in found["2"].stewards] == ["dmg-s01"]
    assert found["7"].units == 0 and found["7"].stewards  # covered, no unit on record yet
    assert found["10"].stewards == ()  # its steward has left: nobody covers it


def test_org06_org07_each_department_shows_its_staff_and_a_missing_liaison() -> None:
    repairs = replace(STEWARD, department=Department.MAINTENANCE, steward_of=())
    fitter = new_staff_member("dmg-m01", "dmg", repairs, NOW)
    liaison = new_staff_member("dmg-m02", "dmg", replace(repairs, information_liaison=True), NOW)
    cleaner = new_staff_member(
        "dmg-h01", "dmg", replace(repairs, department=Department.HOUSEKEEPING), NOW
    )

    found = {d.department: d for d in departments_of([fitter, liaison, cleaner])}

    assert set(found) == set(Department)
    assert [m.staff_id for m in found[Department.MAINTENANCE].liaisons] == ["dmg-m02"]
    assert len(found[Department.MAINTENANCE].staff) == 2
    assert found[Department.HOUSEKEEPING].staff and not found[Department.HOUSEKEEPING].liaisons
    assert not found[Department.MARKETING].staff
