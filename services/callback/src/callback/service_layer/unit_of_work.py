"""What the callback service's use cases need of the store."""

from __future__ import annotations

from typing import Any, Protocol

from hotline_libs.aggregate import Clock
from hotline_libs.working_calendars import Calendars

from callback.domain.callback import Callback


class CallbackRepository(Protocol):
    async def get(self, callback_id: object) -> Callback | None: ...
    def add(self, callback: Callback) -> None: ...


class CallbackUnitOfWork(Protocol):
    callbacks: CallbackRepository
    calendars: Calendars
    clock: Clock

    async def commit(self) -> Any: ...
