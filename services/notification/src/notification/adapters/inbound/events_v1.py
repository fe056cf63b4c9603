"""The events residents are told about (intake, dispatch, billing, v1) → notification's commands;
an emergency, which alerts staff; an approved monthly report and dispatch's month of work
orders, which staff are sent; and
intake's records of a site, for the name messages give it, and of its staff, for whom an
emergency alerts and who is sent a report."""

from __future__ import annotations

import uuid
from typing import Any

from contracts.billing.v1 import ChargeCollectionRejected, ChargeRaised, ManagementFeeReminderDue
from contracts.dispatch import v1 as v1_dispatch
from contracts.dispatch.v1 import WorkOrderDispatched
from contracts.envelope import Resident
from contracts.intake.v1 import EmergencyReported as EmergencyReportedV1
from contracts.intake.v1 import (
    IncidentClosed,
    MonthlyReportApproved,
    ResidentReplied,
    ServiceRequestAccepted,
    SiteRecorded,
    StaffRecorded,
)

from contracts import Event
from notification.domain.commands import (
    AlertStaff,
    KeepSiteName,
    KeepStaffMember,
    SendMonthlyReport,
    TellResident,
)
from notification.domain.occasions import (
    About,
    BoardMonth,
    ChargedLine,
    CollectionRejected,
    EmergencyReported,
    FeeReminder,
    IncidentOver,
    Recipient,
    ReplyKind,
    RequestAccepted,
    ResidentAnswered,
    TechnicianAssigned,
    WorkFigures,
    WorkOrderMonthReported,
)
from notification.domain.occasions import ChargeRaised as Charged
from notification.domain.occasions import MonthlyReportApproved as ReportApproved
from notification.domain.staff import StaffMember


def _about(
    event: Event[Any], request_id: uuid.UUID | None, incident_id: uuid.UUID | None = None
) -> About:
    return About(
        event_id=event.event_id,
        event_type=event.EVENT_TYPE,
        correlation_id=event.correlation_id,
        site_id=event.site_id,
        request_id=request_id,
        incident_id=incident_id,
    )


def _recipient(r: Resident) -> Recipient:
    return Recipient(
        name=r.name, phone=r.phone or None, email=r.email, building=r.building, room=r.room
    )


def request_accepted(event: ServiceRequestAccepted) -> TellResident:
    p = event.payload
    return TellResident(
        RequestAccepted(
            about=_about(event, p.request_id),
            recipient=_recipient(p.resident),
            request_no=p.request_no,
            appointment_at=p.appointment_at,
        ),
        causation_id=event.event_id,
    )


def work_order_dispatched(event: WorkOrderDispatched) -> TellResident:
    p = event.payload
    return TellResident(
        TechnicianAssigned(
            about=_about(event, p.request_id),
            recipient=_recipient(p.resident),
            request_no=p.request_no,
            technician_name=p.technician.name,
            technician_phone=p.technician.phone,
        ),
        causation_id=event.event_id,
    )


def charge_raised(event: ChargeRaised) -> TellResident:
    p = event.payload
    return TellResident(
        Charged(
            about=_about(event, p.request_id),
            recipient=_recipient(p.resident),
            request_no=p.request_no,
            charge_no=p.charge_no,
            lines=tuple(
                ChargedLine(line.item_name, line.quantity, line.unit, line.amount)
                for line in p.lines
            ),
            total=p.total,
            payment_method=p.payment_method.value,
        ),
        causation_id=event.event_id,
    )


def collection_rejected(event: ChargeCollectionRejected) -> TellResident:
    p = event.payload
    return TellResident(
        CollectionRejected(
            about=_about(event, p.request_id),
            recipient=_recipient(p.resident),
            charge_no=p.charge_no,
            amount=p.amount,
            reason_code=p.reason_code,
            reason=p.reason,
        ),
        causation_id=event.event_id,
    )


def fee_reminder_due(event: ManagementFeeReminderDue) -> TellResident:
    """The reminder's messages are about the bill (its id stands for the request), so the
    reports of sending them reach billing, which counts the reminder (FEE-14)."""
    p = event.payload
    return TellResident(
        FeeReminder(
            about=_about(event, p.bill_id),
            recipient=_recipient(p.resident),
            owner=_recipient(p.owner) if p.owner else None,
            bill_no=p.bill_no,
            month=p.month,
            reminder_no=p.reminder_no,
            amount=p.amount,
            late_fee=p.late_fee,
            owed=p.owed,
            due_on=p.due_on,
        ),
        causation_id=event.event_id,
    )


