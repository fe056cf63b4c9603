"""The consumer wrapper, on FastStream's in-memory broker: dead letters and retries."""

from __future__ import annotations

from typing import Any

from contracts.intake.v1 import ServiceRequestAccepted
from faststream.kafka import KafkaBroker, KafkaMessage, TestKafkaBroker
from hotline_libs.errors import RuleViolation, Unavailable
from hotline_libs.messaging import Consumer, Subscription
from hotline_libs.settings import ServiceSettings

from contracts import topics
from tests import builders

SETTINGS = ServiceSettings(consumer_max_attempts=3, consumer_backoff_cap_s=0.01, topic_prefix="t.")
TOPIC = "t." + topics.SERVICE_REQUESTS
DLQ = TOPIC + ".dlq"


def _broker(handler: Any) -> tuple[KafkaBroker, list[tuple[bytes, dict[str, str]]]]:
    broker = KafkaBroker()
    Consumer(broker, SETTINGS, "dispatch").register(
        Subscription(topics.SERVICE_REQUESTS, {ServiceRequestAccepted: handler})
    )
    dead: list[tuple[bytes, dict[str, str]]] = []

    @broker.subscriber(DLQ)
    async def collect(message: KafkaMessage) -> None:
        dead.append((message.body, dict(message.headers)))

    return broker, dead


async def test_a_malformed_message_goes_to_the_dead_letter_topic_and_the_next_is_handled() -> None:
    handled: list[ServiceRequestAccepted] = []

    async def handler(event: ServiceRequestAccepted) -> None:
        handled.append(event)

    broker, dead = _broker(handler)
    event = builders.request_accepted()
    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish(b"{not json", topic=TOPIC)
        await test_broker.publish(event.model_dump_json().encode(), topic=TOPIC)
    [(body, headers)] = dead
    assert body == b"{not json"
    assert "not JSON" in headers["dlq-reason"]
    assert headers["dlq-original-topic"] == TOPIC
    assert headers["dlq-consumer-group"] == "t.dispatch"
    assert [e.event_id for e in handled] == [event.event_id]


async def test_a_failing_handler_is_retried_then_dead_lettered() -> None:
    attempts = 0

    async def handler(event: ServiceRequestAccepted) -> None:
        nonlocal attempts
        attempts += 1
        raise ValueError("boom")

    broker, dead = _broker(handler)
    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish(
            builders.request_accepted().model_dump_json().encode(), topic=TOPIC
        )
    assert attempts == SETTINGS.consumer_max_attempts
    [(_, headers)] = dead
    assert "handler failed 3 times" in headers["dlq-reason"] and "boom" in headers["dlq-reason"]


async def test_a_flaky_handler_succeeds_on_retry_and_nothing_is_dead_lettered() -> None:
    attempts = 0

    async def handler(event: ServiceRequestAccepted) -> None:
        nonlocal attempts
        attempts += 1
        if attempts < 2:
            raise ValueError("transient")

    broker, dead = _broker(handler)
    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish(
            builders.request_accepted().model_dump_json().encode(), topic=TOPIC
        )
    assert attempts == 2 and dead == []


async def test_a_refusal_no_handler_made_a_state_is_dead_lettered_at_once_with_its_reason() -> None:
    """Refusals are states the handlers keep (a work order awaiting a technician, a charge
    needing pricing); one that escapes a handler is a bug an operator must see: retrying cannot
    change the answer, so it goes to the dead-letter topic at once, where `make dlq` shows it."""
    attempts = 0

    async def handler(event: ServiceRequestAccepted) -> None:
        nonlocal attempts
        attempts += 1
        raise RuleViolation("site 'dmg' has no maintenance technician on duty")

    broker, dead = _broker(handler)
    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish(
            builders.request_accepted().model_dump_json().encode(), topic=TOPIC
        )
    assert attempts == 1
    [(_, headers)] = dead
    assert (
        headers["dlq-reason"] == "RuleViolation: site 'dmg' has no maintenance technician on duty"
    )


async def test_events_the_service_does_not_handle_are_skipped_quietly() -> None:
    async def handler(event: ServiceRequestAccepted) -> None:
        raise AssertionError("not for this handler")

    broker, dead = _broker(handler)
    completed = builders.work_order_completed()
    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish(completed.model_dump_json().encode(), topic=TOPIC)
    assert dead == []


async def test_an_outage_is_retried_beyond_the_attempt_limit_and_never_dead_lettered() -> None:
    attempts = 0

    async def handler(event: ServiceRequestAccepted) -> None:
        nonlocal attempts
        attempts += 1
        if attempts <= 2 * SETTINGS.consumer_max_attempts:
            raise Unavailable("SMS gateway unreachable")

    broker, dead = _broker(handler)
    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish(
            builders.request_accepted().model_dump_json().encode(), topic=TOPIC
        )
    assert attempts == 2 * SETTINGS.consumer_max_attempts + 1
    assert dead == []
