"""Intake events, major version 1."""

from __future__ import annotations

import enum
import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated, ClassVar

from pydantic import BeforeValidator, Field, PlainSerializer

from contracts import topics
from contracts.envelope import (
    PERSONAL,
    ContractModel,
    Event,
    OpenEnum,
    Resident,
    UtcDateTime,
    _refuse_float,
)


class RequestKind(enum.StrEnum):
    """The seven boards of the hotline manual (七大板块, TAX-01). Closed: a new board is a new
    major version."""

    CONSULTATION = "consultation"
    REPAIR = "repair"
    COMPLAINT = "complaint"
    CALLBACK = "callback"
    VALUE_ADDED = "value_added"
    HOUSEKEEPING = "housekeeping"
    INFORMATION = "information"


class Channel(OpenEnum):
    """How the request reached the hotline."""

    HOTLINE = "hotline"
    LETTER = "letter"
    WALK_IN = "walk_in"
    SITE_SYSTEM = "site_system"
    EMAIL = "email"
    WEB_FORM = "web_form"
    APP = "app"
    WECHAT = "wechat"
    ONLINE_CHAT = "online_chat"
    OTHER = "other"


class RequestedItem(ContractModel):
    """A priced item from the site's price list the resident asked for (特约服务项目)."""

    item_code: str = Field(description="Code on the site's price list", examples=["HK-GLASS"])
    quantity: int = Field(ge=1, le=1000, description="How many units", examples=[1])


class Emergency(OpenEnum):
    """What makes a request an emergency (INC-01, INC-02)."""

    WATER_LEAK = "water_leak"
    POWER_FAILURE = "power_failure"
    LIFT_ENTRAPMENT = "lift_entrapment"
    GAS = "gas"
    FIRE_ALARM = "fire_alarm"
    OTHER = "other"


class ReceivingDesk(OpenEnum):
    """Where a request was taken down (受理点)."""

    CALL_CENTRE = "call_centre"
    SERVICE_CENTRE = "service_centre"
    CONTROL_ROOM = "control_room"
    OTHER = "other"


class Attachment(ContractModel):
    """A file the resident sent, kept elsewhere and referred to by its address."""

    reference: str = Field(
        description="Where the file is (an https or object-store URL)",
        examples=["https://files.example.com/dmg/2026/11/leak.jpg"],
        json_schema_extra=PERSONAL,
    )
    name: str = Field(
        description="The file's name (may name the resident)",
        examples=["leak.jpg"],
        json_schema_extra=PERSONAL,
    )
    media_type: str = Field(description="Its media type", examples=["image/jpeg"])
    size_bytes: int = Field(ge=1, description="Its size in bytes", examples=[482133])


class ServiceRequestAcceptedPayload(ContractModel):
    """A registered request passed triage and is to be served (登记 → 判别: 受理)."""

    request_id: uuid.UUID = Field(description="Intake's id of the request")
    request_no: str = Field(
        description="The serial staff quote: SR, site code, the site's business day, a sequence",
        examples=["SR-DMG-20261123-0001"],
    )
    kind: RequestKind = Field(description="Board of the request", examples=["repair"])
    category: str = Field(description="Item of the board", examples=["own_unit"])
    description: str = Field(
        description="What the caller said, verbatim",
        examples=["厨房水龙头漏水"],
        json_schema_extra=PERSONAL,
    )
    resident: Resident = Field(description="Who asked, and where they live")
    channel: Channel = Field(description="How the request reached the hotline")
    requested_items: list[RequestedItem] = Field(
        default_factory=list, description="Priced items the resident asked for, if any"
    )
    appointment_at: UtcDateTime | None = Field(
        default=None, description="Visit time agreed with the resident, if any"
    )
    registered_at: UtcDateTime = Field(description="Time of the call (登记时间)")
    accepted_at: UtcDateTime = Field(
        description="Time the request was accepted; the 15-minute dispatch clock starts here"
    )
    appointment_until: UtcDateTime | None = Field(
        default=None,
        description="End of the appointment window agreed, when a window rather than a time",
    )
    emergency: Emergency | None = Field(
        default=None,
        description="An emergency (water leak, power failure, ...): dispatched before anything "
        "else waiting",
        examples=["water_leak"],
    )
    receiving_desk: ReceivingDesk = Field(
        default=ReceivingDesk.CALL_CENTRE, description="Where it was taken down"
    )
    attachments: list[Attachment] = Field(
        default_factory=list, description="Photos, recordings or scans the resident sent"
    )


