"""Standard answers (统一答复语) and standard wordings (统一说辞), under document control.

An agent who finds an approved answer for the caller's question gives it at once (KB-03); a
complaint found invalid is explained with an approved wording (CMP-09). An answer is drafted to
company policy by an agent or supervisor and approved by the leader in charge (主管领导, KB-06:
not the call-centre supervisor, and never the one who drafted it) before anyone may give it.
Each approval is a revision of the same controlled document (number, revision, approver); a
redraft waits beside the approved text, which stays in use until the new one is approved. When
a site reports that the facts behind an answer changed, the answer is flagged for revision
(KB-07, KB-10) and shows so until approved again.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import Conflict, RuleViolation

from intake.domain.boards import RequestKind
from intake.domain.catalogue import Catalogue, NotInCatalogue, manual_catalogue

MAX_QUESTION = 500
MAX_ANSWER = 4000
MAX_TOPIC = 40

ANSWERED_BOARDS = (RequestKind.CONSULTATION, RequestKind.INFORMATION, RequestKind.COMPLAINT)
"""The boards a standard answer serves: consultations and the information agents give (TAX-02,
TAX-08), and the wording an invalid complaint is explained with (CMP-09)."""


class AnswerStatus(enum.StrEnum):
    """Where a standard answer stands."""

    DRAFT = "draft"
    """Never approved: nobody may give it yet."""
    IN_USE = "in_use"
    """An approved revision is given; a redraft may wait beside it."""
    WITHDRAWN = "withdrawn"
    """No longer given (kept for the record)."""


class InvalidStandardAnswer(RuleViolation):
    """A draft or an approval breaks a rule of document control."""


@dataclass(frozen=True)
class Revision:
    """One text of the answer, as drafted and, once approved, as given."""

    revision: int
    question: str
    answer: str
    drafted_by: str
    drafted_at: datetime
    approved_by: str | None = None
    approved_at: datetime | None = None


@dataclass
class StandardAnswer(Aggregate):
    answer_id: uuid.UUID
    document_no: str
    """The controlled document's number, e.g. ``SA-DMG-0007``."""
    site_id: str
    kind: RequestKind
    topic: str
    """The item of the board the answer belongs to (TAX-02, TAX-08), for reports and search."""
    approved: Revision | None = None
    draft: Revision | None = None
    revision_reason: str | None = None
    """Why the answer must be revised (the facts behind it changed); None when it is current."""
    withdrawn_at: datetime | None = None

    @property
    def status(self) -> AnswerStatus:
        if self.withdrawn_at is not None:
            return AnswerStatus.WITHDRAWN
        return AnswerStatus.DRAFT if self.approved is None else AnswerStatus.IN_USE

    @property
    def latest(self) -> Revision:
        """The newest text: the draft waiting, else the approved one."""
        latest = self.draft or self.approved
        assert latest is not None  # a standard answer is created with its first draft
        return latest

    def redraft(self, question: str, answer: str, by: str, now: datetime) -> None:
        """A new text for approval; the approved one stays in use until then."""
        if self.withdrawn_at is not None:
            raise Conflict(f"standard answer {self.document_no} was withdrawn")
        number = (self.approved.revision if self.approved else 0) + 1
        self.draft = Revision(number, *_texts(question, answer), drafted_by=by, drafted_at=now)

    def approve(self, revision: int, by: str, now: datetime) -> None:
        """The leader in charge approves the waiting draft (KB-06); ``revision`` names the text
        they read, so a draft changed meanwhile is not approved unread."""
        draft = self.draft
        if draft is None:
            raise Conflict(f"standard answer {self.document_no} has no draft awaiting approval")
        if draft.revision != revision:
            raise Conflict(
                f"standard answer {self.document_no} awaits approval of revision "
                f"{draft.revision}, not {revision}"
            )
        if draft.drafted_by == by:
            raise InvalidStandardAnswer(
                "a standard answer is approved by the leader in charge, not by who drafted it",
                field="approved_by",
            )
        self.approved = replace(draft, approved_by=by, approved_at=now)
        self.draft = None
        self.revision_reason = None

    def flag_for_revision(self, reason: str) -> None:
        """The facts behind the answer changed: it shows as due for revision until approved
        again."""
        self.revision_reason = reason

    def withdraw(self, now: datetime) -> None:
        if self.withdrawn_at is None:
            self.withdrawn_at = now


def draft_answer(
    *,
    answer_id: uuid.UUID,
    document_no: str,
    site_id: str,
    kind: RequestKind,
    topic: str,
    question: str,
    answer: str,
    by: str,
    now: datetime,
    catalogue: Catalogue | None = None,
) -> StandardAnswer:
    """The first draft of a new standard answer, on a topic of the site's catalogue."""
    if kind not in ANSWERED_BOARDS:
        raise InvalidStandardAnswer(
            f"standard answers serve the {', '.join(k.value for k in ANSWERED_BOARDS)} boards, "
            f"not {kind.value}",
            field="kind",
        )
    try:
        (catalogue or manual_catalogue(site_id)).item(kind, topic, field="topic")
    except NotInCatalogue as refusal:
        raise InvalidStandardAnswer(refusal.message, field="topic") from None
    standard = StandardAnswer(
        answer_id=answer_id, document_no=document_no, site_id=site_id, kind=kind, topic=topic
    )
    standard.redraft(question, answer, by, now)
    return standard


def _texts(question: str, answer: str) -> tuple[str, str]:
    question, answer = question.strip(), answer.strip()
    if not 1 <= len(question) <= MAX_QUESTION:
        raise InvalidStandardAnswer(
            f"question must be 1 to {MAX_QUESTION} characters", field="question"
        )
    if not 1 <= len(answer) <= MAX_ANSWER:
        raise InvalidStandardAnswer(f"answer must be 1 to {MAX_ANSWER} characters", field="answer")
    return question, answer
