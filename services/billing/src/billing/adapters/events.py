"""Maps charges to the integration events billing publishes."""

from __future__ import annotations

import uuid

from contracts.billing import v1
from hotline_libs.ids import event_id

from billing.domain.model import Charge

PRODUCER = "billing"


def charge_raised(charge: Charge, causation_id: uuid.UUID) -> v1.ChargeRaised:
    event: v1.ChargeRaised = v1.ChargeRaised.build(
        event_id=event_id(v1.ChargeRaised, charge.charge_id),
        producer=PRODUCER,
        site_id=charge.site_id,
        correlation_id=charge.request_id,
        causation_id=causation_id,
        occurred_at=charge.raised_at,
        payload=v1.ChargeRaisedPayload(
            charge_id=charge.charge_id,
            charge_no=charge.charge_no,
            work_order_id=charge.work_order_id,
            request_id=charge.request_id,
            request_no=charge.request_no,
            resident=charge.resident,
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
            payment_method=charge.payment_method,
            raised_at=charge.raised_at,
        ),
    )
    return event
