"""Who may call each of callback's routes (the authorization matrix test checks every cell)."""

from __future__ import annotations

from hotline_libs.access import HOTLINE_DESK, OVERSIGHT, Access, allow
from hotline_libs.auth import Role

CALLERS = HOTLINE_DESK | {Role.ADMINISTRATOR, Role.ADMIN}
"""Who calls residents back: the hotline, or a site's administrator in its place."""

CHECKERS = frozenset({Role.SUPERVISOR, Role.SITE_MANAGER, Role.ADMIN})
"""Who spot-checks callbacks: the service-centre head or the site's manager (CB-06)."""

ACCESS: Access = {
    "list_callbacks": allow(CALLERS, OVERSIGHT, Role.SITE_MANAGER, personal_data=True),
    "get_queue": allow(CALLERS, OVERSIGHT, Role.SITE_MANAGER),
    "get_callback": allow(CALLERS, OVERSIGHT, Role.SITE_MANAGER, personal_data=True),
    "record_outcome": allow(CALLERS),
    "record_attempt": allow(CALLERS),
    "list_rectifications": allow(CALLERS, OVERSIGHT, Role.SITE_MANAGER, personal_data=True),
    "get_rectification": allow(CALLERS, OVERSIGHT, Role.SITE_MANAGER, personal_data=True),
    "get_kpis": allow(CALLERS, OVERSIGHT, Role.SITE_MANAGER),
    "prepare_kpis": allow(Role.SUPERVISOR, Role.QUALITY_HEAD, Role.ADMIN),
    "review_kpis": allow(Role.SITE_MANAGER, Role.ADMIN),
    "approve_kpis": allow(Role.DIRECTOR, Role.ADMIN),
    "list_spot_checks": allow(CALLERS, OVERSIGHT, Role.SITE_MANAGER),
    "get_spot_checks": allow(CALLERS, OVERSIGHT, Role.SITE_MANAGER),
    "draw_spot_checks": allow(CHECKERS),
    "record_spot_check": allow(CHECKERS),
    "get_policy": allow(CALLERS, OVERSIGHT, Role.SITE_MANAGER),
    "add_policy_version": allow(Role.SITE_MANAGER, Role.DIRECTOR, Role.ADMIN),
    "get_samples": allow(Role.SITE_MANAGER, Role.QUALITY_HEAD, OVERSIGHT, CALLERS),
}