class ServiceRequestAccepted(Event[ServiceRequestAcceptedPayload]):
    """Published by intake when a resident's request is registered and accepted."""

    EVENT_TYPE: ClassVar[str] = "ServiceRequestAccepted"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.SERVICE_REQUESTS

    def partition_key(self) -> str:
        return str(self.payload.request_id)


class ReplyTier(OpenEnum):
    """How soon a reply was promised (KB-04): 10, 20, 30 minutes; 1, 2, 3 working days."""

    MINUTES_10 = "10_minutes"
    MINUTES_20 = "20_minutes"
    MINUTES_30 = "30_minutes"
    WORKING_DAYS_1 = "1_working_day"
    WORKING_DAYS_2 = "2_working_days"
    WORKING_DAYS_3 = "3_working_days"
    OTHER = "other"


class ReplyKind(OpenEnum):
    """What the resident was told."""

    STANDARD_ANSWER = "standard_answer"
    REPLY = "reply"
    PROGRESS = "progress"
    OTHER = "other"


class AboutRequest(ContractModel):
    """The request an answer event is about."""

    request_id: uuid.UUID = Field(description="Intake's id of the request")
    request_no: str = Field(description="The serial staff quote", examples=["SR-DMG-20261123-0001"])
    kind: RequestKind = Field(description="Board of the request", examples=["consultation"])
    category: str = Field(description="Item of the board", examples=["property_service"])
    channel: Channel = Field(description="How the request reached the hotline")
    registered_at: UtcDateTime = Field(description="Time of the call (登记时间)")
    resident: Resident = Field(description="Whom the answer is owed to")


class ReplyPromisedPayload(AboutRequest):
    """An agent promised the resident a reply (KB-04); the promise is tracked until kept."""

    tier: ReplyTier = Field(description="The tier promised", examples=["1_working_day"])
    promised_by: str = Field(description="The agent who promised", examples=["agent-017"])
    promised_at: UtcDateTime = Field(description="When it was promised")
    due_at: UtcDateTime = Field(description="When the reply is due, on the site's calendar")


class ReplyPromised(Event[ReplyPromisedPayload]):
    """Published by intake when an agent promises a resident a reply."""

    EVENT_TYPE: ClassVar[str] = "ReplyPromised"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.SERVICE_REQUESTS

    def partition_key(self) -> str:
        return str(self.payload.request_id)


class ResidentRepliedPayload(AboutRequest):
    """The resident was answered: a standard answer, the department's reply, or progress."""

    reply_kind: ReplyKind = Field(description="What they were told", examples=["reply"])
    text: str = Field(
        description="The words given",
        examples=["本月停车费按原标准收取"],
        json_schema_extra=PERSONAL,
    )
    replied_by: str = Field(description="Who answered", examples=["agent-017"])
    replied_at: UtcDateTime = Field(description="When")
    document_no: str | None = Field(
        default=None, description="The standard answer's document number, when one was given"
    )
    promise_kept_on_time: bool | None = Field(
        default=None, description="Whether this kept an open promise in time; none if none was open"
    )


class ResidentReplied(Event[ResidentRepliedPayload]):
    """Published by intake when a resident is answered."""

    EVENT_TYPE: ClassVar[str] = "ResidentReplied"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.SERVICE_REQUESTS

    def partition_key(self) -> str:
        return str(self.payload.request_id)


class ReplyPromiseBreachedPayload(AboutRequest):
    """A promised reply's time ran out with no reply: the supervisor is to be told."""

    tier: ReplyTier = Field(description="The tier promised", examples=["30_minutes"])
    promised_by: str = Field(description="The agent who promised", examples=["agent-017"])
    promised_at: UtcDateTime = Field(description="When it was promised")
    due_at: UtcDateTime = Field(description="When the reply was due")
    noticed_at: UtcDateTime = Field(description="When the breach was noticed")


class ReplyPromiseBreached(Event[ReplyPromiseBreachedPayload]):
    """Published by intake, once per promise, when a promised reply is late."""

    EVENT_TYPE: ClassVar[str] = "ReplyPromiseBreached"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.SERVICE_REQUESTS

    def partition_key(self) -> str:
        return str(self.payload.request_id)


