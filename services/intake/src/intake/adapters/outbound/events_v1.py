"""Intake's domain events → the integration events it publishes (``contracts.intake.v1``)."""

from __future__ import annotations

from typing import Any

from contracts.envelope import Resident
from contracts.intake import v1
from hotline_libs.ids import derive_id, event_id
from hotline_libs.unit_of_work import EventContext

from contracts import Event
from intake.domain import events
from intake.domain.complaint import ComplaintRegister
from intake.domain.monthly_report import ReportSignOffs, Stage
from intake.domain.service_request import ServiceRequest

PRODUCER = "intake"


def to_integration(request: ServiceRequest, event: Any, context: EventContext) -> Event[Any] | None:
    """The integration event of a request's domain event; each id is derived from the request
    and the moment, so a retried save repeats it."""
    match event:
        case events.ServiceRequestAccepted():
            return _event(
                v1.ServiceRequestAccepted, request, event.accepted_at, context, _accepted(request)
            )
        case events.EmergencyReported():
            assert request.emergency is not None
            return _event(
                v1.EmergencyReported,
                request,
                event.reported_at,
                context,
                v1.EmergencyReportedPayload(
                    **_about(request),
                    emergency=v1.Emergency(request.emergency.value),
                    description=request.description,
                    receiving_desk=v1.ReceivingDesk(request.receiving_desk.value),
                    redirected_to=request.triage_note,
                    reported_at=event.reported_at,
                ),
            )
        case events.ReplyPromised():
            promise = request.promises[-1]
            return _event(
                v1.ReplyPromised,
                request,
                event.promised_at,
                context,
                v1.ReplyPromisedPayload(
                    **_about(request),
                    tier=v1.ReplyTier(promise.tier.value),
                    promised_by=promise.promised_by,
                    promised_at=promise.promised_at,
                    due_at=promise.due_at,
                ),
            )
        case events.ResidentReplied():
            reply = next(r for r in reversed(request.replies) if r.at == event.replied_at)
            kept = next((p for p in request.promises if p.kept_at == reply.at), None)
            return _event(
                v1.ResidentReplied,
                request,
                event.replied_at,
                context,
                v1.ResidentRepliedPayload(
                    **_about(request),
                    reply_kind=v1.ReplyKind(reply.kind.value),
                    text=reply.text,
                    replied_by=reply.by,
                    replied_at=reply.at,
                    document_no=reply.standard_answer.document_no
                    if reply.standard_answer
                    else None,
                    promise_kept_on_time=None if kept is None else kept.kept_on_time,
                ),
            )
        case events.ReplyPromiseBreached():
            promise = next(p for p in request.promises if p.due_at == event.due_at)
            return _event(
                v1.ReplyPromiseBreached,
                request,
                event.noticed_at,
                context,
                v1.ReplyPromiseBreachedPayload(
                    **_about(request),
                    tier=v1.ReplyTier(promise.tier.value),
                    promised_by=promise.promised_by,
                    promised_at=promise.promised_at,
                    due_at=promise.due_at,
                    noticed_at=event.noticed_at,
                ),
            )
        case events.FirstAnswerOverdue():
            return _event(
                v1.FirstAnswerOverdue,
                request,
                event.noticed_at,
                context,
                v1.FirstAnswerOverduePayload(
                    **_about(request), due_at=event.due_at, noticed_at=event.noticed_at
                ),
            )
        case events.ComplaintAssessed():
            complaint = _register(request)
            assessment = complaint.assessment
            assert assessment is not None
            return _event(
                v1.ComplaintAssessed,
                request,
                event.at,
                context,
                v1.ComplaintAssessedPayload(
                    **_about(request),
                    first_responsible=complaint.first_responsible,
                    validity=v1.ComplaintValidity(assessment.validity.value),
                    grade=v1.ComplaintGrade(assessment.grade.value),
                    reason=assessment.reason,
                    department=assessment.department.value if assessment.department else None,
                    second_of=complaint.second_of,
                    assessed_by=assessment.by,
                    assessed_at=assessment.at,
                ),
            )
        case events.ComplaintEscalated():
            complaint = _register(request)
            grade = complaint.assessment.grade if complaint.assessment else None
            return _event(
                v1.ComplaintEscalated,
                request,
                event.at,
                context,
                v1.ComplaintEscalatedPayload(
                    **_about(request),
                    level=event.level,
                    grade=v1.ComplaintGrade(grade.value) if grade else None,
                    due_at=event.due_at,
                    escalated_at=event.at,
                ),
            )
        case events.ComplaintResolved():
            complaint = _register(request)
            assessment, resolution = complaint.assessment, complaint.resolution
            assert assessment is not None
            assert resolution is not None
            return _event(
                v1.ComplaintResolved,
                request,
                event.at,
                context,
                v1.ComplaintResolvedPayload(
                    **_about(request),
                    validity=v1.ComplaintValidity(assessment.validity.value),
                    grade=v1.ComplaintGrade(assessment.grade.value),
                    outcome=resolution.outcome,
                    resident_satisfied=resolution.resident_satisfied,
                    resolved_by=resolution.by,
                    resolved_at=resolution.at,
                    within_target=resolution.at - request.registered_at
                    <= complaint.thresholds.higher_manager_after,
                ),
            )
        case events.ComplaintRegisterOverdue():
            complaint = _register(request)
            return _event(
                v1.ComplaintRegisterOverdue,
                request,
                event.noticed_at,
                context,
                v1.ComplaintRegisterOverduePayload(
                    **_about(request),
                    first_responsible=complaint.first_responsible,
                    due_at=event.due_at,
                    noticed_at=event.noticed_at,
                ),
            )
    return None


