"""Who may call each of callback's routes (the authorization matrix test checks every cell)."""

from __future__ import annotations

from hotline_libs.access import HOTLINE_DESK, OVERSIGHT, Access, allow
from hotline_libs.auth import Role

CALLERS = HOTLINE_DESK | {Role.ADMINISTRATOR, Role.ADMIN}
"""Who calls residents back: the hotline, or a site's administrator in its place."""

ACCESS: Access = {
    "list_callbacks": allow(CALLERS, OVERSIGHT, Role.SITE_MANAGER, personal_data=True),
    "get_queue": allow(CALLERS, OVERSIGHT, Role.SITE_MANAGER),
    "get_callback": allow(CALLERS, OVERSIGHT, Role.SITE_MANAGER, personal_data=True),
    "record_outcome": allow(CALLERS),
    "record_attempt": allow(CALLERS),
    "list_rectifications": allow(CALLERS, OVERSIGHT, Role.SITE_MANAGER, personal_data=True),
    "get_rectification": allow(CALLERS, OVERSIGHT, Role.SITE_MANAGER, personal_data=True),
    "get_policy": allow(CALLERS, OVERSIGHT, Role.SITE_MANAGER),
    "add_policy_version": allow(Role.SITE_MANAGER, Role.DIRECTOR, Role.ADMIN),
    "get_samples": allow(Role.SITE_MANAGER, Role.QUALITY_HEAD, OVERSIGHT, CALLERS),
}
