"""Standard answers: drafted by the hotline, approved by the leader in charge, found by agents."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Response, status
from hotline_libs.auth import CurrentPrincipal
from hotline_libs.inputs import SHOWS_TEXT
from hotline_libs.paging import Page, Paging, SiteFilter, page_of
from hotline_libs.service import Bus
from pydantic import BaseModel, ConfigDict, Field

from intake.domain.boards import RequestKind
from intake.domain.commands import (
    ApproveStandardAnswer,
    DraftStandardAnswer,
    RedraftStandardAnswer,
    WithdrawStandardAnswer,
)
from intake.domain.standard_answer import (
    MAX_ANSWER,
    MAX_QUESTION,
    AnswerStatus,
    Revision,
    StandardAnswer,
)
from intake.entrypoints.http import Reader

router = APIRouter(tags=["standard answers"])

EXAMPLE: dict[str, Any] = {
    "site_id": "dmg",
    "kind": "consultation",
    "topic": "property_service",
    "question": "物业管理费的收费标准是多少?",
    "answer": "住宅物业管理费为每月每平方米1.80元, 按房产证面积计收, 每月5日前通过银行托收。",
}


class TextsIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{k: EXAMPLE[k] for k in ("question", "answer")}]},
    )
    question: str = Field(
        min_length=1, max_length=MAX_QUESTION, pattern=SHOWS_TEXT, description="As callers ask it"
    )
    answer: str = Field(
        min_length=1, max_length=MAX_ANSWER, pattern=SHOWS_TEXT, description="What agents say"
    )


class StandardAnswerIn(TextsIn):
    """A new standard answer, drafted to company policy for the leader in charge to approve."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE]})
    site_id: str = Field(min_length=1, max_length=40, pattern=SHOWS_TEXT, examples=["dmg"])
    kind: RequestKind = Field(
        description="consultation, information, or complaint (a standard wording, CMP-09)"
    )
    topic: str = Field(
        min_length=1,
        max_length=40,
        pattern=SHOWS_TEXT,
        description="The item of the board it answers",
        examples=["property_service"],
    )


class ApprovalIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"revision": 1}]})
    revision: int = Field(ge=1, le=100_000, description="The revision the approver read")


class RevisionOut(BaseModel):
    revision: int
    question: str
    answer: str
    drafted_by: str
    drafted_at: datetime
    approved_by: str | None
    approved_at: datetime | None


class StandardAnswerOut(BaseModel):
    answer_id: uuid.UUID
    document_no: str = Field(description="The controlled document's number")
    site_id: str
    kind: RequestKind
    topic: str
    status: AnswerStatus
    approved: RevisionOut | None = Field(description="The text in use, with its approver")
    draft: RevisionOut | None = Field(description="A text awaiting the leader in charge")
    revision_reason: str | None = Field(description="Why it is due for revision, if it is")
    withdrawn_at: datetime | None
    version: int


def _revision(revision: Revision | None) -> RevisionOut | None:
    return None if revision is None else RevisionOut(**vars(revision))


def answer_out(answer: StandardAnswer) -> StandardAnswerOut:
    return StandardAnswerOut(
        answer_id=answer.answer_id,
        document_no=answer.document_no,
        site_id=answer.site_id,
        kind=answer.kind,
        topic=answer.topic,
        status=answer.status,
        approved=_revision(answer.approved),
        draft=_revision(answer.draft),
        revision_reason=answer.revision_reason,
        withdrawn_at=answer.withdrawn_at,
        version=answer.version,
    )


@router.post(
    "/standard-answers",
    status_code=status.HTTP_201_CREATED,
    summary="Draft a standard answer (统一答复语) for the leader in charge to approve (KB-06)",
)
async def draft_standard_answer(
    body: StandardAnswerIn, response: Response, principal: CurrentPrincipal, bus: Bus
) -> StandardAnswerOut:
    principal.require_site(body.site_id)
    answer: StandardAnswer = await bus.handle(
        DraftStandardAnswer(
            site_id=body.site_id,
            kind=body.kind,
            topic=body.topic,
            question=body.question,
            answer=body.answer,
            by=principal.subject,
        )
    )
    response.headers["Location"] = f"/standard-answers/{answer.answer_id}"
    return answer_out(answer)


