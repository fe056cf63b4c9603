"""One canonical example of every published event version, as a producer would publish it.

Consumer-side contract tests replay each example through every consuming service's inbound
mapper (as FTGO's contract tests do), so a producer's change that a consumer cannot read fails
a test on the consumer's side. The numbers have the real formats staff quote.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from contracts.billing.v1 import (
    ChargeLine,
    ChargePaid,
    ChargePaidPayload,
    ChargeRaised,
    ChargeRaisedPayload,
    PriceListItem,
    PriceListRecorded,
    PriceListRecordedPayload,
)
from contracts.callback.v1 import (
    CallbackOverdue,
    CallbackOverduePayload,
    CallbackReason,
    CallbackScheduled,
    CallbackScheduledPayload,
)
from contracts.dispatch.v1 import (
    FieldClock,
    ServiceItemUsed,
    Technician,
    TechnicianMonth,
    WorkFigures,
    WorkOrderAwaitingTechnician,
    WorkOrderAwaitingTechnicianPayload,
    WorkOrderClockMissed,
    WorkOrderClockMissedPayload,
    WorkOrderCompleted,
    WorkOrderCompletedPayload,
    WorkOrderDispatched,
    WorkOrderDispatchedPayload,
    WorkOrderDispatchOverdue,
    WorkOrderDispatchOverduePayload,
    WorkOrderMonthReported,
    WorkOrderMonthReportedPayload,
    WorkOrderProgressed,
    WorkOrderProgressedPayload,
    WorkOrderStep,
)
from contracts.envelope import Event, PaymentMethod, Resident
from contracts.intake.v1 import (
    Attachment,
    BoardMonth,
    CatalogueBoard,
    CatalogueItem,
    CatalogueRecorded,
    CatalogueRecordedPayload,
    Channel,
    ComplaintAssessed,
    ComplaintAssessedPayload,
    ComplaintEscalated,
    ComplaintEscalatedPayload,
    ComplaintGrade,
    ComplaintRegisterOverdue,
    ComplaintRegisterOverduePayload,
    ComplaintResolved,
    ComplaintResolvedPayload,
    ComplaintValidity,
    Emergency,
    EmergencyReported,
    EmergencyReportedPayload,
    FirstAnswerOverdue,
    FirstAnswerOverduePayload,
    IncidentClosed,
    IncidentClosedPayload,
    IncidentDeclared,
    IncidentDeclaredPayload,
    IncidentKind,
    MonthlyReportApproved,
    MonthlyReportApprovedPayload,
    PreferredChannel,
    ReceivingDesk,
    ReplyKind,
    ReplyPromiseBreached,
    ReplyPromiseBreachedPayload,
    ReplyPromised,
    ReplyPromisedPayload,
    ReplyTier,
    RequestedItem,
    RequestKind,
    ResidentRecorded,
    ResidentRecordedPayload,
    ResidentReplied,
    ResidentRepliedPayload,
    RosterLate,
    RosterLatePayload,
    ServiceClass,
    ServiceRequestAccepted,
    ServiceRequestAcceptedPayload,
    Shift,
    SiteRecorded,
    SiteRecordedPayload,
    StaffDepartment,
    StaffRecorded,
    StaffRecordedPayload,
    StaffRole,
    UnitRecorded,
    UnitRecordedPayload,
    WorkingCalendarYearLoaded,
    WorkingCalendarYearLoadedPayload,
)
from contracts.notification.v1 import (
    NotificationChannel,
    NotificationSent,
    NotificationSentPayload,
)
from contracts.registry import registered_events
from contracts.sites.v1 import SiteRequestSubmitted, SiteRequestSubmittedPayload

SITE = "dmg"
REQUEST_ID = uuid.UUID("0b7f2c4e-3d1a-5e6f-8a9b-0c1d2e3f4a5b")
REQUEST_NO = "SR-DMG-20261123-0001"
WORK_ORDER_ID = uuid.UUID("1c8a3d5f-4e2b-5f70-9bac-1d2e3f4a5b6c")
WORK_ORDER_NO = "WO-DMG-20261123-0001"
CHARGE_ID = uuid.UUID("2d9b4e60-5f3c-5081-8cbd-2e3f4a5b6c7d")
CALLBACK_ID = uuid.UUID("3eac5f71-604d-5192-9dce-3f4a5b6c7d8e")
NOTIFICATION_ID = uuid.UUID("4fbd6082-715e-52a3-8edf-4a5b6c7d8e9f")
ACCEPTED_AT = datetime(2026, 11, 23, 2, 0, 5, tzinfo=UTC)  # 10:00:05 in Xi'an
RESIDENT = Resident(
    name="王芳", phone="+8613800138000", email="wang.fang@example.com", building="3", room="1202"
)
TECHNICIAN = Technician(technician_id="dmg-t01", name="李强", phone="+8613900000101")


RESIDENT_ID = uuid.UUID("6bdf82a4-9370-55c5-a0f1-6c7d8e9fa0b1")
CONSULTATION_ID = uuid.UUID("5ace7193-826f-53b4-9fe0-5b6c7d8e9fa0")


def _consultation() -> dict[str, Any]:
    """The request the answer events of the examples are about: a question about parking fees."""
    return {
        "request_id": CONSULTATION_ID,
        "request_no": "SR-DMG-20261123-0002",
        "kind": RequestKind.CONSULTATION,
        "category": "property_service",
        "channel": Channel.HOTLINE,
        "registered_at": ACCEPTED_AT - timedelta(seconds=5),
        "resident": RESIDENT,
    }


INCIDENT_ID = uuid.UUID("8df1a4c6-b592-57e7-8213-8e9fa0b1c2d3")
EMERGENCY_ID = uuid.UUID("9e02b5d7-c6a3-58f8-9324-9fa0b1c2d3e4")
COMPLAINT_ID = uuid.UUID("7ce093b5-a481-56d6-b102-7d8e9fa0b1c2")


def _complaint() -> dict[str, Any]:
    """The complaint the complaint events of the examples are about: a lift out of order."""
    return {
        "request_id": COMPLAINT_ID,
        "request_no": "SR-DMG-20261123-0003",
        "kind": RequestKind.COMPLAINT,
        "category": "facilities",
        "channel": Channel.HOTLINE,
        "registered_at": ACCEPTED_AT - timedelta(seconds=5),
        "resident": RESIDENT,
    }


def _event(model: type[Event[Any]], number: int, payload: Any, **envelope: Any) -> Event[Any]:
    event: Event[Any] = model.build(
        event_id=uuid.UUID(int=number),
        producer=envelope.pop("producer"),
        site_id=envelope.pop("site_id", SITE),
        correlation_id=envelope.pop("correlation_id", REQUEST_ID),
        payload=payload,
        **envelope,
    )
    return event


MONTH_FIGURES = WorkFigures(
    orders=12,
    dispatched=12,
    dispatch_p50_s=240.0,
    dispatch_p95_s=780.0,
    dispatched_within_15_min=1.0,
    taken=12,
    taking_p50_s=120.0,
    taking_p95_s=540.0,
    arrivals_with_appointment=10,
    on_time_arrival=0.9,
    done=11,
    first_time_fix=0.9091,
    reworked=1,
    rework_rate=0.0833,
    escalations=0,
    voids=1,
    damage_cases=0,
    missed_clocks=1,
)


def canonical_examples() -> dict[type[Event[Any]], Event[Any]]:
    """The canonical example of every registered event, by class."""
    completed_at = ACCEPTED_AT + timedelta(hours=2)
    examples = [
        _event(
            SiteRequestSubmitted,
            1,
            SiteRequestSubmittedPayload(
                source_ref="DMG-DESK-2026-000123",
                kind=RequestKind.REPAIR,
                category="own_unit",
                description="厨房水龙头漏水",
                resident=RESIDENT.model_copy(update={"phone": "138 0013 8000"}),
                requested_items=[RequestedItem(item_code="RP-TAP", quantity=1)],
                appointment_at=ACCEPTED_AT + timedelta(hours=1),
                registered_at=ACCEPTED_AT - timedelta(seconds=5),
            ),
            producer="site-system-dmg",
            correlation_id=uuid.UUID(int=101),
            occurred_at=ACCEPTED_AT - timedelta(seconds=5),
        ),
        _event(
            ServiceRequestAccepted,
            2,
            ServiceRequestAcceptedPayload(
                request_id=REQUEST_ID,
                request_no=REQUEST_NO,
                kind=RequestKind.REPAIR,
                category="own_unit",
                description="厨房水龙头漏水",
                resident=RESIDENT,
                channel=Channel.HOTLINE,
                requested_items=[RequestedItem(item_code="RP-TAP", quantity=1)],
                appointment_at=ACCEPTED_AT + timedelta(hours=1),
                registered_at=ACCEPTED_AT - timedelta(seconds=5),
                accepted_at=ACCEPTED_AT,
                appointment_until=ACCEPTED_AT + timedelta(hours=3),
                receiving_desk=ReceivingDesk.CALL_CENTRE,
                attachments=[
                    Attachment(
                        reference="https://files.example.com/dmg/2026/11/tap.jpg",
                        name="tap.jpg",
                        media_type="image/jpeg",
                        size_bytes=482133,
                    )
                ],
            ),
            producer="intake",
            occurred_at=ACCEPTED_AT,
            aggregate_version=1,
        ),
        _event(
            SiteRecorded,
            36,
            SiteRecordedPayload(
                code="DMG",
                site_name="大明宫花园",
                services=list(RequestKind),
                country="CN",
                time_zone="Asia/Shanghai",
                supervisor_after_minutes=240,
                higher_manager_after_minutes=1440,
                shifts=[
                    Shift(code="early", starts="07:30", ends="15:30"),
                    Shift(code="night", starts="20:00", ends="07:30"),
                ],
                recorded_at=ACCEPTED_AT - timedelta(days=30),
            ),
            producer="intake",
            correlation_id=uuid.UUID("a0f3c6e8-d7b4-59a9-8435-a0b1c2d3e4f5"),
            occurred_at=ACCEPTED_AT - timedelta(days=30),
            aggregate_version=1,
        ),
        _event(
            StaffRecorded,
            37,
            StaffRecordedPayload(
                staff_id="dmg-s01",
                staff_name="周静",
                title="管家",
                department=StaffDepartment.CUSTOMER_SERVICE,
                roles=[StaffRole.STEWARD],
                phones=["+8613900001234"],
                email="zhou.jing@example.com",
                steward_of=["3", "4"],
                information_liaison=False,
                active=True,
                recorded_at=ACCEPTED_AT - timedelta(days=30),
            ),
            producer="intake",
            correlation_id=uuid.UUID(int=137),
            occurred_at=ACCEPTED_AT - timedelta(days=30),
            aggregate_version=1,
        ),
        _event(
            CatalogueRecorded,
            38,
            CatalogueRecordedPayload(
                boards=[
                    CatalogueBoard(
                        kind=RequestKind.REPAIR,
                        items=[
                            CatalogueItem(
                                code="common_area",
                                name_zh="公共区域报修",
                                name_en="Common area",
                                service_class=ServiceClass.ROUTINE,
                                active=True,
                            ),
                            CatalogueItem(
                                code="own_unit",
                                name_zh="自用部位报修",
                                name_en="The unit's own parts",
                                service_class=ServiceClass.PAID,
                                active=True,
                            ),
                        ],
                    )
                ],
                changed_by="admin-001",
                recorded_at=ACCEPTED_AT - timedelta(days=7),
            ),
            producer="intake",
            correlation_id=uuid.UUID(int=138),
            occurred_at=ACCEPTED_AT - timedelta(days=7),
            aggregate_version=2,
        ),
        _event(
            MonthlyReportApproved,
            39,
            MonthlyReportApprovedPayload(
                month="2026-10",
                prepared_by="supervisor-002",
                reviewed_by="quality-001",
                approved_by="director-001",
                approved_at=ACCEPTED_AT,
                boards=[
                    BoardMonth(
                        kind=RequestKind.COMPLAINT,
                        registered=14,
                        accepted=14,
                        declined=0,
                        redirected=1,
                        promises=3,
                        promises_kept_on_time=3,
                        first_answers_overdue=0,
                        complaints_valid=11,
                        complaints_invalid=3,
                        complaints_answered_within_2h=13,
                        complaints_resolved=12,
                        complaints_resolved_within_24h=10,
                        second_complaints=1,
                        representative_cases=1,
                        answers_contradicting_policy=0,
                        by_category={"facilities": 6, "environment": 5, "service_quality": 3},
                    )
                ],
            ),
            producer="intake",
            correlation_id=uuid.UUID(int=139),
            occurred_at=ACCEPTED_AT,
            aggregate_version=3,
        ),
        _event(
            EmergencyReported,
            35,
            EmergencyReportedPayload(
                request_id=EMERGENCY_ID,
                request_no="SR-DMG-20261123-0004",
                kind=RequestKind.REPAIR,
                category="own_unit",
                channel=Channel.HOTLINE,
                registered_at=ACCEPTED_AT - timedelta(seconds=40),
                resident=RESIDENT,
                emergency=Emergency.WATER_LEAK,
                description="楼上漏水, 水从天花板流下",
                receiving_desk=ReceivingDesk.CALL_CENTRE,
                reported_at=ACCEPTED_AT,
            ),
            producer="intake",
            correlation_id=EMERGENCY_ID,
            occurred_at=ACCEPTED_AT,
            aggregate_version=1,
        ),
        _event(
            ReplyPromised,
            22,
            ReplyPromisedPayload(
                **_consultation(),
                tier=ReplyTier.WORKING_DAYS_1,
                promised_by="agent-017",
                promised_at=ACCEPTED_AT,
                due_at=ACCEPTED_AT + timedelta(days=1),
            ),
            producer="intake",
            correlation_id=CONSULTATION_ID,
            occurred_at=ACCEPTED_AT,
            aggregate_version=2,
        ),
        _event(
            ResidentReplied,
            23,
            ResidentRepliedPayload(
                **_consultation(),
                reply_kind=ReplyKind.REPLY,
                text="本月停车费按原标准收取, 下月起按新标准",
                replied_by="agent-017",
                replied_at=ACCEPTED_AT + timedelta(hours=3),
                promise_kept_on_time=True,
            ),
            producer="intake",
            correlation_id=CONSULTATION_ID,
            occurred_at=ACCEPTED_AT + timedelta(hours=3),
            aggregate_version=3,
        ),
        _event(
            ReplyPromiseBreached,
            24,
            ReplyPromiseBreachedPayload(
                **_consultation(),
                tier=ReplyTier.MINUTES_30,
                promised_by="agent-017",
                promised_at=ACCEPTED_AT,
                due_at=ACCEPTED_AT + timedelta(minutes=30),
                noticed_at=ACCEPTED_AT + timedelta(minutes=30, seconds=1),
            ),
            producer="intake",
            correlation_id=CONSULTATION_ID,
            occurred_at=ACCEPTED_AT + timedelta(minutes=30, seconds=1),
            aggregate_version=3,
        ),
        _event(
            FirstAnswerOverdue,
            25,
            FirstAnswerOverduePayload(
                **_consultation(),
                due_at=ACCEPTED_AT + timedelta(hours=24),
                noticed_at=ACCEPTED_AT + timedelta(hours=24, seconds=1),
            ),
            producer="intake",
            correlation_id=CONSULTATION_ID,
            occurred_at=ACCEPTED_AT + timedelta(hours=24, seconds=1),
            aggregate_version=2,
        ),
        _event(
            ComplaintAssessed,
            28,
            ComplaintAssessedPayload(
                **_complaint(),
                first_responsible="agent-017",
                validity=ComplaintValidity.VALID,
                grade=ComplaintGrade.GENERAL,
                reason="电梯维保记录显示确有故障",
                department="maintenance",
                assessed_by="supervisor-002",
                assessed_at=ACCEPTED_AT + timedelta(minutes=20),
            ),
            producer="intake",
            correlation_id=COMPLAINT_ID,
            occurred_at=ACCEPTED_AT + timedelta(minutes=20),
            aggregate_version=2,
        ),
        _event(
            ComplaintEscalated,
            29,
            ComplaintEscalatedPayload(
                **_complaint(),
                level="supervisor",
                grade=ComplaintGrade.GENERAL,
                due_at=ACCEPTED_AT + timedelta(hours=4),
                escalated_at=ACCEPTED_AT + timedelta(hours=4, seconds=1),
            ),
            producer="intake",
            correlation_id=COMPLAINT_ID,
            occurred_at=ACCEPTED_AT + timedelta(hours=4, seconds=1),
            aggregate_version=3,
        ),
        _event(
            ComplaintResolved,
            30,
            ComplaintResolvedPayload(
                **_complaint(),
                validity=ComplaintValidity.VALID,
                grade=ComplaintGrade.GENERAL,
                outcome="已更换电梯门机板, 业主确认",
                resident_satisfied=True,
                resolved_by="steward-004",
                resolved_at=ACCEPTED_AT + timedelta(hours=6),
                within_target=True,
            ),
            producer="intake",
            correlation_id=COMPLAINT_ID,
            occurred_at=ACCEPTED_AT + timedelta(hours=6),
            aggregate_version=4,
        ),
        _event(
            ComplaintRegisterOverdue,
            31,
            ComplaintRegisterOverduePayload(
                **_complaint(),
                first_responsible="agent-017",
                due_at=ACCEPTED_AT + timedelta(hours=14),
                noticed_at=ACCEPTED_AT + timedelta(hours=14, seconds=1),
            ),
            producer="intake",
            correlation_id=COMPLAINT_ID,
            occurred_at=ACCEPTED_AT + timedelta(hours=14, seconds=1),
            aggregate_version=2,
        ),
        _event(
            IncidentDeclared,
            32,
            IncidentDeclaredPayload(
                incident_id=INCIDENT_ID,
                kind=IncidentKind.WATER_OUTAGE,
                title="3栋停水",
                script="3栋因主水管抢修停水, 预计18:00恢复, 给您带来不便敬请谅解",
                buildings=["3"],
                major=False,
                declared_by="duty-001",
                declared_at=ACCEPTED_AT,
                expected_end_at=ACCEPTED_AT + timedelta(hours=8),
            ),
            producer="intake",
            correlation_id=INCIDENT_ID,
            occurred_at=ACCEPTED_AT,
            aggregate_version=1,
        ),
        _event(
            IncidentClosed,
            33,
            IncidentClosedPayload(
                incident_id=INCIDENT_ID,
                kind=IncidentKind.WATER_OUTAGE,
                title="3栋停水",
                buildings=["3"],
                closing_note="3栋已恢复供水, 感谢您的耐心",
                closed_at=ACCEPTED_AT + timedelta(hours=7),
                callers=[RESIDENT],
            ),
            producer="intake",
            correlation_id=INCIDENT_ID,
            occurred_at=ACCEPTED_AT + timedelta(hours=7),
            aggregate_version=5,
        ),
        _event(
            RosterLate,
            34,
            RosterLatePayload(
                month="2026-12",
                drafted_by="supervisor-002",
                due_at=datetime(2026, 11, 24, 16, 0, tzinfo=UTC),
                noticed_at=datetime(2026, 11, 24, 16, 0, 1, tzinfo=UTC),
            ),
            producer="intake",
            correlation_id=uuid.UUID(int=134),
            occurred_at=datetime(2026, 11, 24, 16, 0, 1, tzinfo=UTC),
            aggregate_version=2,
        ),
        _event(
            ResidentRecorded,
            26,
            ResidentRecordedPayload(
                resident_id=RESIDENT_ID,
                name="王芳",
                phones=["+8613800138000"],
                email="wang.fang@example.com",
                preferred_channel=PreferredChannel.SMS,
                language="zh-CN",
                consents_to_sms=True,
                consents_to_email=False,
                recorded_at=ACCEPTED_AT - timedelta(days=30),
            ),
            producer="intake",
            correlation_id=RESIDENT_ID,
            occurred_at=ACCEPTED_AT - timedelta(days=30),
            aggregate_version=1,
        ),
        _event(
            UnitRecorded,
            27,
            UnitRecordedPayload(
                unit_id="dmg:3:1202",
                building="3",
                room="1202",
                floor_area_m2=Decimal("89.35"),
                owner_id=RESIDENT_ID,
                tenant_ids=[],
                payer_id=RESIDENT_ID,
                recorded_at=ACCEPTED_AT - timedelta(days=30),
            ),
            producer="intake",
            correlation_id=uuid.UUID(int=127),
            occurred_at=ACCEPTED_AT - timedelta(days=30),
            aggregate_version=1,
        ),
        _event(
            WorkingCalendarYearLoaded,
            21,
            WorkingCalendarYearLoadedPayload(
                country="CN",
                year=2027,
                days_off=[date(2027, 1, 1), date(2027, 2, 8), date(2027, 2, 9)],
                working_weekends=[date(2027, 2, 20)],
                source="国务院办公厅关于2027年部分节假日安排的通知",
                loaded_at=ACCEPTED_AT,
            ),
            producer="intake",
            site_id="*",
            correlation_id=uuid.UUID(int=121),
            occurred_at=ACCEPTED_AT,
            aggregate_version=1,
        ),
        _event(
            WorkOrderAwaitingTechnician,
            3,
            WorkOrderAwaitingTechnicianPayload(
                work_order_id=WORK_ORDER_ID,
                work_order_no=WORK_ORDER_NO,
                request_id=REQUEST_ID,
                request_no=REQUEST_NO,
                trade="maintenance",
                description="厨房水龙头漏水",
                reason="site 'dmg' has no maintenance technician on duty",
                accepted_at=ACCEPTED_AT,
                dispatch_due_at=ACCEPTED_AT + timedelta(minutes=15),
                waiting_since=ACCEPTED_AT + timedelta(seconds=1),
            ),
            producer="dispatch",
            causation_id=uuid.UUID(int=2),
            aggregate_version=1,
        ),
        _event(
            WorkOrderDispatchOverdue,
            4,
            WorkOrderDispatchOverduePayload(
                work_order_id=WORK_ORDER_ID,
                work_order_no=WORK_ORDER_NO,
                request_id=REQUEST_ID,
                request_no=REQUEST_NO,
                trade="maintenance",
                accepted_at=ACCEPTED_AT,
                dispatch_due_at=ACCEPTED_AT + timedelta(minutes=15),
                noticed_at=ACCEPTED_AT + timedelta(minutes=15, seconds=1),
                overdue_by_s=1,
            ),
            producer="dispatch",
            aggregate_version=2,
        ),
        _event(
            WorkOrderDispatched,
            5,
            WorkOrderDispatchedPayload(
                work_order_id=WORK_ORDER_ID,
                work_order_no=WORK_ORDER_NO,
                request_id=REQUEST_ID,
                request_no=REQUEST_NO,
                resident=RESIDENT,
                technician=TECHNICIAN,
                description="厨房水龙头漏水",
                appointment_at=ACCEPTED_AT + timedelta(hours=1),
                accepted_at=ACCEPTED_AT,
                dispatched_at=ACCEPTED_AT + timedelta(minutes=20),
                dispatch_due_at=ACCEPTED_AT + timedelta(minutes=15),
                dispatched_on_time=False,
            ),
            producer="dispatch",
            aggregate_version=3,
        ),
        _event(
            WorkOrderClockMissed,
            41,
            WorkOrderClockMissedPayload(
                work_order_id=WORK_ORDER_ID,
                work_order_no=WORK_ORDER_NO,
                request_id=REQUEST_ID,
                request_no=REQUEST_NO,
                clock=FieldClock.ACCEPTANCE,
                trade="maintenance",
                technician=TECHNICIAN,
                reassigned_to=Technician(
                    technician_id="dmg-t02", name="赵敏", phone="+8613900000102"
                ),
                due_at=ACCEPTED_AT + timedelta(minutes=30),
                noticed_at=ACCEPTED_AT + timedelta(minutes=30, seconds=2),
                overdue_by_s=2,
            ),
            producer="dispatch",
            aggregate_version=4,
        ),
        _event(
            WorkOrderProgressed,
            43,
            WorkOrderProgressedPayload(
                work_order_id=WORK_ORDER_ID,
                work_order_no=WORK_ORDER_NO,
                request_id=REQUEST_ID,
                request_no=REQUEST_NO,
                change_no=4,
                step=WorkOrderStep.ARRIVE,
                from_status="on_the_way",
                to_status="arrived",
                at=ACCEPTED_AT + timedelta(minutes=50),
                actor_role="technician",
                actor_name="李强",
                reason="arrived at the resident's",
            ),
            producer="dispatch",
            aggregate_version=5,
        ),
        _event(
            WorkOrderMonthReported,
            42,
            WorkOrderMonthReportedPayload(
                month="2026-11",
                site=MONTH_FIGURES,
                by_trade={"maintenance": MONTH_FIGURES},
                by_technician=[
                    TechnicianMonth(technician_id="dmg-t01", name="李强", figures=MONTH_FIGURES)
                ],
                reported_at=datetime(2026, 12, 1, 0, 0, 5, tzinfo=UTC),
            ),
            producer="dispatch",
            correlation_id=uuid.UUID(int=4200),
        ),
        _event(
            WorkOrderCompleted,
            6,
            WorkOrderCompletedPayload(
                work_order_id=WORK_ORDER_ID,
                work_order_no=WORK_ORDER_NO,
                request_id=REQUEST_ID,
                request_no=REQUEST_NO,
                resident=RESIDENT,
                technician_id="dmg-t01",
                completed_at=completed_at,
                items=[
                    ServiceItemUsed(item_code="RP-TAP", quantity=1, agreed_unit_price=Decimal("80"))
                ],
                payment_method=PaymentMethod.CASH,
                resident_signed=True,
                service_record_no="SV-DMG-20261123-0001",
                signed_by="王芳",
                reworks=0,
            ),
            producer="dispatch",
            occurred_at=completed_at,
            aggregate_version=4,
        ),
        _event(
            ChargeRaised,
            7,
            ChargeRaisedPayload(
                charge_id=CHARGE_ID,
                charge_no="CH-DMG-20261123-0001",
                work_order_id=WORK_ORDER_ID,
                request_id=REQUEST_ID,
                request_no=REQUEST_NO,
                resident=RESIDENT,
                lines=[
                    ChargeLine(
                        item_code="RP-TAP",
                        item_name="更换水龙头",
                        unit="次",
                        unit_price=Decimal("80.00"),
                        quantity=1,
                        amount=Decimal("80.00"),
                    )
                ],
                total=Decimal("80.00"),
                payment_method=PaymentMethod.CASH,
                raised_at=completed_at + timedelta(seconds=1),
            ),
            producer="billing",
            causation_id=uuid.UUID(int=6),
            aggregate_version=1,
        ),
        _event(
            ChargePaid,
            44,
            ChargePaidPayload(
                charge_id=CHARGE_ID,
                charge_no="CH-DMG-20261123-0001",
                work_order_id=WORK_ORDER_ID,
                request_id=REQUEST_ID,
                request_no=REQUEST_NO,
                method=PaymentMethod.CASH,
                amount=Decimal("80.00"),
                reference="DMG-000123",
                paid_at=completed_at + timedelta(hours=3),
                booked_at=completed_at + timedelta(hours=3),
                service_record_no="SV-DMG-20261123-0001",
            ),
            producer="billing",
            occurred_at=completed_at + timedelta(hours=3),
            aggregate_version=2,
        ),
        _event(
            PriceListRecorded,
            40,
            PriceListRecordedPayload(
                items=[
                    PriceListItem(
                        item_code="HK-GLASS",
                        item_name="玻璃清洁",
                        unit="㎡",
                        unit_price=Decimal("5.00"),
                    ),
                    PriceListItem(
                        item_code="RP-TAP",
                        item_name="更换水龙头",
                        unit="次",
                        unit_price=Decimal("80.00"),
                    ),
                ],
                recorded_at=ACCEPTED_AT - timedelta(days=30),
            ),
            producer="billing",
            correlation_id=uuid.UUID(int=140),
            occurred_at=ACCEPTED_AT - timedelta(days=30),
            aggregate_version=2,
        ),
        _event(
            CallbackScheduled,
            8,
            CallbackScheduledPayload(
                callback_id=CALLBACK_ID,
                work_order_id=WORK_ORDER_ID,
                request_id=REQUEST_ID,
                request_no=REQUEST_NO,
                resident=RESIDENT,
                reason=CallbackReason.AFTER_PAID_SERVICE,
                payment_method=PaymentMethod.CASH,
                due_on=date(2026, 11, 25),
                scheduled_at=completed_at + timedelta(seconds=1),
            ),
            producer="callback",
            causation_id=uuid.UUID(int=6),
            aggregate_version=1,
        ),
        _event(
            CallbackOverdue,
            9,
            CallbackOverduePayload(
                callback_id=CALLBACK_ID,
                work_order_id=WORK_ORDER_ID,
                request_id=REQUEST_ID,
                request_no=REQUEST_NO,
                reason=CallbackReason.AFTER_PAID_SERVICE,
                due_on=date(2026, 11, 25),
                due_at=datetime(2026, 11, 25, 16, 0, tzinfo=UTC),
                noticed_at=datetime(2026, 11, 25, 16, 0, 1, tzinfo=UTC),
                overdue_by_s=1,
            ),
            producer="callback",
            aggregate_version=2,
        ),
        _event(
            NotificationSent,
            10,
            NotificationSentPayload(
                notification_id=NOTIFICATION_ID,
                channel=NotificationChannel.SMS,
                recipient="+8613800138000",
                template="request_accepted",
                about_event_id=uuid.UUID(int=2),
                about_event_type="ServiceRequestAccepted",
                request_id=REQUEST_ID,
                sent_at=ACCEPTED_AT + timedelta(seconds=1),
            ),
            producer="notification",
            causation_id=uuid.UUID(int=2),
            aggregate_version=2,
        ),
    ]
    found = {type(example): example for example in examples}
    missing = [model.EVENT_TYPE for model in registered_events() if model not in found]
    if missing:
        raise LookupError(f"no canonical example for {missing}; add one to contracts.examples")
    return found
