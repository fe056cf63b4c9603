"""The staff notification writes to, as intake's directory last recorded them: who of them an
emergency alerts (INC-01, INC-02), and who is sent a site's approved monthly report (CMP-19,
CMP-22, KB-11)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from hotline_libs.roles import Role

CENTRAL_HOTLINE = "*"
"""The site of the central hotline's and the company's staff."""

ALERTED_OF_EMERGENCIES = frozenset({Role.SUPERVISOR, Role.SITE_MANAGER})
"""The roles an emergency alerts (``StaffMember.alerted_of_emergency_at`` says where)."""

COMPANY_LEADERS = frozenset({Role.DIRECTOR})
"""The company's leaders: sent every site's monthly report, whatever site they are recorded at
(CMP-22)."""


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
    information_liaison: bool = False
    """Their department's information liaison at their site (KB-11)."""

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

    def sent_monthly_report_of(self, site_id: str) -> bool:
        """The monthly report of ``site_id``, once approved, goes to the departments and the
        company's leaders (CMP-19, CMP-22; KB-11: the consultation figures are fed back to the
        departments): each department's information liaison at that site, that site's
        manager, and every director wherever recorded, while they are on the staff. Another
        site's liaison or manager, a leaver and anyone else are not sent it."""
        if not self.active:
            return False
        if self.roles & COMPANY_LEADERS:
            return True
        return self.site_id == site_id and (
            self.information_liaison or Role.SITE_MANAGER in self.roles
        )


def alerted_of_emergency_at(site_id: str, staff: Iterable[StaffMember]) -> list[StaffMember]:
    """Those of ``staff`` an emergency at ``site_id`` alerts, in staff-id order."""
    return sorted(
        (member for member in staff if member.alerted_of_emergency_at(site_id)),
        key=lambda member: member.staff_id,
    )


def sent_monthly_report_of(site_id: str, staff: Iterable[StaffMember]) -> list[StaffMember]:
    """Those of ``staff`` the monthly report of ``site_id`` goes to, each once (a liaison who
    is also the manager, a member found twice), in staff-id order."""
    sent = {member.staff_id: member for member in staff if member.sent_monthly_report_of(site_id)}
    return [sent[staff_id] for staff_id in sorted(sent)]
