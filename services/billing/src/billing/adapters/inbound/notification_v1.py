"""Notification's reports (``contracts.notification.v1``) → billing's commands: a fee reminder
counts once it is sent (FEE-14)."""

from __future__ import annotations

from contracts.billing.v1 import ManagementFeeReminderDue
from contracts.notification.v1 import NotificationSent

from billing.domain.commands import NoteReminderSent


def reminder_sent(event: NotificationSent) -> NoteReminderSent | None:
    """A message about a fee reminder; any other message is not billing's business."""
    p = event.payload
    if p.about_event_type != ManagementFeeReminderDue.EVENT_TYPE:
        return None
    return NoteReminderSent(
        site_id=event.site_id,
        bill_id=p.request_id,  # for a fee reminder, the bill (the contract says so)
        reminder_id=p.about_event_id,
        sent_at=p.sent_at,
        causation_id=event.event_id,
    )
