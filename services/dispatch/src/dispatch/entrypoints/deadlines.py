"""Dispatch's clocks: a work order's or a roster's deadline that ran out becomes a command on
the bus."""

from __future__ import annotations

import uuid
from datetime import datetime

from hotline_libs.bus import MessageBus

from dispatch.domain.commands import (
    ReportDeadlineReached,
    RosterDeadlineReached,
    WorkOrderDeadlineReached,
)


async def work_order_deadline(
    bus: MessageBus, document_id: str, deadline: str, due_at: datetime
) -> None:
    await bus.handle(
        WorkOrderDeadlineReached(
            work_order_id=uuid.UUID(document_id), deadline=deadline, due_at=due_at
        )
    )


async def roster_deadline(
    bus: MessageBus, document_id: str, deadline: str, due_at: datetime
) -> None:
    await bus.handle(RosterDeadlineReached(roster_id=document_id, deadline=deadline, due_at=due_at))


async def report_deadline(
    bus: MessageBus, document_id: str, deadline: str, due_at: datetime
) -> None:
    await bus.handle(ReportDeadlineReached(site_id=document_id, deadline=deadline, due_at=due_at))
