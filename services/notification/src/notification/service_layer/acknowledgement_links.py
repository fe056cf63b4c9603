"""The link at the end of every alert to staff that acknowledges it from the phone or mailbox it
reached (the staff's own channel): it names the alert and the member of staff it was sent to,
signed (``signed_links``). It opens a page showing the alert and whether someone has it in
hand, whose button acknowledges it, so that a link previewed by a chat or mail app acknowledges
nothing. Acknowledged, nobody further up the alert's ladder is alerted.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from notification.service_layer.signed_links import SignedLinks

ACKNOWLEDGE = "acknowledge"
PATH = "/alert-acknowledgements"


@dataclass(frozen=True)
class Acknowledger:
    """Who a link acknowledges as, and which alert."""

    notification_id: uuid.UUID
    staff_id: str


@dataclass(frozen=True)
class AcknowledgementLinks:
    links: SignedLinks

    def link(self, notification_id: uuid.UUID, staff_id: str) -> str:
        token = self.links.token(ACKNOWLEDGE, f"{notification_id}|{staff_id}")
        return self.links.url(PATH, token)

    def acknowledger(self, token: str) -> Acknowledger | None:
        """The alert and the member of staff a token names; None when it is not one of ours."""
        text = self.links.read(ACKNOWLEDGE, token)
        if text is None:
            return None
        notification_id, _, staff_id = text.partition("|")
        try:
            return Acknowledger(uuid.UUID(notification_id), staff_id) if staff_id else None
        except ValueError:
            return None
