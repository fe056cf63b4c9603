"""Every published event version, and the parser that turns raw bytes back into one."""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from contracts.billing.v1 import (
    ChargeCollectionRejected,
    ChargePaid,
    ChargeRaised,
    IncomeSpendingStatementPublished,
    ManagementFeeArrearsFlagged,
    ManagementFeeReminderDue,
    PriceListRecorded,
)
from contracts.callback.v1 import (
    CallbackMade,
    CallbackOverdue,
    CallbackScheduled,
    RectificationClosed,
    RectificationEscalated,
    RectificationOpened,
)
from contracts.callback.v2 import CallbackOverdue as CallbackOverdueV2
from contracts.callback.v2 import CallbackScheduled as CallbackScheduledV2
from contracts.dispatch.v1 import (
    WorkOrderAwaitingTechnician,
    WorkOrderClockMissed,
    WorkOrderCompleted,
    WorkOrderDispatched,
    WorkOrderDispatchOverdue,
    WorkOrderMonthReported,
    WorkOrderProgressed,
)
from contracts.envelope import Event
from contracts.intake.v1 import (
    CatalogueRecorded,
    ComplaintAssessed,
    ComplaintEscalated,
    ComplaintRegisterOverdue,
    ComplaintResolved,
    EmergencyReported,
    FirstAnswerOverdue,
    IncidentClosed,
    IncidentDeclared,
    MonthlyReportApproved,
    ReplyPromiseBreached,
    ReplyPromised,
    ResidentRecorded,
    ResidentReplied,
    RosterLate,
    RosterSubmitted,
    ServiceRequestAccepted,
    SiteRecorded,
    StaffRecorded,
    UnitRecorded,
    WorkingCalendarYearLoaded,
)
from contracts.notification.v1 import NotificationSent
from contracts.sites.v1 import SiteRequestSubmitted

_EVENTS: dict[tuple[str, int], type[Event[Any]]] = {
    (model.EVENT_TYPE, model.VERSION): model
    for model in (
        ServiceRequestAccepted,
        ReplyPromised,
        ResidentReplied,
        ReplyPromiseBreached,
        FirstAnswerOverdue,
        EmergencyReported,
        RosterLate,
        RosterSubmitted,
        IncidentDeclared,
        IncidentClosed,
        ComplaintAssessed,
        ComplaintEscalated,
        ComplaintRegisterOverdue,
        ComplaintResolved,
        WorkingCalendarYearLoaded,
        SiteRecorded,
        ResidentRecorded,
        UnitRecorded,
        StaffRecorded,
        CatalogueRecorded,
        MonthlyReportApproved,
        WorkOrderDispatched,
        WorkOrderAwaitingTechnician,
        WorkOrderDispatchOverdue,
        WorkOrderClockMissed,
        WorkOrderCompleted,
        WorkOrderProgressed,
        WorkOrderMonthReported,
        ChargeRaised,
        ChargePaid,
        ChargeCollectionRejected,
        ManagementFeeReminderDue,
        ManagementFeeArrearsFlagged,
        IncomeSpendingStatementPublished,
        PriceListRecorded,
        CallbackScheduled,
        CallbackOverdue,
        CallbackScheduledV2,
        CallbackOverdueV2,
        CallbackMade,
        RectificationOpened,
        RectificationClosed,
        RectificationEscalated,
        NotificationSent,
        SiteRequestSubmitted,
    )
}


class UnknownEventError(ValueError):
    """Raised for bytes that are not a known, valid event; the message says why."""


def registered_events() -> list[type[Event[Any]]]:
    """All published event classes, in a stable order."""
    return [_EVENTS[key] for key in sorted(_EVENTS)]


def event_model(event_type: str, schema_version: int) -> type[Event[Any]]:
    """The class of one event version; ``UnknownEventError`` if none is published."""
    try:
        return _EVENTS[(event_type, schema_version)]
    except KeyError:
        raise UnknownEventError(
            f"unknown event {event_type!r} version {schema_version!r}"
        ) from None


def parse_event(raw: bytes | str) -> Event[Any]:
    """Decode and validate one message body; ``UnknownEventError`` names what is wrong."""
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnknownEventError(f"message body is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise UnknownEventError("message body is not a JSON object")
    event_type, version = data.get("event_type"), data.get("schema_version")
    if not isinstance(event_type, str) or not isinstance(version, int):
        raise UnknownEventError("message has no event_type string or schema_version integer")
    model = event_model(event_type, version)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise UnknownEventError(f"invalid {event_type} v{version}: {problems}") from None
