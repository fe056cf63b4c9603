"""Maps work orders to the integration events dispatch publishes."""

from __future__ import annotations

import uuid

from contracts.dispatch import v1
from hotline_libs.ids import event_id

from dispatch.domain.model import WorkOrder

PRODUCER = "dispatch"


def work_order_dispatched(order: WorkOrder, causation_id: uuid.UUID) -> v1.WorkOrderDispatched:
    event: v1.WorkOrderDispatched = v1.WorkOrderDispatched.build(
        event_id=event_id(v1.WorkOrderDispatched, order.work_order_id),
        producer=PRODUCER,
        site_id=order.site_id,
        correlation_id=order.request_id,
        causation_id=causation_id,
        occurred_at=order.dispatched_at,
        payload=v1.WorkOrderDispatchedPayload(
            work_order_id=order.work_order_id,
            work_order_no=order.work_order_no,
            request_id=order.request_id,
            request_no=order.request_no,
            resident=order.resident,
            technician=v1.Technician(
                technician_id=order.technician.technician_id,
                name=order.technician.name,
                phone=order.technician.phone,
            ),
            description=order.description,
            appointment_at=order.appointment_at,
            accepted_at=order.accepted_at,
            dispatched_at=order.dispatched_at,
            dispatch_due_at=order.dispatch_due_at,
            dispatched_on_time=order.dispatched_on_time,
        ),
    )
    return event


def work_order_completed(order: WorkOrder) -> v1.WorkOrderCompleted:
    completion = order.completion
    assert completion is not None
    event: v1.WorkOrderCompleted = v1.WorkOrderCompleted.build(
        event_id=event_id(v1.WorkOrderCompleted, order.work_order_id),
        producer=PRODUCER,
        site_id=order.site_id,
        correlation_id=order.request_id,
        causation_id=event_id(v1.WorkOrderDispatched, order.work_order_id),
        occurred_at=completion.completed_at,
        payload=v1.WorkOrderCompletedPayload(
            work_order_id=order.work_order_id,
            work_order_no=order.work_order_no,
            request_id=order.request_id,
            request_no=order.request_no,
            resident=order.resident,
            technician_id=order.technician.technician_id,
            completed_at=completion.completed_at,
            items=[
                v1.ServiceItemUsed(item_code=i.item_code, quantity=i.quantity)
                for i in completion.items
            ],
            payment_method=completion.payment_method,
            resident_signed=completion.resident_signed,
        ),
    )
    return event
