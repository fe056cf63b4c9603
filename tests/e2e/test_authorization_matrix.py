"""The authorization matrix: every operation of every service's OpenAPI document × every role ×
own site / another site → the expected answer, on the running platform.

The expectations are written here, apart from the services' own access tables, so a change to
who may do what shows up as a failing cell. An operation the services publish without a row
here fails the test, and so does a row for an operation that no longer exists. Another site's
record answers 404 (its id does not leak), a site the token does not cover answers 403, a
listing shows only the caller's sites. Every state-changing call, refused ones included, leaves
an audit record (REC-01 for reads of residents' data).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

import pytest
from hotline_infra.stack import Stack
from hotline_libs.auth import Role
from hotline_libs.signatures import signed_headers
from notification.domain.templates import Channel as NoticeChannel
from notification.service_layer.acknowledgement_links import AcknowledgementLinks
from notification.service_layer.signed_links import SignedLinks
from notification.service_layer.unsubscribe import UnsubscribeLinks
from notification.settings import DEV_RECEIPT_SECRETS, DEV_UNSUBSCRIBE_SECRET

from tests.e2e.test_staff_alerts import escalate_rectification, record_manager
from tests.support import (
    auth,
    client,
    eventually,
    register,
    repair_request,
    technician_of,
    unique_phone,
    work_order_of,
)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]

OWN, OTHER = "qjc", "dmg"
SERVICES = ("intake", "dispatch", "billing", "callback", "notification")

R = Role
EVERYONE = frozenset(Role)
STAFF = EVERYONE - {R.SITE_SYSTEM}
REGISTRARS = {
    R.AGENT,
    R.SUPERVISOR,
    R.DUTY_STAFF,
    R.STEWARD,
    R.ADMINISTRATOR,
    R.SITE_MANAGER,
    R.ADMIN,
}
READERS_OF_REQUESTS = REGISTRARS | {R.DIRECTOR, R.QUALITY_HEAD}
ACCOUNTS = {R.FINANCE, R.ADMINISTRATOR, R.SITE_MANAGER, R.DIRECTOR, R.ADMIN}
CALLERS = {R.AGENT, R.SUPERVISOR, R.ADMINISTRATOR, R.ADMIN}
DIRECTORY_READERS = READERS_OF_REQUESTS | {R.FINANCE}
SITE_DESK_ROLES = {R.DUTY_STAFF, R.STEWARD, R.ADMINISTRATOR, R.SITE_MANAGER}
FIELD = {R.TECHNICIAN, R.DUTY_STAFF, R.ADMINISTRATOR, R.ADMIN}
"""A work order's field steps: its technician, or the service centre in their place."""
SERVICE_CENTRE = {R.DUTY_STAFF, R.ADMINISTRATOR, R.SUPERVISOR, R.SITE_MANAGER, R.ADMIN}
"""Assignment, void, verification, close-out and escalation of work orders."""
DUTY_DESK = {R.AGENT, R.SUPERVISOR, R.DUTY_STAFF, R.ADMINISTRATOR}
DUTY_READERS = DUTY_DESK | {R.SITE_MANAGER, R.DIRECTOR, R.ADMIN, R.QUALITY_HEAD}
"""The duty log is internal (REC-02, DUTY-07): never a site's system, nor the field staff."""
ROSTER_KEEPERS = {R.SUPERVISOR, R.SITE_MANAGER, R.ADMIN}
ROSTER_MONTH = "2027-01"
ROSTER_ENTRY = {"day": "2027-01-05", "shift": "early"}
"""A technician's shift on a future month's roster (dispatch)."""
PREFERENCE_KEEPERS = {
    R.AGENT,
    R.SUPERVISOR,
    R.DUTY_STAFF,
    R.STEWARD,
    R.ADMINISTRATOR,
    R.SITE_MANAGER,
    R.ADMIN,
}
"""Whoever takes a resident's call or visit records their opt-out on their word."""
PREFERENCE_READERS = PREFERENCE_KEEPERS | {R.DIRECTOR, R.QUALITY_HEAD}
NOTICE_RULERS = {R.SUPERVISOR, R.SITE_MANAGER, R.ADMIN}
"""Who blocks an address and sets a site's quiet hours."""
MATRIX_PHONE = "+8613912340000"
"""The number of the own site's resident the directory rows change and look up."""


def incident(site: str) -> dict[str, Any]:
    return {"site_id": site, "kind": "water_outage", "title": "矩阵测试", "script": "矩阵测试"}


def resident(records: dict[str, str]) -> dict[str, Any]:
    return {"name": "矩阵测试", "phones": [records["phone"]]}


Scope = Literal["record", "site", "listing", "company", "public", "signed"]
"""How another site shows: its record is hidden (404), its site refused (403), a listing
filtered (200); or the route has no site: the same for every site ("company") or for anyone
without a token ("public"); or no staff token at all but the caller's signature of the body
("signed": an SMS provider's receipt; unsigned or badly signed 401, signed 2xx)."""


@dataclass(frozen=True)
class Row:
    roles: frozenset[Role]
    scope: Scope
    path: str = ""
    """The concrete path, with {placeholders} of the fixture's records."""
    body: Callable[[dict[str, str]], dict[str, Any]] | None = None
    file: Callable[[dict[str, str]], tuple[str, bytes]] | None = None
    """A file body instead of JSON: its media type and content."""

    def request(self, records: dict[str, str]) -> dict[str, Any]:
        """The body arguments of the call (``json=`` or ``content=`` with its type)."""
        if self.file is not None:
            media_type, content = self.file(records)
            return {"content": content, "headers": {"Content-Type": media_type}}
        return {"json": self.body(records) if self.body else None}


def _leaked(response: Any) -> list[Any]:
    """What an answer to another site's staff shows of the own site's records."""
    if response.headers["content-type"].startswith("text/csv"):
        rows = response.text.splitlines()[1:]
        return [row for row in rows if row.split(",")[0] == OWN]
    body = response.json()
    if "items" in body:
        items = body["items"]
    elif "sites" in body:  # the month's collection per site
        items = body["sites"]
    elif "rows" in body:  # the callback queue's counts per site and reason
        items = body["rows"]
    else:
        items = [*body["residents"], *body["units"], *body["recent_requests"]]
    return [item for item in items if OWN in (item.get("site_id"), *item.get("sites", ()))]


MATRIX_MANDATE = {
    "building": "MX",
    "room": "101",
    "holder": "矩阵测试",
    "account": "6222020200112233445",
    "bank": "102791000123",
    "signed_on": "2025-03-01",
}
MATRIX_FEE_CONTRACT = {
    "building": "MX",
    "room": "101",
    "kind": "residential",
    "rate": "3.00",
    "starts_on": "2026-01-01",
}
MATRIX_CREDITOR = {
    "name": "矩阵测试物业服务有限公司",
    "account": "61050110123456789012",
    "bank": "105791000012",
}


def standard_answer(site: str) -> dict[str, Any]:
    return {
        "site_id": site,
        "kind": "consultation",
        "topic": "property_service",
        "question": "矩阵测试: 管理费的收费标准?",
        "answer": "矩阵测试: 每月每平方米1.80元",
    }


def _row(
    roles: set[Role] | frozenset[Role],
    scope: Scope,
    path: str = "",
    body: Any = None,
    file: Any = None,
) -> Row:
    return Row(frozenset(roles), scope, path, body, file)


BROADCASTERS = {R.SITE_MANAGER, R.SUPERVISOR, R.DUTY_STAFF}
"""Who sends residents a broadcast: the site's manager and customer service's supervisors."""
OVERSIGHT_ROLES = {R.DIRECTOR, R.QUALITY_HEAD, R.ADMIN}


def matrix_broadcast(site: str) -> dict[str, Any]:
    """A notice to the site set for 2099: composed and stored, never sent."""
    return {
        "kind": "notice",
        "audience": {"site_id": site},
        "sms_text": "矩阵测试通知",
        "email_subject": "矩阵测试",
        "email_body": "矩阵测试通知",
        "send_at": "2099-01-01T00:00:00+08:00",
    }


MATRIX_STATEMENT = {
    "spending": [{"category": "facilities", "item": "矩阵测试：绿化养护", "amount": "1.00"}]
}

MATRIX_POLICY = {
    "effective_from": "2099-01-01",
    "rules": {
        trigger: {"share": 100, "within_working_days": 2}
        for trigger in (
            "cash_paid",
            "bank_collected",
            "other_paid",
            "repair",
            "valid_complaint",
            "invalid_complaint",
        )
    },
    "note": "矩阵测试",
}

MATRIX_TEMPLATE = "/templates/incident_closed/email/en"
MATRIX_DRAFT = {"subject": "Matrix: {{ title }}", "body": "Matrix test: {{ closing_note }}"}
TEMPLATE_KEEPERS = {R.SUPERVISOR, R.SITE_MANAGER, R.DIRECTOR}
TEMPLATE_READERS = TEMPLATE_KEEPERS | {R.AGENT}

