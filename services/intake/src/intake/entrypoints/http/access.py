"""Who may call each of intake's routes (the authorization matrix test checks every cell).

Residents' requests carry personal data and complaint details: internal staff only, never a
site's system (REC-01); a site's system may register requests for its own site.
"""

from __future__ import annotations

from hotline_libs.access import HOTLINE_DESK, OVERSIGHT, SITE_DESK, STAFF, Access, allow
from hotline_libs.auth import Role

REGISTRARS = HOTLINE_DESK | SITE_DESK | {Role.ADMIN}
"""Who registers a resident's call or visit (登记)."""

ANSWER_WRITERS = HOTLINE_DESK | {Role.ADMIN}
"""Who drafts standard answers to company policy: agents and their supervisor (KB-06)."""
LEADERS_IN_CHARGE = frozenset({Role.DIRECTOR, Role.SITE_MANAGER})
"""Who approves a standard answer (主管领导, KB-06): a leader, not the call-centre supervisor."""
KNOWLEDGE_READERS = HOTLINE_DESK | SITE_DESK | OVERSIGHT
"""Who looks answers up: the hotline, the sites' desks and those overseeing them."""

REPLY_REVIEWERS = frozenset({Role.SUPERVISOR, Role.QUALITY_HEAD, Role.DIRECTOR})
"""Who reads answers given against policy: the call centre's quality post (its supervisor, ORG-01)
and the quality-control department."""

DIRECTORY_KEEPERS = frozenset({Role.ADMINISTRATOR, Role.SITE_MANAGER, Role.ADMIN})
"""Who keeps a site's units and residents (floor areas decide management fees)."""
DIRECTORY_READERS = REGISTRARS | OVERSIGHT | {Role.FINANCE}
"""Who reads the directory: whoever registers calls, oversees, or charges fees."""

DUTY_DESK = frozenset({Role.AGENT, Role.SUPERVISOR, Role.DUTY_STAFF, Role.ADMINISTRATOR})
"""Who keeps a desk's duty log and hands it over: the hotline's and the sites' front desks."""
DUTY_SIGNERS = frozenset({Role.SUPERVISOR, Role.SITE_MANAGER, Role.DIRECTOR, Role.ADMIN})
"""Who signs duty logs read, reviewed or sampled (which signs what: entrypoints/http/duty.py)."""
ROSTER_KEEPERS = frozenset({Role.SUPERVISOR, Role.SITE_MANAGER, Role.ADMIN})
"""Who drafts the roster and approves leave and swaps (DUTY-02, DUTY-09)."""
JOB_HANDERS = DUTY_SIGNERS | DIRECTORY_KEEPERS
"""Who hands a leaver's job over (DUTY-25): their supervisor, the site's manager, the keepers
of the directory."""
DUTY_READERS = DUTY_DESK | DUTY_SIGNERS | {Role.QUALITY_HEAD}
"""Duty records are internal (DUTY-07): the desks and those overseeing them."""

