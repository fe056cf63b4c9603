"""Each message type's policy: on which channels it may go and in what order, whether it goes
on the first that works or on all of them, and how urgent it is.

The urgency decides what a resident's preferences and the night can do to it:

- ``EMERGENCY`` (an emergency, and the alerts it sends staff): never held, never opted out of;
- ``REQUIRED`` (the notices the company must give: fee reminders before measures are taken,
  FEE-04/NTF-05, and the published income and spending, NTF-06): never opted out of, but a
  routine SMS all the same, held through the night;
- ``REPLY`` (the answer a resident is waiting for: the written copy of a complaint's reply or
  of promised progress, NTF-01 to NTF-03, the registration they have just called in): sent at
  once, day or night, on the channels the resident has not opted out of;
- ``ROUTINE`` (everything else): opted out of at will, no SMS at night.

A blocked address (the number was reassigned, the person asked never to be written to) is
sent nothing, whatever the urgency.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from notification.domain.templates import Channel


class Urgency(enum.StrEnum):
    EMERGENCY = "emergency"
    REQUIRED = "required"
    REPLY = "reply"
    ROUTINE = "routine"

    @property
    def may_be_opted_out_of(self) -> bool:
        return self in (Urgency.REPLY, Urgency.ROUTINE)

    @property
    def waits_for_morning(self) -> bool:
        """An SMS of this urgency waits out the site's quiet hours."""
        return self in (Urgency.REQUIRED, Urgency.ROUTINE)


class Delivery(enum.StrEnum):
    FIRST_THAT_WORKS = "first_that_works"
    """The first channel the recipient can be reached on and has not opted out of."""
    ALL_CHANNELS = "all_channels"
    """Every channel the recipient can be reached on and has not opted out of."""


@dataclass(frozen=True)
class MessagePolicy:
    message_type: str
    channels: tuple[Channel, ...]
    """The channels it may go on, the default first."""
    delivery: Delivery
    urgency: Urgency

    def __post_init__(self) -> None:
        if not self.channels:
            raise ValueError(f"{self.message_type}: a policy needs at least one channel")
        if len(set(self.channels)) != len(self.channels):
            raise ValueError(f"{self.message_type}: a channel is listed twice")


SMS_THEN_EMAIL = (Channel.SMS, Channel.EMAIL)


def _policy(message_type: str, delivery: Delivery, urgency: Urgency) -> MessagePolicy:
    return MessagePolicy(message_type, SMS_THEN_EMAIL, delivery, urgency)


BUILT_IN_POLICIES: dict[str, MessagePolicy] = {
    p.message_type: p
    for p in (
        _policy("request_accepted", Delivery.ALL_CHANNELS, Urgency.REPLY),
        _policy("work_order_dispatched", Delivery.FIRST_THAT_WORKS, Urgency.ROUTINE),
        _policy("charge_raised", Delivery.ALL_CHANNELS, Urgency.ROUTINE),
        _policy("collection_rejected", Delivery.ALL_CHANNELS, Urgency.REQUIRED),
        _policy("fee_reminder", Delivery.ALL_CHANNELS, Urgency.REQUIRED),
        _policy("fee_reminder_owner", Delivery.ALL_CHANNELS, Urgency.REQUIRED),
        _policy("progress_reported", Delivery.ALL_CHANNELS, Urgency.REPLY),
        _policy("reply_given", Delivery.ALL_CHANNELS, Urgency.REPLY),
        _policy("incident_closed", Delivery.FIRST_THAT_WORKS, Urgency.REPLY),
        MessagePolicy(
            "income_statement",
            (Channel.EMAIL, Channel.SMS),
            Delivery.FIRST_THAT_WORKS,
            Urgency.REQUIRED,
        ),
        _policy("emergency_alert", Delivery.ALL_CHANNELS, Urgency.EMERGENCY),
        MessagePolicy("monthly_report", (Channel.EMAIL,), Delivery.ALL_CHANNELS, Urgency.ROUTINE),
        MessagePolicy("roster", (Channel.EMAIL,), Delivery.ALL_CHANNELS, Urgency.ROUTINE),
    )
}
"""What each message type does unless a policy of the company's replaces it. Today's behaviour:
a registration, a charge, a fee reminder and a written reply go by SMS and by e-mail too; the
technician's name and an incident's end by SMS, or by e-mail to whoever has no phone."""

DEFAULT_POLICY = MessagePolicy("", SMS_THEN_EMAIL, Delivery.FIRST_THAT_WORKS, Urgency.ROUTINE)


def policy_of(message_type: str, policies: dict[str, MessagePolicy] | None = None) -> MessagePolicy:
    """The policy the company set for ``message_type``, else the built-in one, else routine,
    SMS first."""
    found = (policies or {}).get(message_type) or BUILT_IN_POLICIES.get(message_type)
    if found is not None:
        return found
    return MessagePolicy(
        message_type, DEFAULT_POLICY.channels, DEFAULT_POLICY.delivery, DEFAULT_POLICY.urgency
    )
