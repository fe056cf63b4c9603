"""A site's request catalogue (服务项目目录): the items of each board a site offers, in Chinese
and English, and whether each is routine, special paid or business service. Seeded from the
manual's seven boards (TAX-01..TAX-08, with the eight complaint types of X2); a site adds,
renames, reclassifies or retires items, and every report splits by them."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, replace
from datetime import datetime

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import Conflict, RuleViolation

from intake.domain import events
from intake.domain.boards import BOARDS, RequestKind

CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_NAME = 60
MAX_ITEMS_PER_BOARD = 60


class ServiceClass(enum.StrEnum):
    """Who pays (常规 / 特约 / 经营): decides whether a price-list item must be named."""

    ROUTINE = "routine"
    """Covered by the management fee."""
    PAID = "paid"
    """Special paid service, priced by the site's price list (特约服务)."""
    BUSINESS = "business"
    """Business service: rental agency, parking, venue hire (经营服务)."""


@dataclass(frozen=True)
class CatalogueItem:
    code: str
    name_zh: str
    name_en: str
    service_class: ServiceClass = ServiceClass.ROUTINE
    active: bool = True


class NotInCatalogue(RuleViolation):
    """The category is not an item the site offers on that board."""


@dataclass
class Catalogue(Aggregate):
    """One site's catalogue; the manual's until the site changes an item."""

    site_id: str
    items: dict[RequestKind, tuple[CatalogueItem, ...]]
    changed_by: str = ""
    changed_at: datetime | None = None

    def offered(self, kind: RequestKind) -> tuple[CatalogueItem, ...]:
        return tuple(item for item in self.items.get(kind, ()) if item.active)

    def item(self, kind: RequestKind, code: str, field: str = "category") -> CatalogueItem:
        """The active item ``code`` of the board; ``NotInCatalogue`` naming what is offered."""
        for item in self.offered(kind):
            if item.code == code:
                return item
        offered = ", ".join(item.code for item in self.offered(kind)) or "nothing"
        raise NotInCatalogue(
            f"{field} {code!r} is not an item of the {kind.value} board at site "
            f"{self.site_id!r}; expected one of: {offered}",
            field=field,
        )

    def recorded(self, now: datetime) -> None:
        """Publish the catalogue as it stands (a new site's, the manual's)."""
        self.record(events.CatalogueRecorded(recorded_at=now))

    def put(self, kind: RequestKind, item: CatalogueItem, by: str, now: datetime) -> CatalogueItem:
        """Add an item or change one (its names, its class, retired or offered again). An item
        is never deleted: requests and reports of the past still name it. Putting an item as it
        is changes nothing (and names nobody as its last changer)."""
        if not CODE.match(item.code):
            raise RuleViolation(
                "code must be 1 to 40 lower-case letters, digits or _, starting with a letter",
                field="code",
            )
        cleaned = replace(
            item,
            name_zh=_name("name_zh", item.name_zh),
            name_en=_name("name_en", item.name_en),
        )
        if kind is RequestKind.COMPLAINT and cleaned.service_class is not ServiceClass.ROUTINE:
            raise RuleViolation("a complaint is never charged for", field="service_class")
        current = self.items.get(kind, ())
        if cleaned in current:
            return cleaned
        if any(existing.code == cleaned.code for existing in current):
            after = tuple(cleaned if e.code == cleaned.code else e for e in current)
        elif len(current) >= MAX_ITEMS_PER_BOARD:
            raise Conflict(f"the {kind.value} board holds {MAX_ITEMS_PER_BOARD} items already")
        else:
            after = (*current, cleaned)
        if not any(i.active for i in after):
            raise Conflict(
                f"the {kind.value} board would offer nothing; keep one item, or leave the board "
                "out of the site's services"
            )
        self.items = {**self.items, kind: after}
        self.changed_by, self.changed_at = by, now
        self.recorded(now)
        return cleaned


