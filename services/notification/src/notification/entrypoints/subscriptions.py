"""Everything notification consumes, in one place: each event mapped to a command on the bus."""

from __future__ import annotations

from contracts.billing.v1 import (
    ChargeCollectionRejected,
    ChargeRaised,
    IncomeSpendingStatementPublished,
    ManagementFeeArrearsFlagged,
    ManagementFeeReminderDue,
)
from contracts.callback.v1 import RectificationEscalated
from contracts.dispatch.v1 import (
    WorkOrderClockMissed,
    WorkOrderDispatched,
    WorkOrderDispatchOverdue,
    WorkOrderMonthReported,
)
from contracts.intake.v1 import (
    ComplaintEscalated,
    EmergencyReported,
    FirstAnswerOverdue,
    IncidentClosed,
    MonthlyReportApproved,
    ReplyPromiseBreached,
    ResidentRecorded,
    ResidentReplied,
    RosterLate,
    RosterSubmitted,
    ServiceRequestAccepted,
    SiteRecorded,
    StaffRecorded,
    UnitRecorded,
)
from hotline_libs.bus import MessageBus
from hotline_libs.messaging import Subscription, to_bus

from contracts import topics
from notification.adapters.inbound import alerts_v1, duty_v1, events_v1, households_v1


def subscriptions(bus: MessageBus) -> list[Subscription]:
    return [
        Subscription(
            topics.SERVICE_REQUESTS,
            {
                ServiceRequestAccepted: to_bus(bus, events_v1.request_accepted),
                ResidentReplied: to_bus(bus, events_v1.resident_replied),
                EmergencyReported: to_bus(bus, events_v1.emergency_reported),
                ReplyPromiseBreached: to_bus(bus, alerts_v1.reply_promise_breached),
                FirstAnswerOverdue: to_bus(bus, alerts_v1.first_answer_overdue),
                ComplaintEscalated: to_bus(bus, alerts_v1.complaint_escalated),
            },
        ),
        Subscription(
            topics.WORK_ORDERS,
            {
                WorkOrderDispatched: to_bus(bus, events_v1.work_order_dispatched),
                WorkOrderDispatchOverdue: to_bus(bus, alerts_v1.dispatch_overdue),
                WorkOrderClockMissed: to_bus(bus, alerts_v1.field_clock_missed),
            },
        ),
        Subscription(
            topics.CHARGES,
            {
                ChargeRaised: to_bus(bus, events_v1.charge_raised),
                ChargeCollectionRejected: to_bus(bus, events_v1.collection_rejected),
                ManagementFeeReminderDue: to_bus(bus, events_v1.fee_reminder_due),
                IncomeSpendingStatementPublished: to_bus(bus, households_v1.statement_published),
                ManagementFeeArrearsFlagged: to_bus(bus, alerts_v1.arrears_flagged),
            },
        ),
        Subscription(
            topics.CALLBACKS,
            {RectificationEscalated: to_bus(bus, alerts_v1.rectification_escalated)},
        ),
        Subscription(
            topics.DUTY,
            {
                RosterLate: to_bus(bus, alerts_v1.roster_late),
                RosterSubmitted: to_bus(bus, duty_v1.roster_submitted),
            },
        ),
        Subscription(topics.INCIDENTS, {IncidentClosed: to_bus(bus, events_v1.incident_closed)}),
        Subscription(
            topics.REPORTS,
            {MonthlyReportApproved: to_bus(bus, events_v1.monthly_report_approved)},
        ),
        Subscription(
            topics.DISPATCH_REPORTS,
            {WorkOrderMonthReported: to_bus(bus, events_v1.work_order_month_reported)},
        ),
        Subscription(
            topics.DIRECTORY,
            {
                SiteRecorded: to_bus(bus, events_v1.site_recorded),
                StaffRecorded: to_bus(bus, events_v1.staff_recorded),
                UnitRecorded: to_bus(bus, households_v1.unit_recorded),
                ResidentRecorded: to_bus(bus, households_v1.resident_recorded),
            },
        ),
    ]
