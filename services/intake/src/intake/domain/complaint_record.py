"""A site's daily complaint-handling record (顾客投诉处理记录表, CMP-18): every complaint the
site received that day, every earlier one something was done about that day, and every one
still open at the day's end, with what was done, so the record is complete and clear (CMP-02,
CH-10, REC-09) and the next day picks up what is open."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from intake.domain.service_request import ServiceRequest


class Step(enum.StrEnum):
    """What happened to a complaint on the day."""

    RECEIVED = "received"
    ASSESSED = "assessed"
    PLANNED = "planned"
    REPLIED = "replied"
    ESCALATED = "escalated"
    RESOLVED = "resolved"
    STILL_OPEN = "still_open"
    """Nothing done that day, and not resolved by its end: it stays on the record."""


@dataclass(frozen=True)
class RecordLine:
    """One complaint on the day's record."""

    request: ServiceRequest
    steps: tuple[Step, ...]
    replies_that_day: tuple[str, ...]
    open_at_day_end: bool


def _within(at: datetime | None, start: datetime, end: datetime) -> bool:
    return at is not None and start <= at < end


def _steps(request: ServiceRequest, start: datetime, end: datetime) -> list[Step]:
    register = request.complaint
    steps = [Step.RECEIVED] if _within(request.registered_at, start, end) else []
    if register is None:
        return steps
    if register.assessment and _within(register.assessment.at, start, end):
        steps.append(Step.ASSESSED)
    if register.plan and _within(register.plan.at, start, end):
        steps.append(Step.PLANNED)
    if any(_within(reply.at, start, end) for reply in request.replies):
        steps.append(Step.REPLIED)
    if any(_within(climb.at, start, end) for climb in register.escalations):
        steps.append(Step.ESCALATED)
    if register.resolution and _within(register.resolution.at, start, end):
        steps.append(Step.RESOLVED)
    return steps


def daily_record(
    complaints: list[ServiceRequest], start: datetime, end: datetime
) -> list[RecordLine]:
    """The record of the site's day [start, end) from its complaints registered before its end:
    in the order they were received."""
    lines = []
    for request in sorted(complaints, key=lambda r: (r.registered_at, r.request_no)):
        register = request.complaint
        if register is None or request.registered_at >= end:
            continue
        resolution = register.resolution
        open_at_end = resolution is None or resolution.at >= end
        steps = _steps(request, start, end)
        if not steps and not open_at_end:
            continue
        lines.append(
            RecordLine(
                request=request,
                steps=tuple(steps) if steps else (Step.STILL_OPEN,),
                replies_that_day=tuple(
                    reply.text for reply in request.replies if _within(reply.at, start, end)
                ),
                open_at_day_end=open_at_end,
            )
        )
    return lines
