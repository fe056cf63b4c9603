"""Kafka plumbing: publishing events, and consuming them at least once with retries and dead letters.

Consumers commit an offset only after the handler's effect is stored (``AckPolicy.ACK``:
FastStream's Kafka default would commit first, at most once). A message that is not a known,
valid event goes to ``<topic>.dlq`` at once with the reason; a handler that keeps failing is
retried with capped exponential backoff and jitter, then dead-lettered. Outages of the store
or broker are retried without limit: the message is not at fault.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.errors import (
    InvalidTopicError,
    KafkaConnectionError,
    KafkaError,
    MessageSizeTooLargeError,
    RecordTooLargeError,
    TopicAuthorizationFailedError,
)
from contracts.topics import dead_letter_topic
from faststream import AckPolicy
from faststream.kafka import KafkaBroker, KafkaMessage
from pymongo.errors import AutoReconnect, ConnectionFailure, ServerSelectionTimeoutError

from contracts import Event, UnknownEventError, parse_event
from hotline_libs.errors import HotlineError, Unavailable
from hotline_libs.outbox import EntryRefused
from hotline_libs.settings import ServiceSettings

log = structlog.get_logger(__name__)

EventHandler = Callable[[Any], Awaitable[None]]
OUTAGES: tuple[type[BaseException], ...] = (
    ConnectionFailure,
    AutoReconnect,
    ServerSelectionTimeoutError,
    KafkaError,
    OSError,
    Unavailable,
)


def build_broker(settings: ServiceSettings, client_id: str) -> KafkaBroker:
    """A broker whose producer waits for the write to be durable before returning."""
    return KafkaBroker(
        settings.kafka_bootstrap,
        client_id=client_id,
        enable_idempotence=True,
        request_timeout_ms=15_000,
        logger=logging.getLogger("hotline.kafka"),  # through our log format, not FastStream's own
        log_level=logging.DEBUG,  # one line per message is noise at INFO; errors still show
    )


REFUSALS: tuple[type[KafkaError], ...] = (
    MessageSizeTooLargeError,
    RecordTooLargeError,
    InvalidTopicError,
    TopicAuthorizationFailedError,
)
"""Errors that say the broker will not take this message, as opposed to being away."""


class KafkaRelayPublisher:
    """Publishes outbox entries with an idempotent producer of its own (acks from all replicas).

    An entry whose topic does not exist is refused at once (``EntryRefused``) after one metadata
    refresh, instead of the producer waiting out its metadata timeout for it: one entry for a
    missing topic must not hold the relay up. Other broker errors are outages.
    """

    def __init__(self, settings: ServiceSettings, client_id: str) -> None:
        self._settings = settings
        self._client_id = f"{client_id}-relay"
        self._producer: AIOKafkaProducer | None = None

    async def start(self) -> None:
        """Connect (the producer needs the running event loop)."""
        producer = AIOKafkaProducer(
            bootstrap_servers=self._settings.kafka_bootstrap,
            client_id=self._client_id,
            enable_idempotence=True,
            request_timeout_ms=15_000,
            linger_ms=0,
        )
        await producer.start()
        self._producer = producer

    async def stop(self) -> None:
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None

    async def _topic_exists(self, producer: AIOKafkaProducer, topic: str) -> bool:
        client = producer.client
        if client.cluster.partitions_for_topic(topic) is not None:
            return True
        client.add_topic(topic)
        if not await client.force_metadata_update():
            raise KafkaConnectionError("could not refresh the broker's metadata")
        return client.cluster.partitions_for_topic(topic) is not None

    async def publish_entry(self, entry: dict[str, Any]) -> None:
        """Publish one stored outbox entry to its topic, keyed by its aggregate."""
        producer = self._producer
        if producer is None:
            raise KafkaConnectionError("the relay's producer is not connected yet")
        topic = self._settings.topic(entry["topic"])
        if not await self._topic_exists(producer, topic):
            raise EntryRefused(f"topic {topic!r} does not exist")
        try:
            await producer.send_and_wait(
                topic,
                value=entry["body"].encode(),
                key=entry["key"].encode(),
                headers=[
                    ("event_type", entry["event_type"].encode()),
                    ("content-type", b"application/json"),
                ],
            )
        except REFUSALS as exc:
            raise EntryRefused(f"{type(exc).__name__}: {exc}") from exc


@dataclass(frozen=True)
class Subscription:
    """The handlers one service runs for the events of one topic it reads."""

    topic: str
    handlers: Mapping[type[Event[Any]], EventHandler]


def to_bus(bus: Any, inbound: Callable[[Any], Any]) -> EventHandler:
    """An event handler that turns the event into a command with ``inbound`` (the service's
    inbound mapper) and hands it to ``bus``; an event mapped to None asks nothing of the service."""

    async def handle(event: Any) -> None:
        command = inbound(event)
        if command is not None:
            await bus.handle(command)

    handle.__name__ = getattr(inbound, "__name__", "handle")
    return handle


class Consumer:
    """Registers a service's subscriptions on the broker, each with retries and a dead-letter topic."""

    def __init__(self, broker: KafkaBroker, settings: ServiceSettings, service: str) -> None:
        self._broker = broker
        self._settings = settings
        self._group = f"{settings.topic_prefix}{service}"

    def register(self, subscription: Subscription) -> None:
        """Subscribe to ``subscription.topic`` in the service's consumer group."""
        topic = self._settings.topic(subscription.topic)
        handlers = subscription.handlers

        async def consume(message: KafkaMessage) -> None:
            await self._handle(topic, message, handlers)

        consume.__name__ = f"consume_{subscription.topic.replace('.', '_').replace('-', '_')}"
        self._broker.subscriber(
            topic,
            group_id=self._group,
            auto_offset_reset="earliest",
            ack_policy=AckPolicy.ACK,
            max_poll_interval_ms=600_000,
            title=f"{self._group}:{subscription.topic}",
            description=", ".join(model.EVENT_TYPE for model in handlers),
        )(consume)

    async def _handle(
        self, topic: str, message: KafkaMessage, handlers: Mapping[type[Event[Any]], EventHandler]
    ) -> None:
        raw: bytes = message.body
        try:
            event = parse_event(raw)
        except UnknownEventError as exc:
            await self._dead_letter(topic, message, str(exc))
            return
        handler = handlers.get(type(event))
        if handler is None:
            return  # a valid event this service does not act on
        # every log line while handling names the flow it belongs to
        with structlog.contextvars.bound_contextvars(
            event_type=event.EVENT_TYPE,
            event_id=str(event.event_id),
            correlation_id=str(event.correlation_id),
        ):
            await self._run_with_retries(topic, message, event, handler)

    async def _run_with_retries(
        self, topic: str, message: KafkaMessage, event: Event[Any], handler: EventHandler
    ) -> None:
        failures = 0  # the handler's own errors: bounded, then dead-lettered
        outages = 0  # store, broker or gateway away: retried without limit
        while True:
            try:
                await handler(event)
                return
            except HotlineError as exc:
                # a refusal no handler kept as a state (a bug): retrying cannot change the answer
                await self._dead_letter(topic, message, f"{type(exc).__name__}: {exc.message}")
                return
            except OUTAGES as exc:
                outages += 1
                delay = self._backoff(outages)
                log.warning(
                    "a dependency is unavailable; will retry",
                    topic=topic,
                    error=repr(exc),
                    retry_in_s=round(delay, 2),
                )
            except Exception as exc:
                failures += 1
                if failures >= self._settings.consumer_max_attempts:
                    await self._dead_letter(
                        topic, message, f"handler failed {failures} times: {exc!r}"
                    )
                    return
                delay = self._backoff(failures)
                log.warning(
                    "handler failed; will retry",
                    topic=topic,
                    attempt=failures,
                    error=repr(exc),
                    retry_in_s=round(delay, 2),
                )
            await asyncio.sleep(delay)

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self._settings.consumer_backoff_cap_s, 0.1 * 2 ** min(attempt, 16))
        return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not security

    async def _dead_letter(self, topic: str, message: KafkaMessage, reason: str) -> None:
        raw = message.raw_message
        record = raw[0] if isinstance(raw, tuple) else raw
        log.error(
            "dead-lettering message",
            topic=topic,
            reason=reason,
            partition=getattr(record, "partition", None),
            offset=getattr(record, "offset", None),
        )
        while True:
            try:
                await self._broker.publish(
                    message.body,
                    topic=dead_letter_topic(topic),
                    key=getattr(record, "key", None),
                    headers={
                        "dlq-reason": reason[:2000],
                        "dlq-original-topic": topic,
                        "dlq-original-partition": str(getattr(record, "partition", "")),
                        "dlq-original-offset": str(getattr(record, "offset", "")),
                        "dlq-consumer-group": self._group,
                    },
                )
                return
            except KafkaError:
                log.warning("dead-letter topic unavailable; will retry", topic=topic)
                await asyncio.sleep(self._backoff(4))