class FirstAnswerOverduePayload(AboutRequest):
    """A request went 24 hours without a first answer (any request is answered within 24 h)."""

    due_at: UtcDateTime = Field(description="24 hours after the call")
    noticed_at: UtcDateTime = Field(description="When it was noticed")


class FirstAnswerOverdue(Event[FirstAnswerOverduePayload]):
    """Published by intake, once per request, when its first answer is overdue."""

    EVENT_TYPE: ClassVar[str] = "FirstAnswerOverdue"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.SERVICE_REQUESTS

    def partition_key(self) -> str:
        return str(self.payload.request_id)


class EmergencyReportedPayload(AboutRequest):
    """A caller reported an emergency: the site's supervisor is alerted at once (INC-02)."""

    emergency: Emergency = Field(description="What kind", examples=["water_leak"])
    description: str = Field(
        description="What the caller said",
        examples=["楼上漏水, 水从天花板流下"],
        json_schema_extra=PERSONAL,
    )
    receiving_desk: ReceivingDesk = Field(description="Where it was taken down")
    redirected_to: str | None = Field(
        default=None,
        description="Where the caller was sent, when the hotline does not handle it itself "
        "(the gas company, the fire brigade)",
    )
    reported_at: UtcDateTime = Field(description="When it was registered")


class EmergencyReported(Event[EmergencyReportedPayload]):
    """Published by intake when a request is registered as an emergency."""

    EVENT_TYPE: ClassVar[str] = "EmergencyReported"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.SERVICE_REQUESTS

    def partition_key(self) -> str:
        return str(self.payload.request_id)


class ComplaintValidity(OpenEnum):
    VALID = "valid"
    INVALID = "invalid"
    OTHER = "other"


class ComplaintGrade(OpenEnum):
    """How serious a complaint is (TAX-10)."""

    MINOR = "minor"
    GENERAL = "general"
    SERIOUS = "serious"
    MAJOR = "major"
    OTHER = "other"


class ComplaintAssessedPayload(AboutRequest):
    """A complaint was found valid or invalid and graded; a valid one was sent to a department."""

    first_responsible: str = Field(
        description="The agent who took it and owns its register (首问责任人)",
        examples=["agent-017"],
    )
    validity: ComplaintValidity = Field(description="Valid or invalid", examples=["valid"])
    grade: ComplaintGrade = Field(description="How serious", examples=["general"])
    reason: str = Field(
        description="Why valid or invalid",
        examples=["电梯维保记录显示确有故障"],
        json_schema_extra=PERSONAL,
    )
    department: str | None = Field(
        default=None, description="Where a valid complaint was sent", examples=["maintenance"]
    )
    second_of: uuid.UUID | None = Field(
        default=None, description="The earlier complaint this one repeats (二次投诉)"
    )
    assessed_by: str = Field(description="Who assessed it", examples=["supervisor-002"])
    assessed_at: UtcDateTime = Field(description="When")


class ComplaintAssessed(Event[ComplaintAssessedPayload]):
    """Published by intake when a complaint is assessed (again)."""

    EVENT_TYPE: ClassVar[str] = "ComplaintAssessed"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.SERVICE_REQUESTS

    def partition_key(self) -> str:
        return str(self.payload.request_id)


class ComplaintEscalatedPayload(AboutRequest):
    """An open complaint climbed a rung of its site's ladder: the next one up must act."""

    level: str = Field(
        description="Who has it now: supervisor or higher_manager", examples=["supervisor"]
    )
    grade: ComplaintGrade | None = Field(default=None, description="Its grade, if assessed")
    due_at: UtcDateTime = Field(description="When it was due to climb")
    escalated_at: UtcDateTime = Field(description="When it climbed")


class ComplaintEscalated(Event[ComplaintEscalatedPayload]):
    """Published by intake, once per rung, when an open complaint is escalated."""

    EVENT_TYPE: ClassVar[str] = "ComplaintEscalated"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.SERVICE_REQUESTS

    def partition_key(self) -> str:
        return str(self.payload.request_id)