def _register(request: ServiceRequest) -> ComplaintRegister:
    assert request.complaint is not None
    return request.complaint


def _event(
    model: type[Event[Any]],
    request: ServiceRequest,
    at: Any,
    context: EventContext,
    payload: Any,
) -> Event[Any]:
    cause = (
        request.request_id
        if model is v1.ServiceRequestAccepted
        else f"{request.request_id}@{at.isoformat()}"
    )
    built: Event[Any] = model.build(
        event_id=event_id(model, cause),
        producer=PRODUCER,
        site_id=request.site_id,
        correlation_id=request.request_id,
        causation_id=context.causation_id,
        occurred_at=at,
        aggregate_version=context.aggregate_version,
        payload=payload,
    )
    return built


def _resident(request: ServiceRequest) -> Resident:
    contact = request.resident
    return Resident(
        name=contact.name,
        phone=contact.phone,
        email=contact.email,
        building=contact.building,
        room=contact.room,
    )


def _about(request: ServiceRequest) -> dict[str, Any]:
    return {
        "request_id": request.request_id,
        "request_no": request.request_no,
        "kind": v1.RequestKind(request.kind.value),
        "category": request.category,
        "channel": v1.Channel(request.channel.value),
        "registered_at": request.registered_at,
        "resident": _resident(request),
    }


def _accepted(request: ServiceRequest) -> v1.ServiceRequestAcceptedPayload:
    return v1.ServiceRequestAcceptedPayload(
        request_id=request.request_id,
        request_no=request.request_no,
        kind=v1.RequestKind(request.kind.value),
        category=request.category,
        description=request.description,
        resident=_resident(request),
        channel=v1.Channel(request.channel.value),
        requested_items=[
            v1.RequestedItem(item_code=item.item_code, quantity=item.quantity)
            for item in request.requested_items
        ],
        appointment_at=request.appointment_at,
        registered_at=request.registered_at,
        accepted_at=request.accepted_at,
        appointment_until=request.appointment_until,
        emergency=v1.Emergency(request.emergency.value) if request.emergency else None,
        receiving_desk=v1.ReceivingDesk(request.receiving_desk.value),
        attachments=[
            v1.Attachment(
                reference=a.reference, name=a.name, media_type=a.media_type, size_bytes=a.size_bytes
            )
            for a in request.attachments
        ],
    )


def monthly_report_approved(
    report: ReportSignOffs, event: Any, context: EventContext
) -> Event[Any] | None:
    """``MonthlyReportApproved`` once per site and month: its id is derived from the report."""
    if not isinstance(event, events.MonthlyReportApproved):
        return None
    signed = {s.stage: s.by for s in report.signoffs}
    approved: v1.MonthlyReportApproved = v1.MonthlyReportApproved.build(
        event_id=event_id(v1.MonthlyReportApproved, report.report_id),
        producer=PRODUCER,
        site_id=report.site_id,
        correlation_id=derive_id("monthly-report", report.report_id),
        causation_id=context.causation_id,
        occurred_at=event.approved_at,
        aggregate_version=context.aggregate_version,
        payload=v1.MonthlyReportApprovedPayload(
            month=report.month,
            prepared_by=signed[Stage.PREPARED],
            reviewed_by=signed[Stage.REVIEWED],
            approved_by=signed[Stage.APPROVED],
            approved_at=event.approved_at,
            boards=[
                v1.BoardMonth(
                    kind=v1.RequestKind(kind.value),
                    **{name: getattr(f, name) for name in BOARD_MONTH_FIGURES},
                    by_category=dict(f.by_category),
                )
                for kind, f in event.figures.items()
            ],
        ),
    )
    return approved


BOARD_MONTH_FIGURES = [
    name for name in v1.BoardMonth.model_fields if name not in {"kind", "by_category"}
]
