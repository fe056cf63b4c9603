"""Who may call each of notification's routes (the authorization matrix test checks every cell)."""

from __future__ import annotations

from hotline_libs.access import HOTLINE_DESK, OVERSIGHT, SIGNED, Access, allow
from hotline_libs.auth import Role

ACCESS: Access = {
    "list_notifications": allow(
        HOTLINE_DESK, Role.DUTY_STAFF, Role.SITE_MANAGER, OVERSIGHT, personal_data=True
    ),
    "take_sms_receipt": SIGNED,  # the SMS provider, by its signature of the body
}