def resident_replied(event: ResidentReplied) -> TellResident:
    """Every answer is handed on; the domain decides which the resident gets in writing
    (``ResidentAnswered.in_writing``)."""
    p = event.payload
    return TellResident(
        ResidentAnswered(
            about=_about(event, p.request_id),
            recipient=_recipient(p.resident),
            request_no=p.request_no,
            board=p.kind.value,
            reply_kind=ReplyKind(p.reply_kind.value),
            text=p.text,
        ),
        causation_id=event.event_id,
    )


def incident_closed(event: IncidentClosed) -> TellResident:
    p = event.payload
    return TellResident(
        IncidentOver(
            about=_about(event, None, p.incident_id),
            title=p.title,
            closing_note=p.closing_note,
            callers=tuple(_recipient(caller) for caller in p.callers),
        ),
        causation_id=event.event_id,
    )


def site_recorded(event: SiteRecorded) -> KeepSiteName:
    return KeepSiteName(
        site_id=event.site_id,
        name=event.payload.site_name,
        recorded_at=event.payload.recorded_at,
        causation_id=event.event_id,
        time_zone=event.payload.time_zone,
    )


def emergency_reported(event: EmergencyReportedV1) -> AlertStaff:
    p = event.payload
    return AlertStaff(
        EmergencyReported(
            about=_about(event, p.request_id),
            request_no=p.request_no,
            emergency=p.emergency.value,
            description=p.description,
            caller=_recipient(p.resident),
            redirected_to=p.redirected_to,
        ),
        causation_id=event.event_id,
    )


def staff_recorded(event: StaffRecorded) -> KeepStaffMember:
    """The whole record; the envelope's site is theirs (``*`` for the central hotline)."""
    p = event.payload
    return KeepStaffMember(
        StaffMember(
            staff_id=p.staff_id,
            site_id=event.site_id,
            name=p.staff_name,
            roles=frozenset(role.value for role in p.roles),
            phones=tuple(p.phones),
            email=p.email,
            active=p.active,
            recorded_at=p.recorded_at,
            information_liaison=p.information_liaison,
        ),
        causation_id=event.event_id,
    )


def monthly_report_approved(event: MonthlyReportApproved) -> SendMonthlyReport:
    """The figures as approved, board by board; each board's items most counted first."""
    p = event.payload
    return SendMonthlyReport(
        ReportApproved(
            about=_about(event, None),
            month=p.month,
            prepared_by=p.prepared_by,
            reviewed_by=p.reviewed_by,
            approved_by=p.approved_by,
            approved_at=p.approved_at,
            boards=tuple(
                BoardMonth(
                    board=b.kind.value,
                    registered=b.registered,
                    accepted=b.accepted,
                    declined=b.declined,
                    redirected=b.redirected,
                    promises=b.promises,
                    promises_kept_on_time=b.promises_kept_on_time,
                    first_answers_overdue=b.first_answers_overdue,
                    complaints_valid=b.complaints_valid,
                    complaints_invalid=b.complaints_invalid,
                    complaints_answered_within_2h=b.complaints_answered_within_2h,
                    complaints_resolved=b.complaints_resolved,
                    complaints_resolved_within_24h=b.complaints_resolved_within_24h,
                    second_complaints=b.second_complaints,
                    representative_cases=b.representative_cases,
                    answers_contradicting_policy=b.answers_contradicting_policy,
                    by_category=tuple(
                        sorted(b.by_category.items(), key=lambda item: (-item[1], item[0]))
                    ),
                )
                for b in p.boards
            ),
        ),
        causation_id=event.event_id,
    )


def _work_figures(f: v1_dispatch.WorkFigures) -> WorkFigures:
    return WorkFigures(
        orders=f.orders,
        dispatched=f.dispatched,
        dispatch_p50_s=f.dispatch_p50_s,
        dispatch_p95_s=f.dispatch_p95_s,
        dispatched_within_15_min=f.dispatched_within_15_min,
        taking_p50_s=f.taking_p50_s,
        on_time_arrival=f.on_time_arrival,
        done=f.done,
        first_time_fix=f.first_time_fix,
        rework_rate=f.rework_rate,
        escalations=f.escalations,
        voids=f.voids,
        damage_cases=f.damage_cases,
    )


def work_order_month_reported(event: v1_dispatch.WorkOrderMonthReported) -> SendMonthlyReport:
    """Dispatch's month of work orders: the site, each trade, each technician by name."""
    p = event.payload
    return SendMonthlyReport(
        WorkOrderMonthReported(
            about=_about(event, None),
            month=p.month,
            site=_work_figures(p.site),
            by_trade=tuple((trade, _work_figures(f)) for trade, f in sorted(p.by_trade.items())),
            by_technician=tuple((t.name, _work_figures(t.figures)) for t in p.by_technician),
        ),
        causation_id=event.event_id,
    )
