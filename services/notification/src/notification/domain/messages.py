"""What residents are told, and when: one message per event and channel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from contracts.billing.v1 import ChargeRaised
from contracts.dispatch.v1 import WorkOrderDispatched
from contracts.envelope import PaymentMethod, Resident
from contracts.intake.v1 import ServiceRequestAccepted
from contracts.notification.v1 import NotificationChannel

from contracts import Event

SIGNATURE = "【物业服务热线】"
LOCAL = ZoneInfo("Asia/Shanghai")
PAYMENT_NAMES = {PaymentMethod.CASH: "现金", PaymentMethod.BANK_COLLECTION: "银行托收"}


@dataclass(frozen=True)
class OutgoingMessage:
    channel: NotificationChannel
    recipient: str
    template: str
    subject: str
    body: str


def _both(resident: Resident, template: str, subject: str, body: str) -> list[OutgoingMessage]:
    messages = [
        OutgoingMessage(
            NotificationChannel.SMS, resident.phone, template, subject, f"{SIGNATURE}{body}"
        )
    ]
    if resident.email:
        messages.append(
            OutgoingMessage(
                NotificationChannel.EMAIL,
                resident.email,
                template,
                subject,
                f"{resident.name}您好：\n\n{body}\n\n物业服务热线",
            )
        )
    return messages


def _request_accepted(event: ServiceRequestAccepted) -> list[OutgoingMessage]:
    p = event.payload
    when = (
        f"，预约时间 {p.appointment_at.astimezone(LOCAL):%m月%d日 %H:%M}"
        if p.appointment_at
        else ""
    )
    return _both(
        p.resident,
        "request_accepted",
        f"您的服务单已受理：{p.request_no}",
        f"{p.resident.name}您好，您{p.resident.building}栋{p.resident.room}的服务请求已受理，"
        f"单号 {p.request_no}{when}。我们将尽快安排服务人员。",
    )


def _work_order_dispatched(event: WorkOrderDispatched) -> list[OutgoingMessage]:
    p = event.payload
    return [
        OutgoingMessage(
            NotificationChannel.SMS,
            p.resident.phone,
            "work_order_dispatched",
            f"服务人员已接单：{p.request_no}",
            f"{SIGNATURE}您的服务单 {p.request_no} 已派工，服务人员 {p.technician.name}"
            f"（电话 {p.technician.phone}）将与您联系。",
        )
    ]


def _charge_raised(event: ChargeRaised) -> list[OutgoingMessage]:
    p = event.payload
    lines = "；".join(
        f"{line.item_name} {line.quantity}{line.unit} ¥{line.amount:.2f}" for line in p.lines
    )
    return _both(
        p.resident,
        "charge_raised",
        f"服务费用通知：{p.charge_no}",
        f"您的服务单 {p.request_no} 已完成，费用 ¥{p.total:.2f}（{lines}），"
        f"付款方式：{PAYMENT_NAMES[p.payment_method]}，收费单号 {p.charge_no}。",
    )


def messages_for(event: Event[Any]) -> list[OutgoingMessage]:
    """The messages an event sends; empty for events residents are not told about."""
    if isinstance(event, ServiceRequestAccepted):
        return _request_accepted(event)
    if isinstance(event, WorkOrderDispatched):
        return _work_order_dispatched(event)
    if isinstance(event, ChargeRaised):
        return _charge_raised(event)
    return []
