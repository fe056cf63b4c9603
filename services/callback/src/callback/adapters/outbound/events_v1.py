"""The callback service's domain events → version 1 of the integration events it publishes:
``CallbackMade``, and v1 of the scheduled and overdue events made from their v2 (``older``)."""

from __future__ import annotations

import uuid
from typing import Any

from contracts.callback import v1, v2
from hotline_libs.ids import event_id
from hotline_libs.unit_of_work import EventContext

from callback.domain import events
from callback.domain.callback import Callback
from contracts import Event

PRODUCER = "callback"


def envelope(callback: Callback, request_id: uuid.UUID, context: EventContext) -> dict[str, Any]:
    """The envelope of every event of ``callback``: its producer, site, the request's flow, the
    cause and the callback's version as saved."""
    return {
        "producer": PRODUCER,
        "site_id": callback.site_id,
        "correlation_id": request_id,
        "causation_id": context.causation_id,
        "aggregate_version": context.aggregate_version,
    }


def to_integration(callback: Callback, event: Any, context: EventContext) -> Event[Any] | None:
    """``CallbackMade`` for an outcome recorded; None for the rest (see ``older``)."""
    done = callback.completed
    if done is None or callback.reason is None or callback.due_on is None:
        return None
    reason = v1.CallbackReason(callback.reason.value)
    common = envelope(callback, done.request_id, context)
    if isinstance(event, events.CallbackMade):
        outcome = callback.outcome
        assert outcome is not None
        made: v1.CallbackMade = v1.CallbackMade.build(
            event_id=event_id(v1.CallbackMade, callback.callback_id),
            occurred_at=outcome.made_at,
            payload=v1.CallbackMadePayload(
                callback_id=callback.callback_id,
                work_order_id=callback.work_order_id,
                request_id=done.request_id,
                request_no=done.request_no,
                service_record_no=done.service_record_no,
                reason=reason,
                satisfied=outcome.satisfied,
                opinion=outcome.opinion,
                method=v1.CallbackMethod(outcome.method.value),
                signature_ref=outcome.signature_ref,
                agent=outcome.agent,
                made_at=outcome.made_at,
                rectification_id=callback.rectification_id,
            ),
            **common,
        )
        return made
    return None  # scheduled and overdue: v2 (events_v2), and v1 of it (older)


def older(newer: v2.CallbackScheduled | v2.CallbackOverdue) -> Event[Any] | None:
    """v1 of a scheduled or overdue event published in v2, for the consumers still reading v1:
    the same fact with an id of its own; none for a case v1 cannot carry (no work order)."""
    p = newer.payload
    if p.work_order_id is None:
        return None
    kind: type[v1.CallbackScheduled] | type[v1.CallbackOverdue]
    payload_kind: type[v1.CallbackScheduledPayload] | type[v1.CallbackOverduePayload]
    if isinstance(newer, v2.CallbackScheduled):
        kind, payload_kind = v1.CallbackScheduled, v1.CallbackScheduledPayload
    else:
        kind, payload_kind = v1.CallbackOverdue, v1.CallbackOverduePayload
    older_event: Event[Any] = kind.build(
        event_id=event_id(kind, p.callback_id),
        occurred_at=newer.occurred_at,
        payload=payload_kind(**p.model_dump(exclude={"rectification_id"})),
        producer=newer.producer,
        site_id=newer.site_id,
        correlation_id=newer.correlation_id,
        causation_id=newer.causation_id,
        aggregate_version=newer.aggregate_version,
    )
    return older_event
