"""Who may call each of intake's routes (the authorization matrix test checks every cell).

Residents' requests carry personal data and complaint details: internal staff only, never a
site's system (REC-01); a site's system may register requests for its own site.
"""

from __future__ import annotations

from hotline_libs.access import HOTLINE_DESK, OVERSIGHT, SITE_DESK, STAFF, Access, allow
from hotline_libs.auth import Role

REGISTRARS = HOTLINE_DESK | SITE_DESK | {Role.ADMIN}
"""Who registers a resident's call or visit (登记)."""

ACCESS: Access = {
    "create_service_request": allow(REGISTRARS, Role.SITE_SYSTEM),
    "get_service_request": allow(REGISTRARS, OVERSIGHT, personal_data=True),
    "list_service_requests": allow(REGISTRARS, OVERSIGHT, personal_data=True),
    "list_sites": allow(STAFF, Role.SITE_SYSTEM),
    "load_working_calendar_year": allow(Role.ADMIN),
    "list_working_calendar_years": allow(STAFF),
    "list_refused_submissions": allow(
        HOTLINE_DESK, Role.DUTY_STAFF, Role.SITE_MANAGER, Role.ADMIN, personal_data=True
    ),
}
