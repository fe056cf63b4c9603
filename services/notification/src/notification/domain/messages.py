"""The messages each occasion sends: one per channel the resident can be reached on."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from notification.domain.occasions import (
    ChargeRaised,
    Occasion,
    Recipient,
    RequestAccepted,
    TechnicianAssigned,
)

SIGNATURE = "【物业服务热线】"
LOCAL = ZoneInfo("Asia/Shanghai")
PAYMENT_NAMES = {"cash": "现金", "bank_collection": "银行托收"}


class Channel(enum.StrEnum):
    SMS = "sms"
    EMAIL = "email"


@dataclass(frozen=True)
class OutgoingMessage:
    channel: Channel
    recipient: str
    template: str
    subject: str
    body: str


def _both(recipient: Recipient, template: str, subject: str, body: str) -> list[OutgoingMessage]:
    messages = [
        OutgoingMessage(Channel.SMS, recipient.phone, template, subject, f"{SIGNATURE}{body}")
    ]
    if recipient.email:
        messages.append(
            OutgoingMessage(
                Channel.EMAIL,
                recipient.email,
                template,
                subject,
                f"{recipient.name}您好：\n\n{body}\n\n物业服务热线",
            )
        )
    return messages


def _request_accepted(o: RequestAccepted) -> list[OutgoingMessage]:
    r = o.recipient
    when = (
        f"，预约时间 {o.appointment_at.astimezone(LOCAL):%m月%d日 %H:%M}"
        if o.appointment_at
        else ""
    )
    return _both(
        r,
        "request_accepted",
        f"您的服务单已受理：{o.request_no}",
        f"{r.name}您好，您{r.building}栋{r.room}的服务请求已受理，"
        f"单号 {o.request_no}{when}。我们将尽快安排服务人员。",
    )


def _technician_assigned(o: TechnicianAssigned) -> list[OutgoingMessage]:
    return [
        OutgoingMessage(
            Channel.SMS,
            o.recipient.phone,
            "work_order_dispatched",
            f"服务人员已接单：{o.request_no}",
            f"{SIGNATURE}您的服务单 {o.request_no} 已派工，服务人员 {o.technician_name}"
            f"（电话 {o.technician_phone}）将与您联系。",
        )
    ]


def _charge_raised(o: ChargeRaised) -> list[OutgoingMessage]:
    lines = "；".join(
        f"{line.item_name} {line.quantity}{line.unit} ¥{line.amount:.2f}" for line in o.lines
    )
    method = PAYMENT_NAMES.get(o.payment_method, o.payment_method)
    return _both(
        o.recipient,
        "charge_raised",
        f"服务费用通知：{o.charge_no}",
        f"您的服务单 {o.request_no} 已完成，费用 ¥{o.total:.2f}（{lines}），"
        f"付款方式：{method}，收费单号 {o.charge_no}。",
    )


def messages_for(occasion: Occasion) -> list[OutgoingMessage]:
    """The messages an occasion sends."""
    if isinstance(occasion, RequestAccepted):
        return _request_accepted(occasion)
    if isinstance(occasion, TechnicianAssigned):
        return _technician_assigned(occasion)
    return _charge_raised(occasion)


class MessageRefused(Exception):
    """A gateway refused a message itself (a number it cannot deliver to, an address it
    rejects): sending it again cannot help. The refusal is recorded on the message; the other
    channels of the same occasion go on."""
