"""Technicians (服务人员 / 维修人员) and who gets a work order."""

from __future__ import annotations

from dataclasses import dataclass

from hotline_libs.aggregate import Aggregate


@dataclass
class Technician(Aggregate):
    """Service staff of one site, with the trades they do and whether they are on duty."""

    technician_id: str
    site_id: str
    name: str
    phone: str
    trades: frozenset[str]
    on_duty: bool = True

    def can_take(self, trade: str, site_id: str) -> bool:
        """On duty at ``site_id`` and doing ``trade``."""
        return self.on_duty and self.site_id == site_id and trade in self.trades

    def update(self, *, name: str, phone: str, trades: frozenset[str], on_duty: bool) -> bool:
        """Take the details a supervisor entered; True when the technician just came on duty."""
        came_on_duty = on_duty and not self.on_duty
        self.name, self.phone, self.trades, self.on_duty = name, phone, trades, on_duty
        return came_on_duty


@dataclass(frozen=True)
class Assignee:
    """The technician a work order went to, as the work order keeps them."""

    technician_id: str
    name: str
    phone: str

    @classmethod
    def of(cls, technician: Technician) -> Assignee:
        return cls(technician.technician_id, technician.name, technician.phone)


def choose_technician(
    candidates: list[Technician], open_orders: dict[str, int], trade: str, site_id: str
) -> Technician | None:
    """The on-duty technician of the trade with the fewest open work orders (ties: by id), or
    None when the site has nobody on duty for it."""
    eligible = [t for t in candidates if t.can_take(trade, site_id)]
    if not eligible:
        return None
    return min(eligible, key=lambda t: (open_orders.get(t.technician_id, 0), t.technician_id))
