"""The front desk's monthly roster (排班表), sent to the service-centre manager when its
supervisor submits it (NTF-12, DUTY-02: "每月25日前拟定下月前台《排班表》,报物业服务中心经理").

It goes by e-mail, day by day with who is on each shift by name, to the site's service-centre
manager (the ``director`` role recorded at the site), or, when the site has none on record, to
the company's (recorded at the central hotline): a roster nobody is sent is a roster nobody
checked. A roster submitted after the 25th says so in its subject and first line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from hotline_libs.roles import Role

from notification.domain.messages import ROSTER, OutgoingMessage, email_to, month_named, once
from notification.domain.occasions import About
from notification.domain.staff import CENTRAL_HOTLINE, StaffMember

SENT_TO = frozenset({Role.DIRECTOR})
"""物业服务中心经理: the role the roster is sent to."""

WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


@dataclass(frozen=True)
class RosterShift:
    code: str
    starts: str
    """Local start, HH:MM."""
    ends: str


@dataclass(frozen=True)
class RosterDuty:
    day: date
    shift: str
    staff: str
    """Their staff id."""


@dataclass(frozen=True)
class RosterSubmission:
    """Next month's front-desk roster of a site, as its supervisor submitted it."""

    about: About
    month: str
    """``YYYY-MM``."""
    drafted_by: str
    submitted_at: datetime
    due_at: datetime
    shifts: tuple[RosterShift, ...]
    duties: tuple[RosterDuty, ...]

    @property
    def late(self) -> bool:
        """Submitted after the start of the 25th (DUTY-02)."""
        return self.submitted_at > self.due_at

    @property
    def staff_ids(self) -> frozenset[str]:
        """Everyone the roster names: on a shift, or its author."""
        return frozenset({self.drafted_by, *(d.staff for d in self.duties)})


def sent_roster(site_id: str, staff: Iterable[StaffMember]) -> list[StaffMember]:
    """Whom the roster of ``site_id`` goes to: the site's service-centre managers on the staff,
    else the company's; in staff-id order."""
    managers = [m for m in staff if m.active and m.roles & SENT_TO]
    at_site = [m for m in managers if m.site_id == site_id]
    chosen = at_site or [m for m in managers if m.site_id == CENTRAL_HOTLINE]
    return sorted(chosen, key=lambda m: m.staff_id)


def roster_text(
    roster: RosterSubmission, names: Mapping[str, str], zone: ZoneInfo, site_name: str | None
) -> str:
    """The roster as plain text: who submitted it and when (site time), its shifts, then each
    day with who is on each shift. ``names``: staff names by id (an id not on record is shown
    as it is)."""

    def name(staff_id: str) -> str:
        return names.get(staff_id, staff_id)

    where = site_name or roster.about.site_id
    submitted = roster.submitted_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    due = roster.due_at.astimezone(zone)
    lines = [
        f"{where} {month_named(roster.month)}前台排班表，由{name(roster.drafted_by)}于{submitted}提交"
        + (f"（逾期：应于{due.month}月{due.day}日前提交）。" if roster.late else "。"),
        "",
        "班次：" + "；".join(f"{s.code} {s.starts}-{s.ends}" for s in roster.shifts),
        "",
    ]
    order = {s.code: n for n, s in enumerate(roster.shifts)}
    by_day: dict[date, dict[str, list[str]]] = {}
    for duty in sorted(roster.duties, key=lambda d: (d.day, order.get(d.shift, 99), d.staff)):
        by_day.setdefault(duty.day, {}).setdefault(duty.shift, []).append(name(duty.staff))
    for day, shifts in by_day.items():
        lines.append(f"{day.month}月{day.day}日（{WEEKDAYS[day.weekday()]}）")
        lines += [f"  {shift}：{'、'.join(people)}" for shift, people in shifts.items()]
    lines += ["", f"共 {len(by_day)} 天、{len(roster.duties)} 人次。"]
    return "\n".join(lines)


def roster_mails(
    roster: RosterSubmission,
    managers: Sequence[StaffMember],
    names: Mapping[str, str],
    zone: ZoneInfo,
    site_name: str | None = None,
) -> list[OutgoingMessage]:
    """The roster's e-mail to each of ``managers`` who has an address, at most one per
    address (a month's shifts do not fit an SMS)."""
    where = site_name or roster.about.site_id
    subject = f"{'【逾期】' if roster.late else ''}{where} {month_named(roster.month)}前台排班表"
    text = roster_text(roster, names, zone, site_name)
    return once(
        email_to(member.name, member.email, ROSTER, subject, text)
        for member in managers
        if member.email
    )
