"""Changed information a site or department reports to the call centre (KB-07, KB-08, KB-10).

Each site, the marketing and the housekeeping departments, and quality control name a liaison
who reports in writing, within 3 working days, any change the hotline must know: owners, the
kinds of business, fees, community events (ORG-06, ORG-07). A report after that is listed as
late (someone is held accountable, KB-08). The standard answers the change touches are flagged
for revision until approved again (KB-10).
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import RuleViolation
from hotline_libs.working_days import SiteCalendar

REPORT_WITHIN_WORKING_DAYS = 3
MAX_TEXT = 4000


class InformationKind(enum.StrEnum):
    OWNERS = "owners"
    BUSINESS = "business"
    FEES = "fees"
    COMMUNITY_EVENTS = "community_events"
    OTHER = "other"


@dataclass
class InformationChange(Aggregate):
    change_id: uuid.UUID
    site_id: str
    department: str
    kind: InformationKind
    what_changed: str
    changed_at: datetime
    """When the change took effect at the site."""
    reported_by: str
    reported_at: datetime
    due_at: datetime
    """3 working days after the change, at the site."""
    affected_answers: tuple[uuid.UUID, ...]

    @property
    def late(self) -> bool:
        return self.reported_at > self.due_at


def report_change(
    *,
    change_id: uuid.UUID,
    site_id: str,
    department: str,
    kind: InformationKind,
    what_changed: str,
    changed_at: datetime,
    reported_by: str,
    now: datetime,
    calendar: SiteCalendar,
    affected_answers: tuple[uuid.UUID, ...],
) -> InformationChange:
    text = what_changed.strip()
    if not 1 <= len(text) <= MAX_TEXT:
        raise RuleViolation(
            f"what_changed must be 1 to {MAX_TEXT} characters", field="what_changed"
        )
    if changed_at > now:
        raise RuleViolation(
            "changed_at is in the future: report a change once it happens", field="changed_at"
        )
    return InformationChange(
        change_id=change_id,
        site_id=site_id,
        department=department.strip(),
        kind=kind,
        what_changed=text,
        changed_at=changed_at,
        reported_by=reported_by,
        reported_at=now,
        due_at=calendar.after_working_days(changed_at, REPORT_WITHIN_WORKING_DAYS),
        affected_answers=tuple(dict.fromkeys(affected_answers)),
    )