ACCESS: Access = {
    "create_service_request": allow(REGISTRARS, Role.SITE_SYSTEM),
    "get_service_request": allow(REGISTRARS, OVERSIGHT, personal_data=True),
    "list_service_requests": allow(REGISTRARS, OVERSIGHT, personal_data=True),
    "give_standard_answer": allow(REGISTRARS),
    "promise_reply": allow(REGISTRARS),
    "reply_to_resident": allow(REGISTRARS),
    "list_requests_owing_answers": allow(REGISTRARS, OVERSIGHT, personal_data=True),
    "draft_standard_answer": allow(ANSWER_WRITERS),
    "redraft_standard_answer": allow(ANSWER_WRITERS),
    "approve_standard_answer": allow(LEADERS_IN_CHARGE),
    "withdraw_standard_answer": allow(LEADERS_IN_CHARGE, Role.SUPERVISOR, Role.ADMIN),
    "search_standard_answers": allow(KNOWLEDGE_READERS),
    "list_standard_answers": allow(KNOWLEDGE_READERS),
    "get_standard_answer": allow(KNOWLEDGE_READERS),
    "record_resident": allow(REGISTRARS),
    "update_resident": allow(REGISTRARS),
    "get_resident": allow(DIRECTORY_READERS, personal_data=True),
    "list_residents": allow(DIRECTORY_READERS, personal_data=True),
    "record_unit": allow(DIRECTORY_KEEPERS),
    "get_unit": allow(DIRECTORY_READERS, personal_data=True),
    "list_units": allow(DIRECTORY_READERS, personal_data=True),
    "look_up_caller": allow(REGISTRARS, OVERSIGHT, personal_data=True),
    "import_directory": allow(DIRECTORY_KEEPERS),
    "export_directory": allow(DIRECTORY_KEEPERS, Role.DIRECTOR, personal_data=True),
    "assess_complaint": allow(REGISTRARS),
    "plan_complaint_handling": allow(REGISTRARS),
    "resolve_complaint": allow(REGISTRARS),
    "record_complaint_opinion": allow(REGISTRARS),
    "mark_representative": allow(Role.QUALITY_HEAD, Role.SUPERVISOR, Role.DIRECTOR, Role.ADMIN),
    "list_complaints": allow(REGISTRARS, OVERSIGHT, personal_data=True),
    "daily_complaint_record": allow(REGISTRARS, OVERSIGHT, personal_data=True),
    "review_reply": allow(REPLY_REVIEWERS),
    "declare_incident": allow(REGISTRARS),
    "list_incidents": allow(REGISTRARS, OVERSIGHT, personal_data=True),
    "get_incident": allow(REGISTRARS, OVERSIGHT, personal_data=True),
    "note_incident_call": allow(REGISTRARS),
    "update_incident_script": allow(REGISTRARS),
    "write_special_matter_report": allow(SITE_DESK, Role.SUPERVISOR, Role.ADMIN),
    "close_incident": allow(SITE_DESK, Role.SUPERVISOR, Role.ADMIN),
    "open_duty_log": allow(DUTY_DESK),
    "write_duty_entry": allow(DUTY_DESK),
    "take_over_duty": allow(DUTY_DESK),
    "sign_off_duty": allow(DUTY_DESK),
    "sign_duty_log": allow(DUTY_SIGNERS),
    "list_duty_logs": allow(DUTY_READERS, personal_data=True),
    "get_duty_log": allow(DUTY_READERS, personal_data=True),
    "review_duty_month": allow(DUTY_READERS),
    "draft_roster": allow(ROSTER_KEEPERS),
    "get_roster": allow(DUTY_READERS),
    "submit_roster": allow(ROSTER_KEEPERS),
    "ask_roster_change": allow(DUTY_DESK),
    "decide_roster_change": allow(ROSTER_KEEPERS),
    "record_inspection": allow(Role.SUPERVISOR, Role.SITE_MANAGER, Role.ADMIN),
    "inspection_week": allow(DUTY_READERS),
    "get_request_timeline": allow(REGISTRARS, OVERSIGHT, personal_data=True),
    "monthly_report": allow(REGISTRARS, OVERSIGHT),
    "sign_monthly_report": allow(Role.SUPERVISOR, Role.QUALITY_HEAD, Role.DIRECTOR, Role.ADMIN),
    "report_information_change": allow(
        SITE_DESK, Role.QUALITY_HEAD, Role.SUPERVISOR, Role.FINANCE, Role.ADMIN
    ),
    "list_information_changes": allow(HOTLINE_DESK, SITE_DESK, OVERSIGHT),
    "list_sites": allow(STAFF, Role.SITE_SYSTEM),
    "record_staff_member": allow(DIRECTORY_KEEPERS),
    # DUTY-25: the leaver's supervisor or manager hands the job over; the successor accepts
    "hand_over_job": allow(JOB_HANDERS),
    "accept_job_handover": allow(STAFF),
    "get_job_handover": allow(STAFF),
    "list_job_handovers": allow(STAFF),
    "get_staff_member": allow(STAFF, personal_data=True),
    "list_staff": allow(STAFF, personal_data=True),
    "record_phone_book_entry": allow(DIRECTORY_KEEPERS, Role.SUPERVISOR),
    "remove_phone_book_entry": allow(DIRECTORY_KEEPERS, Role.SUPERVISOR),
    "search_phone_book": allow(STAFF),
    "get_reception_script": allow(KNOWLEDGE_READERS),
    "list_buildings": allow(DIRECTORY_READERS, personal_data=True),
    "list_departments": allow(STAFF, personal_data=True),
    "word_reception_script": allow(LEADERS_IN_CHARGE, Role.ADMIN),
    "get_site": allow(STAFF, Role.SITE_SYSTEM),
    "record_site": allow(Role.ADMIN),
    "get_catalogue": allow(STAFF, Role.SITE_SYSTEM),
    "get_price_list": allow(STAFF, Role.SITE_SYSTEM),
    "put_catalogue_item": allow(DIRECTORY_KEEPERS),
    "load_working_calendar_year": allow(Role.ADMIN),
    "list_working_calendar_years": allow(STAFF),
    "list_refused_submissions": allow(
        HOTLINE_DESK, Role.DUTY_STAFF, Role.SITE_MANAGER, Role.ADMIN, personal_data=True
    ),
}
