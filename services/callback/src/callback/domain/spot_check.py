"""Spot checks of callbacks (抽查回访, CB-06): at least 3 a month per site, by the service-centre
head or the site manager. The system draws the callbacks to check from the month's made ones,
by the same kind of seeded draw as the callback samples (the lowest draws of the month's seed),
so nobody picks the easy ones; each check records whether the callback was as recorded."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import Conflict, RuleViolation

from callback.domain.sample import draw_of

SPOT_CHECKS = 3
"""Spot checks a month per site at least (CB-06)."""
MAX_DRAWN = 20
MAX_NOTE = 500


@dataclass(frozen=True)
class Check:
    """One drawn callback checked: whether the resident confirmed what the record says."""

    callback_id: uuid.UUID
    confirmed: bool
    note: str | None
    by: str
    at: datetime


@dataclass
class SpotCheck(Aggregate):
    site_id: str
    month: str
    seed: str
    drawn: list[uuid.UUID] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)

    @property
    def short(self) -> int:
        """Checks still missing to reach the month's least."""
        return max(0, SPOT_CHECKS - len(self.checks))

    def draw(self, made: list[uuid.UUID], count: int) -> list[uuid.UUID]:
        """Draw callbacks to check until ``count`` are drawn: those of ``made`` (the month's
        callbacks made) with the lowest draws; the ones drawn before stay. Asked again with the
        same count, nothing changes."""
        if not SPOT_CHECKS <= count <= MAX_DRAWN:
            raise RuleViolation(
                f"draw {SPOT_CHECKS} to {MAX_DRAWN} callbacks to check", field="count"
            )
        wanted = count - len(self.drawn)
        if wanted <= 0:
            return []
        candidates = sorted(
            (c for c in made if c not in self.drawn), key=lambda c: draw_of(self.seed, c)
        )
        added = candidates[:wanted]
        if not added and not self.drawn:
            raise Conflict(f"no callback of {self.month} is made yet at {self.site_id}")
        self.drawn += added
        return added

    def check(
        self, callback_id: uuid.UUID, confirmed: bool, note: str | None, by: str, now: datetime
    ) -> bool:
        """Record the check of a drawn callback; False when this check was recorded already."""
        if callback_id not in self.drawn:
            raise RuleViolation(
                f"callback {callback_id} was not drawn for {self.month}'s spot checks",
                field="callback_id",
            )
        if note is not None and len(note) > MAX_NOTE:
            raise RuleViolation(f"a note is at most {MAX_NOTE} characters", field="note")
        if not confirmed and not (note and note.strip()):
            raise RuleViolation("say what differs from the record", field="note")
        for earlier in self.checks:
            if earlier.callback_id == callback_id:
                if (earlier.confirmed, earlier.note, earlier.by) == (confirmed, note, by):
                    return False
                raise Conflict(f"callback {callback_id} was checked already by {earlier.by}")
        self.checks.append(Check(callback_id, confirmed, note, by, now))
        return True
