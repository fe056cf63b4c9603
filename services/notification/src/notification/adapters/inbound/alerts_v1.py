"""Producers' events that staff must act on → notification's alerts (``domain/alerts.py``),
each with the words staff read."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from contracts.billing.v1 import ManagementFeeArrearsFlagged
from contracts.callback.v1 import RectificationEscalated
from contracts.dispatch.v1 import WorkOrderClockMissed, WorkOrderDispatchOverdue
from contracts.intake.v1 import (
    ComplaintEscalated,
    FirstAnswerOverdue,
    ReplyPromiseBreached,
    RosterLate,
)
from hotline_libs.ids import SITE_TIME_ZONE

from contracts import Event
from notification.adapters.inbound.events_v1 import _about
from notification.domain.alerts import AlertKind, StaffAlertOccasion, minutes
from notification.domain.commands import AlertStaffOf
from notification.domain.messages import TRADE_NAMES

CLOCK_NAMES = {"acceptance": "接单", "arrival": "到场", "completion": "完工"}
TIER_NAMES = {
    "10_minutes": "10 分钟",
    "20_minutes": "20 分钟",
    "30_minutes": "30 分钟",
    "1_working_day": "1 个工作日",
    "2_working_days": "2 个工作日",
    "3_working_days": "3 个工作日",
}
LEVEL_NAMES = {"supervisor": "主管", "higher_manager": "上级经理"}
GRADE_NAMES = {"minor": "轻微", "general": "一般", "serious": "严重", "major": "重大"}


def _local(moment: datetime) -> str:
    return f"{moment.astimezone(SITE_TIME_ZONE):%m-%d %H:%M}"


def _alert(
    event: Event[Any], request_id: Any, kind: AlertKind, subject: str, text: str
) -> AlertStaffOf:
    return AlertStaffOf(
        StaffAlertOccasion(_about(event, request_id), kind, subject, text),
        causation_id=event.event_id,
    )


def dispatch_overdue(event: WorkOrderDispatchOverdue) -> AlertStaffOf:
    p = event.payload
    trade = TRADE_NAMES.get(p.trade, p.trade)
    return _alert(
        event,
        p.request_id,
        AlertKind.DISPATCH_OVERDUE,
        f"派工超时 {p.work_order_no}",
        f"派工单 {p.work_order_no}（请求号 {p.request_no}，{trade}）15分钟内未派出，"
        f"已超时 {minutes(p.overdue_by_s)}，请即安排人员。",
    )


def field_clock_missed(event: WorkOrderClockMissed) -> AlertStaffOf:
    p = event.payload
    step = CLOCK_NAMES.get(p.clock.value, p.clock.value)
    who = f"，服务人员 {p.technician.name}" if p.technician else ""
    urgent = "紧急" if p.emergency else ""
    return _alert(
        event,
        p.request_id,
        AlertKind.FIELD_CLOCK_MISSED,
        f"{urgent}{step}超时 {p.work_order_no}",
        f"{urgent}派工单 {p.work_order_no}（请求号 {p.request_no}{who}）{step}超时 "
        f"{minutes(p.overdue_by_s)}，请即跟进。",
    )


def reply_promise_breached(event: ReplyPromiseBreached) -> AlertStaffOf:
    p = event.payload
    tier = TIER_NAMES.get(p.tier.value, p.tier.value)
    return _alert(
        event,
        p.request_id,
        AlertKind.REPLY_PROMISE_BREACHED,
        f"承诺回复逾期 {p.request_no}",
        f"请求 {p.request_no}：{p.promised_by} 承诺 {tier} 内回复业户（{_local(p.due_at)} 前），"
        "已逾期未回复，请即跟进。",
    )


def first_answer_overdue(event: FirstAnswerOverdue) -> AlertStaffOf:
    p = event.payload
    return _alert(
        event,
        p.request_id,
        AlertKind.FIRST_ANSWER_OVERDUE,
        f"首次答复逾期 {p.request_no}",
        f"请求 {p.request_no} 登记后未在 {_local(p.due_at)} 前首次答复业户，请即跟进。",
    )


def complaint_escalated(event: ComplaintEscalated) -> AlertStaffOf:
    p = event.payload
    level = LEVEL_NAMES.get(p.level, p.level)
    grade = f"（{GRADE_NAMES.get(p.grade.value, p.grade.value)}）" if p.grade else ""
    return _alert(
        event,
        p.request_id,
        AlertKind.COMPLAINT_ESCALATED,
        f"投诉升级 {p.request_no}",
        f"投诉 {p.request_no}{grade} 已升级至{level}，须于 {_local(p.due_at)} 前处理。",
    )


def rectification_escalated(event: RectificationEscalated) -> AlertStaffOf:
    p = event.payload
    return _alert(
        event,
        p.request_id,
        AlertKind.RECTIFICATION_ESCALATED,
        f"整改未果升级 {p.request_no}",
        f"请求 {p.request_no} 整改 {p.loop}/{p.limit} 次后回访业户仍不满意："
        f"“{p.opinion}”，请管理处处理。",
    )


def roster_late(event: RosterLate) -> AlertStaffOf:
    p = event.payload
    return _alert(
        event,
        None,
        AlertKind.ROSTER_LATE,
        f"{p.month} 值班表逾期未报",
        f"{p.month} 的值班表未在 {_local(p.due_at)} 前报物业服务中心经理（编制：{p.drafted_by}）。",
    )


def arrears_flagged(event: ManagementFeeArrearsFlagged) -> AlertStaffOf:
    p = event.payload
    unit = f"{p.resident.building}-{p.resident.room}"
    return _alert(
        event,
        p.bill_id,
        AlertKind.ARREARS_FLAGGED,
        f"欠费 {p.bill_no}",
        f"{unit} {p.resident.name} 的 {p.month} 物业费账单 {p.bill_no} 经 {p.reminders_sent} "
        f"次催缴仍欠 ¥{Decimal(p.owed):.2f}，已列入欠费处理。",
    )
