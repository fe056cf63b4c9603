"""The company's rules for when and how residents and staff are written to: its quiet hours (each
site may set its own), its unsubscribe links, and the links that acknowledge an alert."""

from __future__ import annotations

from dataclasses import dataclass

from notification.domain.preferences import QuietHours
from notification.service_layer.acknowledgement_links import AcknowledgementLinks
from notification.service_layer.unsubscribe import UnsubscribeLinks

COMPANY_QUIET_HOURS = QuietHours()
"""22:00 to 08:00."""


@dataclass(frozen=True)
class NoticeRules:
    """The company's quiet hours (each site may set its own), its unsubscribe links and the
    links that acknowledge an alert to staff."""

    quiet_hours: QuietHours | None = COMPANY_QUIET_HOURS
    unsubscribe: UnsubscribeLinks | None = None
    acknowledgement: AcknowledgementLinks | None = None


COMPANY_RULES = NoticeRules()