MATRIX: dict[tuple[str, str], Row] = {
    # intake
    ("intake", "create_service_request"): _row(
        REGISTRARS | {R.SITE_SYSTEM},
        "site",
        body=lambda r: repair_request(site_id=r["site"]),
    ),
    ("intake", "get_service_request"): _row(
        READERS_OF_REQUESTS, "record", "/service-requests/{request_id}"
    ),
    ("intake", "list_service_requests"): _row(READERS_OF_REQUESTS, "listing"),
    ("intake", "get_request_timeline"): _row(
        READERS_OF_REQUESTS, "record", "/service-requests/{request_id}/timeline"
    ),
    ("intake", "list_sites"): _row(EVERYONE, "listing"),
    ("intake", "give_standard_answer"): _row(
        REGISTRARS,
        "record",
        "/service-requests/{request_id}/standard-answer",
        lambda r: {"answer_id": r["answer_id"]},
    ),
    ("intake", "promise_reply"): _row(
        REGISTRARS,
        "record",
        "/service-requests/{request_id}/reply-promises",
        lambda r: {"tier": "3_working_days"},
    ),
    ("intake", "reply_to_resident"): _row(
        REGISTRARS,
        "record",
        "/service-requests/{request_id}/replies",
        lambda r: {"text": "矩阵测试: 已答复"},
    ),
    ("intake", "list_requests_owing_answers"): _row(READERS_OF_REQUESTS, "listing"),
    ("intake", "list_buildings"): _row(DIRECTORY_READERS, "site", "/sites/{site}/buildings"),
    ("intake", "list_departments"): _row(STAFF, "site", "/sites/{site}/departments"),
    ("intake", "get_reception_script"): _row(
        READERS_OF_REQUESTS, "site", "/reception-scripts/{site}"
    ),
    ("intake", "word_reception_script"): _row(
        {R.DIRECTOR, R.SITE_MANAGER, R.ADMIN},
        "site",
        "/reception-scripts/{site}",
        lambda r: reception_script(),
    ),
    ("intake", "review_reply"): _row(
        {R.SUPERVISOR, R.QUALITY_HEAD, R.DIRECTOR},
        "record",
        "/service-requests/{complaint_id}/replies/1/review",
        lambda r: {"contradicts_policy": False, "note": "矩阵测试: 符合政策"},
    ),
    ("intake", "draft_standard_answer"): _row(
        {R.AGENT, R.SUPERVISOR, R.ADMIN}, "site", body=lambda r: standard_answer(r["site"])
    ),
    ("intake", "redraft_standard_answer"): _row(
        {R.AGENT, R.SUPERVISOR, R.ADMIN},
        "record",
        "/standard-answers/{answer_id}/draft",
        lambda r: {k: standard_answer(r["site"])[k] for k in ("question", "answer")},
    ),
    ("intake", "approve_standard_answer"): _row(
        {R.DIRECTOR, R.SITE_MANAGER},
        "record",
        "/standard-answers/{draft_answer_id}/approval",
        lambda r: {"revision": 1},
    ),
    ("intake", "withdraw_standard_answer"): _row(
        {R.SUPERVISOR, R.DIRECTOR, R.SITE_MANAGER, R.ADMIN},
        "record",
        "/standard-answers/{withdrawn_answer_id}/withdrawal",
        lambda r: {},
    ),
    ("intake", "search_standard_answers"): _row(
        READERS_OF_REQUESTS, "listing", "/standard-answers/search?q=管理费"
    ),
    ("intake", "list_standard_answers"): _row(READERS_OF_REQUESTS, "listing"),
    ("intake", "get_standard_answer"): _row(
        READERS_OF_REQUESTS, "record", "/standard-answers/{answer_id}"
    ),
    ("intake", "assess_complaint"): _row(
        REGISTRARS,
        "record",
        "/service-requests/{complaint_id}/complaint/assessment",
        lambda r: {
            "validity": "valid",
            "grade": "general",
            "reason": "矩阵测试",
            "department": "maintenance",
        },
    ),
    ("intake", "plan_complaint_handling"): _row(
        REGISTRARS,
        "record",
        "/service-requests/{complaint_id}/complaint/handling-plan",
        lambda r: {"department": "maintenance", "plan": "矩阵测试: 今日处理"},
    ),
    ("intake", "resolve_complaint"): _row(
        REGISTRARS,
        "record",
        "/service-requests/{complaint_id}/complaint/resolution",
        lambda r: {"outcome": "矩阵测试: 已处理"},
    ),
    ("intake", "record_complaint_opinion"): _row(
        REGISTRARS,
        "record",
        "/service-requests/{complaint_id}/complaint/opinions",
        lambda r: {"source": "legal_adviser", "given_by": "矩阵律师", "opinion": "矩阵测试: 意见"},
    ),
    ("intake", "mark_representative"): _row(
        {R.QUALITY_HEAD, R.SUPERVISOR, R.DIRECTOR, R.ADMIN},
        "record",
        "/service-requests/{complaint_id}/complaint/representative",
        lambda r: {"representative": True},
    ),
    ("intake", "list_complaints"): _row(READERS_OF_REQUESTS, "listing"),
    ("intake", "daily_complaint_record"): _row(
        READERS_OF_REQUESTS, "site", "/complaints/daily-record?site_id={site}&day=2026-11-23"
    ),
    ("intake", "declare_incident"): _row(REGISTRARS, "site", body=lambda r: incident(r["site"])),
    ("intake", "list_incidents"): _row(READERS_OF_REQUESTS, "listing"),
    ("intake", "get_incident"): _row(READERS_OF_REQUESTS, "record", "/incidents/{incident_id}"),
    ("intake", "note_incident_call"): _row(
        REGISTRARS,
        "record",
        "/incidents/{incident_id}/calls",
        lambda r: {"name": "矩阵测试", "phone": r["phone"], "building": "3", "room": "101"},
    ),
    ("intake", "update_incident_script"): _row(
        REGISTRARS, "record", "/incidents/{incident_id}/script", lambda r: {"script": "矩阵测试"}
    ),
    ("intake", "write_special_matter_report"): _row(
        SITE_DESK_ROLES | {R.SUPERVISOR, R.ADMIN},
        "record",
        "/incidents/{incident_id}/report",
        lambda r: {"what_happened": "矩阵测试", "actions_taken": "矩阵测试"},
    ),
    ("intake", "close_incident"): _row(
        SITE_DESK_ROLES | {R.SUPERVISOR, R.ADMIN},
        "record",
        "/incidents/{incident_id}/closure",
        lambda r: {"note": "矩阵测试: 已恢复"},
    ),
    ("intake", "open_duty_log"): _row(
        DUTY_DESK,
        "site",
        body=lambda r: {"site_id": r["site"], "day": r["today"], "shift": "early"},
    ),
    ("intake", "list_duty_logs"): _row(DUTY_READERS, "listing"),
    ("intake", "get_duty_log"): _row(DUTY_READERS, "record", "/duty-logs/{duty_log_id}"),
    ("intake", "review_duty_month"): _row(
        DUTY_READERS, "site", "/duty-logs/monthly-review?site_id={site}&month=2026-11"
    ),
    ("intake", "write_duty_entry"): _row(
        DUTY_DESK,
        "record",
        "/duty-logs/{duty_log_id}/entries",
        lambda r: {"kind": "information", "text": "矩阵测试"},
    ),
    ("intake", "take_over_duty"): _row(
        DUTY_DESK,
        "record",
        "/duty-logs/{duty_log_id}/take-over",
        lambda r: {"outgoing": "矩阵测试", "open_items": ["矩阵测试"]},
    ),
    ("intake", "sign_off_duty"): _row(
        DUTY_DESK, "record", "/duty-logs/{duty_log_id}/sign-off", lambda r: {}
    ),
    ("intake", "sign_duty_log"): _row(
        {R.SUPERVISOR, R.SITE_MANAGER, R.ADMIN},  # a director signs samples, not monthly reviews
        "record",
        "/duty-logs/{duty_log_id}/signatures",
        lambda r: {"kind": "monthly"},
    ),
    ("intake", "draft_roster"): _row(
        ROSTER_KEEPERS,
        "site",
        "/rosters/{site}/2027-01",
        lambda r: {
            "assignments": [{"day": "2027-01-05", "shift": "early", "staff": "bench-duty_staff"}]
        },
    ),
    ("intake", "get_roster"): _row(DUTY_READERS, "record", "/rosters/{site}/2027-01"),
    ("intake", "submit_roster"): _row(
        ROSTER_KEEPERS, "record", "/rosters/{site}/2027-01/submission", lambda r: {}
    ),
    ("intake", "ask_roster_change"): _row(
        DUTY_DESK,
        "record",
        "/rosters/{site}/2027-01/changes",
        lambda r: {"kind": "leave", "day": "2027-01-05", "shift": "early", "reason": "矩阵测试"},
    ),
    ("intake", "decide_roster_change"): _row(
        ROSTER_KEEPERS,
        "record",
        "/rosters/{site}/2027-01/changes/{change_id}/decision",
        lambda r: {"approved": True, "cover_by": "矩阵测试", "cover_hours": 8},
    ),
    ("intake", "record_inspection"): _row(
        {R.SUPERVISOR, R.SITE_MANAGER, R.ADMIN},
        "site",
        body=lambda r: {"site_id": r["site"], "kind": "spot_check", "checked": ["appearance"]},
    ),
    ("intake", "inspection_week"): _row(
        DUTY_READERS, "site", "/front-desk-inspections/week?site_id={site}&day=2026-11-24"
    ),
    ("intake", "monthly_report"): _row(
        READERS_OF_REQUESTS, "site", "/reports/monthly?site_id={site}&month=2026-11"
    ),
    ("intake", "sign_monthly_report"): _row(
        {R.SUPERVISOR, R.QUALITY_HEAD, R.DIRECTOR, R.ADMIN},
        "site",
        "/reports/monthly/{site}/2026-11/sign-offs",
        lambda r: {"stage": "prepared"},
    ),
    ("intake", "report_information_change"): _row(
        SITE_DESK_ROLES | {R.QUALITY_HEAD, R.SUPERVISOR, R.FINANCE, R.ADMIN},
        "site",
        body=lambda r: {
            "site_id": r["site"],
            "department": "矩阵测试",
            "kind": "fees",
            "what_changed": "矩阵测试",
            "changed_at": "2026-11-20T01:00:00Z",
        },
    ),
    ("intake", "list_information_changes"): _row(
        SITE_DESK_ROLES | {R.AGENT, R.SUPERVISOR, R.DIRECTOR, R.QUALITY_HEAD, R.ADMIN}, "listing"
    ),
    ("intake", "record_resident"): _row(
        REGISTRARS, "site", body=lambda r: {"site_id": r["site"], **resident(r)}
    ),
    ("intake", "update_resident"): _row(
        REGISTRARS, "record", "/residents/{resident_id}", lambda r: resident(r)
    ),
    ("intake", "get_resident"): _row(DIRECTORY_READERS, "record", "/residents/{resident_id}"),
    ("intake", "list_residents"): _row(DIRECTORY_READERS, "listing"),
    ("intake", "record_unit"): _row(
        {R.ADMINISTRATOR, R.SITE_MANAGER, R.ADMIN},
        "site",
        "/units/{site}/MX/101",
        lambda r: {"floor_area_m2": "88.50", "owner_id": r["resident_id"]},
    ),
    ("intake", "get_unit"): _row(DIRECTORY_READERS, "record", "/units/{site}/MX/101"),
    ("intake", "list_units"): _row(DIRECTORY_READERS, "listing"),
    ("intake", "look_up_caller"): _row(READERS_OF_REQUESTS, "listing", "/callers/{phone}"),
    ("intake", "import_directory"): _row(
        {R.ADMINISTRATOR, R.SITE_MANAGER, R.ADMIN},
        "site",
        "/directory/imports/units",
        file=lambda r: (
            "text/csv",
            f"site_id,building,room,floor_area_m2,owner_phone\n{r['site']},MX,101,88.50,{r['phone']}\n".encode(),
        ),
    ),
    ("intake", "export_directory"): _row(
        {R.ADMINISTRATOR, R.SITE_MANAGER, R.ADMIN, R.DIRECTOR},
        "listing",
        "/directory/exports/units",
    ),
    ("intake", "load_working_calendar_year"): _row(
        {R.ADMIN},
        "company",
        "/working-calendars/CN/2090",
        lambda r: {"days_off": ["2090-01-02"], "working_weekends": [], "source": "矩阵测试"},
    ),
    ("intake", "list_working_calendar_years"): _row(STAFF, "company", "/working-calendars/CN"),
    ("intake", "record_staff_member"): _row(
        {R.ADMINISTRATOR, R.SITE_MANAGER, R.ADMIN},
        "site",
        "/staff/matrix-{site}",
        lambda r: {
            "site_id": r["site"],
            "name": "矩阵测试",
            "title": "管家",
            "department": "customer_service",
            "phones": ["13900009999"],
        },
    ),
    ("intake", "get_staff_member"): _row(STAFF, "record", "/staff/matrix-{site}"),
    ("intake", "hand_over_job"): _row(
        {R.SUPERVISOR, R.SITE_MANAGER, R.DIRECTOR, R.ADMINISTRATOR, R.ADMIN},
        "record",
        "/staff/matrix-{site}-leaves/handover",
        lambda r: {"successor_id": f"matrix-{r['site']}-next", "reason": "resigned"},
    ),
    ("intake", "accept_job_handover"): _row(
        STAFF, "record", "/job-handovers/{job_handover_id}/acceptance"
    ),
    ("intake", "get_job_handover"): _row(STAFF, "record", "/job-handovers/{job_handover_id}"),
    ("intake", "list_job_handovers"): _row(STAFF, "site", "/job-handovers?site_id={site}"),
    ("intake", "list_staff"): _row(STAFF, "listing", "/staff"),
    ("intake", "record_phone_book_entry"): _row(
        {R.ADMINISTRATOR, R.SITE_MANAGER, R.SUPERVISOR, R.ADMIN},
        "site",
        "/phone-book/{phone_book_entry}",
        lambda r: {"site_id": r["site"], "name": "矩阵测试", "number": "8001", "purpose": "测试"},
    ),
    ("intake", "remove_phone_book_entry"): _row(
        {R.ADMINISTRATOR, R.SITE_MANAGER, R.SUPERVISOR, R.ADMIN},
        "record",
        "/phone-book/{phone_book_entry}",
    ),
    ("intake", "search_phone_book"): _row(STAFF, "listing", "/phone-book"),
    ("intake", "get_site"): _row(EVERYONE, "record", "/sites/{site}"),
    ("intake", "record_site"): _row(
        {R.ADMIN},
        "company",
        "/sites/matrix",
        lambda r: {"code": "MATRIX", "name": "矩阵测试", "services": ["consultation"]},
    ),
    ("intake", "get_catalogue"): _row(EVERYONE, "record", "/sites/{site}/catalogue"),
    ("intake", "get_price_list"): _row(EVERYONE, "record", "/sites/{site}/price-list"),
    ("intake", "put_catalogue_item"): _row(
        {R.ADMINISTRATOR, R.SITE_MANAGER, R.ADMIN},
        "site",
        "/sites/{site}/catalogue/repair/matrix_item",
        lambda r: {"name_zh": "矩阵测试", "name_en": "Matrix test", "service_class": "paid"},
    ),
    ("intake", "list_refused_submissions"): _row(
        {R.AGENT, R.SUPERVISOR, R.DUTY_STAFF, R.SITE_MANAGER, R.ADMIN}, "listing"
    ),
    # dispatch
    ("dispatch", "list_work_orders"): _row(READERS_OF_REQUESTS | {R.TECHNICIAN}, "listing"),
    ("dispatch", "get_work_order"): _row(
        READERS_OF_REQUESTS | {R.TECHNICIAN}, "record", "/work-orders/{work_order_id}"
    ),
    ("dispatch", "complete_work_order"): _row(
        {R.TECHNICIAN, R.DUTY_STAFF, R.ADMINISTRATOR, R.ADMIN},
        "record",
        "/work-orders/{open_work_order_id}/completion",
        lambda r: {"resident_signed": True},
    ),
    **{
        ("dispatch", operation): _row(
            roles, "record", f"/work-orders/{{open_work_order_id}}/{step}", body
        )
        for operation, roles, step, body in (
            (
                "assign_work_order",
                SERVICE_CENTRE,
                "assignment",
                lambda r: {"technician_id": r["open_technician"], "reason": "矩阵测试"},
            ),
            ("accept_work_order", FIELD, "acceptance", None),
            ("set_out_for_work_order", FIELD, "departure", None),
            ("arrive_for_work_order", FIELD, "arrival", None),
            ("quote_work_order", FIELD, "quote", lambda r: {"items": []}),
            ("start_work_order", FIELD, "start", None),
            ("finish_work_order", FIELD, "finish", lambda r: {}),
            (
                "sign_off_work_order",
                FIELD,
                "sign-off",
                lambda r: {"signed_by": "矩阵测试", "satisfied": True},
            ),
            ("rework_work_order", FIELD | SERVICE_CENTRE, "rework", lambda r: {"reason": "矩阵"}),
            (
                "escalate_work_order",
                SERVICE_CENTRE,
                "escalation",
                lambda r: {"reason": "矩阵测试"},
            ),
            ("verify_work_order", SERVICE_CENTRE, "verification", None),
            (
                "reschedule_work_order",
                FIELD | SERVICE_CENTRE,
                "rescheduling",
                lambda r: {"appointment_at": "2099-01-01T02:00:00Z", "reason": "矩阵测试"},
            ),
            (
                "cancel_work_order",
                FIELD | SERVICE_CENTRE,
                "cancellation",
                lambda r: {"reason": "矩阵测试"},
            ),
            ("void_work_order", SERVICE_CENTRE, "void", lambda r: {"reason": "矩阵测试"}),
            ("close_out_work_order", SERVICE_CENTRE, "close-out", None),
            (
                "draw_materials",
                FIELD,
                "materials",
                lambda r: {"item": "矩阵测试", "quantity": 1, "kind": "tool"},
            ),
            (
                "give_back_materials",
                FIELD | SERVICE_CENTRE,
                "materials/1/return",
                lambda r: {"quantity": 1},
            ),
            (
                "report_damage",
                FIELD | SERVICE_CENTRE,
                "damage",
                lambda r: {"description": "矩阵测试"},
            ),
            (
                "agree_compensation",
                {R.SITE_MANAGER, R.ADMINISTRATOR, R.SUPERVISOR, R.ADMIN},
                "damage/1/compensation",
                lambda r: {"amount": "0", "agreement": "矩阵测试"},
            ),
        )
    },
    ("dispatch", "list_technicians"): _row(READERS_OF_REQUESTS, "listing"),
    ("dispatch", "work_order_report"): _row(
        SERVICE_CENTRE | {R.DIRECTOR, R.QUALITY_HEAD},
        "site",
        "/reports/work-orders?site_id={site}&month=2026-11",
    ),
    ("dispatch", "technicians_on_shift"): _row(
        READERS_OF_REQUESTS, "site", "/on-shift?site_id={site}"
    ),
    ("dispatch", "get_technician_roster"): _row(
        READERS_OF_REQUESTS | {R.TECHNICIAN},
        "record",
        f"/technician-rosters/{{site}}/{ROSTER_MONTH}",
    ),
    ("dispatch", "draft_technician_roster"): _row(
        {R.DUTY_STAFF, R.SITE_MANAGER, R.SUPERVISOR, R.ADMIN},
        "site",
        f"/technician-rosters/{{site}}/{ROSTER_MONTH}",
        lambda r: {"entries": [ROSTER_ENTRY | {"technician_id": r["open_technician"]}]},
    ),
    ("dispatch", "publish_technician_roster"): _row(
        {R.DUTY_STAFF, R.SITE_MANAGER, R.SUPERVISOR, R.ADMIN},
        "site",
        f"/technician-rosters/{{site}}/{ROSTER_MONTH}/publication",
        lambda r: {},
    ),
    ("dispatch", "record_technician_absence"): _row(
        {R.DUTY_STAFF, R.SITE_MANAGER, R.SUPERVISOR, R.ADMIN},
        "site",
        f"/technician-rosters/{{site}}/{ROSTER_MONTH}/absences",
        lambda r: (
            ROSTER_ENTRY
            | {"technician_id": r["open_technician"], "kind": "leave", "reason": "矩阵测试"}
        ),
    ),
    ("dispatch", "save_technician"): _row(
        {R.DUTY_STAFF, R.SITE_MANAGER, R.SUPERVISOR, R.ADMIN},
        "site",
        "/technicians/{technician_id}",
        lambda r: {
            "site_id": r["site"],
            "name": "矩阵测试",
            "phone": "+8613900009999",
            "trades": ["maintenance"],
            "on_duty": False,
        },
    ),
    # billing
    ("billing", "get_price_list"): _row(EVERYONE, "site", "/price-lists/{site}"),
    ("billing", "set_price_list_item"): _row(
        {R.FINANCE, R.SITE_MANAGER, R.ADMIN},
        "site",
        "/price-lists/{site}/items/MX-TEST",
        lambda r: {"name": "矩阵测试", "unit": "次", "unit_price": "1.00"},
    ),
    ("billing", "get_price_list_versions"): _row(STAFF, "site", "/price-lists/{site}/versions"),
    ("billing", "schedule_price_list"): _row(
        {R.FINANCE, R.SITE_MANAGER, R.ADMIN},
        "site",
        "/price-lists/{site}/versions",
        # the whole list as it stands, taking effect two seconds on: the site keeps its prices
        lambda r: {
            "effective_from": (datetime.now(UTC) + timedelta(seconds=2)).isoformat(),
            "approval_ref": "矩阵测试",
            "items": r["price_items"],
        },
    ),
    ("billing", "list_charges"): _row(ACCOUNTS, "listing"),
    ("billing", "get_charge"): _row(ACCOUNTS, "record", "/charges/{charge_id}"),
    ("billing", "price_again"): _row(
        {R.FINANCE, R.ADMIN}, "record", "/charges/{charge_id}/pricing"
    ),
    ("billing", "confirm_agreed"): _row(
        {R.FINANCE, R.ADMIN}, "record", "/charges/{charge_id}/agreed-prices", lambda r: {}
    ),
    ("billing", "issue_receipt"): _row(
        {R.FINANCE, R.ADMIN}, "record", "/charges/{charge_id}/receipts", lambda r: {}
    ),
    ("billing", "list_receipts"): _row(ACCOUNTS, "listing"),
    ("billing", "get_receipt"): _row(ACCOUNTS, "record", "/receipts/{site}/{receipt_number}"),
    ("billing", "book_cash"): _row(
        {R.FINANCE, R.ADMIN},
        "record",
        "/receipts/{site}/{receipt_number}/booking",
        lambda r: {"amount": r["charge_total"]},
    ),
    ("billing", "void_receipt"): _row(
        {R.FINANCE, R.ADMIN},
        "record",
        "/receipts/{site}/{receipt_number}/void",
        lambda r: {"reason": "矩阵测试"},
    ),
    ("billing", "record_payment"): _row(
        {R.FINANCE, R.ADMIN},
        "record",
        "/charges/{charge_id}/payments",
        lambda r: {"method": "wechat_pay", "reference": "MX-1", "amount": r["charge_total"]},
    ),
    ("billing", "record_mandate"): _row(
        {R.FINANCE, R.ADMIN},
        "site",
        "/mandates/MX-MANDATE-2",
        lambda r: MATRIX_MANDATE | {"site_id": r["site"]},
    ),
    ("billing", "list_mandates"): _row(ACCOUNTS, "listing"),
    ("billing", "get_mandate"): _row(ACCOUNTS, "record", "/mandates/{mandate_id}"),
    ("billing", "revoke_mandate"): _row(
        {R.FINANCE, R.ADMIN},
        "record",
        "/mandates/{mandate_id}/revocation",
        lambda r: {"revoked_on": r["today"], "reason": "矩阵测试"},
    ),
    ("billing", "record_site_creditor"): _row(
        {R.FINANCE, R.SITE_MANAGER, R.ADMIN},
        "site",
        "/site-creditors/{site}",
        lambda r: MATRIX_CREDITOR,
    ),
    ("billing", "get_site_creditor"): _row(ACCOUNTS, "site", "/site-creditors/{site}"),
    ("billing", "gather_batch"): _row(
        {R.FINANCE, R.ADMIN},
        "site",
        "/collection-batches",
        lambda r: {"site_id": r["site"], "collection_date": r["collection_date"]},
    ),
    ("billing", "list_batches"): _row(ACCOUNTS, "listing"),
    ("billing", "get_batch"): _row(ACCOUNTS, "record", "/collection-batches/{batch_id}"),
    ("billing", "list_batch_debits"): _row(
        ACCOUNTS, "record", "/collection-batches/{batch_id}/debits"
    ),
    ("billing", "download_batch_file"): _row(
        {R.FINANCE, R.ADMIN}, "record", "/collection-batches/{batch_id}/pain008"
    ),
    ("billing", "download_domestic_file"): _row(
        {R.FINANCE, R.ADMIN},
        "record",
        "/collection-batches/{batch_id}/domestic-file?spec=generic_cn",
    ),
    ("billing", "import_bank_answer"): _row(
        {R.FINANCE, R.ADMIN}, "record", "/collection-batches/{batch_id}/answers", lambda r: {}
    ),
    ("billing", "mark_batch_sent"): _row(
        {R.FINANCE, R.ADMIN}, "record", "/collection-batches/{batch_id}/sending", lambda r: {}
    ),
    ("billing", "record_fee_contract"): _row(
        {R.FINANCE, R.ADMIN},
        "site",
        "/fee-contracts/MX-FEE-2",
        lambda r: MATRIX_FEE_CONTRACT | {"site_id": r["site"], "room": "102"},
    ),
    ("billing", "list_fee_contracts"): _row(ACCOUNTS, "listing"),
    ("billing", "get_fee_contract"): _row(ACCOUNTS, "record", "/fee-contracts/{contract_no}"),
    ("billing", "confirm_move_out"): _row(
        {R.FINANCE, R.SITE_MANAGER, R.ADMIN},
        "record",
        "/fee-contracts/{contract_no}/move-out",
        lambda r: {"fee_cut_off": "2099-12-31"},
    ),
    ("billing", "hold_deposit"): _row(
        {R.FINANCE, R.ADMIN},
        "record",
        "/fee-contracts/{contract_no}/deposits/management_fee",
        lambda r: {"amount": "1.00", "held_on": r["today"], "reference": "MX-1"},
    ),
    ("billing", "release_deposit"): _row(
        {R.FINANCE, R.ADMIN},
        "record",
        "/fee-contracts/{contract_no}/deposits/rent/release",
        lambda r: {"released_on": r["today"], "deducted": "0.00", "reference": "MX-1"},
    ),
    ("billing", "issue_fee_bills"): _row(
        {R.FINANCE, R.ADMIN},
        "site",
        "/fee-bills",
        lambda r: {"site_id": r["site"], "month": r["month"]},
    ),
    ("billing", "list_fee_bills"): _row(ACCOUNTS, "listing"),
    ("billing", "get_fee_bill"): _row(ACCOUNTS, "record", "/fee-bills/{bill_id}"),
    ("billing", "pay_fee_bill"): _row(
        {R.FINANCE, R.ADMIN},
        "record",
        "/fee-bills/{bill_id}/payments",
        lambda r: {"method": "wechat_pay", "reference": "MX-1", "amount": "0.01"},
    ),
    ("billing", "get_fee_collection"): _row(ACCOUNTS, "site", "/fee-collection/{site}/{month}"),
    ("billing", "get_day_records"): _row(
        ACCOUNTS | {R.DUTY_STAFF}, "site", "/service-records/{site}/{today}"
    ),
    ("billing", "hand_over_records"): _row(
        {R.FINANCE, R.ADMIN},
        "site",
        "/service-records/{site}/{today}/handover",
        lambda r: {"receiver": "service_centre", "received_by": "矩阵测试"},
    ),
    ("billing", "get_month_close"): _row(
        ACCOUNTS | {R.DUTY_STAFF}, "site", "/month-closes/{site}/{month}"
    ),
    ("billing", "summarise_records"): _row(
        {R.ADMINISTRATOR, R.DUTY_STAFF, R.SITE_MANAGER, R.ADMIN},
        "site",
        "/month-closes/{site}/{month}/records-summary",
        lambda r: {},
    ),
    ("billing", "issue_financial_report"): _row(
        {R.FINANCE, R.ADMIN}, "site", "/financial-reports/{site}/{month}/issue"
    ),
    ("billing", "review_financial_report"): _row(
        {R.SITE_MANAGER, R.DIRECTOR, R.ADMIN},
        "site",
        "/financial-reports/{site}/{month}/review",
        lambda r: {"approved": True},
    ),
    ("billing", "get_financial_report"): _row(
        ACCOUNTS, "site", "/financial-reports/{site}/{month}"
    ),
    ("billing", "get_collection_by_site"): _row(ACCOUNTS, "listing"),
    ("billing", "list_statements"): _row(ACCOUNTS, "site", "/income-statements/{site}"),
    ("billing", "get_statement"): _row(ACCOUNTS, "site", "/income-statements/{site}/{month}"),
    ("billing", "prepare_statement"): _row(
        {R.FINANCE, R.ADMIN},
        "site",
        "/income-statements/{site}/{month}",
        lambda r: MATRIX_STATEMENT,
    ),
    # this month's is not over: submitting it is refused (409), which is past the role check
    ("billing", "submit_statement"): _row(
        {R.FINANCE, R.ADMIN}, "site", "/income-statements/{site}/{month}/submit"
    ),
    ("billing", "review_statement"): _row(
        {R.SITE_MANAGER, R.DIRECTOR, R.ADMIN},
        "site",
        "/income-statements/{site}/{month}/review",
        lambda r: {"approved": True},
    ),
    ("billing", "get_cash_day"): _row(ACCOUNTS, "site", "/cash-days/{site}/{today}"),
    ("billing", "list_households_served"): _row(
        ACCOUNTS | {R.AGENT}, "site", "/households-served/{site}/{today}"
    ),
    # callback
    ("callback", "list_callbacks"): _row(
        CALLERS | {R.DIRECTOR, R.QUALITY_HEAD, R.SITE_MANAGER}, "listing"
    ),
    ("callback", "get_callback"): _row(
        CALLERS | {R.DIRECTOR, R.QUALITY_HEAD, R.SITE_MANAGER}, "record", "/callbacks/{callback_id}"
    ),
    ("callback", "record_outcome"): _row(
        CALLERS,
        "record",
        "/callbacks/{callback_id}/outcome",
        lambda r: {"satisfied": True, "opinion": "矩阵测试：满意"},
    ),
    ("callback", "list_rectifications"): _row(
        CALLERS | {R.DIRECTOR, R.QUALITY_HEAD, R.SITE_MANAGER}, "listing"
    ),
    ("callback", "get_rectification"): _row(
        CALLERS | {R.DIRECTOR, R.QUALITY_HEAD, R.SITE_MANAGER},
        "record",
        "/rectifications/{rectification_id}",
    ),
    ("callback", "get_kpis"): _row(
        CALLERS | {R.DIRECTOR, R.QUALITY_HEAD, R.SITE_MANAGER},
        "site",
        "/callback-kpis/{site}/{month}",
    ),
    # this month is not over: preparing its report is refused (409), past the role check; the
    # review and the approval find no report prepared (409)
    ("callback", "prepare_kpis"): _row(
        {R.SUPERVISOR, R.QUALITY_HEAD, R.ADMIN}, "site", "/callback-kpis/{site}/{month}/prepare"
    ),
    ("callback", "review_kpis"): _row(
        {R.SITE_MANAGER, R.ADMIN},
        "site",
        "/callback-kpis/{site}/{month}/review",
        lambda r: {"approved": True},
    ),
    ("callback", "approve_kpis"): _row(
        {R.DIRECTOR, R.ADMIN}, "site", "/callback-kpis/{site}/{month}/approve"
    ),
    ("callback", "list_spot_checks"): _row(
        CALLERS | {R.DIRECTOR, R.QUALITY_HEAD, R.SITE_MANAGER},
        "listing",
        "/spot-checks?month={month}",
    ),
    ("callback", "get_spot_checks"): _row(
        CALLERS | {R.DIRECTOR, R.QUALITY_HEAD, R.SITE_MANAGER},
        "site",
        "/spot-checks/{site}/{month}",
    ),
    ("callback", "draw_spot_checks"): _row(
        {R.SUPERVISOR, R.SITE_MANAGER, R.ADMIN},
        "site",
        "/spot-checks/{site}/{month}/draw",
        lambda r: {"count": 3},
    ),
    ("callback", "record_spot_check"): _row(
        {R.SUPERVISOR, R.SITE_MANAGER, R.ADMIN},
        "site",
        "/spot-checks/{site}/{month}/checks",
        lambda r: {"callback_id": r["callback_id"], "confirmed": True},
    ),
    ("callback", "record_visit"): _row(
        {R.STEWARD, R.ADMIN},
        "site",
        "/resident-visits",
        lambda r: {
            "site_id": r["site"],
            "building": "MX",
            "room": "101",
            "visited_on": r["site_day"],
            "opinion": "矩阵测试：希望加装路灯",
        },
    ),
    ("callback", "record_patrol"): _row(
        {R.STEWARD, R.ADMIN},
        "site",
        "/steward-days/{site}/{site_day}/patrols",
        lambda r: {"at": datetime.now(UTC).isoformat()},
    ),
    ("callback", "write_diary"): _row(
        {R.STEWARD, R.ADMIN},
        "site",
        "/steward-days/{site}/{site_day}/diary",
        lambda r: {"text": "矩阵测试：巡查两遍"},
    ),
    ("callback", "get_steward_days"): _row(
        {R.STEWARD, R.DIRECTOR, R.QUALITY_HEAD, R.SITE_MANAGER, R.ADMIN},
        "site",
        "/steward-days/{site}/{site_day}",
    ),
    ("callback", "get_visits_summary"): _row(
        {R.STEWARD, R.DIRECTOR, R.QUALITY_HEAD, R.SITE_MANAGER, R.ADMIN},
        "site",
        "/resident-visits/{site}/{month}",
    ),
    ("callback", "open_survey"): _row(
        {R.SITE_MANAGER, R.ADMINISTRATOR, R.ADMIN},
        "site",
        "/surveys/{site}/{period}",
        lambda r: {"sent_on": r["site_day"]},
    ),
    ("callback", "get_survey"): _row(
        {R.STEWARD, R.ADMINISTRATOR, R.DIRECTOR, R.QUALITY_HEAD, R.SITE_MANAGER, R.ADMIN},
        "site",
        "/surveys/{site}/{period}",
    ),
    ("callback", "record_survey_return"): _row(
        {R.STEWARD, R.ADMINISTRATOR, R.ADMIN},
        "site",
        "/surveys/{site}/{period}/returns",
        lambda r: {"building": "MX", "room": "101", "satisfied": True},
    ),
    ("callback", "get_queue"): _row(
        CALLERS | {R.DIRECTOR, R.QUALITY_HEAD, R.SITE_MANAGER}, "listing"
    ),
    ("callback", "get_policy"): _row(
        CALLERS | {R.DIRECTOR, R.QUALITY_HEAD, R.SITE_MANAGER}, "site", "/callback-policies/{site}"
    ),
    # far ahead, the same body each time: the first call adds the version, the rest find it
    ("callback", "add_policy_version"): _row(
        {R.SITE_MANAGER, R.DIRECTOR, R.ADMIN},
        "site",
        "/callback-policies/{site}/versions",
        lambda r: MATRIX_POLICY,
    ),
    ("callback", "get_samples"): _row(
        CALLERS | {R.DIRECTOR, R.QUALITY_HEAD, R.SITE_MANAGER},
        "site",
        "/callback-samples/{site}/{month}",
    ),
    ("callback", "record_attempt"): _row(
        CALLERS,
        "record",
        "/callbacks/{callback_id}/attempts",
        lambda r: {
            "result": "call_back_later",
            "call_back_at": (datetime.now(UTC) + timedelta(days=1)).isoformat(),
        },
    ),
    # notification
    ("notification", "list_notifications"): _row(
        {R.AGENT, R.SUPERVISOR, R.DUTY_STAFF, R.SITE_MANAGER, R.DIRECTOR, R.QUALITY_HEAD, R.ADMIN},
        "listing",
    ),
    # a resident's address belongs to no site: the same answer whatever the token's site
    ("notification", "get_preference"): _row(
        PREFERENCE_READERS, "company", "/preferences/sms/{phone}"
    ),
    ("notification", "set_opt_out"): _row(
        PREFERENCE_KEEPERS,
        "company",
        "/preferences/sms/{phone}/opt-out",
        lambda r: {"opted_out": False},
    ),
    ("notification", "set_block"): _row(
        NOTICE_RULERS, "company", "/blocklist/sms/{phone}", lambda r: {"blocked": False}
    ),
    ("notification", "get_quiet_hours"): _row(
        PREFERENCE_READERS, "site", "/sites/{site}/quiet-hours"
    ),
    ("notification", "set_quiet_hours"): _row(
        NOTICE_RULERS,
        "site",
        "/sites/{site}/quiet-hours",
        lambda r: {"quiet_hours": "default"},
    ),
    # a resident's notification stands in for an alert: acknowledging it is refused (422) by
    # the rule, after the role and the site were let through
    ("notification", "acknowledge_alert"): _row(
        STAFF, "record", "/staff-alerts/{notification_id}/acknowledgement"
    ),
    # the link at the foot of a resident's e-mail: its signed token is the authority
    ("notification", "unsubscribe_page"): _row(
        frozenset(), "public", "/unsubscribe?token={unsubscribe_token}"
    ),
    ("notification", "unsubscribe"): _row(
        frozenset(), "public", "/unsubscribe?token={unsubscribe_token}"
    ),
    # the link at the end of an alert to staff: its signed token is the authority
    ("notification", "acknowledgement_page"): _row(
        frozenset(), "public", "/alert-acknowledgements?token={acknowledgement_token}"
    ),
    ("notification", "acknowledge_by_link"): _row(
        frozenset(), "public", "/alert-acknowledgements?token={acknowledgement_token}"
    ),
    ("notification", "take_sms_receipt"): _row(
        frozenset(),
        "signed",
        "/sms-receipts/primary",
        lambda r: {
            "client_msg_id": str(uuid.uuid4()),  # nobody's: answered 200, changes nothing
            "status": "delivered",
            "at": datetime.now(UTC).isoformat(),
        },
    ),
    # templates are the company's, the same at every site; an approval by another member than
    # the draft's author goes through (its author's own is refused 422, a cell "ok" too)
    ("notification", "list_message_types"): _row(TEMPLATE_READERS, "company"),
    ("notification", "get_message_type"): _row(
        TEMPLATE_READERS, "company", "/templates/incident_closed"
    ),
    ("notification", "preview_template"): _row(
        TEMPLATE_READERS, "company", f"{MATRIX_TEMPLATE}/preview", lambda r: {"version": 0}
    ),
    ("notification", "write_template_version"): _row(
        TEMPLATE_KEEPERS, "company", f"{MATRIX_TEMPLATE}/versions", lambda r: MATRIX_DRAFT
    ),
    ("notification", "approve_template_version"): _row(
        TEMPLATE_KEEPERS,
        "company",
        MATRIX_TEMPLATE + "/versions/{template_version}/approve",
        lambda r: {},
    ),
    ("notification", "reject_template_version"): _row(
        TEMPLATE_KEEPERS,
        "company",
        MATRIX_TEMPLATE + "/versions/{template_version}/reject",
        lambda r: {"reason": "矩阵测试"},
    ),
    # a broadcast far ahead, so that no call of the matrix sends anyone anything
    ("notification", "create_broadcast"): _row(
        BROADCASTERS, "site", "/broadcasts", lambda r: matrix_broadcast(r["site"])
    ),
    ("notification", "cancel_broadcast"): _row(
        BROADCASTERS, "record", "/broadcasts/{broadcast_id}/cancel"
    ),
    ("notification", "list_broadcasts"): _row(BROADCASTERS | OVERSIGHT_ROLES, "listing"),
    ("notification", "get_broadcast"): _row(
        BROADCASTERS | OVERSIGHT_ROLES, "record", "/broadcasts/{broadcast_id}"
    ),
    ("notification", "broadcast_report"): _row(
        BROADCASTERS | OVERSIGHT_ROLES, "record", "/broadcasts/{broadcast_id}/report"
    ),
    ("notification", "count_audience"): _row(
        BROADCASTERS | OVERSIGHT_ROLES, "site", "/broadcast-audiences/{site}"
    ),
}
for _service in SERVICES:
    MATRIX[(_service, "live")] = _row(frozenset(), "public")
    MATRIX[(_service, "ready")] = _row(frozenset(), "public")
    MATRIX[(_service, "metrics")] = _row(frozenset(), "public")
    MATRIX[(_service, "list_audit_records")] = _row({R.DIRECTOR, R.ADMIN}, "listing")


