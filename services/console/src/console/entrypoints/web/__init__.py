"""What every page shares: the signed-in user from the session cookie, the CSRF check, the
navigation the user's role may use, and rendering in the user's language."""

from __future__ import annotations

import hmac
import re
import secrets
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from hotline_libs.auth import InvalidToken, Principal, Role, TokenVerifier

from console.adapters.api import ApiProblem, HotlineApi
from console.i18n import TEXT, choose_language, pick, translator
from console.settings import ConsoleSettings

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parents[2] / "templates")
FEE_BILL_NUMBER = "MF-"
"""How billing numbers a management fee bill (MF-<site>-<month>-<unit>)."""


def charge_href(charge_id: str, number: str) -> str:
    """Where the charge a receipt, a bank debit or a day's money names opens: billing keeps a
    management fee bill's id and number where a charge's would be (a cash receipt drawn at the
    desk, a bill in a collection batch), and says which only by the number."""
    if str(number).startswith(FEE_BILL_NUMBER):
        return f"/fee-bills/{charge_id}"
    return f"/charges/{charge_id}"


TEMPLATES.env.globals["charge_href"] = charge_href
SESSION_COOKIE = "hotline_session"
CSRF_COOKIE = "hotline_csrf"
LANGUAGE_COOKIE = "hotline_lang"

REGISTRARS = frozenset(
    {
        Role.AGENT,
        Role.SUPERVISOR,
        Role.DUTY_STAFF,
        Role.STEWARD,
        Role.ADMINISTRATOR,
        Role.SITE_MANAGER,
        Role.ADMIN,
    }
)
"""Who registers calls (the same roles intake's API allows; the API decides in the end)."""
REQUEST_READERS = REGISTRARS | {Role.DIRECTOR, Role.QUALITY_HEAD}


@dataclass(frozen=True)
class Screen:
    key: str
    path: str
    roles: frozenset[Role]


ANSWER_WRITERS = frozenset({Role.AGENT, Role.SUPERVISOR, Role.ADMIN})
"""Who drafts standard answers (KB-06)."""
LEADERS_IN_CHARGE = frozenset({Role.DIRECTOR, Role.SITE_MANAGER})
"""Who approves them (主管领导): not the call-centre supervisor."""
ANSWER_WITHDRAWERS = LEADERS_IN_CHARGE | {Role.SUPERVISOR, Role.ADMIN}
"""Who stops an answer being given (kept for the record)."""
KNOWLEDGE_READERS = REQUEST_READERS

COMPLAINT_READERS = REQUEST_READERS
"""Who reads the complaints and their clocks: whoever registers calls, and oversight (intake's
REGISTRARS + OVERSIGHT)."""
COMPLAINT_HANDLERS = REGISTRARS
"""Who assesses a complaint, attaches its handling plan and resolves it (CMP-07, CMP-13)."""
REPRESENTATIVE_MARKERS = frozenset({Role.QUALITY_HEAD, Role.SUPERVISOR, Role.DIRECTOR, Role.ADMIN})
"""Who marks a complaint a representative case (CMP-21)."""
REPLY_REVIEWERS = frozenset({Role.SUPERVISOR, Role.QUALITY_HEAD, Role.DIRECTOR})
"""Who reads the answers given against company policy (KB-05, KB-14, KB-15): the call centre's
quality post and the quality-control department, as intake's review_reply allows; intake
refuses anyone reviewing their own answer."""

DUTY_DESK = frozenset({Role.AGENT, Role.SUPERVISOR, Role.DUTY_STAFF, Role.ADMINISTRATOR})
"""Who keeps a desk's duty log and hands it over: the hotline's and the sites' front desks."""
DUTY_SIGNERS = frozenset({Role.SUPERVISOR, Role.SITE_MANAGER, Role.DIRECTOR, Role.ADMIN})
"""Who signs duty logs read, reviewed or sampled (DUTY-08, DUTY-21, DUTY-22)."""
DUTY_READERS = DUTY_DESK | DUTY_SIGNERS | {Role.QUALITY_HEAD}
"""Duty records are internal (DUTY-07): the desks and those overseeing them."""

