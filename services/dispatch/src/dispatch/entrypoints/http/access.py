"""Who may call each of dispatch's routes (the authorization matrix test checks every cell)."""

from __future__ import annotations

from hotline_libs.access import HOTLINE_DESK, OVERSIGHT, SITE_DESK, Access, allow
from hotline_libs.auth import Role

ROSTER_KEEPERS = frozenset({Role.DUTY_STAFF, Role.SITE_MANAGER, Role.SUPERVISOR, Role.ADMIN})
"""Who puts technicians on and off duty (排班)."""

ACCESS: Access = {
    "list_work_orders": allow(
        HOTLINE_DESK, SITE_DESK, OVERSIGHT, Role.TECHNICIAN, personal_data=True
    ),
    "get_work_order": allow(
        HOTLINE_DESK, SITE_DESK, OVERSIGHT, Role.TECHNICIAN, personal_data=True
    ),
    # the technician, or the service centre or its administrator in their place (ACC-05)
    "complete_work_order": allow(Role.TECHNICIAN, Role.DUTY_STAFF, Role.ADMINISTRATOR, Role.ADMIN),
    "list_technicians": allow(HOTLINE_DESK, SITE_DESK, OVERSIGHT),
    "save_technician": allow(ROSTER_KEEPERS),
}