@dataclass(frozen=True)
class Operation:
    service: str
    operation_id: str
    method: str
    path: str


async def operations(platform: Stack) -> list[Operation]:
    """Every operation every service documents."""
    found = []
    for service in SERVICES:
        async with client(platform, service) as http:
            spec = (await http.get("/openapi.json")).json()
        for path, methods in spec["paths"].items():
            for method, operation in methods.items():
                found.append(Operation(service, operation["operationId"], method.upper(), path))
    return found


def reception_script() -> dict[str, Any]:
    steps = ("greet", "ask", "solve", "pass_on", "close")
    return {
        "lines": [{"step": s, "says_zh": f"矩阵测试 {s}", "says_en": f"matrix {s}"} for s in steps],
        "courtesy_phrases": ["您好", "谢谢"],
    }


async def _notification_of(platform: Stack, request_id: str) -> str:
    """The id of the notification that told the resident their request was registered."""

    async def found() -> str | None:
        async with client(platform, "notification") as notification:
            listed = await notification.get(
                "/notifications", params={"request_id": request_id}, headers=auth(Role.ADMIN)
            )
        items = listed.json()["items"]
        return items[0]["notification_id"] if items else None

    told: str = await eventually(found, what="the resident's notification")
    return told


async def _acknowledgement_token(platform: Stack) -> str:
    """The token of the link a site manager at the own site was sent with an alert."""
    staff_id = f"{OWN}-mx-mgr-{uuid.uuid4().hex[:6]}"
    await record_manager(platform, OWN, staff_id, unique_phone())
    _, request_id = await escalate_rectification(platform, OWN, "矩阵测试的整改升级")

    async def found() -> str | None:
        async with client(platform, "notification") as notification:
            listed = await notification.get(
                "/notifications",
                params={"request_id": str(request_id)},
                headers=auth(Role.ADMIN),
            )
        items = listed.json()["items"]
        return items[0]["notification_id"] if items else None

    alert_id: str = await eventually(found, what="the alert to the own site's manager")
    links = AcknowledgementLinks(SignedLinks(DEV_UNSUBSCRIBE_SECRET, ""))
    return links.link(uuid.UUID(alert_id), staff_id).partition("token=")[2]


