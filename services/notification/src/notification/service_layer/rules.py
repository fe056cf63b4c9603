"""The company's rules for when and how residents are written to: its quiet hours (each site may
set its own) and its unsubscribe links."""

from __future__ import annotations

from dataclasses import dataclass

from notification.domain.preferences import QuietHours
from notification.service_layer.unsubscribe import UnsubscribeLinks

COMPANY_QUIET_HOURS = QuietHours()
"""22:00 to 08:00."""


@dataclass(frozen=True)
class NoticeRules:
    """The company's quiet hours (each site may set its own) and its unsubscribe links."""

    quiet_hours: QuietHours | None = COMPANY_QUIET_HOURS
    unsubscribe: UnsubscribeLinks | None = None


COMPANY_RULES = NoticeRules()
