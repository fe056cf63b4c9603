"""Dispatch settings: how long a technician has for each field step (DSP-03, DSP-04)."""

from __future__ import annotations

from datetime import timedelta

from hotline_libs.settings import ServiceSettings
from pydantic import Field

from dispatch.domain.work_order import FieldClocks


class DispatchSettings(ServiceSettings):
    accept_within_min: int = Field(
        default=10,
        ge=1,
        le=24 * 60,
        description="Minutes a technician has to take a work order (接单) before it goes to "
        "someone else on duty and the supervisor is told",
    )
    emergency_within_h: int = Field(
        default=4, ge=1, le=24 * 7, description="Hours to finish emergency work from acceptance"
    )
    routine_within_h: int = Field(
        default=48, ge=1, le=24 * 30, description="Hours to finish routine work from acceptance"
    )

    def field_clocks(self) -> FieldClocks:
        return FieldClocks(
            accept_within=timedelta(minutes=self.accept_within_min),
            emergency_within=timedelta(hours=self.emergency_within_h),
            routine_within=timedelta(hours=self.routine_within_h),
        )
