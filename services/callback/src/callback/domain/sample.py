"""The month's sample of a trigger called back at less than 100% (抽样回访), drawn so that an
auditor can recompute it and so that the month never falls under its rate (CB-03, CB-10).

Each case gets a draw from 0 to 9999 out of SHA-256 of the month's seed and the case's id: a
case whose draw is under the share (in basis points) is drawn by lot. The cases are numbered
in the order they come; when the n-th is not drawn by lot but the cases drawn so far are fewer
than ⌈n × share ÷ 100⌉, it is drawn to keep the month at its rate. So the same seed and cases in
the same order give the same sample, and at every point of the month at least the share of the
cases so far is called back. The seed is drawn when the month's first case comes and kept.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field

from hotline_libs.aggregate import Aggregate

BASIS_POINTS = 10_000


def draw_of(seed: str, case_id: uuid.UUID) -> int:
    """The case's draw, 0 to 9999: the first 8 bytes of SHA-256("<seed>:<case id>"), mod 10000."""
    digest = hashlib.sha256(f"{seed}:{case_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % BASIS_POINTS


def kept_at_rate(position: int, share: int) -> int:
    """How many of the first ``position`` cases at least are called back: ⌈position × share ÷ 100⌉."""
    return -(-position * share // 100)


@dataclass(frozen=True)
class Draw:
    """A case's place in the month's sample and whether it is called back."""

    case_id: uuid.UUID
    position: int
    draw: int
    share: int
    drawn: bool
    by_lot: bool
    """Drawn because its draw was under the share; False and drawn: drawn to keep the rate."""


def decide(seed: str, case_id: uuid.UUID, position: int, drawn_before: int, share: int) -> Draw:
    """The ``position``-th case of the month, after ``drawn_before`` drawn: called back or not."""
    draw = draw_of(seed, case_id)
    by_lot = draw < share * BASIS_POINTS // 100
    drawn = by_lot or drawn_before < kept_at_rate(position, share)
    return Draw(case_id, position, draw, share, drawn, by_lot)


def sample_id(site_id: str, month: str, trigger: str) -> str:
    return f"{site_id}:{month}:{trigger}"


@dataclass
class CallbackSample(Aggregate):
    """One site's sample of one trigger in one month (YYYY-MM, the site's months)."""

    site_id: str
    month: str
    trigger: str
    seed: str
    draws: list[Draw] = field(default_factory=list)

    @property
    def drawn(self) -> int:
        return sum(d.drawn for d in self.draws)

    def draw(self, case_id: uuid.UUID, share: int) -> Draw:
        """The case's draw: decided once, the same when asked again (a redelivered event)."""
        for earlier in self.draws:
            if earlier.case_id == case_id:
                return earlier
        decided = decide(self.seed, case_id, len(self.draws) + 1, self.drawn, share)
        self.draws.append(decided)
        return decided


def replayed(seed: str, cases: list[tuple[uuid.UUID, int]]) -> list[Draw]:
    """The sample recomputed from its seed and its cases (id, share) in their order: what an
    auditor does, and what the recorded draws must equal."""
    draws: list[Draw] = []
    for position, (case_id, share) in enumerate(cases, start=1):
        draws.append(decide(seed, case_id, position, sum(d.drawn for d in draws), share))
    return draws
