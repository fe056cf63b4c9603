"""Who may call each of dispatch's routes (the authorization matrix test checks every cell)."""

from __future__ import annotations

from hotline_libs.access import HOTLINE_DESK, OVERSIGHT, SITE_DESK, Access, allow
from hotline_libs.auth import Role

ROSTER_KEEPERS = frozenset({Role.DUTY_STAFF, Role.SITE_MANAGER, Role.SUPERVISOR, Role.ADMIN})
"""Who puts technicians on and off duty (排班)."""

FIELD = frozenset({Role.TECHNICIAN, Role.DUTY_STAFF, Role.ADMINISTRATOR, Role.ADMIN})
"""The technician (on their own orders), or the service centre or its administrator in their place
(ACC-05: acceptance is recorded by the customer centre or the administrator)."""
SERVICE_CENTRE = frozenset(
    {Role.DUTY_STAFF, Role.ADMINISTRATOR, Role.SUPERVISOR, Role.SITE_MANAGER, Role.ADMIN}
)
"""Who assigns, reschedules, voids, verifies, closes out and escalates: the site's service
centre or control room and those above it."""

ACCESS: Access = {
    "list_work_orders": allow(
        HOTLINE_DESK, SITE_DESK, OVERSIGHT, Role.TECHNICIAN, personal_data=True
    ),
    "get_work_order": allow(
        HOTLINE_DESK, SITE_DESK, OVERSIGHT, Role.TECHNICIAN, personal_data=True
    ),
    # the technician, or the service centre or its administrator in their place (ACC-05)
    "complete_work_order": allow(FIELD),
    "assign_work_order": allow(SERVICE_CENTRE),
    "accept_work_order": allow(FIELD),
    "set_out_for_work_order": allow(FIELD),
    "arrive_for_work_order": allow(FIELD),
    "quote_work_order": allow(FIELD),
    "start_work_order": allow(FIELD),
    "finish_work_order": allow(FIELD),
    "sign_off_work_order": allow(FIELD),
    # the customer asks for rework or cancels through the technician or the hotline
    "rework_work_order": allow(FIELD | SERVICE_CENTRE),
    "cancel_work_order": allow(FIELD | SERVICE_CENTRE),
    "reschedule_work_order": allow(FIELD | SERVICE_CENTRE),
    "escalate_work_order": allow(SERVICE_CENTRE),
    "verify_work_order": allow(SERVICE_CENTRE),
    "void_work_order": allow(SERVICE_CENTRE),
    "close_out_work_order": allow(SERVICE_CENTRE),
    "draw_materials": allow(FIELD),
    "give_back_materials": allow(FIELD | SERVICE_CENTRE),
    "report_damage": allow(FIELD | SERVICE_CENTRE),
    # the site negotiates compensation with the customer (ACC-04)
    "agree_compensation": allow(Role.SITE_MANAGER, Role.ADMINISTRATOR, Role.SUPERVISOR, Role.ADMIN),
    "list_technicians": allow(HOTLINE_DESK, SITE_DESK, OVERSIGHT),
    # the site's service centre and managers, and the company leaders it is sent to
    "work_order_report": allow(SERVICE_CENTRE, OVERSIGHT),
    "save_technician": allow(ROSTER_KEEPERS),
    "technicians_on_shift": allow(HOTLINE_DESK, SITE_DESK, OVERSIGHT),
    # the technicians see their month's roster; the site's duty staff and managers keep it
    "get_technician_roster": allow(HOTLINE_DESK, SITE_DESK, OVERSIGHT, Role.TECHNICIAN),
    "draft_technician_roster": allow(ROSTER_KEEPERS),
    "publish_technician_roster": allow(ROSTER_KEEPERS),
    "record_technician_absence": allow(ROSTER_KEEPERS),
}
