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

from hotline_libs.access import (
    HOTLINE_DESK,
    OVERSIGHT,
    PUBLIC,
    SIGNED,
    SITE_DESK,
    STAFF,
    Access,
    allow,
)
from hotline_libs.auth import Role

RUNS_THE_HOTLINE = (Role.SUPERVISOR, Role.SITE_MANAGER, Role.ADMIN)
"""Who blocks an address and sets a site's quiet hours: the call centre's supervisor, the
site's manager, the platform's admin."""
TEMPLATE_KEEPERS = frozenset({Role.SUPERVISOR, Role.SITE_MANAGER, Role.DIRECTOR})
TEMPLATE_READERS = TEMPLATE_KEEPERS | HOTLINE_DESK
BROADCASTERS = frozenset({Role.SITE_MANAGER, Role.SUPERVISOR, Role.DUTY_STAFF})
"""Who sends a broadcast to residents (群发): the site's manager (管理处经理 / 客服中心负责人), who
answers for what the site tells its residents, and the supervisors of customer service — the
central hotline's (呼叫中心主管) and the site's service centre's (客户服务管理员, recorded as duty
staff) — who run the notices day to day. Agents, stewards and technicians do not; finance
publishes statements through billing. Oversight (director, quality head, admin) reads them."""

ACCESS: Access = {
    "list_notifications": allow(
        HOTLINE_DESK, Role.DUTY_STAFF, Role.SITE_MANAGER, OVERSIGHT, personal_data=True
    ),
    # A resident's preferences: whoever takes their call or visit records them on their word.
    "get_preference": allow(HOTLINE_DESK, SITE_DESK, OVERSIGHT, personal_data=True),
    "set_opt_out": allow(HOTLINE_DESK, SITE_DESK, Role.ADMIN),
    "set_block": allow(RUNS_THE_HOTLINE),
    "get_quiet_hours": allow(HOTLINE_DESK, SITE_DESK, OVERSIGHT),
    "set_quiet_hours": allow(RUNS_THE_HOTLINE),
    # An alert to staff is acknowledged by whoever of its site's staff has it in hand.
    "acknowledge_alert": allow(STAFF),
    # The link at the foot of a resident's e-mail: the signed token is the authority.
    "unsubscribe_page": PUBLIC,
    "unsubscribe": PUBLIC,
    "acknowledgement_page": PUBLIC,  # the alert's signed link is the proof it reached them
    "acknowledge_by_link": PUBLIC,
    "take_sms_receipt": SIGNED,  # the SMS provider, by its signature of the body
    "list_message_types": allow(TEMPLATE_READERS),
    "get_message_type": allow(TEMPLATE_READERS),
    "preview_template": allow(TEMPLATE_READERS),
    "write_template_version": allow(TEMPLATE_KEEPERS),
    "approve_template_version": allow(TEMPLATE_KEEPERS),
    "reject_template_version": allow(TEMPLATE_KEEPERS),
    "create_broadcast": allow(BROADCASTERS),
    "cancel_broadcast": allow(BROADCASTERS),
    "list_broadcasts": allow(BROADCASTERS, OVERSIGHT),
    "get_broadcast": allow(BROADCASTERS, OVERSIGHT),
    "count_audience": allow(BROADCASTERS, OVERSIGHT),
    "broadcast_report": allow(BROADCASTERS, OVERSIGHT, personal_data=True),
}
