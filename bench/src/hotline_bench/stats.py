"""Percentiles of latency samples, in milliseconds."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Latencies:
    """p50/p95/p99 and the count of samples given in seconds, kept in milliseconds."""

    count: int
    p50_ms: float
    p95_ms: float
    p99_ms: float

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Latencies:
        if not seconds:
            return cls(0, float("nan"), float("nan"), float("nan"))
        if len(seconds) == 1:
            only = seconds[0] * 1000
            return cls(1, only, only, only)
        cuts = statistics.quantiles([s * 1000 for s in seconds], n=100, method="inclusive")
        return cls(len(seconds), cuts[49], cuts[94], cuts[98])