STAFF = frozenset(Role) - {Role.SITE_SYSTEM}
"""Every person working for the company: who reads the phone book, the sites and the staff."""
DIRECTORY_KEEPERS = frozenset({Role.ADMINISTRATOR, Role.SITE_MANAGER, Role.ADMIN})
"""Who keeps a site's staff, units and residents, and its request catalogue."""
STAFF_READERS = DIRECTORY_KEEPERS | DUTY_SIGNERS
"""Who opens the staff's records: the directory's keepers, and those who hand a leaver's job
over (the supervisor and the director read a record, its form closed to them; DUTY-25)."""
DIRECTORY_EXPORTERS = DIRECTORY_KEEPERS | {Role.DIRECTOR}
"""Who downloads a site's residents and units (intake's export_directory)."""
PHONE_BOOK_KEEPERS = DIRECTORY_KEEPERS | {Role.SUPERVISOR}
"""Who adds, changes and removes the numbers agents transfer calls to (KB-12)."""
SITE_ADMINS = frozenset({Role.ADMIN})
"""Who changes a site's settings: boards, calendar, time zone, escalation, shifts."""

TEMPLATE_KEEPERS = frozenset({Role.SUPERVISOR, Role.SITE_MANAGER, Role.DIRECTOR})
"""Who writes and approves what residents are told (notification's write_template_version,
approve_template_version): the call centre's supervisor, the site manager, the director; the
author of a version never approves it (four eyes)."""
TEMPLATE_READERS = TEMPLATE_KEEPERS | {Role.AGENT}
"""Who reads the message templates and previews them (notification's get_message_type)."""
RESIDENT_MESSAGE_READERS = frozenset(
    {
        Role.AGENT,
        Role.SUPERVISOR,
        Role.DUTY_STAFF,
        Role.SITE_MANAGER,
        Role.DIRECTOR,
        Role.QUALITY_HEAD,
        Role.ADMIN,
    }
)
"""Who reads a resident's messages (/resident-messages) and preferences: notification's list_notifications (its
get_preference lets in these and more)."""
OPT_OUT_RECORDERS = frozenset(
    {Role.AGENT, Role.SUPERVISOR, Role.DUTY_STAFF, Role.SITE_MANAGER, Role.ADMIN}
)
"""Who records a resident's opt-out on their word, of those who open the page (set_opt_out)."""
BLOCKERS = frozenset({Role.SUPERVISOR, Role.SITE_MANAGER, Role.ADMIN})
"""Who blocks an address with a reason or lifts the block (set_block), and sets a site's quiet
hours (set_quiet_hours)."""
QUIET_HOURS_SETTERS = BLOCKERS
BROADCASTERS = frozenset({Role.SITE_MANAGER, Role.SUPERVISOR, Role.DUTY_STAFF})
"""Who composes a broadcast to a site's residents (群发通知) and cancels one: notification's
BROADCASTERS (create_broadcast, cancel_broadcast)."""
BROADCAST_READERS = BROADCASTERS | {Role.DIRECTOR, Role.QUALITY_HEAD, Role.ADMIN}
"""Who reads the broadcasts, their progress and reports, and counts an audience: the
broadcasters and oversight (list_broadcasts, get_broadcast, broadcast_report, count_audience)."""

