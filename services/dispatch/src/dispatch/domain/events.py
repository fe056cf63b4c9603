"""What happens to a work order, as dispatch records it (domain events; never on the bus as such).

``adapters/outbound/events_v1.py`` maps each to the integration event other services read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class WorkOrderAwaitingTechnician:
    """The site has nobody on duty for the trade: the work order waits, and the supervisor is told."""

    since: datetime
    reason: str


@dataclass(frozen=True)
class WorkOrderDispatched:
    """The work order reached a technician (派工)."""

    dispatched_at: datetime


@dataclass(frozen=True)
class WorkOrderDispatchOverdue:
    """The 15 minutes to get the work order to a technician ran out before anyone had it."""

    due_at: datetime
    noticed_at: datetime

    @property
    def overdue_by(self) -> timedelta:
        return self.noticed_at - self.due_at


@dataclass(frozen=True)
class WorkOrderCompleted:
    """The resident accepted and signed for the work (验收)."""

    completed_at: datetime
