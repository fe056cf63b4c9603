"""Standard answers under document control, and what each resident is told and when."""

from __future__ import annotations

import uuid

from hotline_libs.aggregate import is_due
from hotline_libs.errors import Conflict, NotFound, RuleViolation

from intake.domain.commands import (
    ApproveStandardAnswer,
    DraftStandardAnswer,
    GiveStandardAnswer,
    PromiseReply,
    RedraftStandardAnswer,
    ReplyToResident,
    RequestDeadlineReached,
    ReviewReply,
    WithdrawStandardAnswer,
)
from intake.domain.replies import PolicyReview, StandardAnswerGiven
from intake.domain.service_request import ServiceRequest
from intake.domain.standard_answer import StandardAnswer, draft_answer
from intake.service_layer.catalogue import catalogue_of
from intake.service_layer.unit_of_work import IntakeUnitOfWork, served_site, visible


async def _answer(
    uow: IntakeUnitOfWork, answer_id: uuid.UUID, sites: frozenset[str] | None
) -> StandardAnswer:
    answer = await uow.standard_answers.get(answer_id)
    if answer is None or not visible(answer.site_id, sites):
        raise NotFound(f"no standard answer {answer_id}")
    return answer


async def request_of(
    uow: IntakeUnitOfWork, request_id: uuid.UUID, sites: frozenset[str] | None
) -> ServiceRequest:
    request = await uow.requests.get(request_id)
    if request is None or not visible(request.site_id, sites):
        raise NotFound(f"no service request {request_id}")
    return request


async def draft_standard_answer(
    command: DraftStandardAnswer, uow: IntakeUnitOfWork
) -> StandardAnswer:
    site = await served_site(uow, command.site_id)
    number = await uow.serials.next(f"SA-{site.code}")
    answer = draft_answer(
        answer_id=uuid.uuid4(),
        document_no=f"SA-{site.code}-{number:04d}",
        site_id=site.site_id,
        kind=command.kind,
        topic=command.topic,
        question=command.question,
        answer=command.answer,
        by=command.by,
        now=uow.clock(),
        catalogue=await catalogue_of(uow, site.site_id),
    )
    uow.standard_answers.add(answer)
    await uow.commit()
    return answer


async def redraft_standard_answer(
    command: RedraftStandardAnswer, uow: IntakeUnitOfWork
) -> StandardAnswer:
    answer = await _answer(uow, command.answer_id, command.visible_sites)
    answer.redraft(command.question, command.answer, command.by, uow.clock())
    await uow.commit()
    return answer


async def approve_standard_answer(
    command: ApproveStandardAnswer, uow: IntakeUnitOfWork
) -> StandardAnswer:
    answer = await _answer(uow, command.answer_id, command.visible_sites)
    answer.approve(command.revision, command.by, uow.clock())
    await uow.commit()
    return answer


async def withdraw_standard_answer(
    command: WithdrawStandardAnswer, uow: IntakeUnitOfWork
) -> StandardAnswer:
    answer = await _answer(uow, command.answer_id, command.visible_sites)
    answer.withdraw(uow.clock())
    await uow.commit()
    return answer


async def give_standard_answer(
    command: GiveStandardAnswer, uow: IntakeUnitOfWork
) -> ServiceRequest:
    request = await request_of(uow, command.request_id, command.visible_sites)
    answer = await _answer(uow, command.answer_id, command.visible_sites)
    if answer.site_id != request.site_id:
        raise RuleViolation(
            f"standard answer {answer.document_no} is {answer.site_id}'s; the request is "
            f"{request.site_id}'s",
            field="answer_id",
        )
    if answer.approved is None or answer.withdrawn_at is not None:
        raise Conflict(
            f"standard answer {answer.document_no} is not approved for use", field="answer_id"
        )
    given = answer.approved
    request.give_standard_answer(
        StandardAnswerGiven(answer.answer_id, answer.document_no, given.revision),
        given.answer,
        command.by,
        uow.clock(),
    )
    await uow.commit()
    return request


async def promise_reply(command: PromiseReply, uow: IntakeUnitOfWork) -> ServiceRequest:
    request = await request_of(uow, command.request_id, command.visible_sites)
    calendar = await uow.calendars.for_site(request.site_id)
    request.promise_reply(command.tier, command.by, uow.clock(), calendar)
    await uow.commit()
    return request


async def reply_to_resident(command: ReplyToResident, uow: IntakeUnitOfWork) -> ServiceRequest:
    request = await request_of(uow, command.request_id, command.visible_sites)
    request.reply(command.text, command.by, uow.clock(), progress=command.progress)
    await uow.commit()
    return request


async def review_reply(command: ReviewReply, uow: IntakeUnitOfWork) -> ServiceRequest:
    request = await request_of(uow, command.request_id, command.visible_sites)
    request.review_reply(
        command.number,
        PolicyReview(command.contradicts_policy, command.note, command.by, uow.clock()),
    )
    await uow.commit()
    return request


async def request_deadline_reached(command: RequestDeadlineReached, uow: IntakeUnitOfWork) -> None:
    """A promise or a first answer ran out: reported once, unless answered meanwhile."""
    request = await uow.requests.get(command.request_id)
    now = uow.clock()
    if request is None or not is_due(request, command.deadline, now):
        return
    request.deadline_reached(command.deadline, now)
    await uow.commit()