SCREENS = (
    Screen("register", "/requests/new", REGISTRARS),
    Screen("requests", "/requests", REQUEST_READERS),
    Screen("owed", "/answers/owed", REQUEST_READERS),
    Screen("complaints", "/complaints", COMPLAINT_READERS),
    Screen("complaint_record", "/complaints/daily-record", COMPLAINT_READERS),
    Screen("answers", "/answers", KNOWLEDGE_READERS),
    Screen("reception_script", "/reception-script", KNOWLEDGE_READERS),
    Screen("approvals", "/answers/approvals", LEADERS_IN_CHARGE),
    Screen("incidents", "/incidents", REQUEST_READERS),
    Screen("duty", "/duty", DUTY_READERS),
    Screen("report", "/reports/monthly", REQUEST_READERS),
    Screen("message_templates", "/message-templates", TEMPLATE_READERS),
    Screen("resident_messages", "/resident-messages", RESIDENT_MESSAGE_READERS),
    Screen("broadcasts", "/broadcasts", BROADCAST_READERS),
)
"""The screens, in the navigation's order, with the roles that see them."""

DIRECTORY_SCREENS = (
    Screen("phone_book", "/phone-book", STAFF),
    Screen("staff", "/staff", STAFF_READERS),
    Screen("site_settings", "/sites", DIRECTORY_KEEPERS),
    Screen("site_organisation", "/organisation", STAFF),
    Screen("directory_files", "/directory", DIRECTORY_EXPORTERS),
)
"""The directory and the sites' settings: the navigation's second group, after the work."""


CALLBACK_CALLERS = frozenset({Role.AGENT, Role.SUPERVISOR, Role.ADMINISTRATOR, Role.ADMIN})
"""Who calls residents back after a completed service and records a try or the outcome (回访):
the hotline's call centre, or a site's administrator in its place (CB-13: the service centre or
the administrator), as callback's CALLERS (record_outcome, record_attempt)."""
CALLBACK_READERS = CALLBACK_CALLERS | {
    Role.SITE_MANAGER,
    Role.DIRECTOR,
    Role.QUALITY_HEAD,
}
"""Who reads the callbacks and their outcomes: the callers, the site's manager and oversight
(callback's list_callbacks and get_callback); only the callers see the forms."""

RECTIFICATION_READERS = CALLBACK_READERS
"""Who reads the rectifications (整改) and their loops: the callers, the site's manager and
oversight (callback's list_rectifications and get_rectification). Nobody acts on one here: a
rectification moves with its callbacks' outcomes."""
CALLBACK_POLICY_READERS = CALLBACK_READERS
"""Who reads a site's callback policy (回访规定) and its versions (callback's get_policy)."""
CALLBACK_POLICY_SETTERS = frozenset({Role.SITE_MANAGER, Role.DIRECTOR, Role.ADMIN})
"""Who sets a new version of a site's callback policy from a day on: the site's manager, the
director and the platform's admin (callback's add_policy_version)."""
SAMPLE_READERS = CALLBACK_READERS
"""Who reads a month's sample of a site's callbacks (抽样回访) as an auditor recomputes it: the
site's manager, quality control and oversight, and the callers (callback's get_samples)."""

KPI_READERS = CALLBACK_READERS
"""Who reads a site's monthly callback KPIs and downloads them (callback's get_kpis)."""
KPI_PREPARERS = frozenset({Role.SUPERVISOR, Role.QUALITY_HEAD, Role.ADMIN})
"""Who prepares the month's KPI report once the month is over (编写, KPI-14: prepare_kpis)."""
KPI_REVIEWERS = frozenset({Role.SITE_MANAGER, Role.ADMIN})
"""Who reviews it, on to approval or back with what to correct (审核: review_kpis)."""
KPI_APPROVERS = frozenset({Role.DIRECTOR, Role.ADMIN})
"""Who approves the reviewed report (批准: approve_kpis); callback wants three people."""
SPOT_CHECK_READERS = CALLBACK_READERS
"""Who reads who is short of the month's spot checks and a site's drawn callbacks
(list_spot_checks, get_spot_checks)."""
SPOT_CHECKERS = frozenset({Role.SUPERVISOR, Role.SITE_MANAGER, Role.ADMIN})
"""Who draws the callbacks to check and records the checks (抽查, CB-06: the service-centre
head or the site's manager; draw_spot_checks, record_spot_check)."""

