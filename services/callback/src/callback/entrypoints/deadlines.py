"""The callback service's clock: a due day that ended becomes a command on the bus."""

from __future__ import annotations

import uuid
from datetime import datetime

from hotline_libs.bus import MessageBus

from callback.domain.commands import CallbackDeadlineReached, SurveyDeadlineReached


async def callback_deadline(
    bus: MessageBus, document_id: str, deadline: str, due_at: datetime
) -> None:
    await bus.handle(
        CallbackDeadlineReached(
            callback_id=uuid.UUID(document_id), deadline=deadline, due_at=due_at
        )
    )


async def survey_deadline(
    bus: MessageBus, document_id: str, deadline: str, due_at: datetime
) -> None:
    await bus.handle(SurveyDeadlineReached(survey_id=document_id, deadline=deadline, due_at=due_at))
