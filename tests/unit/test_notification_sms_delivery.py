"""SMS delivery (#13, channels): which provider is tried when (retries with capped backoff and
jitter, failover, failed with the reason), providers' receipts moving a message from sent to
delivered or failed once and never back, and the receipts' signature check.

The quality bar: "A provider that fails half the time still ends with every message delivered
once or recorded failed with its reason" — here on fakes, decision by decision; on real HTTP in
tests/integration/test_sms_providers_on_real_http.py. NTF-03: the resident is told, and we
know whether the message reached them.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from hotline_infra import sms_sink
from hotline_libs.bus import MessageBus
from hotline_libs.signatures import sign, signature_problem
from notification.adapters.inbound import events_v1
from notification.adapters.mongo.notifications import MongoNotifications
from notification.domain.commands import TakeReceipt
from notification.domain.messages import Channel
from notification.domain.notification import MessageStatus
from notification.domain.sms_delivery import (
    PRIMARY,
    SECONDARY,
    Away,
    RetryPolicy,
    SmsUndeliverable,
    Step,
    Taken,
    failure_reason,
)
from notification.settings import DEV_RECEIPT_SECRETS, NotificationSettings

from tests import builders
from tests.builders import NOW
from tests.unit.test_notification import FakeSms, Notifier, ids

POLICY = RetryPolicy(tries_per_provider=3, base_s=0.2, cap_s=1.0)
DOWN = Away(PRIMARY, "answered 503")
TIMED_OUT = Away(PRIMARY, "no answer: ReadTimeout", may_have_it=True)


# --- when to retry, fail over, give up ---


def test_a_provider_away_is_tried_again_before_the_next_provider() -> None:
    assert POLICY.next_step(1, DOWN, providers_left=1) is Step.RETRY
    assert POLICY.next_step(2, DOWN, providers_left=1) is Step.RETRY
    assert POLICY.next_step(3, DOWN, providers_left=1) is Step.FAIL_OVER


def test_after_the_last_provider_the_message_is_given_up() -> None:
    assert POLICY.next_step(3, Away(SECONDARY, "answered 503"), providers_left=0) is Step.GIVE_UP


def test_a_provider_that_timed_out_is_not_failed_over_from_so_nobody_is_texted_twice() -> None:
    """It may have the message: a resend to it is deduplicated by our id, one to another
    provider is not."""
    assert POLICY.next_step(2, TIMED_OUT, providers_left=1) is Step.RETRY
    assert POLICY.next_step(3, TIMED_OUT, providers_left=1) is Step.GIVE_UP


def test_the_backoff_doubles_up_to_its_cap_and_is_jittered() -> None:
    assert [POLICY.delay(tries, draw=0.999999) for tries in (1, 2, 3, 4, 5)] == pytest.approx(
        [0.2, 0.4, 0.8, 1.0, 1.0], rel=1e-3
    )
    assert POLICY.delay(3, draw=0.0) == 0.0
    assert POLICY.delay(3, draw=0.5) == pytest.approx(0.4)


def test_the_failure_reason_names_each_providers_last_answer() -> None:
    reason = failure_reason(
        [DOWN, Away(PRIMARY, "unreachable: ConnectError"), Away(SECONDARY, "answered 500")]
    )
    assert reason == (
        "no SMS provider took it: primary: unreachable: ConnectError; secondary: answered 500"
    )
    assert "may have the message" in failure_reason([TIMED_OUT])


# --- what a notification records ---


class Undeliverable(FakeSms):
    async def send(self, message_id: uuid.UUID, to: str, text: str) -> None:
        self._take(message_id, to)
        raise SmsUndeliverable(failure_reason([DOWN, Away(SECONDARY, "answered 503")]))


class TakenBy(FakeSms):
    def __init__(self, provider: str) -> None:
        super().__init__()
        self.provider = provider

    async def send(self, message_id: uuid.UUID, to: str, text: str) -> Taken:  # type: ignore[override]
        self._take(message_id, to)
        return Taken(self.provider, f"{self.provider}-{message_id}")


async def test_an_sms_no_provider_took_is_recorded_failed_with_the_reason_and_not_retried() -> None:
    notifier = Notifier(sms=Undeliverable())
    event = builders.request_accepted()
    await notifier.tell(events_v1.request_accepted(event))  # no exception: the event is done
    sms = notifier.message(event, Channel.SMS)
    assert sms.status is MessageStatus.FAILED
    assert sms.failure == (
        "no SMS provider took it: primary: answered 503; secondary: answered 503"
    )
    assert notifier.message(event, Channel.EMAIL).status is MessageStatus.SENT
    await notifier.tell(events_v1.request_accepted(event))  # the event again: not resent
    assert len(notifier.sms.calls) == 1


async def test_a_sent_sms_records_the_provider_and_its_message_id() -> None:
    notifier = Notifier(sms=TakenBy(SECONDARY))
    event = builders.request_accepted()
    await notifier.tell(events_v1.request_accepted(event))
    sms = notifier.message(event, Channel.SMS)
    assert (sms.status, sms.provider, sms.provider_message_id, sms.sent_at) == (
        MessageStatus.SENT,
        SECONDARY,
        f"secondary-{sms.message_id}",
        NOW,
    )


def receipt(
    message_id: uuid.UUID | None,
    delivered: bool = True,
    provider_message_id: str | None = None,
    error_code: str | None = None,
) -> TakeReceipt:
    return TakeReceipt(
        provider=PRIMARY,
        delivered=delivered,
        at=NOW + timedelta(seconds=5),
        message_id=message_id,
        provider_message_id=provider_message_id,
        error_code=error_code,
    )


async def test_a_delivery_receipt_moves_the_sms_to_delivered_once() -> None:
    notifier = Notifier(sms=TakenBy(PRIMARY))
    event = builders.request_accepted()
    await notifier.tell(events_v1.request_accepted(event))
    sms_id, _ = ids(event)
    assert await notifier.bus.handle(receipt(sms_id)) is True
    commits = notifier.store.commits
    assert await notifier.bus.handle(receipt(sms_id)) is False  # told again
    assert await notifier.bus.handle(receipt(sms_id, delivered=False)) is False  # after delivery
    assert notifier.store.commits == commits
    sms = notifier.message(event, Channel.SMS)
    assert (sms.status, sms.delivered_at, sms.failure) == (
        MessageStatus.DELIVERED,
        NOW + timedelta(seconds=5),
        None,
    )


async def test_a_receipt_may_name_the_message_by_the_providers_id_and_say_why_it_failed() -> None:
    notifier = Notifier(sms=TakenBy(PRIMARY))
    event = builders.request_accepted()
    await notifier.tell(events_v1.request_accepted(event))
    sms_id, _ = ids(event)
    changed = await notifier.bus.handle(
        receipt(
            None, delivered=False, provider_message_id=f"primary-{sms_id}", error_code="UNDELIV"
        )
    )
    assert changed is True
    sms = notifier.message(event, Channel.SMS)
    assert sms.status is MessageStatus.FAILED
    assert sms.failure == "primary reported it undelivered: UNDELIV"


async def test_a_receipt_of_a_message_we_do_not_know_is_answered_and_changes_nothing() -> None:
    notifier = Notifier()
    assert await notifier.bus.handle(receipt(uuid.uuid4())) is None
    assert notifier.store.commits == 0


async def test_a_receipt_that_overtakes_the_sends_result_is_not_overwritten_back_to_sent() -> None:
    """The provider's receipt arrives while the send's own answer (or the e-mail beside it) is
    still on its way: the delivery is stored first, the sends' results then clash with it and
    are applied to the notification as stored now. The SMS stays delivered, the e-mail is
    recorded sent, and neither is sent again: a resend would be deduplicated by the SMS
    provider, but the mail server would hand the resident a second e-mail (NTF-03)."""

    class ReceiptFirst(FakeSms):
        bus: MessageBus

        async def send(self, message_id: uuid.UUID, to: str, text: str) -> Taken:  # type: ignore[override]
            self._take(message_id, to)
            if len(self.calls) == 1:
                await self.bus.handle(receipt(message_id))
            return Taken(PRIMARY, "p-1")

    gateway = ReceiptFirst()
    notifier = Notifier(sms=gateway)
    gateway.bus = notifier.bus
    event = builders.request_accepted()
    await notifier.tell(events_v1.request_accepted(event))
    sms = notifier.message(event, Channel.SMS)
    assert sms.status is MessageStatus.DELIVERED
    assert sms.provider == PRIMARY
    assert len(notifier.sms.calls) == 1
    assert notifier.message(event, Channel.EMAIL).status is MessageStatus.SENT
    assert len(notifier.mail.calls) == 1
    told = [e for e in notifier.store.published if e.event_type == "NotificationSent"]
    assert sorted(e.payload.channel for e in told) == ["email", "sms"]  # each once


async def test_a_delivery_receipt_corrects_a_failure_recorded_after_a_timeout() -> None:
    notifier = Notifier(sms=Undeliverable())
    event = builders.request_accepted()
    await notifier.tell(events_v1.request_accepted(event))
    sms_id, _ = ids(event)
    assert await notifier.bus.handle(receipt(sms_id)) is True
    assert notifier.message(event, Channel.SMS).status is MessageStatus.DELIVERED


def test_a_stored_message_from_before_receipts_still_loads() -> None:
    event = builders.request_accepted()
    sms_id, _ = ids(event)
    document = {
        "_id": str(uuid.uuid4()),
        "about_event_id": str(event.event_id),
        "about_event_type": "ServiceRequestAccepted",
        "correlation_id": str(uuid.uuid4()),
        "site_id": "dmg",
        "messages": [
            {
                "message_id": str(sms_id),
                "channel": "sms",
                "recipient": "+8613800138000",
                "template": "request_accepted",
                "subject": "",
                "body": "…",
                "status": "sent",
                "attempts": 1,
                "sent_at": NOW,
            }
        ],
        "created_at": NOW,
    }
    loaded = MongoNotifications.from_document(
        MongoNotifications.__new__(MongoNotifications), document
    )
    [message] = loaded.messages
    assert (message.status, message.provider, message.delivered_at, message.failure) == (
        MessageStatus.SENT,
        None,
        None,
        None,
    )


# --- the receipts' signature ---

SECRET = "s3cret"
BODY = b'{"client_msg_id": "x", "status": "delivered"}'
AT = 1_800_000_000


def test_a_receipt_signed_with_the_providers_secret_is_trusted() -> None:
    assert signature_problem(SECRET, BODY, sign(SECRET, AT, BODY), str(AT), AT + 10, 300) is None


@pytest.mark.parametrize(
    ("signature", "timestamp", "now", "why"),
    [
        (None, str(AT), AT, "required"),
        (sign(SECRET, AT, BODY), None, AT, "required"),
        (sign("another secret", AT, BODY), str(AT), AT, "does not match"),
        (sign(SECRET, AT, BODY + b" "), str(AT), AT, "does not match"),
        (sign(SECRET, AT, BODY), str(AT + 1), AT, "does not match"),  # the timestamp is signed
        (sign(SECRET, AT, BODY), str(AT), AT + 301, "from now"),  # stale: a replay
        (sign(SECRET, AT, BODY), str(AT), AT - 301, "from now"),
        (sign(SECRET, AT, BODY), "yesterday", AT, "Unix seconds"),
    ],
)
def test_an_unsigned_badly_signed_or_stale_receipt_is_refused(
    signature: str | None, timestamp: str | None, now: int, why: str
) -> None:
    problem = signature_problem(SECRET, BODY, signature, timestamp, now, 300)
    assert problem is not None and why in problem


def test_the_local_sink_signs_and_sends_with_what_notification_expects_by_default() -> None:
    """The sink (infra) cannot import notification: its defaults are copies, kept equal here."""
    settings = NotificationSettings()
    assert sms_sink.DEV_SECRETS == DEV_RECEIPT_SECRETS
    assert settings.sms_secondary_api_key == sms_sink.DEV_SECONDARY_KEY
    assert (sms_sink.PRIMARY, sms_sink.SECONDARY) == (PRIMARY, SECONDARY)


def test_production_refuses_the_development_receipt_secrets() -> None:
    with pytest.raises(ValueError, match="HOTLINE_SMS_RECEIPT_SECRET_PRIMARY"):
        NotificationSettings(env="production")


def test_a_receipt_before_the_sends_result_tells_the_resident_was_told_once() -> None:
    """A crash after the provider took the SMS and before its result was stored: the receipt
    arrives first and is what says the resident was told (NotificationSent, once); the send's
    result, stored after the retry, adds nothing (chaos: notification killed mid-stream)."""
    from notification.domain import events as domain_events
    from notification.domain.messages import OutgoingMessage
    from notification.domain.notification import MessageStatus, new_notification
    from notification.domain.occasions import About

    about = About(uuid.uuid4(), "ServiceRequestAccepted", uuid.uuid4(), "dmg", uuid.uuid4())
    outgoing = OutgoingMessage(Channel.SMS, "+8613800138000", "request_accepted", "s", "b")
    told = new_notification(about, [outgoing], NOW)
    (message,) = told.attempt(NOW)
    assert message.status is MessageStatus.SENDING
    told.reported(message.message_id, provider="primary", delivered=True, at=NOW)
    told.sent(message.message_id, NOW, "primary", "p-1")
    sent = [e for e in told.pending_events() if isinstance(e, domain_events.MessageSent)]
    assert len(sent) == 1 and told.messages[0].status is MessageStatus.DELIVERED