async def records_at_own_site(platform: Stack) -> dict[str, str]:
    """A request at the own site with its work order, a paid one with its charge and callback,
    and an open work order for the completion cells."""
    paid = await register(platform, repair_request(site_id=OWN))
    order = await work_order_of(platform, paid["request_id"], "dispatched")
    async with client(platform, "dispatch") as dispatch:
        completed = await dispatch.post(
            f"/work-orders/{order['work_order_id']}/completion",
            json={
                "resident_signed": True,
                "items": [{"item_code": "RP-TAP", "quantity": 1}],
                "payment_method": "cash",
            },
            headers=technician_of(order, [OWN]),
        )
    assert completed.status_code == 201, completed.text
    open_request = await register(platform, repair_request(site_id=OWN))
    open_order = await work_order_of(platform, open_request["request_id"], "dispatched")
    async with client(platform, "dispatch") as dispatch:
        # a published technician roster of a future month, whose absences the rows record
        drafted = await dispatch.put(
            f"/technician-rosters/{OWN}/{ROSTER_MONTH}",
            json={
                "entries": [
                    ROSTER_ENTRY | {"technician_id": open_order["technician"]["technician_id"]}
                ]
            },
            headers={**auth(Role.DUTY_STAFF, [OWN]), "Idempotency-Key": str(uuid.uuid4())},
        )
        assert drafted.status_code in (200, 201), drafted.text
        published = await dispatch.post(
            f"/technician-rosters/{OWN}/{ROSTER_MONTH}/publication",
            headers={**auth(Role.DUTY_STAFF, [OWN]), "Idempotency-Key": str(uuid.uuid4())},
        )
        assert published.status_code in (200, 201), published.text

    async def first(service: str, path: str, role: Role) -> dict[str, Any] | None:
        async with client(platform, service) as http:
            listing = (
                await http.get(path, params={"request_id": paid["request_id"]}, headers=auth(role))
            ).json()
        items = listing["items"] if isinstance(listing, dict) else listing
        return items[0] if items else None

    charge = await eventually(lambda: first("billing", "/charges", Role.ADMIN), what="the charge")
    async with client(platform, "billing") as billing:
        listed = await billing.get(f"/price-lists/{OWN}", headers=auth(Role.FINANCE, [OWN]))
        assert listed.status_code == 200, listed.text
        price_items = [{k: v for k, v in item.items() if v is not None} for item in listed.json()]
        finance = {**auth(Role.FINANCE, [OWN]), "Idempotency-Key": str(uuid.uuid4())}
        creditor = await billing.put(
            f"/site-creditors/{OWN}", json=MATRIX_CREDITOR, headers=finance
        )
        assert creditor.status_code == 200, creditor.text
        mandate = await billing.put(
            "/mandates/MX-MANDATE-1",
            json=MATRIX_MANDATE | {"site_id": OWN},
            headers={**finance, "Idempotency-Key": str(uuid.uuid4())},
        )
        assert mandate.status_code == 200, mandate.text
        collection_date = (datetime.now(UTC) + timedelta(days=3)).date().isoformat()
        batch = await billing.post(
            "/collection-batches",
            json={"site_id": OWN, "collection_date": collection_date},
            headers={**finance, "Idempotency-Key": str(uuid.uuid4())},
        )
        assert batch.status_code == 201, batch.text
        issued = await billing.post(
            f"/charges/{charge['charge_id']}/receipts",
            json={},
            headers={**auth(Role.FINANCE, [OWN]), "Idempotency-Key": str(uuid.uuid4())},
        )
    assert issued.status_code == 201, issued.text
    answers = {}
    complained = await register(
        platform,
        repair_request(
            site_id=OWN, kind="complaint", category="facilities", description="矩阵测试: 电梯故障"
        ),
    )
    answers["complaint_id"] = complained["request_id"]
    async with client(platform, "intake") as intake:
        replied = await intake.post(
            f"/service-requests/{complained['request_id']}/replies",
            json={"text": "矩阵测试: 已通知维修部"},
            headers={**auth(Role.AGENT), "Idempotency-Key": str(uuid.uuid4())},
        )
        assert replied.status_code == 200, replied.text
        recorded = await intake.post(
            "/residents",
            json={"site_id": OWN, **resident({"phone": MATRIX_PHONE})},
            headers={**auth(Role.ADMIN), "Idempotency-Key": str(uuid.uuid4())},
        )
        assert recorded.status_code in (200, 201), recorded.text
        answers["resident_id"] = recorded.json()["resident_id"]
        unit = await intake.put(
            f"/units/{OWN}/MX/101",
            json={"floor_area_m2": "88.50", "owner_id": answers["resident_id"]},
            headers={**auth(Role.ADMIN), "Idempotency-Key": str(uuid.uuid4())},
        )
        assert unit.status_code in (200, 201), unit.text
        declared = await intake.post(
            "/incidents",
            json=incident(OWN),
            headers={**auth(Role.DUTY_STAFF, [OWN]), "Idempotency-Key": str(uuid.uuid4())},
        )
        assert declared.status_code == 201, declared.text
        answers["incident_id"] = declared.json()["incident_id"]
        today = datetime.now(UTC).date().isoformat()
        opened = await intake.post(
            "/duty-logs",
            json={"site_id": OWN, "day": today, "shift": "early"},
            headers={**auth(Role.DUTY_STAFF, [OWN]), "Idempotency-Key": str(uuid.uuid4())},
        )
        assert opened.status_code in (200, 201), opened.text
        answers["duty_log_id"], answers["today"] = opened.json()["log_id"], today
        drafted = await intake.put(
            f"/rosters/{OWN}/2027-01",
            json={
                "assignments": [
                    {"day": "2027-01-05", "shift": "early", "staff": "bench-duty_staff"}
                ]
            },
            headers={**auth(Role.SUPERVISOR), "Idempotency-Key": str(uuid.uuid4())},
        )
        assert drafted.status_code in (200, 201), drafted.text
        asked = await intake.post(
            f"/rosters/{OWN}/2027-01/changes",
            json={"kind": "leave", "day": "2027-01-05", "shift": "early", "reason": "矩阵测试"},
            headers={**auth(Role.DUTY_STAFF, [OWN]), "Idempotency-Key": str(uuid.uuid4())},
        )
        assert asked.status_code == 201, asked.text
        answers["change_id"] = asked.json()["change_id"]
        for name in ("answer_id", "draft_answer_id", "withdrawn_answer_id"):
            drafted = await intake.post(
                "/standard-answers",
                json=standard_answer(OWN),
                headers={**auth(Role.AGENT), "Idempotency-Key": str(uuid.uuid4())},
            )
            assert drafted.status_code == 201, drafted.text
            answers[name] = drafted.json()["answer_id"]
        staff = await intake.put(
            f"/staff/matrix-{OWN}",
            json={
                "site_id": OWN,
                "name": "矩阵测试",
                "title": "管家",
                "department": "customer_service",
                "phones": ["13900009999"],
            },
            headers={**auth(Role.ADMIN), "Idempotency-Key": str(uuid.uuid4())},
        )
        assert staff.status_code in (200, 201), staff.text
        for who, login in (("leaves", "matrix-leaver"), ("next", "matrix-successor")):
            member = await intake.put(
                f"/staff/matrix-{OWN}-{who}",
                json={
                    "site_id": OWN,
                    "name": "矩阵测试",
                    "title": "管家",
                    "department": "customer_service",
                    "phones": ["13900009998"],
                    "steward_of": [f"MX-{who}"],
                    "roles": ["steward"],
                    "login": login,
                },
                headers={**auth(Role.ADMIN), "Idempotency-Key": str(uuid.uuid4())},
            )
            assert member.status_code in (200, 201), member.text
        handed = await intake.post(
            f"/staff/matrix-{OWN}-leaves/handover",
            json={"successor_id": f"matrix-{OWN}-next", "reason": "resigned"},
            headers={**auth(Role.SUPERVISOR), "Idempotency-Key": str(uuid.uuid4())},
        )
        assert handed.status_code == 201, handed.text
        answers["job_handover_id"] = handed.json()["handover_id"]
        answers["phone_book_entry"] = str(uuid.uuid4())
        entry = await intake.put(
            f"/phone-book/{answers['phone_book_entry']}",
            json={"site_id": OWN, "name": "矩阵测试", "number": "8001", "purpose": "测试"},
            headers={**auth(Role.ADMIN), "Idempotency-Key": str(uuid.uuid4())},
        )
        assert entry.status_code == 201, entry.text
        approved = await intake.post(
            f"/standard-answers/{answers['answer_id']}/approval",
            json={"revision": 1},
            headers={**auth(Role.DIRECTOR), "Idempotency-Key": str(uuid.uuid4())},
        )
        assert approved.status_code == 200, approved.text
    callback = await eventually(
        lambda: first("callback", "/callbacks", Role.ADMIN), what="the callback"
    )
    # this half year's survey at the site, once callback knows its occupied units (MX-101)
    site_day = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    period = f"{site_day.year}-H{1 if site_day.month <= 6 else 2}"
    async with client(platform, "callback") as calls:

        async def surveyed() -> bool:
            opened = await calls.put(
                f"/surveys/{OWN}/{period}",
                json={"sent_on": site_day.isoformat()},
                headers={**auth(Role.SITE_MANAGER, [OWN]), "Idempotency-Key": str(uuid.uuid4())},
            )
            assert opened.status_code in (200, 409), opened.text
            return opened.status_code == 200

        await eventually(surveyed, what="the site's survey opened")
    # the resident is not satisfied: a rectification (the callback rows then answer 409)
    async with client(platform, "callback") as calls:
        unsatisfied = await calls.post(
            f"/callbacks/{callback['callback_id']}/outcome",
            json={"satisfied": False, "opinion": "矩阵测试：不满意"},
            headers={**auth(Role.ADMIN), "Idempotency-Key": str(uuid.uuid4())},
        )
        assert unsatisfied.status_code == 201, unsatisfied.text
    rectification = await eventually(
        lambda: first("callback", "/rectifications", Role.ADMIN), what="the rectification"
    )
    # the unit MX-101's fee contract and this month's bill, once billing has heard of the unit
    month = datetime.now(UTC).strftime("%Y-%m")
    async with client(platform, "billing") as billing:
        contract = await billing.put(
            "/fee-contracts/MX-FEE-1",
            json=MATRIX_FEE_CONTRACT | {"site_id": OWN},
            headers={**auth(Role.FINANCE, [OWN]), "Idempotency-Key": str(uuid.uuid4())},
        )
        assert contract.status_code == 200, contract.text

        async def billed() -> dict[str, Any] | None:
            run = await billing.post(
                "/fee-bills",
                json={"site_id": OWN, "month": month},
                headers={**auth(Role.FINANCE, [OWN]), "Idempotency-Key": str(uuid.uuid4())},
            )
            assert run.status_code == 200, run.text
            found = await billing.get(
                "/fee-bills", params={"site_id": OWN, "month": month}, headers=auth(Role.ADMIN)
            )
            items: list[dict[str, Any]] = found.json()["items"]
            return items[0] if items else None

        bill = await eventually(billed, what="the unit's fee bill")
        # this month's income and spending statement, a draft (it is submitted after the month)
        statement = await billing.put(
            f"/income-statements/{OWN}/{month}",
            json=MATRIX_STATEMENT,
            headers={**auth(Role.FINANCE, [OWN]), "Idempotency-Key": str(uuid.uuid4())},
        )
        assert statement.status_code == 200, statement.text
    async with client(platform, "notification") as notification:
        # a draft of an English template (residents are sent Chinese) for the approval cells
        draft = await notification.post(
            f"{MATRIX_TEMPLATE}/versions",
            json=MATRIX_DRAFT,
            headers={**auth(Role.SUPERVISOR), "Idempotency-Key": str(uuid.uuid4())},
        )
        assert draft.status_code == 201, draft.text
        broadcast = await notification.post(
            "/broadcasts",
            json=matrix_broadcast(OWN),
            headers={**auth(Role.SITE_MANAGER, [OWN]), "Idempotency-Key": str(uuid.uuid4())},
        )
        assert broadcast.status_code == 201, broadcast.text
    return {
        "template_version": str(draft.json()["version"]["number"]),
        "site": OWN,
        "broadcast_id": broadcast.json()["broadcast_id"],
        "request_id": paid["request_id"],
        "work_order_id": order["work_order_id"],
        "open_work_order_id": open_order["work_order_id"],
        "open_technician": open_order["technician"]["technician_id"],
        "charge_id": charge["charge_id"],
        "charge_total": charge["total"],
        "price_items": price_items,
        "mandate_id": "MX-MANDATE-1",
        "collection_date": collection_date,
        "batch_id": batch.json()["batch_id"],
        "receipt_number": issued.json()["number"],
        "contract_no": "MX-FEE-1",
        "month": month,
        "bill_id": bill["bill_id"],
        "callback_id": callback["callback_id"],
        "rectification_id": rectification["rectification_id"],
        "period": period,
        "site_day": site_day.isoformat(),
        "technician_id": f"{OWN}-mx-{uuid.uuid4().hex[:6]}",
        **answers,
        "phone": MATRIX_PHONE,
        "notification_id": await _notification_of(platform, paid["request_id"]),
        "unsubscribe_token": UnsubscribeLinks(SignedLinks(DEV_UNSUBSCRIBE_SECRET, "")).token(
            NoticeChannel.EMAIL, "matrix.unsubscribe@example.com"
        ),
        "acknowledgement_token": await _acknowledgement_token(platform),
    }