class ComplaintResolvedPayload(AboutRequest):
    """A complaint was solved, or an invalid one explained; valid ones are called back (CMP-06)."""

    validity: ComplaintValidity = Field(description="Valid or invalid", examples=["valid"])
    grade: ComplaintGrade = Field(description="How serious", examples=["general"])
    outcome: str = Field(
        description="What was done", examples=["已更换电梯门机板"], json_schema_extra=PERSONAL
    )
    resident_satisfied: bool | None = Field(
        default=None, description="What the resident said, if asked"
    )
    resolved_by: str = Field(description="Who resolved it", examples=["steward-004"])
    resolved_at: UtcDateTime = Field(description="When")
    within_target: bool = Field(description="Resolved within the steward's 24 hours (CMP-14)")


class ComplaintResolved(Event[ComplaintResolvedPayload]):
    """Published by intake when a complaint is resolved."""

    EVENT_TYPE: ClassVar[str] = "ComplaintResolved"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.SERVICE_REQUESTS

    def partition_key(self) -> str:
        return str(self.payload.request_id)


class ComplaintRegisterOverduePayload(AboutRequest):
    """A complaint register was not completed the day the complaint came in (CMP-12)."""

    first_responsible: str = Field(
        description="The agent who owns its register (首问责任人)", examples=["agent-017"]
    )
    due_at: UtcDateTime = Field(description="The end of the site's day it came in")
    noticed_at: UtcDateTime = Field(description="When it was noticed")


class ComplaintRegisterOverdue(Event[ComplaintRegisterOverduePayload]):
    """Published by intake, once per complaint, when its register is late."""

    EVENT_TYPE: ClassVar[str] = "ComplaintRegisterOverdue"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.SERVICE_REQUESTS

    def partition_key(self) -> str:
        return str(self.payload.request_id)


class IncidentKind(OpenEnum):
    """What kind of site-wide incident (INC-04)."""

    WATER_OUTAGE = "water_outage"
    POWER_OUTAGE = "power_outage"
    GAS_OUTAGE = "gas_outage"
    LIFT_OUT_OF_SERVICE = "lift_out_of_service"
    LIFT_ENTRAPMENT = "lift_entrapment"
    FIRE_ALARM = "fire_alarm"
    TYPHOON = "typhoon"
    PUBLIC_SECURITY = "public_security"
    OTHER = "other"


class IncidentDeclaredPayload(ContractModel):
    """A site-wide incident was declared, with the script agents read to callers."""

    incident_id: uuid.UUID = Field(description="Intake's id of the incident")
    kind: IncidentKind = Field(description="What kind", examples=["water_outage"])
    title: str = Field(description="A short title", examples=["3栋停水"])
    script: str = Field(
        description="What callers are told", examples=["3栋因水管抢修停水, 预计18:00恢复"]
    )
    buildings: list[str] = Field(
        default_factory=list, description="The buildings affected; none: the whole site"
    )
    major: bool = Field(description="A major incident, for the higher manager (INC-06)")
    declared_by: str = Field(description="Who declared it", examples=["duty-001"])
    declared_at: UtcDateTime = Field(description="When")
    expected_end_at: UtcDateTime | None = Field(default=None, description="When it should end")


class IncidentDeclared(Event[IncidentDeclaredPayload]):
    """Published by intake when an incident is declared."""

    EVENT_TYPE: ClassVar[str] = "IncidentDeclared"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.INCIDENTS

    def partition_key(self) -> str:
        return str(self.payload.incident_id)


class IncidentClosedPayload(ContractModel):
    """An incident is over: everyone who called about it is to be told."""

    incident_id: uuid.UUID = Field(description="Intake's id of the incident")
    kind: IncidentKind = Field(description="What kind", examples=["water_outage"])
    title: str = Field(description="Its title", examples=["3栋停水"])
    buildings: list[str] = Field(default_factory=list, description="The buildings affected")
    closing_note: str = Field(
        description="What residents are told", examples=["3栋已恢复供水, 感谢您的耐心"]
    )
    closed_at: UtcDateTime = Field(description="When it ended")
    callers: list[Resident] = Field(
        default_factory=list, description="The residents who called about it, once each"
    )


class IncidentClosed(Event[IncidentClosedPayload]):
    """Published by intake when an incident is closed."""

    EVENT_TYPE: ClassVar[str] = "IncidentClosed"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.INCIDENTS

    def partition_key(self) -> str:
        return str(self.payload.incident_id)


