"""Test-data builders: one place that knows how to make a valid event or command."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from contracts.billing.v1 import ChargeLine, ChargeRaised, ChargeRaisedPayload
from contracts.dispatch.v1 import (
    ServiceItemUsed,
    Technician,
    WorkOrderCompleted,
    WorkOrderCompletedPayload,
    WorkOrderDispatched,
    WorkOrderDispatchedPayload,
)
from contracts.envelope import PaymentMethod, Resident
from contracts.intake.v1 import (
    Channel,
    ComplaintGrade,
    ComplaintResolved,
    ComplaintResolvedPayload,
    ComplaintValidity,
    Emergency,
    RequestedItem,
    RequestKind,
    ServiceRequestAccepted,
    ServiceRequestAcceptedPayload,
)
from contracts.sites.v1 import SiteRequestSubmitted, SiteRequestSubmittedPayload
from hotline_libs.ids import derive_id, event_id

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Xi'an


def resident(**overrides: Any) -> Resident:
    values: dict[str, Any] = {
        "name": "王芳",
        "phone": "+8613800138000",
        "email": "wang.fang@example.com",
        "building": "3",
        "room": "1202",
    }
    return Resident(**{**values, **overrides})


def request_accepted(
    *,
    request_id: uuid.UUID | None = None,
    kind: RequestKind = RequestKind.REPAIR,
    site_id: str = "dmg",
    email: str | None = "wang.fang@example.com",
    accepted_at: datetime = NOW,
    items: list[RequestedItem] | None = None,
    emergency: Emergency | None = None,
) -> ServiceRequestAccepted:
    request_id = request_id or uuid.uuid4()
    event: ServiceRequestAccepted = ServiceRequestAccepted.build(
        event_id=event_id(ServiceRequestAccepted, request_id),
        producer="intake",
        site_id=site_id,
        correlation_id=request_id,
        occurred_at=accepted_at,
        payload=ServiceRequestAcceptedPayload(
            request_id=request_id,
            request_no=f"SR-{site_id.upper()}-20261123-{request_id.hex[:6].upper()}",
            kind=kind,
            category="own_unit" if kind is RequestKind.REPAIR else "glass_cleaning",
            description="厨房水龙头漏水",
            resident=resident(email=email),
            channel=Channel.HOTLINE,
            requested_items=items or [],
            registered_at=accepted_at,
            accepted_at=accepted_at,
            emergency=emergency,
        ),
    )
    return event


def site_request_submitted(
    *,
    source_ref: str = "DMG-DESK-000123",
    site_id: str = "dmg",
    registered_at: datetime = NOW,
    **payload: Any,
) -> SiteRequestSubmitted:
    """A repair a site's own system feeds in; ``payload`` overrides any payload field."""
    values: dict[str, Any] = {
        "source_ref": source_ref,
        "kind": RequestKind.REPAIR,
        "category": "own_unit",
        "description": "厨房水龙头漏水",
        "requested_items": [RequestedItem(item_code="RP-TAP", quantity=1)],
        "resident": resident(phone="13800138000"),
        "registered_at": registered_at,
    }
    event: SiteRequestSubmitted = SiteRequestSubmitted.build(
        event_id=uuid.uuid4(),
        producer=f"site-system-{site_id}",
        site_id=site_id,
        correlation_id=uuid.uuid4(),
        occurred_at=registered_at,
        payload=SiteRequestSubmittedPayload(**{**values, **payload}),
    )
    return event