async def signed_cells(
    http: Any, method: str, path: str, row: Row, records: dict[str, str]
) -> list[tuple[str, str]]:
    """A signed route, unsigned, signed with another secret, signed too long ago, signed with
    a staff token instead, and signed properly: (how, what was wrong or "")."""
    body = json.dumps(row.body(records) if row.body else {}).encode()
    now = int(time.time())
    secret = DEV_RECEIPT_SECRETS[path.rsplit("/", 1)[1]]
    calls = {
        "unsigned": ({}, 401),
        "badly signed": (signed_headers("not the secret", now, body), 401),
        "signed long ago": (signed_headers(secret, now - 3600, body), 401),
        "with an admin's token instead": (auth(Role.ADMIN), 401),
        "signed": (signed_headers(secret, now, body), 200),
    }
    answers = []
    for how, (headers, expected) in calls.items():
        response = await http.request(
            method,
            path,
            content=body,
            headers={**headers, "Content-Type": "application/json"},
        )
        ok = response.status_code == expected
        answers.append((how, "" if ok else f"{response.status_code} {response.text[:160]}"))
    return answers


def _expected(row: Row, role: Role, site: str) -> str:
    if row.scope == "public":
        return "ok"
    if role not in row.roles:
        return "403"
    if site == OWN or row.scope == "company":
        return "ok"
    return {"record": "404", "site": "403", "listing": "ok"}[row.scope]