class RosterLatePayload(ContractModel):
    """Next month's front-desk roster was not submitted before the 25th (DUTY-02)."""

    month: str = Field(description="The month rostered, YYYY-MM", examples=["2026-12"])
    drafted_by: str = Field(description="The supervisor drafting it", examples=["supervisor-002"])
    due_at: UtcDateTime = Field(description="The start of the 25th, site time")
    noticed_at: UtcDateTime = Field(description="When it was noticed")


class RosterLate(Event[RosterLatePayload]):
    """Published by intake, once per roster, when it is late."""

    EVENT_TYPE: ClassVar[str] = "RosterLate"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.DUTY

    def partition_key(self) -> str:
        return f"{self.site_id}:{self.payload.month}"


AreaM2 = Annotated[
    Decimal,
    BeforeValidator(_refuse_float),
    Field(max_digits=9, decimal_places=2, examples=["89.35"]),
    PlainSerializer(lambda area: f"{area:.2f}", return_type=str),
]
"""A floor area in square metres, as a decimal string with two places; never a float."""


class PreferredChannel(OpenEnum):
    """How a resident prefers to be told things."""

    SMS = "sms"
    EMAIL = "email"
    PHONE = "phone"
    WECHAT = "wechat"
    OTHER = "other"


class ResidentRecordedPayload(ContractModel):
    """The directory's current record of a resident (the whole record, not a change)."""

    resident_id: uuid.UUID = Field(description="Intake's id of the resident")
    name: str = Field(description="Full name", examples=["王芳"], json_schema_extra=PERSONAL)
    phones: list[str] = Field(
        description="E.164 numbers, the first the main one",
        examples=[["+8613800138000"]],
        json_schema_extra=PERSONAL,
    )
    email: str | None = Field(
        default=None,
        description="E-mail address, if any",
        examples=["wang.fang@example.com"],
        json_schema_extra=PERSONAL,
    )
    preferred_channel: PreferredChannel = Field(
        description="How they prefer to be told things", examples=["sms"]
    )
    language: str = Field(description="BCP 47", examples=["zh-CN"])
    consents_to_sms: bool = Field(description="Agreed to be sent SMS")
    consents_to_email: bool = Field(description="Agreed to be sent e-mail")
    recorded_at: UtcDateTime = Field(description="When this version was recorded")


class ResidentRecorded(Event[ResidentRecordedPayload]):
    """Published by intake when a resident is added to the directory or their details change;
    services keep the latest by ``recorded_at``."""

    EVENT_TYPE: ClassVar[str] = "ResidentRecorded"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.DIRECTORY

    def partition_key(self) -> str:
        return str(self.payload.resident_id)


class UnitRecordedPayload(ContractModel):
    """The directory's current record of a unit (栋房号): its area and its people."""

    unit_id: str = Field(
        description="site:building:room", examples=["dmg:3:1202"], json_schema_extra=PERSONAL
    )
    building: str = Field(description="Building (栋)", examples=["3"], json_schema_extra=PERSONAL)
    room: str = Field(description="Room (房号)", examples=["1202"], json_schema_extra=PERSONAL)
    floor_area_m2: AreaM2 = Field(description="The area management fees are charged on")
    owner_id: uuid.UUID | None = Field(description="The owner, liable for arrears")
    tenant_ids: list[uuid.UUID] = Field(default_factory=list, description="The tenants")
    payer_id: uuid.UUID | None = Field(
        description="Who pays the management fee: the owner or a tenant"
    )
    recorded_at: UtcDateTime = Field(description="When this version was recorded")


class UnitRecorded(Event[UnitRecordedPayload]):
    """Published by intake when a unit is added to the directory or its area or people change;
    services keep the latest by ``recorded_at``."""

    EVENT_TYPE: ClassVar[str] = "UnitRecorded"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.DIRECTORY

    def partition_key(self) -> str:
        return self.payload.unit_id


class StaffDepartment(OpenEnum):
    """The department a member of staff belongs to (ORG-06, ORG-07)."""

    MAINTENANCE = "maintenance"
    HOUSEKEEPING = "housekeeping"
    MARKETING = "marketing"
    QUALITY_CONTROL = "quality_control"
    PLANNING_FINANCE = "planning_finance"
    CUSTOMER_SERVICE = "customer_service"
    SECURITY = "security"
    OTHER = "other"