def work_order_dispatched(accepted: ServiceRequestAccepted) -> WorkOrderDispatched:
    request = accepted.payload
    work_order_id = derive_id("work-order", request.request_id)
    event: WorkOrderDispatched = WorkOrderDispatched.build(
        event_id=event_id(WorkOrderDispatched, work_order_id),
        producer="dispatch",
        site_id=accepted.site_id,
        correlation_id=request.request_id,
        payload=WorkOrderDispatchedPayload(
            work_order_id=work_order_id,
            work_order_no="WO-DMG-20261123-000001",
            request_id=request.request_id,
            request_no=request.request_no,
            resident=request.resident,
            technician=Technician(technician_id="dmg-t01", name="李强", phone="+8613900000101"),
            description=request.description,
            accepted_at=request.accepted_at,
            dispatched_at=request.accepted_at + timedelta(minutes=1),
            dispatch_due_at=request.accepted_at + timedelta(minutes=15),
            dispatched_on_time=True,
        ),
    )
    return event


def work_order_completed(
    *,
    work_order_id: uuid.UUID | None = None,
    site_id: str = "dmg",
    items: list[tuple[str, int]] | None = None,
    payment_method: PaymentMethod | None = None,
    completed_at: datetime = NOW,
    request_id: uuid.UUID | None = None,
    rectification_id: uuid.UUID | None = None,
) -> WorkOrderCompleted:
    work_order_id = work_order_id or uuid.uuid4()
    request_id = request_id or uuid.uuid4()
    event: WorkOrderCompleted = WorkOrderCompleted.build(
        event_id=event_id(WorkOrderCompleted, work_order_id),
        producer="dispatch",
        site_id=site_id,
        correlation_id=request_id,
        occurred_at=completed_at,
        payload=WorkOrderCompletedPayload(
            work_order_id=work_order_id,
            work_order_no="WO-DMG-20261123-000001",
            request_id=request_id,
            request_no="SR-DMG-20261123-000001",
            resident=resident(),
            technician_id="dmg-t01",
            completed_at=completed_at,
            items=[ServiceItemUsed(item_code=c, quantity=q) for c, q in (items or [])],
            payment_method=payment_method,
            resident_signed=True,
            rectification_id=rectification_id,
        ),
    )
    return event


def complaint_resolved(
    *, valid: bool = True, site_id: str = "dmg", resolved_at: datetime = NOW
) -> ComplaintResolved:
    """Intake's event: a complaint solved (valid) or explained (invalid)."""
    request_id = uuid.uuid4()
    event: ComplaintResolved = ComplaintResolved.build(
        event_id=event_id(ComplaintResolved, request_id),
        producer="intake",
        site_id=site_id,
        correlation_id=request_id,
        occurred_at=resolved_at,
        payload=ComplaintResolvedPayload(
            request_id=request_id,
            request_no="SR-DMG-20261123-000009",
            kind=RequestKind.COMPLAINT,
            category="facilities",
            channel=Channel.HOTLINE,
            registered_at=resolved_at - timedelta(hours=20),
            resident=resident(),
            validity=ComplaintValidity.VALID if valid else ComplaintValidity.INVALID,
            grade=ComplaintGrade.GENERAL,
            outcome="已更换电梯门机板" if valid else "已向业主解释收费依据",
            resolved_by="dmg-steward04",
            resolved_at=resolved_at,
            within_target=True,
        ),
    )
    return event


def charge_raised(completed: WorkOrderCompleted, total: str = "80.00") -> ChargeRaised:
    order = completed.payload
    charge_id = derive_id("charge", order.work_order_id)
    event: ChargeRaised = ChargeRaised.build(
        event_id=event_id(ChargeRaised, charge_id),
        producer="billing",
        site_id=completed.site_id,
        correlation_id=order.request_id,
        payload=ChargeRaisedPayload(
            charge_id=charge_id,
            charge_no="CH-DMG-20261123-000001",
            work_order_id=order.work_order_id,
            request_id=order.request_id,
            request_no=order.request_no,
            resident=order.resident,
            lines=[
                ChargeLine(
                    item_code="RP-TAP",
                    item_name="更换水龙头",
                    unit="次",
                    unit_price=total,
                    quantity=1,
                    amount=total,
                )
            ],
            total=total,
            payment_method=order.payment_method or PaymentMethod.CASH,
            raised_at=NOW,
        ),
    )
    return event
