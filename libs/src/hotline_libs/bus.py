"""The message bus: every command goes to the one handler registered for its type.

Entry points (routes, subscriptions, the deadline poller) build a command and call
``bus.handle``; they hold no business logic. Handlers are plain async functions
``handler(command, uow, **dependencies)`` registered in one dict per service
(``service_layer/handlers.py``) and wired by the service's ``bootstrap``, as in cosmicpython.
Each attempt gets a fresh unit of work; a ``ConcurrencyConflict`` (someone saved the aggregate
first) is retried from a fresh read, a few times, with a little jitter. A handler that declares
an ``attempt`` parameter is told which attempt it is on: one that nearly always creates its
aggregate may insert it at once on the first, and read what is there on a retry.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import random
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import structlog

from hotline_libs.errors import ConcurrencyConflict

log = structlog.get_logger(__name__)

Handler = Callable[..., Awaitable[Any]]


class MessageBus:
    """Routes commands to their handlers, each with a fresh unit of work."""

    def __init__(
        self,
        handlers: Mapping[type[Any], Handler],
        *,
        uow: Callable[[], Any],
        dependencies: Mapping[str, Any] | None = None,
        conflict_attempts: int = 8,
    ) -> None:
        self._uow = uow
        self._conflict_attempts = conflict_attempts
        self._handlers = {
            command: _inject(handler, dependencies or {}) for command, handler in handlers.items()
        }
        self._counts_attempts = {
            command
            for command, handler in handlers.items()
            if "attempt" in inspect.signature(handler).parameters
        }

    @property
    def commands(self) -> frozenset[type[Any]]:
        """The command types this bus handles."""
        return frozenset(self._handlers)

    async def handle(self, command: Any) -> Any:
        """Run ``command``'s handler and return what it returns."""
        try:
            handler = self._handlers[type(command)]
        except KeyError:
            raise LookupError(f"no handler is registered for {type(command).__name__}") from None
        for attempt in range(1, self._conflict_attempts + 1):
            uow = self._uow()
            uow.causation_id = getattr(command, "causation_id", None)
            try:
                if type(command) in self._counts_attempts:
                    return await handler(command, uow, attempt=attempt)
                return await handler(command, uow)
            except ConcurrencyConflict as conflict:
                if attempt == self._conflict_attempts:
                    raise
                log.info(
                    "aggregate changed meanwhile; retrying from a fresh read",
                    command=type(command).__name__,
                    attempt=attempt,
                    conflict=str(conflict),
                )
                await asyncio.sleep(random.uniform(0, 0.005 * attempt))  # noqa: S311 - jitter
        raise AssertionError("unreachable")


def _inject(handler: Handler, dependencies: Mapping[str, Any]) -> Handler:
    """``handler`` with the dependencies it names (by parameter name) filled in."""
    wanted = inspect.signature(handler).parameters
    given = {name: value for name, value in dependencies.items() if name in wanted}
    return functools.partial(handler, **given) if given else handler
