"""Standard answers in intake's own database, with the search terms of the text in use."""

from __future__ import annotations

import uuid
from typing import Any

from hotline_libs.mongo import Document, listing_query
from hotline_libs.paging import Found, PageRequest, cut
from hotline_libs.unit_of_work import BOOKKEEPING_PROJECTION, AggregateRepository

from intake.adapters import search
from intake.domain.boards import RequestKind
from intake.domain.standard_answer import AnswerStatus, Revision, StandardAnswer

STANDARD_ANSWERS = "standard_answers"
MAX_CANDIDATES = 500
"""The most answers a search ranks: far more than any site's answers sharing a word."""


class MongoStandardAnswers(AggregateRepository[StandardAnswer]):
    collection_name = STANDARD_ANSWERS

    def identity(self, aggregate: StandardAnswer) -> str:
        return str(aggregate.answer_id)

    def to_document(self, aggregate: StandardAnswer) -> Document:
        a = aggregate
        shown = a.approved or a.latest  # agents search the text they may give
        return {
            "document_no": a.document_no,
            "site_id": a.site_id,
            "kind": a.kind.value,
            "topic": a.topic,
            "status": a.status.value,
            "approved": _revision(a.approved),
            "draft": _revision(a.draft),
            "awaiting_approval": a.draft is not None and a.withdrawn_at is None,
            "revision_reason": a.revision_reason,
            "withdrawn_at": a.withdrawn_at,
            "terms": search.terms(f"{shown.question} {shown.answer}"),
        }

    def from_document(self, document: Document) -> StandardAnswer:
        return StandardAnswer(
            answer_id=uuid.UUID(document["_id"]),
            document_no=document["document_no"],
            site_id=document["site_id"],
            kind=RequestKind(document["kind"]),
            topic=document["topic"],
            approved=_revision_from(document.get("approved")),
            draft=_revision_from(document.get("draft")),
            revision_reason=document.get("revision_reason"),
            withdrawn_at=document.get("withdrawn_at"),
        )

    async def listing(
        self,
        *,
        sites: frozenset[str] | None,
        page: PageRequest,
        site_id: str | None = None,
        status: AnswerStatus | None = None,
        kind: RequestKind | None = None,
        topic: str | None = None,
        awaiting_approval: bool | None = None,
        due_for_revision: bool | None = None,
    ) -> Found[StandardAnswer]:
        """The answers by document number; filtered for the leader's queue or a revision run."""
        query = listing_query(
            sites,
            site_id=site_id,
            status=status.value if status else None,
            kind=kind.value if kind else None,
            topic=topic,
            awaiting_approval=awaiting_approval,
        )
        if due_for_revision is not None:
            query["revision_reason"] = {"$ne": None} if due_for_revision else None
        return await self.page(query, sort=[("document_no", 1), ("_id", 1)], page=page)

    async def search(
        self,
        text: str,
        *,
        sites: frozenset[str] | None,
        page: PageRequest,
        site_id: str | None = None,
        kind: RequestKind | None = None,
    ) -> Found[StandardAnswer]:
        """Answers in use sharing words with ``text``, the best match first (KB-03)."""
        wanted = search.terms(text)
        if not wanted:
            return Found([], 0)
        query = listing_query(
            sites,
            site_id=site_id,
            status=AnswerStatus.IN_USE.value,
            kind=kind.value if kind else None,
            terms={"$in": wanted},
        )
        cursor = self._collection.find(query, BOOKKEEPING_PROJECTION).limit(MAX_CANDIDATES)
        scored: list[tuple[float, str, Document]] = [
            (search.score(wanted, d.get("terms", [])), d["document_no"], d) async for d in cursor
        ]
        scored.sort(key=lambda found: (-found[0], found[1]))
        return cut([self._load(d) for _, _, d in scored], page)


def _revision(revision: Revision | None) -> Document | None:
    if revision is None:
        return None
    return {
        "revision": revision.revision,
        "question": revision.question,
        "answer": revision.answer,
        "drafted_by": revision.drafted_by,
        "drafted_at": revision.drafted_at,
        "approved_by": revision.approved_by,
        "approved_at": revision.approved_at,
    }


def _revision_from(document: dict[str, Any] | None) -> Revision | None:
    return None if document is None else Revision(**document)
