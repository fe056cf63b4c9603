"""The message bus: one handler per command, dependencies by name, conflicts retried afresh."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from hotline_libs.bus import MessageBus
from hotline_libs.errors import ConcurrencyConflict


@dataclass(frozen=True)
class Ping:
    text: str
    causation_id: str | None = "cause-1"


class Uow:
    made = 0

    def __init__(self) -> None:
        Uow.made += 1
        self.number = Uow.made
        self.causation_id: Any = None


async def test_a_conflict_is_retried_with_a_fresh_unit_of_work_and_the_attempt_is_told() -> None:
    seen: list[tuple[int, int, Any]] = []

    async def handler(command: Ping, uow: Uow, clock: str, attempt: int) -> str:
        seen.append((attempt, uow.number, uow.causation_id))
        if attempt < 3:
            raise ConcurrencyConflict("someone saved first")
        return f"{command.text} at {clock}"

    Uow.made = 0
    bus = MessageBus({Ping: handler}, uow=Uow, dependencies={"clock": "10:00", "unused": 1})
    assert await bus.handle(Ping("pong")) == "pong at 10:00"
    assert seen == [(1, 1, "cause-1"), (2, 2, "cause-1"), (3, 3, "cause-1")]


async def test_a_conflict_that_never_ends_reaches_the_caller() -> None:
    async def handler(command: Ping, uow: Uow) -> None:
        raise ConcurrencyConflict("always changing")

    bus = MessageBus({Ping: handler}, uow=Uow, conflict_attempts=3)
    with pytest.raises(ConcurrencyConflict, match="always changing"):
        await bus.handle(Ping("x"))


async def test_a_command_nobody_handles_is_a_clear_error() -> None:
    bus = MessageBus({}, uow=Uow)
    with pytest.raises(LookupError, match="no handler is registered for Ping"):
        await bus.handle(Ping("x"))
