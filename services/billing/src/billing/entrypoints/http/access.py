"""Who may call each of billing's routes (the authorization matrix test checks every cell)."""

from __future__ import annotations

from hotline_libs.access import STAFF, Access, allow
from hotline_libs.auth import Role

ACCOUNTS = frozenset(
    {Role.FINANCE, Role.ADMINISTRATOR, Role.SITE_MANAGER, Role.DIRECTOR, Role.ADMIN}
)
"""Who reads charges: finance, and those who answer for a site's accounts."""

ACCESS: Access = {
    # agents quote prices on the call; a site's system may show them to residents
    "get_price_list": allow(STAFF, Role.SITE_SYSTEM),
    "set_price_list_item": allow(Role.FINANCE, Role.SITE_MANAGER, Role.ADMIN),
    "list_charges": allow(ACCOUNTS, personal_data=True),
    "get_charge": allow(ACCOUNTS, personal_data=True),
    "price_again": allow(Role.FINANCE, Role.ADMIN),
    "confirm_agreed": allow(Role.FINANCE, Role.ADMIN),
}
