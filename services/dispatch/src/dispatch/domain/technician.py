"""Technicians (服务人员 / 维修人员), their skills, and who gets a work order."""

from __future__ import annotations

from dataclasses import dataclass

from hotline_libs.aggregate import Aggregate

REPAIR_SKILLS: dict[str, str] = {
    "plumbing": "水暖",
    "electrical": "电工",
    "lifts": "电梯",
    "gas": "燃气",
    "fire_safety": "消防",
    "locks_and_carpentry": "门锁木工",
}
"""The maintenance specialities a repair can need."""
HOUSEKEEPING_SKILLS: dict[str, str] = {
    "new_home_clean": "家庭开荒",
    "office_deep_clean": "写字间开荒",
    "carpet_cleaning": "地毯清洗",
    "carpet_care": "地毯保养",
    "floor_waxing": "地板打蜡",
    "sofa_care": "真皮布艺沙发保养",
    "furniture_care": "家具保养",
    "glass_cleaning": "玻璃清洗",
    "office_contract_cleaning": "写字间托管保洁",
    "stone_crystallisation": "石材结晶",
}
"""The ten housekeeping items (TAX-07), each a skill of its own: the item the resident booked is
the skill the work order needs."""
SKILLS = REPAIR_SKILLS | HOUSEKEEPING_SKILLS

EMERGENCY_SKILL: dict[str, str] = {
    "water_leak": "plumbing",
    "power_failure": "electrical",
    "lift_entrapment": "lifts",
    "gas": "gas",
    "fire_alarm": "fire_safety",
}
"""The speciality an emergency of intake's kinds calls for (INC-01)."""


@dataclass(frozen=True)
class Need:
    """Who a work order needs: a technician of ``trade`` from ``site_id``, with ``skill`` if
    one is named (a generalist of the trade when no specialist is free)."""

    site_id: str
    trade: str
    skill: str | None = None


def skill_needed(trade: str, category: str | None, emergency: str | None) -> str | None:
    """The housekeeping item booked, or the speciality an emergency calls for; None when any
    technician of the trade will do."""
    if trade == "housekeeping":
        return category if category in HOUSEKEEPING_SKILLS else None
    return EMERGENCY_SKILL.get(emergency or "")


@dataclass
class Technician(Aggregate):
    """Service staff of one home site, with the trades and skills they have and whether they are
    available (off sick without notice, say, is not)."""

    technician_id: str
    site_id: str
    """Their home site: the only one whose work orders they get."""
    name: str
    phone: str
    trades: frozenset[str]
    on_duty: bool = True
    skills: frozenset[str] = frozenset()
    """Their specialities; none means a generalist, sent for any work of their trades when no
    specialist is free."""

    def can_take(self, trade: str, site_id: str) -> bool:
        """Available at ``site_id`` and doing ``trade`` (what a manual assignment asks)."""
        return self.on_duty and self.site_id == site_id and trade in self.trades

    def fit(self, need: Need) -> int | None:
        """How well they fit ``need``: 0 a specialist (or no skill asked), 1 a generalist of the
        trade, None not at all (another site or trade, unavailable, other specialities)."""
        if not self.can_take(need.trade, need.site_id):
            return None
        if need.skill is None or need.skill in self.skills:
            return 0
        return 1 if not self.skills else None

    def update(
        self,
        *,
        name: str,
        phone: str,
        trades: frozenset[str],
        on_duty: bool,
        skills: frozenset[str] = frozenset(),
    ) -> bool:
        """Take the details a supervisor entered; True when the technician just came on duty."""
        came_on_duty = on_duty and not self.on_duty
        self.name, self.phone, self.trades, self.on_duty = name, phone, trades, on_duty
        self.skills = skills
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
    candidates: list[Technician],
    open_orders: dict[str, int],
    need: Need,
    on_shift: frozenset[str] | None = None,
) -> Technician | None:
    """Who gets the work order: of the site's available technicians of the trade who are on
    shift at the work's time (``on_shift``; None when the site keeps no roster for that month,
    so everyone available counts), a specialist before a generalist, then the fewest open work
    orders, then by id; None when nobody fits."""
    ranked = [
        (fit, open_orders.get(t.technician_id, 0), t.technician_id, t)
        for t in candidates
        if (fit := t.fit(need)) is not None and (on_shift is None or t.technician_id in on_shift)
    ]
    return min(ranked, key=lambda r: r[:3])[3] if ranked else None
