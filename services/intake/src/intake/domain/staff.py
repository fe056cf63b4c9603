"""The staff of the hotline and the sites, as the directory knows them: who they are, their
department, how to reach them, which buildings a steward covers, and which of a department's
staff is its information liaison (ORG-01..ORG-07, KB-12, CMP-14)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import RuleViolation
from hotline_libs.roles import Role

from intake.domain import events
from intake.domain.complaint import Department
from intake.domain.job_handover import Duties
from intake.domain.service_request import InvalidRegistration, normalise_email, normalise_phone

STAFF_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{1,39}$")
MAX_TEXT = 60
MAX_PHONES = 3
MAX_BUILDINGS = 50
LOGIN = re.compile(r"^[\w.@+-]{1,100}$")


@dataclass(frozen=True)
class StaffDetails:
    name: str
    title: str
    """The post: 坐席客服专员, 管家, 客服中心负责人 …"""
    department: Department
    phones: tuple[str, ...]
    email: str | None = None
    steward_of: tuple[str, ...] = ()
    """The buildings a steward (管家) covers at the site."""
    information_liaison: bool = False
    """The department's information liaison: reports changes within 3 working days (KB-11)."""
    roles: frozenset[Role] = frozenset()
    """What they do on the platform (a technician, a steward, the site's manager …): how
    dispatch finds technicians and notification finds whom to alert."""
    active: bool = True
    """False once they have left: kept for the records that name them."""
    login: str | None = None
    """Who they are when signed in (their token's subject): what the platform records as who
    took a call or promised a reply, so a job handover finds what they still owe (DUTY-25)."""

    def checked(self) -> StaffDetails:
        phones = tuple(_phone(n, p) for n, p in enumerate(self.phones))
        if not 1 <= len(phones) <= MAX_PHONES:
            raise RuleViolation(f"phones lists 1 to {MAX_PHONES} numbers", field="phones")
        if len(set(phones)) != len(phones):
            raise RuleViolation("phones lists a number twice", field="phones")
        buildings = tuple(b.strip() for b in self.steward_of)
        if len(buildings) > MAX_BUILDINGS or any(not 1 <= len(b) <= 20 for b in buildings):
            raise RuleViolation(
                f"steward_of lists up to {MAX_BUILDINGS} buildings of 1 to 20 characters",
                field="steward_of",
            )
        if len(set(buildings)) != len(buildings):
            raise RuleViolation("steward_of lists a building twice", field="steward_of")
        if buildings and Role.STEWARD not in self.roles and self.roles:
            raise RuleViolation(
                "steward_of names buildings, so roles must include steward", field="roles"
            )
        if Role.SITE_SYSTEM in self.roles:
            raise RuleViolation("a site system is not a member of staff", field="roles")
        try:
            email = normalise_email(self.email)
        except InvalidRegistration as refusal:
            raise RuleViolation(refusal.message.replace("resident.", ""), field="email") from None
        return replace(
            self,
            name=_text("name", self.name),
            title=_text("title", self.title),
            phones=phones,
            email=email,
            steward_of=buildings,
            login=_login(self.login),
        )


def _text(field: str, value: str) -> str:
    value = value.strip()
    if not 1 <= len(value) <= MAX_TEXT:
        raise RuleViolation(f"{field} must be 1 to {MAX_TEXT} characters", field=field)
    return value


def _login(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    value = value.strip()
    if not LOGIN.match(value):
        raise RuleViolation(
            "login is 1 to 100 letters, digits, or . _ @ + - (their sign-in's subject)",
            field="login",
        )
    return value


def _phone(n: int, raw: str) -> str:
    try:
        return normalise_phone(raw)
    except InvalidRegistration:
        raise RuleViolation(
            f"phones[{n}] {raw!r} is not a valid phone number", field=f"phones[{n}]"
        ) from None


@dataclass
class StaffMember(Aggregate):
    staff_id: str
    site_id: str
    """The site they work at; ``*`` for the central hotline and company staff."""
    details: StaffDetails
    updated_at: datetime

    def update(self, site_id: str, details: StaffDetails, now: datetime) -> bool:
        """Change their record (a move to another site included); whether anything changed."""
        details = details.checked()
        if details == self.details and site_id == self.site_id:
            return False
        self.site_id, self.details, self.updated_at = site_id, details, now
        self.record(events.StaffRecorded(recorded_at=now))
        return True

    @property
    def steward(self) -> bool:
        return bool(self.details.steward_of)

    @property
    def duties(self) -> Duties:
        """What goes with their job to a successor (DUTY-25)."""
        return Duties(self.details.steward_of, self.details.information_liaison)

    def take_over_duties(self, duties: Duties, now: datetime) -> bool:
        """A successor takes over a leaver's buildings and liaison duty."""
        buildings = tuple(dict.fromkeys((*self.details.steward_of, *duties.buildings)))
        roles = self.details.roles | ({Role.STEWARD} if buildings else set())
        details = replace(
            self.details,
            steward_of=buildings,
            information_liaison=self.details.information_liaison or duties.information_liaison,
            roles=frozenset(roles),
        )
        return self.update(self.site_id, details, now)

    def leave(self, to_site: str | None, now: datetime) -> bool:
        """Their job handed over: gone (kept, inactive), or moved to ``to_site``; the buildings
        and liaison duty stay with the job."""
        details = replace(self.details, steward_of=(), information_liaison=False)
        if to_site is None:
            details = replace(details, active=False)
        return self.update(to_site or self.site_id, details, now)

    def matches(self, words: str) -> bool:
        """Whether every word is in their name, post, department or phones (the phone book)."""
        d = self.details
        text = " ".join((d.name, d.title, d.department.value, *d.phones)).lower()
        return all(word in text for word in words.lower().split())


def new_staff_member(
    staff_id: str, site_id: str, details: StaffDetails, now: datetime
) -> StaffMember:
    if not STAFF_ID.match(staff_id):
        raise RuleViolation(
            "staff_id is 2 to 40 lower-case letters, digits, - or _", field="staff_id"
        )
    member = StaffMember(staff_id, site_id, details.checked(), now)
    member.record(events.StaffRecorded(recorded_at=now))
    return member
