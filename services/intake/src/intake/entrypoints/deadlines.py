"""Intake's clocks: a reply promised or a first answer owed that ran out becomes a command."""

from __future__ import annotations

import uuid
from datetime import datetime

from hotline_libs.bus import MessageBus

from intake.domain.commands import RequestDeadlineReached, RosterDeadlineReached


async def request_deadline(
    bus: MessageBus, document_id: str, deadline: str, due_at: datetime
) -> None:
    await bus.handle(
        RequestDeadlineReached(request_id=uuid.UUID(document_id), deadline=deadline, due_at=due_at)
    )


async def roster_deadline(
    bus: MessageBus, document_id: str, deadline: str, due_at: datetime
) -> None:
    await bus.handle(RosterDeadlineReached(roster_id=document_id, deadline=deadline, due_at=due_at))
