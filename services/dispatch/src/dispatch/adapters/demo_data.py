"""Technicians of the three demo sites."""

from __future__ import annotations

from dispatch.domain.technician import Technician

_BOTH = frozenset({"maintenance", "housekeeping"})

DEMO_TECHNICIANS = (
    Technician(
        "dmg-t01",
        "dmg",
        "李强",
        "+8613900000101",
        frozenset({"maintenance"}),
        skills=frozenset({"plumbing"}),
    ),
    Technician("dmg-t02", "dmg", "赵敏", "+8613900000102", frozenset({"maintenance"})),
    Technician("dmg-h01", "dmg", "孙丽", "+8613900000103", frozenset({"housekeeping"})),
    Technician("qjc-t01", "qjc", "周伟", "+8613900000201", _BOTH),
    Technician("qjc-t02", "qjc", "吴刚", "+8613900000202", frozenset({"maintenance"})),
    Technician("gxi-t01", "gxi", "郑涛", "+8613900000301", frozenset({"maintenance"})),
)