def _name(field: str, value: str) -> str:
    value = value.strip()
    if not 1 <= len(value) <= MAX_NAME:
        raise RuleViolation(f"{field} must be 1 to {MAX_NAME} characters", field=field)
    return value


NAMES: dict[str, tuple[str, str]] = {
    # consultation (TAX-02)
    "property_service": ("物业服务", "Property service"),
    "project": ("项目情况", "Projects"),
    "community_event": ("社区活动", "Community events"),
    "call_transfer": ("转接电话", "Call transfer"),
    "convenience": ("便民信息", "Convenience information"),
    "other": ("其他", "Other"),
    # repair (TAX-03)
    "common_area": ("公共区域报修", "Common area"),
    "own_unit": ("自用部位报修", "The unit's own parts"),
    "other_paid": ("其他有偿维修", "Other paid repair"),
    # complaint (TAX-04, X2: the eight of the process section)
    "service_quality": ("服务质量", "Service quality"),
    "construction_quality": ("工程质量", "Construction quality"),
    "renovation_quality": ("装修工程质量", "Renovation quality"),
    "repair": ("维修", "Repair"),
    "historical_issue": ("历史遗留问题", "Historical issue"),
    "facilities": ("设施设备", "Facilities"),
    "environment": ("环境", "Environment"),
    # callback (TAX-05)
    "after_complaint": ("投诉回访", "After a complaint"),
    "after_repair": ("维修回访", "After a repair"),
    "after_value_added": ("增值服务回访", "After a value-added service"),
    "key_customer": ("重点客户回访", "Key customer"),
    # value-added (TAX-06)
    "agency": ("中介服务", "Agency"),
    # housekeeping (TAX-07)
    "new_home_clean": ("家庭开荒", "New-home deep clean"),
    "office_deep_clean": ("写字间开荒", "Office deep clean"),
    "carpet_cleaning": ("地毯清洗", "Carpet cleaning"),
    "carpet_care": ("地毯保养", "Carpet care"),
    "floor_waxing": ("地板打蜡", "Floor waxing"),
    "sofa_care": ("真皮布艺沙发保养", "Sofa care"),
    "furniture_care": ("家具保养", "Furniture care"),
    "glass_cleaning": ("玻璃清洗", "Glass cleaning"),
    "office_contract_cleaning": ("写字间托管保洁", "Office contract cleaning"),
    "stone_crystallisation": ("石材结晶", "Stone crystallisation"),
    # information collection (TAX-08)
    "customer": ("客户信息", "Customers"),
    "sales_policy": ("销售政策", "Sales policy"),
    "procedure": ("业务办理流程", "Procedures"),
    "property_title": ("产权办理进程", "Property title"),
    "property_management": ("物业管理", "Property management"),
    "complaint_policy": ("投诉处理政策", "Complaint policy"),
    "regulation": ("法律法规", "Laws and regulations"),
    "building_knowledge": ("建筑基本知识", "Building knowledge"),
}
PAID_ITEMS = frozenset({("repair", "own_unit"), ("repair", "other_paid")})
"""Repairs the resident pays for (a unit's own parts, other paid repair): with housekeeping,
special paid service; common areas are routine."""


def _seed_class(kind: RequestKind, code: str) -> ServiceClass:
    if kind is RequestKind.HOUSEKEEPING or (kind.value, code) in PAID_ITEMS:
        return ServiceClass.PAID
    if kind is RequestKind.VALUE_ADDED:
        return ServiceClass.BUSINESS
    return ServiceClass.ROUTINE


def manual_catalogue(site_id: str) -> Catalogue:
    """The catalogue of the manual, as a site starts with it."""
    return Catalogue(
        site_id=site_id,
        items={
            kind: tuple(
                CatalogueItem(code, *NAMES[code], service_class=_seed_class(kind, code))
                for code in codes
            )
            for kind, codes in BOARDS.items()
        },
    )