@router.get(
    "/standard-answers/search",
    summary="Approved answers matching the caller's words, the best first (KB-03)",
)
async def search_standard_answers(
    reader: Reader,
    principal: CurrentPrincipal,
    page: Paging,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=200,
            description="The caller's question in their words, Chinese or English",
            examples=["管理费标准"],
        ),
    ],
    site_id: SiteFilter = None,
    kind: Annotated[RequestKind | None, Query(description="Only answers of this board")] = None,
) -> Page[StandardAnswerOut]:
    found = await reader.standard_answers.search(
        q, sites=principal.visible_sites, page=page, site_id=site_id, kind=kind
    )
    return page_of(found, page, answer_out)


@router.get("/standard-answers", summary="Standard answers by document number, a page at a time")
async def list_standard_answers(
    reader: Reader,
    principal: CurrentPrincipal,
    page: Paging,
    site_id: SiteFilter = None,
    status_: Annotated[AnswerStatus | None, Query(alias="status")] = None,
    kind: Annotated[RequestKind | None, Query()] = None,
    topic: Annotated[str | None, Query(min_length=1, max_length=40, pattern=SHOWS_TEXT)] = None,
    awaiting_approval: Annotated[
        bool | None, Query(description="Only those with a draft awaiting approval (or without)")
    ] = None,
    due_for_revision: Annotated[
        bool | None, Query(description="Only those whose facts changed (or not)")
    ] = None,
) -> Page[StandardAnswerOut]:
    found = await reader.standard_answers.listing(
        sites=principal.visible_sites,
        page=page,
        site_id=site_id,
        status=status_,
        kind=kind,
        topic=topic,
        awaiting_approval=awaiting_approval,
        due_for_revision=due_for_revision,
    )
    return page_of(found, page, answer_out)


@router.get("/standard-answers/{answer_id}", summary="One standard answer")
async def get_standard_answer(
    answer_id: uuid.UUID, reader: Reader, principal: CurrentPrincipal
) -> StandardAnswerOut:
    found = await reader.standard_answers.get(answer_id)
    if found is None or not principal.may_act_for(found.site_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no standard answer {answer_id}")
    return answer_out(found)


@router.put(
    "/standard-answers/{answer_id}/draft",
    summary="Draft a new revision; the approved text stays in use until it is approved",
)
async def redraft_standard_answer(
    answer_id: uuid.UUID, body: TextsIn, principal: CurrentPrincipal, bus: Bus
) -> StandardAnswerOut:
    answer: StandardAnswer = await bus.handle(
        RedraftStandardAnswer(
            answer_id=answer_id,
            question=body.question,
            answer=body.answer,
            by=principal.subject,
            visible_sites=principal.visible_sites,
        )
    )
    return answer_out(answer)


@router.post(
    "/standard-answers/{answer_id}/approval",
    summary="Approve the revision awaiting the leader in charge (主管领导, KB-06)",
)
async def approve_standard_answer(
    answer_id: uuid.UUID, body: ApprovalIn, principal: CurrentPrincipal, bus: Bus
) -> StandardAnswerOut:
    answer: StandardAnswer = await bus.handle(
        ApproveStandardAnswer(
            answer_id=answer_id,
            revision=body.revision,
            by=principal.subject,
            visible_sites=principal.visible_sites,
        )
    )
    return answer_out(answer)


@router.post(
    "/standard-answers/{answer_id}/withdrawal",
    summary="Stop giving a standard answer (kept for the record)",
)
async def withdraw_standard_answer(
    answer_id: uuid.UUID, principal: CurrentPrincipal, bus: Bus
) -> StandardAnswerOut:
    answer: StandardAnswer = await bus.handle(
        WithdrawStandardAnswer(
            answer_id=answer_id, by=principal.subject, visible_sites=principal.visible_sites
        )
    )
    return answer_out(answer)
