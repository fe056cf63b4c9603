"""Who may call each of callback's routes (the authorization matrix test checks every cell)."""

from __future__ import annotations

from hotline_libs.access import HOTLINE_DESK, OVERSIGHT, Access, allow
from hotline_libs.auth import Role

CALLERS = HOTLINE_DESK | {Role.ADMINISTRATOR, Role.ADMIN}
"""Who calls residents back: the hotline, or a site's administrator in its place."""

CHECKERS = frozenset({Role.SUPERVISOR, Role.SITE_MANAGER, Role.ADMIN})
"""Who spot-checks callbacks: the service-centre head or the site's manager (CB-06)."""

STEWARDS = frozenset({Role.STEWARD, Role.ADMIN})
"""Who visits residents and patrols the buildings (管家, SRV-06, SRV-07)."""

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
    "record_visit": allow(STEWARDS),
    "record_patrol": allow(STEWARDS),
    "write_diary": allow(STEWARDS),
    "get_steward_days": allow(STEWARDS, OVERSIGHT, Role.SITE_MANAGER),
    "get_visits_summary": allow(STEWARDS, OVERSIGHT, Role.SITE_MANAGER),
    "open_survey": allow(Role.SITE_MANAGER, Role.ADMINISTRATOR, Role.ADMIN),
    "get_survey": allow(STEWARDS, Role.ADMINISTRATOR, OVERSIGHT, Role.SITE_MANAGER),
    "record_survey_return": allow(STEWARDS, Role.ADMINISTRATOR),
    "get_policy": allow(CALLERS, OVERSIGHT, Role.SITE_MANAGER),
    "add_policy_version": allow(Role.SITE_MANAGER, Role.DIRECTOR, Role.ADMIN),
    "get_samples": allow(Role.SITE_MANAGER, OVERSIGHT, CALLERS),
}
