"""Who may call each of notification's routes (the authorization matrix test checks every cell).

Templates (issue #13): what residents are told is the company's word, the same at every site.
Those who run the desks residents hear from write and approve it: the call-centre supervisor
(runs the central hotline), the site manager (runs a site's service centre, 客服中心负责人) and
the director (物业服务中心经理, who also approves the standard answers); four eyes within them,
not a second group. The hotline desk (agents) reads and previews them, as they answer residents
about what they were sent, but does not change them; oversight reads the messages themselves,
not the drafts.
"""

from __future__ import annotations

from hotline_libs.access import HOTLINE_DESK, OVERSIGHT, Access, allow
from hotline_libs.auth import Role

TEMPLATE_KEEPERS = frozenset({Role.SUPERVISOR, Role.SITE_MANAGER, Role.DIRECTOR})
TEMPLATE_READERS = TEMPLATE_KEEPERS | HOTLINE_DESK

ACCESS: Access = {
    "list_notifications": allow(
        HOTLINE_DESK, Role.DUTY_STAFF, Role.SITE_MANAGER, OVERSIGHT, personal_data=True
    ),
    "list_message_types": allow(TEMPLATE_READERS),
    "get_message_type": allow(TEMPLATE_READERS),
    "preview_template": allow(TEMPLATE_READERS),
    "write_template_version": allow(TEMPLATE_KEEPERS),
    "approve_template_version": allow(TEMPLATE_KEEPERS),
    "reject_template_version": allow(TEMPLATE_KEEPERS),
}