STEWARDS = frozenset({Role.STEWARD, Role.ADMIN})
"""Who visits residents, patrols the buildings twice a day and writes the day's work diary (管家,
SRV-06, SRV-07): callback's STEWARDS (record_visit, record_patrol, write_diary). Callback keeps a
steward's day under the steward's name and answers it only to the steward writing it."""
VISIT_READERS = STEWARDS | {Role.SITE_MANAGER, Role.DIRECTOR, Role.QUALITY_HEAD}
"""Who reads a site's month of visits: the households visited against 5% (SRV-01), the residents'
opinions and each steward's patrols and diaries; the stewards, the site's manager and oversight
(callback's get_visits_summary)."""
SURVEY_OPENERS = frozenset({Role.SITE_MANAGER, Role.ADMINISTRATOR, Role.ADMIN})
"""Who records that a half year's questionnaires went out (满意度调查, SRV-02): the site's manager
and its administrator (callback's open_survey)."""
SURVEY_RECORDERS = STEWARDS | {Role.ADMINISTRATOR}
"""Who records a unit's returned questionnaire (SRV-03): the stewards who collect them and the
site's administrator (callback's record_survey_return)."""
SURVEY_READERS = SURVEY_RECORDERS | {Role.SITE_MANAGER, Role.DIRECTOR, Role.QUALITY_HEAD}
"""Who reads a survey, its returns and its results table and downloads it (SRV-04, SRV-05,
SRV-10): its recorders, the site's manager and oversight (callback's get_survey)."""

CALLBACK_SCREENS = (
    Screen("callbacks", "/callbacks", CALLBACK_READERS),
    Screen("rectifications", "/rectifications", RECTIFICATION_READERS),
    Screen("callback_policies", "/callback-policies", CALLBACK_POLICY_READERS),
    Screen("callback_kpis", "/callback-kpis", KPI_READERS),
    Screen("spot_checks", "/spot-checks", SPOT_CHECK_READERS),
    Screen("resident_visits", "/resident-visits", VISIT_READERS),
    Screen("surveys", "/surveys", SURVEY_READERS),
)
"""Callback's screens: the callback agents' queue (回访队列) with the queue at a glance and, from
it, each call's screen; the rectifications (整改) the calls found wanting; a site's callback policy
(回访规定) with its months' samples; the month's KPIs against their targets with their sign-offs
(回访考核指标) and the spot checks (回访抽查); the stewards' visits to residents (入户走访) with,
for a steward, their day's patrols and diary (巡查, 工作日志), and the half-yearly satisfaction
survey (满意度调查). A navigation group of its own after the desk's work, as each service's
screens are."""


TECHNICIANS = frozenset({Role.TECHNICIAN})
"""Who works orders on their phone: the technician, on the orders assigned to them."""
FIELD_STAND_INS = frozenset({Role.DUTY_STAFF, Role.ADMINISTRATOR, Role.ADMIN})
"""Who records a technician's steps in their place (the service centre, ACC-05)."""
DISPATCHERS = frozenset(
    {Role.DUTY_STAFF, Role.ADMINISTRATOR, Role.SUPERVISOR, Role.SITE_MANAGER, Role.ADMIN}
)
"""Who runs a site's board of work orders: assigns, escalates, verifies, voids, closes out."""

ROSTER_KEEPERS = frozenset({Role.DUTY_STAFF, Role.SITE_MANAGER, Role.SUPERVISOR, Role.ADMIN})
"""Who drafts and publishes the technicians' monthly roster and records absences from it (排班),
as dispatch's roster routes allow."""
ON_SHIFT_READERS = frozenset(
    {
        Role.AGENT,
        Role.SUPERVISOR,
        Role.DUTY_STAFF,
        Role.STEWARD,
        Role.ADMINISTRATOR,
        Role.SITE_MANAGER,
        Role.DIRECTOR,
        Role.QUALITY_HEAD,
        Role.ADMIN,
    }
)
"""Who asks dispatch which technicians are on shift (its hotline and site desks, oversight)."""
ROSTER_READERS = ON_SHIFT_READERS | TECHNICIANS
"""Who reads a month's roster: the desks and oversight, and the technicians on it."""
TECHNICIAN_READERS = ON_SHIFT_READERS
"""Who reads a site's technicians, their trades, skills and whether they are on duty (维修/服务人员):
the roles dispatch lists them to (its hotline and site desks, oversight: the same as who asks
who is on shift); their keepers are ROSTER_KEEPERS, as dispatch's save_technician allows."""

