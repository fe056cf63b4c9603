"""A loop a service runs beside its requests (an outbox relay, a deadline poller): started and
stopped with the service, and backing off while what it needs (the store, the broker) is away."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from typing import Any

import structlog

log = structlog.get_logger(__name__)


class Worker:
    """Base of a background loop: ``start``, ``stop``, and ``backoff`` after a failed pass."""

    _task: asyncio.Task[None] | None = None
    _backoff_s: float = 0.0

    def _start(self, name: str, loop: Coroutine[Any, Any, None]) -> None:
        self._task = asyncio.create_task(loop, name=name)

    async def stop(self) -> None:
        """Stop after the current pass."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def succeeded(self) -> None:
        """A pass worked: the next failure waits the shortest time again."""
        self._backoff_s = 0.0

    async def backoff(self, what: str, **context: Any) -> None:
        """A pass failed (the store or the broker away for a moment): log why, wait 0.5 s,
        doubling up to 5 s while it keeps failing. Nothing is lost: the work is still there."""
        self._backoff_s = min(5.0, max(0.5, self._backoff_s * 2))
        log.warning(
            f"{what} failed; will retry", retry_in_s=self._backoff_s, exc_info=True, **context
        )
        await asyncio.sleep(self._backoff_s)
