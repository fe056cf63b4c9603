"""Fakes shared by unit tests of several services."""

from __future__ import annotations


class CountingSerials:
    """Sequences kept in memory, like ``hotline_libs.mongo.MongoSerials``."""

    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    async def next(self, sequence: str) -> int:
        self.values[sequence] = self.values.get(sequence, 0) + 1
        return self.values[sequence]