def _outcome(status: int) -> str:
    if status in (401, 403, 404) or status >= 500:
        return str(status)
    return "ok"


async def test_every_operation_answers_each_role_at_each_site_as_the_matrix_says(
    platform: Stack,
) -> None:
    documented = await operations(platform)
    keys = {(o.service, o.operation_id) for o in documented}
    assert not keys - MATRIX.keys(), f"operations with no row in the matrix: {keys - MATRIX.keys()}"
    assert not MATRIX.keys() - keys, f"rows for operations that are gone: {MATRIX.keys() - keys}"

    records = await records_at_own_site(platform)
    wrong: list[str] = []
    cells = 0
    for operation in documented:
        row = MATRIX[(operation.service, operation.operation_id)]
        path = (row.path or operation.path).format(**records)
        async with client(platform, operation.service) as http:
            if row.scope == "public":
                cells += 1
                response = await http.request(operation.method, path)
                if response.status_code != 200:
                    wrong.append(f"{operation} without a token: {response.status_code}")
                continue
            if row.scope == "signed":
                answers = await signed_cells(http, operation.method, path, row, records)
                cells += len(answers)
                wrong += [f"{operation} {how}: {got}" for how, got in answers if got]
                continue
            anonymous = await http.request(operation.method, path, **row.request(records))
            cells += 1
            if anonymous.status_code != 401:
                wrong.append(f"{operation} without a token: {anonymous.status_code}")
            for role in Role:
                for site in (OWN, OTHER):
                    call = row.request(records)
                    changes = operation.method != "GET"
                    response = await http.request(
                        operation.method,
                        path,
                        **{k: v for k, v in call.items() if k != "headers"},
                        headers={
                            **call.get("headers", {}),
                            # a technician acts on the orders assigned to them
                            **auth(role, [site], subject=records["open_technician"]),
                            **({"Idempotency-Key": str(uuid.uuid4())} if changes else {}),
                        },
                    )
                    cells += 1
                    expected, got = _expected(row, role, site), _outcome(response.status_code)
                    if expected != got:
                        wrong.append(
                            f"{operation.service} {operation.method} {operation.path} as {role} "
                            f"of {site}: expected {expected}, got {response.status_code} "
                            f"{response.text[:160]}"
                        )
                    if got != "ok":
                        assert response.headers["content-type"] == "application/problem+json"
                    elif row.scope == "listing" and site == OTHER:
                        leaked = _leaked(response)
                        if leaked:
                            wrong.append(f"{operation} as {role} of {OTHER} lists {leaked[:1]}")
    assert not wrong, f"{len(wrong)} of {cells} cells differ:\n" + "\n".join(wrong)
    print(f"authorization matrix: {len(documented)} operations, {cells} cells")

    # every state-changing operation left audit records, of refused and of allowed calls
    for operation in documented:
        scope = MATRIX[(operation.service, operation.operation_id)].scope
        if operation.method == "GET" or scope in ("public", "signed"):
            continue  # a resident's link, a provider's receipt: no member of staff acts
        async with client(platform, operation.service) as http:
            trail = (
                await http.get(
                    "/audit",
                    params={"action": operation.operation_id, "limit": 500},
                    headers=auth(Role.ADMIN),
                )
            ).json()
        outcomes = {record["outcome"] for record in trail["items"]}
        assert 401 in outcomes and 403 in outcomes, (operation, outcomes)
        assert outcomes - {401, 403, 404}, f"{operation}: no allowed call audited ({outcomes})"
        allowed = next(r for r in trail["items"] if r["outcome"] not in (401, 403, 404))
        assert allowed["actor"]["role"] in {
            r.value for r in MATRIX[(operation.service, operation.operation_id)].roles
        }
        assert allowed["client"] == "127.0.0.1" and allowed["at"]


async def test_a_director_reads_the_audit_trail_of_their_sites_only(platform: Stack) -> None:
    """Admins read every site's trail; a director only their sites'; others not at all."""
    body = repair_request(unique_phone(), site_id=OWN)
    created = await register(platform, body)
    async with client(platform, "intake") as intake:
        own = (
            await intake.get(
                "/audit",
                params={"action": "create_service_request"},
                headers=auth(Role.DIRECTOR, [OWN]),
            )
        ).json()
        other = (
            await intake.get(
                "/audit",
                params={"action": "create_service_request"},
                headers=auth(Role.DIRECTOR, [OTHER]),
            )
        ).json()
        agent = await intake.get("/audit", headers=auth(Role.AGENT))
    created_at = f"/service-requests/{created['request_id']}"
    assert any(r["created"] == created_at and r["outcome"] == 201 for r in own["items"])
    assert not any(r["created"] == created_at for r in other["items"])
    assert agent.status_code == 403
