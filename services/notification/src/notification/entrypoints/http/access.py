"""Who may call each of notification's routes (the authorization matrix test checks every cell)."""

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
    "take_sms_receipt": SIGNED,  # the SMS provider, by its signature of the body
}
