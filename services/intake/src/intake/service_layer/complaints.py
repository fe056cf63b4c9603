"""The complaint register's use cases: assess, plan, resolve, mark representative cases."""

from __future__ import annotations

from intake.domain.commands import (
    AssessComplaint,
    MarkRepresentative,
    PlanComplaintHandling,
    RecordComplaintOpinion,
    ResolveComplaint,
)
from intake.domain.complaint import ProfessionalOpinion
from intake.domain.service_request import ServiceRequest
from intake.service_layer.answers import request_of
from intake.service_layer.unit_of_work import IntakeUnitOfWork


async def assess_complaint(command: AssessComplaint, uow: IntakeUnitOfWork) -> ServiceRequest:
    request = await request_of(uow, command.request_id, command.visible_sites)
    request.assess_complaint(
        command.validity,
        command.grade,
        command.reason,
        command.department,
        command.by,
        uow.clock(),
    )
    await uow.commit()
    return request


async def plan_complaint_handling(
    command: PlanComplaintHandling, uow: IntakeUnitOfWork
) -> ServiceRequest:
    request = await request_of(uow, command.request_id, command.visible_sites)
    request.plan_handling(command.department, command.plan, command.by, uow.clock())
    await uow.commit()
    return request


async def resolve_complaint(command: ResolveComplaint, uow: IntakeUnitOfWork) -> ServiceRequest:
    request = await request_of(uow, command.request_id, command.visible_sites)
    request.resolve_complaint(command.outcome, command.resident_satisfied, command.by, uow.clock())
    await uow.commit()
    return request


async def mark_representative(command: MarkRepresentative, uow: IntakeUnitOfWork) -> ServiceRequest:
    request = await request_of(uow, command.request_id, command.visible_sites)
    request.mark_representative(command.representative)
    await uow.commit()
    return request


async def record_complaint_opinion(
    command: RecordComplaintOpinion, uow: IntakeUnitOfWork
) -> ServiceRequest:
    request = await request_of(uow, command.request_id, command.visible_sites)
    request.add_opinion(
        ProfessionalOpinion(
            command.source,
            command.department,
            command.given_by,
            command.opinion,
            command.by,
            uow.clock(),
        )
    )
    await uow.commit()
    return request