WORK_SCREENS = (
    Screen("my_work_orders", "/my-work-orders", TECHNICIANS),
    Screen("work_orders", "/work-orders", DISPATCHERS),
    Screen("technician_rosters", "/technician-rosters", ROSTER_KEEPERS),
    Screen("technicians", "/technicians", TECHNICIAN_READERS),
)
"""Dispatch's screens: the technician's phone, the dispatcher's board, the technicians' roster
and the technicians themselves, a navigation group of their own (the first group stays the
hotline's desk work)."""


ACCOUNT_READERS = frozenset(
    {Role.FINANCE, Role.ADMINISTRATOR, Role.SITE_MANAGER, Role.DIRECTOR, Role.ADMIN}
)
"""Who reads charges, the receipt books and a site's day of money in: finance, and those who
answer for a site's accounts (billing's ACCOUNTS: list_charges, get_charge, list_receipts,
get_receipt, get_cash_day)."""
FINANCE_DESK = frozenset({Role.FINANCE, Role.ADMIN})
"""Who prices a waiting charge again or confirms the amounts agreed with the resident, issues a
site's numbered receipts to the technician who collects the cash (BIL-11), books the cash handed
in (BIL-12, BIL-13), voids a receipt and records a payment by its reference (BIL-16): billing's
price_again, confirm_agreed, issue_receipt, book_cash, void_receipt and record_payment; and keeps
bank collection (FEE-02, BIL-05): records and revokes the residents' mandates, gathers a batch,
downloads its file for the bank, marks it sent and imports the bank's answer (record_mandate,
revoke_mandate, gather_batch, download_batch_file, mark_batch_sent, import_bank_answer); and keeps
the management fees (FEE-01 to FEE-06, FEE-11): records the units' fee contracts, holds and
releases their deposits, issues a month's bills and takes a bill's payment at the service centre's
desk (record_fee_contract, hold_deposit, release_deposit, issue_fee_bills, pay_fee_bill); and
prepares a site's income and spending statement and submits it for review (FEE-07, FEE-09:
prepare_statement, submit_statement)."""
HOUSEHOLDS_SERVED_READERS = ACCOUNT_READERS | {Role.AGENT}
"""Who reads a day's list of households served (接受服务业户名单, BIL-15): the accounts' readers,
and the agents who call them back (billing's list_households_served)."""

ACCOUNT_KEEPERS = frozenset({Role.FINANCE, Role.SITE_MANAGER, Role.ADMIN})
"""Who records the account a site's company collects into (billing's record_site_creditor) and
keeps the site's price list, scheduling a new version or setting an item's price (billing's
schedule_price_list and set_price_list_item): finance, and the site's manager who answers for
the site's accounts."""
PRICE_LIST_READERS = ACCOUNT_READERS
"""Who opens the price-list screen with its versions and approvals: the accounts' readers.
Billing lets every member of staff read the versions; the agents quote prices from intake's copy
on the call (the register form), so the finance screen stays with those who answer for the
accounts."""

MOVE_OUT_CONFIRMERS = frozenset({Role.FINANCE, Role.SITE_MANAGER, Role.ADMIN})
"""Who confirms a tenant's move-out and so the fee cut-off date (迁出确认书, FEE-12, SITE-08):
finance, and the site's manager whose office issues the confirmation (billing's
confirm_move_out)."""
FEE_READERS = ACCOUNT_READERS
"""Who reads the fee contracts, the month's bills and the collection rate (billing's ACCOUNTS:
list_fee_contracts, get_fee_contract, list_fee_bills, get_fee_bill, get_fee_collection)."""


