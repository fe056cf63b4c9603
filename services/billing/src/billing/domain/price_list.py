"""The paid services one site offers, and their prices (特约服务项目价格表, BIL-01).

The manuals give the list four names (特约服务项目价格表, 服务项目价目表, 收费价格一览表,
有偿服务项目收费标准): one entity here. Its rates are set for the property and filed with the
authorities (BIL-03, BIL-04), so a list is **versioned**: each version holds every item, the moment
it takes effect and the reference of the rates' approval. A version can be scheduled ahead (the
new rates from the first of next month); a correction finance makes takes effect at once as a new
version. A charge is priced at the version in effect when the resident signed; old versions stay,
so a charge can always be explained.

The version in effect is announced (``PriceListRecorded``) when it takes effect: at once, or on a
durable deadline at its effective moment, once across restarts and replicas.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import Conflict, RuleViolation
from hotline_libs.money import round_yuan

from billing.domain import events


class ItemKind(enum.StrEnum):
    """What sort of service an item is priced for."""

    ROUTINE = "routine"
    """Part of the management fee: listed so that agents can say it costs nothing extra."""
    SPECIAL_PAID = "special_paid"
    """A paid convenience service done on request (特约服务, 有偿服务; BIL-02)."""
    BUSINESS = "business"
    """A commercial service the site sells (经营性服务)."""


@dataclass(frozen=True)
class PriceItem:
    item_code: str
    name: str
    """The item's name in Chinese, as printed on the list and the receipt."""
    unit: str
    unit_price: Decimal
    name_en: str | None = None
    kind: ItemKind = ItemKind.SPECIAL_PAID

    def check(self) -> None:
        if self.unit_price < 0 or (self.unit_price == 0 and self.kind is not ItemKind.ROUTINE):
            raise RuleViolation(
                f"unit_price of {self.item_code} must be more than zero (zero only for a "
                "routine item)"
            )
        if round_yuan(self.unit_price) != self.unit_price:
            raise RuleViolation(f"unit_price of {self.item_code} has more than two decimal places")


@dataclass(frozen=True)
class PriceListVersion:
    """Every item of the list from one moment on, and the approval its rates rest on."""

    number: int
    effective_from: datetime
    items: Mapping[str, PriceItem]
    approval_ref: str | None
    recorded_at: datetime
    recorded_by: str | None = None


EFFECTIVE = "version-takes-effect"
"""The deadline of a version scheduled ahead: it is announced when it takes effect."""


@dataclass
class PriceList(Aggregate):
    """One site's price list: its versions, oldest first."""

    site_id: str
    versions: list[PriceListVersion] = field(default_factory=list)
    announced: int = 0
    """The number of the last version announced as in effect; 0 before the first."""

    # -- reading --------------------------------------------------------------------------------
    def in_effect(self, at: datetime) -> PriceListVersion | None:
        """The version in effect at ``at``: the latest one effective by then."""
        effective = [v for v in self.versions if v.effective_from <= at]
        return max(effective, key=lambda v: (v.effective_from, v.number), default=None)

    @property
    def latest(self) -> PriceListVersion | None:
        return self.versions[-1] if self.versions else None

    # -- changing -------------------------------------------------------------------------------
    def schedule(
        self,
        items: Mapping[str, PriceItem],
        effective_from: datetime,
        approval_ref: str | None,
        by: str | None,
        now: datetime,
    ) -> PriceListVersion:
        """A new version with every item, in effect from ``effective_from`` (now or later);
        announced at once when it is in effect now."""
        if effective_from < now:
            raise RuleViolation(
                "effective_from lies in the past: a version takes effect now or later "
                "(charges already priced keep the rates they were priced at)",
                field="effective_from",
            )
        if not items:
            raise RuleViolation("a price list version needs at least one item", field="items")
        for item in items.values():
            item.check()
        scheduled_later = [v for v in self.versions if v.effective_from > effective_from]
        if scheduled_later:
            raise Conflict(
                f"version {scheduled_later[0].number} takes effect later "
                f"({scheduled_later[0].effective_from.isoformat()}): schedule this one after it"
            )
        version = PriceListVersion(
            number=len(self.versions) + 1,
            effective_from=effective_from,
            items=dict(items),
            approval_ref=approval_ref,
            recorded_at=now,
            recorded_by=by,
        )
        self.versions.append(version)
        self.announce_due(now)
        return version

    def set_item(self, item: PriceItem, by: str | None, now: datetime) -> bool:
        """Add an item or correct one, in effect at once: a new version holding the items in
        effect now with this one changed, under the same approval. False (nothing recorded)
        when the item stands as given already."""
        item.check()
        current = self.in_effect(now)
        items = dict(current.items) if current else {}
        if items.get(item.item_code) == item:
            return False
        items[item.item_code] = item
        later = [v for v in self.versions if v.effective_from > now]
        if later:
            raise Conflict(
                f"version {later[0].number} takes effect at "
                f"{later[0].effective_from.isoformat()}: correct the list through a new version "
                "after it"
            )
        self.schedule(items, now, current.approval_ref if current else None, by, now)
        return True

    # -- the clock --------------------------------------------------------------------------------
    def deadlines(self) -> dict[str, datetime]:
        waiting = [v.effective_from for v in self.versions if v.number > self.announced]
        return {EFFECTIVE: min(waiting)} if waiting else {}

    def deadline_reached(self, name: str, now: datetime) -> None:
        if name != EFFECTIVE:
            super().deadline_reached(name, now)
        self.announce_due(now)

    def announce_due(self, now: datetime) -> None:
        """Announce the version in effect now, if a newer one took effect since the last."""
        current = self.in_effect(now)
        if current is None:
            return
        newest_due = max(v.number for v in self.versions if v.effective_from <= now)
        if newest_due > self.announced:
            self.announced = newest_due
            self.record(events.PriceListRecorded(recorded_at=now))

    def republish(self, now: datetime) -> None:
        """Announce the version in effect again (a list stored before lists were announced)."""
        if self.in_effect(now) is not None:
            self.record(events.PriceListRecorded(recorded_at=now))
