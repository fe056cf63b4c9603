"""What the notification service is asked to do."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from notification.domain.occasions import Occasion


@dataclass(frozen=True)
class TellResident:
    """Tell the resident about ``occasion`` on every channel they can be reached on."""

    occasion: Occasion
    causation_id: uuid.UUID | None = None
