"""How an SMS gets to a provider: retries with capped exponential backoff and jitter while a
provider is away, then the next provider, then failed with the reason. No I/O: the adapter
(``adapters/sms_providers.py``) asks ``next_step`` after each try and sleeps ``delay``.

Why not retry one Kafka event forever, as before: a provider away for an hour held every
message of the event (an incident's callers, a site's statement) and kept the partition's
other events waiting. Now one handling of the event tries each provider a few times (seconds,
not minutes), then records the message failed with the reason and lets the event go; the
notification list shows it, and the other messages of the event are not held up. Kafka's
redelivery is left for what it is good at: a crash between storing the attempt and its result,
which resends under the same message id (each provider's idempotency key).

Double sends (the quality bar: "every message delivered once or recorded failed with its
reason"): a provider answering 5xx, or a connection never made, did not take the message, so
moving on to the next provider is safe. A timeout after the request went out is different: the
provider may have it. A resend to the *same* provider is deduplicated by our message id; a send
to the *other* provider is not, and the resident would get it twice. So a message whose try
timed out is not failed over: it is retried at that provider, and if it is still away the message
is recorded failed ("may have it") — a late delivery receipt from that provider still moves it
to delivered (``Notification.reported``).

What is left: a resend (after a crash, or after a receipt's write clashed with the results')
starts at the primary again. A message the secondary took whose result was not stored yet can
then reach the resident twice, if the primary is back by then: it takes a failover and a crash
or clash within the same seconds, and ``make chaos`` would count it doubled.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

PRIMARY = "primary"
SECONDARY = "secondary"
"""The SMS providers, as their receipts' route names them (``/sms-receipts/{provider}``)."""


@dataclass(frozen=True)
class Taken:
    """Which provider took a message, under which id of its own (the receipts name it)."""

    provider: str
    provider_message_id: str | None = None


class SmsUndeliverable(Exception):
    """No provider took the message: recorded failed with this reason, not retried."""


@dataclass(frozen=True)
class Away:
    """One try that did not reach a provider or that it answered with a fault of its own."""

    provider: str
    reason: str
    may_have_it: bool = False
    """The request went out and no answer came (a timeout): the provider may have taken it."""


class Step(enum.Enum):
    RETRY = "retry"
    """The same provider again, after ``RetryPolicy.delay``."""
    FAIL_OVER = "fail_over"
    """The next provider, from its first try."""
    GIVE_UP = "give_up"
    """Record the message failed with the reasons."""


@dataclass(frozen=True)
class RetryPolicy:
    """Tries per provider and the backoff between them (capped exponential, full jitter)."""

    tries_per_provider: int = 3
    base_s: float = 0.2
    cap_s: float = 2.0

    def delay(self, tries: int, draw: float) -> float:
        """Seconds to wait after the ``tries``-th failed try at a provider; ``draw`` in [0, 1)
        spreads the retries of many messages so they don't come back all at once."""
        return draw * min(self.cap_s, self.base_s * 2.0 ** (tries - 1))

    def next_step(self, tries: int, away: Away, providers_left: int) -> Step:
        """After ``tries`` tries at the current provider, the last of them ``away``, with
        ``providers_left`` providers after this one."""
        if tries < self.tries_per_provider:
            return Step.RETRY
        if away.may_have_it or providers_left == 0:
            return Step.GIVE_UP
        return Step.FAIL_OVER


def failure_reason(aways: list[Away]) -> str:
    """What is recorded on a message no provider took: each provider's last reason."""
    last: dict[str, Away] = {}
    for away in aways:
        last[away.provider] = away
    parts = [
        f"{a.provider}: {a.reason}"
        + (" (it may have the message; not sent elsewhere)" if a.may_have_it else "")
        for a in last.values()
    ]
    return "no SMS provider took it: " + "; ".join(parts)
