"""What the notification service is asked to do."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from notification.domain.occasions import Occasion


@dataclass(frozen=True)
class TellResident:
    """Tell the resident about ``occasion`` on every channel they can be reached on."""

    occasion: Occasion
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class KeepSiteName:
    """Keep the name residents know a site by, as intake last recorded it (for the messages
    that name the site)."""

    site_id: str
    name: str
    recorded_at: datetime
    causation_id: uuid.UUID | None = None
