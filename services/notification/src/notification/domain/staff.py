"""The staff notification alerts, as intake's directory last recorded them, and who of them an
emergency alerts (INC-01, INC-02)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from hotline_libs.roles import Role

CENTRAL_HOTLINE = "*"
"""The site of the central hotline's and the company's staff."""

ALERTED_OF_EMERGENCIES = frozenset({Role.SUPERVISOR, Role.SITE_MANAGER})
"""The roles an emergency alerts (``StaffMember.alerted_of_emergency_at`` says where)."""


@dataclass(frozen=True)
class StaffMember:
    """A member of staff as intake last recorded them (the whole record, the latest by
    ``recorded_at``): a move to another site or leaving (``active=False``) replaces it."""

    staff_id: str
    site_id: str
    """Their site; ``*`` for the central hotline and the company."""
    name: str
    roles: frozenset[str]
    """Their platform roles (``hotline_libs.roles.Role`` values)."""
    phones: tuple[str, ...]
    """E.164 numbers, the first the main one."""
    email: str | None
    active: bool
    recorded_at: datetime

    @property
    def phone(self) -> str | None:
        """The main number, the one alerts go to."""
        return self.phones[0] if self.phones else None

    def alerted_of_emergency_at(self, site_id: str) -> bool:
        """An emergency reported at ``site_id`` is flagged and the supervisor alerted (INC-01,
        INC-02): every supervisor of the central hotline or of that site, and that site's
        manager, while they are on the staff. Another site's manager, a leaver and anyone in
        another role are not alerted."""
        if not self.active:
            return False
        if Role.SUPERVISOR in self.roles and self.site_id in (CENTRAL_HOTLINE, site_id):
            return True
        return Role.SITE_MANAGER in self.roles and self.site_id == site_id


def alerted_of_emergency_at(site_id: str, staff: Iterable[StaffMember]) -> list[StaffMember]:
    """Those of ``staff`` an emergency at ``site_id`` alerts, in staff-id order."""
    return sorted(
        (member for member in staff if member.alerted_of_emergency_at(site_id)),
        key=lambda member: member.staff_id,
    )
