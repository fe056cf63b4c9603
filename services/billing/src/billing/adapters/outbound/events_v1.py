"""Billing's domain events → the integration events it publishes (``contracts.billing.v1``)."""

from __future__ import annotations

from typing import Any

from contracts.billing import v1
from contracts.envelope import PaymentMethod, Resident
from hotline_libs.ids import derive_id, event_id
from hotline_libs.unit_of_work import EventContext

from billing.domain import events
from billing.domain.charge import Charge, Payer
from billing.domain.price_list import PriceList
from contracts import Event

PRODUCER = "billing"


def resident_of(p: Payer) -> Resident:
    """Who pays, as the contracts carry a resident."""
    return Resident(name=p.name, phone=p.phone, email=p.email, building=p.building, room=p.room)


def to_integration(charge: Charge, event: Any, context: EventContext) -> Event[Any] | None:
    """The integration event ``event`` of ``charge`` is published as; the rest stays inside."""
    if isinstance(event, events.ChargePaid):
        return charge_paid(charge, event, context)
    if isinstance(event, events.CollectionRejected):
        return collection_rejected(charge, event, context)
    if not isinstance(event, events.ChargeRaised):
        return None
    assert charge.total is not None
    assert charge.payment_method is not None
    raised: v1.ChargeRaised = v1.ChargeRaised.build(
        event_id=event_id(v1.ChargeRaised, charge.charge_id),
        producer=PRODUCER,
        site_id=charge.site_id,
        correlation_id=charge.request_id,
        causation_id=context.causation_id,
        occurred_at=event.raised_at,
        aggregate_version=context.aggregate_version,
        payload=v1.ChargeRaisedPayload(
            charge_id=charge.charge_id,
            charge_no=charge.charge_no,
            work_order_id=charge.work_order_id,
            request_id=charge.request_id,
            request_no=charge.request_no,
            resident=resident_of(charge.payer),
            lines=[
                v1.ChargeLine(
                    item_code=line.item_code,
                    item_name=line.item_name,
                    unit=line.unit,
                    unit_price=line.unit_price,
                    quantity=line.quantity,
                    amount=line.amount,
                )
                for line in charge.lines
            ],
            total=charge.total,
            payment_method=PaymentMethod(charge.payment_method.value),
            raised_at=event.raised_at,
            service_record_no=charge.service_record_no,
        ),
    )
    return raised


def charge_paid(charge: Charge, event: events.ChargePaid, context: EventContext) -> Event[Any]:
    payment = charge.payment
    assert payment is not None
    paid: v1.ChargePaid = v1.ChargePaid.build(
        event_id=event_id(v1.ChargePaid, charge.charge_id),
        producer=PRODUCER,
        site_id=charge.site_id,
        correlation_id=charge.request_id,
        causation_id=context.causation_id,
        occurred_at=payment.booked_at,
        aggregate_version=context.aggregate_version,
        payload=v1.ChargePaidPayload(
            charge_id=charge.charge_id,
            charge_no=charge.charge_no,
            work_order_id=charge.work_order_id,
            request_id=charge.request_id,
            request_no=charge.request_no,
            method=PaymentMethod(payment.method.value),
            amount=payment.amount,
            reference=payment.reference,
            paid_at=payment.paid_at,
            booked_at=payment.booked_at,
            service_record_no=charge.service_record_no,
        ),
    )
    return paid


def collection_rejected(
    charge: Charge, event: events.CollectionRejected, context: EventContext
) -> Event[Any]:
    assert charge.total is not None
    rejected: v1.ChargeCollectionRejected = v1.ChargeCollectionRejected.build(
        event_id=event_id(v1.ChargeCollectionRejected, f"{charge.charge_id}:{event.batch_id}"),
        producer=PRODUCER,
        site_id=charge.site_id,
        correlation_id=charge.request_id,
        causation_id=context.causation_id,
        occurred_at=event.rejected_at,
        aggregate_version=context.aggregate_version,
        payload=v1.ChargeCollectionRejectedPayload(
            charge_id=charge.charge_id,
            charge_no=charge.charge_no,
            request_id=charge.request_id,
            request_no=charge.request_no,
            resident=resident_of(charge.payer),
            amount=charge.total,
            batch_id=event.batch_id,
            reason_code=event.code,
            reason=event.reason,
            rejections=len(charge.rejections),
            rejected_at=event.rejected_at,
        ),
    )
    return rejected


def price_list_recorded(
    price_list: PriceList, event: Any, context: EventContext
) -> Event[Any] | None:
    """The version of a site's price list in effect, for the hotline to match paid requests
    against (TAX-09)."""
    if not isinstance(event, events.PriceListRecorded):
        return None
    version = price_list.in_effect(event.recorded_at)
    if version is None:
        return None
    recorded: v1.PriceListRecorded = v1.PriceListRecorded.build(
        event_id=event_id(
            v1.PriceListRecorded, f"{price_list.site_id}:{context.aggregate_version}"
        ),
        producer=PRODUCER,
        site_id=price_list.site_id,
        correlation_id=derive_id("price-list", price_list.site_id),
        causation_id=context.causation_id,
        occurred_at=event.recorded_at,
        aggregate_version=context.aggregate_version,
        payload=v1.PriceListRecordedPayload(
            items=[
                v1.PriceListItem(
                    item_code=i.item_code,
                    item_name=i.name,
                    unit=i.unit,
                    unit_price=i.unit_price,
                    item_name_en=i.name_en,
                    kind=v1.PriceItemKind(i.kind.value),
                )
                for i in sorted(version.items.values(), key=lambda i: i.item_code)
            ],
            recorded_at=event.recorded_at,
            version_no=version.number,
            effective_from=version.effective_from,
            approval_ref=version.approval_ref,
        ),
    )
    return recorded