DAY_RECORD_READERS = ACCOUNT_READERS | {Role.DUTY_STAFF}
"""Who reads a day's service records by payment method and their handover, and a site's month
close (billing's get_day_records and get_month_close): the accounts' readers, and the duty staff
who summarise the month's records."""
RECORD_SUMMARISERS = frozenset({Role.ADMINISTRATOR, Role.DUTY_STAFF, Role.SITE_MANAGER, Role.ADMIN})
"""Who summarises the month's service records before the 5th of the next (BIL-07): the general
administrator, the service centre's duty staff and the site's manager (billing's
summarise_records). Finance hands the day's records over (FINANCE_DESK: hand_over_records) and
issues the month's report (issue_financial_report)."""
REPORT_REVIEWERS = frozenset({Role.SITE_MANAGER, Role.DIRECTOR, Role.ADMIN})
"""Who approves the month's financial charge report or sends it back (审核, BIL-08): the site's
manager and the director (billing's review_financial_report)."""
REPORT_READERS = ACCOUNT_READERS
"""Who reads the month's financial charge report and downloads it (billing's ACCOUNTS:
get_financial_report, get_collection_by_site)."""
STATEMENT_READERS = ACCOUNT_READERS
"""Who reads a site's income and spending statements and downloads one (billing's ACCOUNTS:
list_statements, get_statement); finance prepares and submits them (FINANCE_DESK:
prepare_statement, submit_statement)."""
STATEMENT_REVIEWERS = frozenset({Role.SITE_MANAGER, Role.DIRECTOR, Role.ADMIN})
"""Who approves a submitted statement, publishing it to the site's households, or sends it back
to finance with what to correct (FEE-07: billing's review_statement)."""
COMPANY_WIDE = frozenset({Role.DIRECTOR, Role.ADMIN})
"""Who sees the month's collection per site on the month close: the company's director and the
platform's admin, who answer for every site (billing lists the sites the caller covers)."""

FINANCE_SCREENS = (
    Screen("charges", "/charges", ACCOUNT_READERS),
    Screen("receipts", "/receipts", ACCOUNT_READERS),
    Screen("cash_days", "/cash-days", ACCOUNT_READERS),
    Screen("households_served", "/households-served", HOUSEHOLDS_SERVED_READERS),
    Screen("collection_batches", "/collection-batches", ACCOUNT_READERS),
    Screen("mandates", "/mandates", ACCOUNT_READERS),
    Screen("site_creditors", "/site-creditors", ACCOUNT_READERS),
    Screen("price_lists", "/price-lists", PRICE_LIST_READERS),
    Screen("fee_contracts", "/fee-contracts", FEE_READERS),
    Screen("fee_bills", "/fee-bills", FEE_READERS),
    Screen("service_records", "/service-records", DAY_RECORD_READERS),
    Screen("month_closes", "/month-closes", DAY_RECORD_READERS),
    Screen("income_statements", "/income-statements", STATEMENT_READERS),
)
"""Billing's screens: finance's charges (the queue to price, what is owed, what is paid), the
receipt books, a site's day of money in and the households served; bank collection (the batches
sent to the bank and its answers, the residents' mandates, the site's collecting account) and
the sites' price lists, and the management fees (the units' fee contracts and deposits, the
month's bills and their collection rate), the month's close and the income and spending
statements published to the residents, a navigation group of their own after the work. Who
reads them is billing's ACCOUNTS (list_batches, list_mandates, get_site_creditor, list_fee_bills);
who acts is FINANCE_DESK (mandates, batches, fee contracts, bills and payments), ACCOUNT_KEEPERS
(the collecting account and the price lists) or MOVE_OUT_CONFIRMERS (a move-out)."""


