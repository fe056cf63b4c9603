"""What the callback service's use cases need of the store."""

from __future__ import annotations

from typing import Any, Protocol

from hotline_libs.aggregate import Clock
from hotline_libs.working_calendars import Calendars

from callback.domain.callback import Callback
from callback.domain.policy import CallbackPolicy
from callback.domain.rectification import Rectification
from callback.domain.sample import CallbackSample


class CallbackRepository(Protocol):
    async def get(self, callback_id: object) -> Callback | None: ...
    def add(self, callback: Callback) -> None: ...


class PolicyRepository(Protocol):
    async def get(self, site_id: object) -> CallbackPolicy | None: ...
    def add(self, policy: CallbackPolicy) -> None: ...


class SampleRepository(Protocol):
    async def get(self, sample_id: object) -> CallbackSample | None: ...
    def add(self, sample: CallbackSample) -> None: ...


class RectificationRepository(Protocol):
    async def get(self, rectification_id: object) -> Rectification | None: ...
    def add(self, rectification: Rectification) -> None: ...


class CallbackUnitOfWork(Protocol):
    callbacks: CallbackRepository
    policies: PolicyRepository
    samples: SampleRepository
    rectifications: RectificationRepository
    calendars: Calendars
    clock: Clock

    async def commit(self) -> Any: ...