class StaffRole(OpenEnum):
    """What a member of staff does on the platform."""

    AGENT = "agent"
    SUPERVISOR = "supervisor"
    DUTY_STAFF = "duty_staff"
    STEWARD = "steward"
    TECHNICIAN = "technician"
    FINANCE = "finance"
    ADMINISTRATOR = "administrator"
    SITE_MANAGER = "site_manager"
    DIRECTOR = "director"
    QUALITY_HEAD = "quality_head"
    ADMIN = "admin"
    OTHER = "other"


class StaffRecordedPayload(ContractModel):
    """The directory's current record of a member of staff (the whole record, not a change).
    The envelope's ``site_id`` is their site, ``*`` for the central hotline and the company."""

    staff_id: str = Field(description="Their staff id", examples=["dmg-s01"])
    staff_name: str = Field(description="Full name", examples=["周静"], json_schema_extra=PERSONAL)
    title: str = Field(description="Their post", examples=["管家"])
    department: StaffDepartment = Field(description="Their department")
    roles: list[StaffRole] = Field(
        default_factory=list, description="What they do on the platform", examples=[["steward"]]
    )
    phones: list[str] = Field(
        description="E.164 numbers, the first the main one",
        examples=[["+8613900001234"]],
        json_schema_extra=PERSONAL,
    )
    email: str | None = Field(
        default=None,
        description="E-mail address, if any",
        examples=["zhou.jing@example.com"],
        json_schema_extra=PERSONAL,
    )
    steward_of: list[str] = Field(
        default_factory=list, description="The buildings a steward covers", examples=[["3", "4"]]
    )
    information_liaison: bool = Field(
        description="Reports the department's changed information (KB-11)"
    )
    active: bool = Field(description="False once they have left; kept for the records naming them")
    recorded_at: UtcDateTime = Field(description="When this version was recorded")


class StaffRecorded(Event[StaffRecordedPayload]):
    """Published by intake when a member of staff is added or their record changes (a move to
    another site or leaving included); services keep the latest by ``recorded_at``."""

    EVENT_TYPE: ClassVar[str] = "StaffRecorded"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.DIRECTORY

    def partition_key(self) -> str:
        return self.payload.staff_id


class ServiceClass(OpenEnum):
    """Who pays for an item (TAX-09): routine (the management fee), special paid, business."""

    ROUTINE = "routine"
    PAID = "paid"
    BUSINESS = "business"
    OTHER = "other"


class CatalogueItem(ContractModel):
    """One item of a board of a site's request catalogue."""

    code: str = Field(description="The item's code", examples=["own_unit"])
    name_zh: str = Field(description="Chinese name", examples=["自用部位报修"])
    name_en: str = Field(description="English name", examples=["The unit's own parts"])
    service_class: ServiceClass = Field(description="Who pays", examples=["paid"])
    active: bool = Field(description="False once retired; past requests still name it")


class CatalogueBoard(ContractModel):
    """A board of the catalogue and its items, retired ones included."""

    kind: RequestKind = Field(description="The board")
    items: list[CatalogueItem] = Field(description="Its items, in the site's order")


class CatalogueRecordedPayload(ContractModel):
    """A site's whole request catalogue (TAX-01..TAX-08): what each board offers and whether
    each item is routine, paid or business."""

    boards: list[CatalogueBoard] = Field(description="Every board the catalogue holds")
    changed_by: str = Field(description="Who changed it last; empty for the manual's seed")
    recorded_at: UtcDateTime = Field(description="When this version was recorded")


class CatalogueRecorded(Event[CatalogueRecordedPayload]):
    """Published by intake when a site is added (the manual's catalogue) and whenever the site
    changes an item; services keep the latest per site by ``recorded_at``."""

    EVENT_TYPE: ClassVar[str] = "CatalogueRecorded"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.DIRECTORY

    def partition_key(self) -> str:
        return self.site_id