def screens_for(role: Role) -> list[Screen]:
    return [screen for screen in SCREENS if role in screen.roles]


def directory_screens_for(role: Role) -> list[Screen]:
    return [screen for screen in DIRECTORY_SCREENS if role in screen.roles]


def work_screens_for(role: Role) -> list[Screen]:
    return [screen for screen in WORK_SCREENS if role in screen.roles]


def finance_screens_for(role: Role) -> list[Screen]:
    return [screen for screen in FINANCE_SCREENS if role in screen.roles]


def callback_screens_for(role: Role) -> list[Screen]:
    return [screen for screen in CALLBACK_SCREENS if role in screen.roles]


class SignInNeeded(Exception):
    """No valid session: the page sends the user to sign in, with why."""

    def __init__(self, reason: str | None = None) -> None:
        super().__init__(reason or "")
        self.reason = reason


@dataclass
class Session:
    """The signed-in user of one request, and the APIs on their behalf."""

    principal: Principal
    token: str
    api: HotlineApi


def settings_of(request: Request) -> ConsoleSettings:
    settings: ConsoleSettings = request.app.state.settings
    return settings


def api_for(request: Request, token: str) -> HotlineApi:
    settings = settings_of(request)
    client: httpx.AsyncClient = request.app.state.http
    urls = {
        "intake": settings.intake_url,
        "dispatch": settings.dispatch_url,
        "billing": settings.billing_url,
        "callback": settings.callback_url,
        "notification": settings.notification_url,
    }
    return HotlineApi(client, urls, token)


async def session(request: Request) -> Session:
    """FastAPI dependency: the signed-in user, or ``SignInNeeded``."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise SignInNeeded()
    verifier: TokenVerifier = request.app.state.verifier
    try:
        principal = await verifier.verify_async(token)
    except InvalidToken:
        raise SignInNeeded("session_ended") from None
    return Session(principal, token, api_for(request, token))


def signed_in(problem: ApiProblem) -> ApiProblem:
    """The API's problem, for the page to show; a 401 (the token ran out) signs the user out."""
    if problem.status == 401:
        raise SignInNeeded("session_ended") from None
    return problem


def by_field(problem: ApiProblem | None) -> dict[str, str]:
    """The problem's fields with list positions written one way (``shifts.0.code``), whether
    the API's validation (``shifts.0.code``) or its rules (``shifts[0].code``) named them."""
    if problem is None:
        return {}
    return {re.sub(r"\[(\d+)\]", r".\1", name): text for name, text in problem.by_field().items()}


def row_numbers(values: Mapping[str, str], prefix: str) -> list[int]:
    """The row numbers of a form's repeated fields ``<prefix>.<n>.<field>``, in order."""
    found = set()
    for name in values:
        parts = name.split(".")
        if len(parts) == 3 and parts[0] == prefix and parts[1].isdigit():
            found.add(int(parts[1]))
    return sorted(found)


def key_after(problem: ApiProblem, key: str) -> str:
    """The form's Idempotency-Key after the API refused it: the same while the API kept no
    answer under it (a retry of a call that timed out then runs once), a new one once it kept its
    refusal (else the corrected form would be refused as a different request under a used key)."""
    kept = 400 <= problem.status < 500 and problem.status not in (401, 403, 409, 429)
    return str(uuid.uuid4()) if kept or not key else key


def local(request: Request, moment: str | None) -> str:
    """An API's moment as the site's wall-clock time (Asia/Shanghai), to the minute."""
    if not moment:
        return ""
    zone = ZoneInfo(settings_of(request).time_zone)
    return datetime.fromisoformat(moment).astimezone(zone).strftime("%Y-%m-%d %H:%M")


def past(moment: str | None, now: datetime) -> bool:
    """Whether an API's moment has passed."""
    return moment is not None and datetime.fromisoformat(moment) < now


