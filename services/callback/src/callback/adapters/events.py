"""Maps callbacks to the integration events the callback service publishes."""

from __future__ import annotations

import uuid

from contracts.callback import v1
from hotline_libs.ids import event_id

from callback.domain.model import Callback

PRODUCER = "callback"


def callback_scheduled(callback: Callback, causation_id: uuid.UUID) -> v1.CallbackScheduled:
    event: v1.CallbackScheduled = v1.CallbackScheduled.build(
        event_id=event_id(v1.CallbackScheduled, callback.callback_id),
        producer=PRODUCER,
        site_id=callback.site_id,
        correlation_id=callback.request_id,
        causation_id=causation_id,
        occurred_at=callback.scheduled_at,
        payload=v1.CallbackScheduledPayload(
            callback_id=callback.callback_id,
            work_order_id=callback.work_order_id,
            request_id=callback.request_id,
            request_no=callback.request_no,
            resident=callback.resident,
            reason=callback.reason,
            payment_method=callback.payment_method,
            due_on=callback.due_on,
            scheduled_at=callback.scheduled_at,
        ),
    )
    return event