class BoardMonth(ContractModel):
    """One board's month in an approved report (the figures the director approved)."""

    kind: RequestKind = Field(description="The board")
    registered: int = Field(ge=0, description="Requests registered in the month")
    accepted: int = Field(ge=0, description="Of those, accepted at triage")
    declined: int = Field(ge=0, description="Declined, with the explanation given")
    redirected: int = Field(ge=0, description="Redirected elsewhere")
    promises: int = Field(ge=0, description="Replies promised (KB-04)")
    promises_kept_on_time: int = Field(ge=0, description="Promised replies given in time")
    first_answers_overdue: int = Field(ge=0, description="Not answered within 24 h (KPI-10)")
    complaints_valid: int = Field(ge=0, description="Complaints found valid")
    complaints_invalid: int = Field(ge=0, description="Complaints found invalid")
    complaints_answered_within_2h: int = Field(ge=0, description="First answered within 2 h")
    complaints_resolved: int = Field(ge=0, description="Complaints resolved")
    complaints_resolved_within_24h: int = Field(
        ge=0, description="Resolved within the steward's 24 h"
    )
    second_complaints: int = Field(ge=0, description="Complaints repeating an earlier one")
    representative_cases: int = Field(ge=0, description="Marked as representative cases")
    answers_contradicting_policy: int = Field(
        ge=0, description="Answers quality control found against policy"
    )
    by_category: dict[str, int] = Field(
        description="Requests per item of the board (consultation topics, complaint types…)",
        examples=[{"property_service": 12, "convenience": 3}],
    )


