"""What intake is asked to do: by agents on the API and by the sites' own systems."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from hotline_libs.working_days import YearSchedule

from intake.domain.service_request import Registration


@dataclass(frozen=True)
class RegisterRequest:
    """Register a resident's request and triage it (登记 → 判别)."""

    registration: Registration
    idempotency_key: str | None
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class RegisterSiteSubmission:
    """Register what a site's own system sent; a refusal is kept for duty staff, not dropped."""

    submission_id: uuid.UUID
    source_ref: str
    registration: Registration
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class LoadWorkingCalendarYear:
    """Load a year's official schedule (an admin, from the State Council's notice)."""

    schedule: YearSchedule
    loaded_by: str