def require(current: Session, screen_key: str) -> None:
    """403 unless the user's role sees ``screen_key``."""
    every = (*SCREENS, *CALLBACK_SCREENS, *WORK_SCREENS, *FINANCE_SCREENS, *DIRECTORY_SCREENS)
    screen = next(s for s in every if s.key == screen_key)
    if current.principal.role not in screen.roles:
        raise HTTPException(403, "not_for_role")


def csrf_token(request: Request) -> str:
    """The form token for this browser (double submit: the cookie and the form must agree)."""
    existing = request.cookies.get(CSRF_COOKIE)
    if existing:
        return existing
    token: str = request.state.__dict__.setdefault("csrf", secrets.token_urlsafe(32))
    return token


def check_csrf(request: Request, submitted: str | None) -> None:
    """Refuse a form whose CSRF token is missing or not this browser's."""
    cookie = request.cookies.get(CSRF_COOKIE)
    if not cookie or not submitted or not hmac.compare_digest(cookie, submitted):
        raise HTTPException(403, "the form expired or came from elsewhere; reload the page")


def said(request: Request, key: str) -> str:
    """The console's text ``key`` in the request's language (for a message made in code)."""
    return pick(language_of(request), TEXT[key])


def done_of(request: Request, known: Collection[str]) -> str:
    """What the page was sent back after (``?done=``), if it is one the page can say."""
    done = request.query_params.get("done", "")
    return done if done in known else ""


def language_of(request: Request) -> str:
    return choose_language(
        request.cookies.get(LANGUAGE_COOKIE), request.headers.get("accept-language")
    )


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    current: Session | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """A page in the user's language, with the header (name, role, sites) and navigation."""
    language = language_of(request)
    csrf = csrf_token(request)
    response = TEMPLATES.TemplateResponse(
        request,
        template,
        {
            **translator(language),
            "current": current,
            "screens": screens_for(current.principal.role) if current else [],
            "directory_screens": directory_screens_for(current.principal.role) if current else [],
            "callback_screens": callback_screens_for(current.principal.role) if current else [],
            "work_screens": work_screens_for(current.principal.role) if current else [],
            "finance_screens": finance_screens_for(current.principal.role) if current else [],
            "csrf": csrf,
            "htmx": request.app.state.htmx is not None,
            **context,
        },
        status_code=status_code,
    )
    if request.cookies.get(CSRF_COOKIE) != csrf:
        set_cookie(response, CSRF_COOKIE, csrf)
    return response


def set_cookie(response: Response, name: str, value: str, *, http_only: bool = True) -> None:
    response.set_cookie(name, value, httponly=http_only, samesite="strict", path="/")


def redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def may(current: Session, roles: frozenset[Role]) -> bool:
    """Whether the user's role is one of ``roles`` (to show an action; the API decides)."""
    return current.principal.role in roles


def only(current: Session, roles: frozenset[Role]) -> None:
    """403 unless the user's role is one of ``roles`` (a form posted by a role not shown it)."""
    if current.principal.role not in roles:
        raise HTTPException(403, "not_for_role")


FILE_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
"""What a record or report downloads as; the API's content type is kept when it sends one."""


def file_download(sent: httpx.Response, format_: str, name: str) -> Response:
    """The file an API wrote, fetched with the user's token, passed to the browser as a
    download under the API's content type and file name (``name``.``format_`` when it gives
    none)."""
    disposition = sent.headers.get(
        "content-disposition", f'attachment; filename="{name}.{format_}"'
    )
    return Response(
        sent.content,
        media_type=sent.headers.get("content-type", FILE_FORMATS[format_]),
        headers={"Content-Disposition": disposition},
    )


def refused_page(request: Request, current: Session, refused: ApiProblem) -> HTMLResponse:
    """The page saying the API refused what the user opened (a 401 signs them out)."""
    signed_in(refused)
    return render(
        request, "refused.html", {"problem": refused}, current=current, status_code=refused.status
    )