class MonthlyReportApprovedPayload(ContractModel):
    """A site's monthly hotline report, approved: the complaint and consultation statistics the
    departments and the company's leaders are sent (CMP-19, CMP-22, KB-11)."""

    month: str = Field(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM", examples=["2026-11"])
    prepared_by: str = Field(description="The call-centre supervisor", examples=["supervisor-002"])
    reviewed_by: str = Field(description="The quality-control head", examples=["quality-001"])
    approved_by: str = Field(description="The director", examples=["director-001"])
    approved_at: UtcDateTime = Field(description="When it was approved")
    boards: list[BoardMonth] = Field(description="Each board's figures")


class MonthlyReportApproved(Event[MonthlyReportApprovedPayload]):
    """Published by intake, once per site and month, when the director approves the report."""

    EVENT_TYPE: ClassVar[str] = "MonthlyReportApproved"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.REPORTS

    def partition_key(self) -> str:
        return f"{self.site_id}:{self.payload.month}"


class WorkingCalendarYearLoadedPayload(ContractModel):
    """A year of a country's official working-day calendar, as an admin loaded it at intake."""

    country: str = Field(pattern="^[A-Z]{2}$", description="ISO 3166 country code", examples=["CN"])
    year: int = Field(ge=2000, le=2100, description="The calendar year", examples=[2027])
    days_off: list[date] = Field(
        description="Weekdays (Monday-Friday) that are public holidays",
        examples=[["2027-01-01", "2027-02-08"]],
    )
    working_weekends: list[date] = Field(
        description="Saturdays and Sundays worked instead (调休)", examples=[["2027-02-20"]]
    )
    source: str = Field(
        description="The official notice the dates come from",
        examples=["国务院办公厅关于2027年部分节假日安排的通知"],
    )
    loaded_at: UtcDateTime = Field(
        description="When this version was loaded; a later load of the same year replaces it"
    )


class WorkingCalendarYearLoaded(Event[WorkingCalendarYearLoadedPayload]):
    """Published by intake when an admin loads or corrects a year of a country's working-day
    calendar. Every service keeps a copy to count working days; ``site_id`` is ``*`` (every
    site in the country)."""

    EVENT_TYPE: ClassVar[str] = "WorkingCalendarYearLoaded"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.DIRECTORY

    def partition_key(self) -> str:
        return f"{self.payload.country}-{self.payload.year}"


class Shift(ContractModel):
    """One of a site's front-desk shifts (DUTY-01); one ending before it starts runs overnight."""

    code: str = Field(description="The shift's code", examples=["early"])
    starts: str = Field(
        pattern=r"^\d{2}:\d{2}$", description="Local start, HH:MM", examples=["07:30"]
    )
    ends: str = Field(pattern=r"^\d{2}:\d{2}$", description="Local end, HH:MM", examples=["15:30"])


class RosterAssignment(ContractModel):
    """One member of staff on one shift of one day of the roster."""

    day: date = Field(description="The day, site time", examples=["2026-12-01"])
    shift: str = Field(description="The shift's code (``shifts``)", examples=["early"])
    staff: str = Field(description="Who is on it: their staff id", examples=["agent-001"])


class RosterSubmittedPayload(ContractModel):
    """Next month's front-desk roster (排班表), as submitted to the service-centre manager
    (DUTY-02, NTF-12): every shift of the site's day and who is on each, day by day."""

    month: str = Field(description="The month rostered, YYYY-MM", examples=["2026-12"])
    drafted_by: str = Field(
        description="The supervisor who drafted it", examples=["supervisor-002"]
    )
    submitted_at: UtcDateTime = Field(description="When it was submitted")
    due_at: UtcDateTime = Field(
        description="The start of the 25th, site time: submitted late after"
    )
    shifts: list[Shift] = Field(
        min_length=1, description="The site's shifts, as the roster uses them"
    )
    assignments: list[RosterAssignment] = Field(
        min_length=1, description="Who is on which shift, by day then shift"
    )


class RosterSubmitted(Event[RosterSubmittedPayload]):
    """Published by intake, once per roster, when its supervisor submits it."""

    EVENT_TYPE: ClassVar[str] = "RosterSubmitted"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.DUTY

    def partition_key(self) -> str:
        return f"{self.site_id}:{self.payload.month}"


class SiteRecordedPayload(ContractModel):
    """A site as intake's directory holds it: added, or its settings changed."""

    code: str = Field(description="The site's code, in every serial number", examples=["DMG"])
    site_name: str = Field(description="The site's name", examples=["大明宫花园"])
    services: list[RequestKind] = Field(description="The boards the site serves")
    country: str = Field(
        pattern="^[A-Z]{2}$", description="Whose working-day calendar counts", examples=["CN"]
    )
    time_zone: str = Field(description="IANA time zone of the site", examples=["Asia/Shanghai"])
    supervisor_after_minutes: int = Field(
        ge=1, description="An open complaint reaches the supervisor after this", examples=[240]
    )
    higher_manager_after_minutes: int = Field(
        ge=1, description="…and the higher manager after this", examples=[1440]
    )
    shifts: list[Shift] = Field(description="The front desk's shift templates")
    recorded_at: UtcDateTime = Field(description="When this version was recorded")


class SiteRecorded(Event[SiteRecordedPayload]):
    """Published by intake when a site is added or its settings change; services keep where
    each site is (country and time zone) to count its working days."""

    EVENT_TYPE: ClassVar[str] = "SiteRecorded"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.DIRECTORY

    def partition_key(self) -> str:
        return self.site_id


__all__ = [
    "AboutRequest",
    "Attachment",
    "BoardMonth",
    "CatalogueBoard",
    "CatalogueItem",
    "CatalogueRecorded",
    "CatalogueRecordedPayload",
    "Channel",
    "ComplaintAssessed",
    "ComplaintAssessedPayload",
    "ComplaintEscalated",
    "ComplaintEscalatedPayload",
    "ComplaintGrade",
    "ComplaintRegisterOverdue",
    "ComplaintRegisterOverduePayload",
    "ComplaintResolved",
    "ComplaintResolvedPayload",
    "ComplaintValidity",
    "Emergency",
    "EmergencyReported",
    "EmergencyReportedPayload",
    "FirstAnswerOverdue",
    "FirstAnswerOverduePayload",
    "IncidentClosed",
    "IncidentClosedPayload",
    "IncidentDeclared",
    "IncidentDeclaredPayload",
    "IncidentKind",
    "MonthlyReportApproved",
    "MonthlyReportApprovedPayload",
    "PreferredChannel",
    "ReceivingDesk",
    "ReplyKind",
    "ReplyPromiseBreached",
    "ReplyPromiseBreachedPayload",
    "ReplyPromised",
    "ReplyPromisedPayload",
    "ReplyTier",
    "RequestKind",
    "RequestedItem",
    "ResidentRecorded",
    "ResidentRecordedPayload",
    "ResidentReplied",
    "ResidentRepliedPayload",
    "RosterAssignment",
    "RosterLate",
    "RosterLatePayload",
    "RosterSubmitted",
    "RosterSubmittedPayload",
    "ServiceClass",
    "ServiceRequestAccepted",
    "ServiceRequestAcceptedPayload",
    "Shift",
    "SiteRecorded",
    "SiteRecordedPayload",
    "StaffDepartment",
    "StaffRecorded",
    "StaffRecordedPayload",
    "StaffRole",
    "UnitRecorded",
    "UnitRecordedPayload",
    "WorkingCalendarYearLoaded",
    "WorkingCalendarYearLoadedPayload",
]
