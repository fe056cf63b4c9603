"""Consultation answers: standard answers under document control (KB-03, KB-06), replies
promised in tiers on the site's calendar (KB-04), and the 24-hour first answer (X7, X8).

The real handlers run through the real message bus on an in-memory store; clocks are fired as
the deadline poller fires them.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from contracts.intake import v1
from hotline_libs.errors import Conflict, NotFound, RuleViolation
from hotline_libs.working_days import CalendarYearUnknown
from intake.adapters.search import terms
from intake.domain.boards import RequestKind
from intake.domain.commands import (
    ApproveStandardAnswer,
    DraftStandardAnswer,
    GiveStandardAnswer,
    PromiseReply,
    RedraftStandardAnswer,
    ReplyToResident,
    RequestDeadlineReached,
    ReviewReply,
)
from intake.domain.monthly_report import count
from intake.domain.replies import FIRST_ANSWER, REPLY_PROMISE, ReplyKind, ReplyTier
from intake.domain.service_request import Channel, ServiceRequest
from intake.domain.standard_answer import AnswerStatus, InvalidStandardAnswer, StandardAnswer

from tests.builders import NOW
from tests.unit.intake_harness import Intake, registration

AGENT, LEADER = "agent-017", "director-001"
QUESTION = "物业管理费的收费标准是多少?"
ANSWER = "住宅物业管理费为每月每平方米1.80元, 按房产证面积计收。"


def consultation(**overrides: Any) -> Any:
    values = {"kind": RequestKind.CONSULTATION, "category": "property_service"}
    return registration(**{"description": "问管理费怎么收", **values, **overrides})


async def drafted(intake: Intake, **overrides: Any) -> StandardAnswer:
    values: dict[str, Any] = {
        "site_id": "dmg",
        "kind": RequestKind.CONSULTATION,
        "topic": "property_service",
        "question": QUESTION,
        "answer": ANSWER,
        "by": AGENT,
    }
    answer: StandardAnswer = await intake.bus.handle(DraftStandardAnswer(**{**values, **overrides}))
    return answer


async def approved(intake: Intake, **overrides: Any) -> StandardAnswer:
    draft = await drafted(intake, **overrides)
    answer: StandardAnswer = await intake.bus.handle(
        ApproveStandardAnswer(draft.answer_id, 1, LEADER, None)
    )
    return answer


async def give(intake: Intake, request: ServiceRequest, answer: StandardAnswer) -> ServiceRequest:
    given: ServiceRequest = await intake.bus.handle(
        GiveStandardAnswer(request.request_id, answer.answer_id, AGENT, None)
    )
    return given


async def promise(intake: Intake, request: ServiceRequest, tier: ReplyTier) -> ServiceRequest:
    promised: ServiceRequest = await intake.bus.handle(
        PromiseReply(request.request_id, tier, AGENT, None)
    )
    return promised


async def reply(intake: Intake, request: ServiceRequest, progress: bool = False) -> ServiceRequest:
    replied: ServiceRequest = await intake.bus.handle(
        ReplyToResident(request.request_id, "财务部答复: 本月按原标准收取", progress, AGENT, None)
    )
    return replied


async def fire(intake: Intake, request: ServiceRequest, deadline: str) -> ServiceRequest:
    stored = intake.store.saved("service_requests")[str(request.request_id)]
    due_at = stored.deadlines()[deadline]
    intake.clock.now = due_at + timedelta(seconds=1)
    await intake.bus.handle(RequestDeadlineReached(request.request_id, deadline, due_at))
    found: ServiceRequest = intake.store.saved("service_requests")[str(request.request_id)]
    return found


# --- standard answers under document control (KB-06) ---


async def test_kb06_a_drafted_answer_is_numbered_and_waits_for_the_leader_in_charge() -> None:
    """Document control (REC-08): each answer a numbered document with its revisions and approver."""
    intake = Intake()
    draft = await drafted(intake)
    assert draft.document_no == "SA-DMG-0001"
    assert draft.status is AnswerStatus.DRAFT and draft.approved is None
    second = await drafted(intake, question="停车费怎么收?")
    assert second.document_no == "SA-DMG-0002"


async def test_kb06_whoever_drafted_an_answer_may_not_approve_it() -> None:
    intake = Intake()
    draft = await drafted(intake)
    with pytest.raises(InvalidStandardAnswer, match="not by who drafted it"):
        await intake.bus.handle(ApproveStandardAnswer(draft.answer_id, 1, AGENT, None))


async def test_kb06_approval_names_the_revision_read_and_records_the_approver() -> None:
    intake = Intake()
    draft = await drafted(intake)
    with pytest.raises(Conflict, match="revision 1, not 2"):
        await intake.bus.handle(ApproveStandardAnswer(draft.answer_id, 2, LEADER, None))
    answer = await intake.bus.handle(ApproveStandardAnswer(draft.answer_id, 1, LEADER, None))
    assert answer.status is AnswerStatus.IN_USE
    assert answer.approved.approved_by == LEADER and answer.approved.approved_at == NOW
    with pytest.raises(Conflict, match="no draft awaiting approval"):
        await intake.bus.handle(ApproveStandardAnswer(draft.answer_id, 1, LEADER, None))


async def test_kb10_a_redraft_leaves_the_approved_text_in_use_until_approved() -> None:
    intake = Intake()
    answer = await approved(intake)
    redrafted: StandardAnswer = await intake.bus.handle(
        RedraftStandardAnswer(answer.answer_id, QUESTION, "每月每平方米2.00元", AGENT, None)
    )
    assert redrafted.approved is not None and redrafted.approved.answer == ANSWER
    assert redrafted.draft is not None and redrafted.draft.revision == 2
    assert redrafted.status is AnswerStatus.IN_USE
    again = await intake.bus.handle(ApproveStandardAnswer(answer.answer_id, 2, LEADER, None))
    assert again.approved.revision == 2 and again.approved.answer == "每月每平方米2.00元"


async def test_an_answer_serves_a_question_board_and_one_of_its_items() -> None:
    intake = Intake()
    with pytest.raises(InvalidStandardAnswer, match="not repair") as refused:
        await drafted(intake, kind=RequestKind.REPAIR, topic="own_unit")
    assert refused.value.field == "kind"
    with pytest.raises(InvalidStandardAnswer, match="topic 'parking'") as refused:
        await drafted(intake, topic="parking")
    assert refused.value.field == "topic"
    with pytest.raises(InvalidStandardAnswer) as refused:
        await drafted(intake, answer="   ")
    assert refused.value.field == "answer"


# --- answering at once (KB-03) ---


async def test_kb03_an_approved_answer_given_at_once_is_the_first_answer() -> None:
    intake = Intake()
    answer = await approved(intake)
    request, _ = await intake.register(consultation())
    assert FIRST_ANSWER in request.deadlines()
    answered = await give(intake, request, answer)
    [given] = answered.replies
    assert given.kind is ReplyKind.STANDARD_ANSWER and given.text == ANSWER
    assert given.standard_answer is not None and given.standard_answer.document_no == "SA-DMG-0001"
    assert given.standard_answer.revision == 1
    assert answered.deadlines() == {}
    [published] = intake.store.published_of(v1.ResidentReplied)
    assert published.payload.document_no == "SA-DMG-0001"
    assert published.payload.promise_kept_on_time is None


async def test_kb06_a_draft_nobody_approved_cannot_be_given() -> None:
    intake = Intake()
    draft = await drafted(intake)
    request, _ = await intake.register(consultation())
    with pytest.raises(Conflict, match="not approved for use"):
        await give(intake, request, draft)


async def test_another_sites_answer_is_not_given_and_another_sites_request_is_not_found() -> None:
    intake = Intake()
    theirs = await approved(intake, site_id="gxi")
    request, _ = await intake.register(consultation())
    with pytest.raises(RuleViolation, match="gxi's"):
        await give(intake, request, theirs)
    with pytest.raises(NotFound):
        await intake.bus.handle(
            PromiseReply(request.request_id, ReplyTier.MINUTES_10, AGENT, frozenset({"gxi"}))
        )


# --- replies promised in tiers (KB-04) ---


@pytest.mark.parametrize(
    ("tier", "promised_at", "due_at"),
    [
        (ReplyTier.MINUTES_10, NOW, NOW + timedelta(minutes=10)),
        (ReplyTier.MINUTES_30, NOW, NOW + timedelta(minutes=30)),
        # Monday 10:00 in Xi'an → Tuesday 10:00
        (ReplyTier.WORKING_DAYS_1, NOW, NOW + timedelta(days=1)),
        # Friday 16:00 in Xi'an → Wednesday 16:00, over the weekend
        (
            ReplyTier.WORKING_DAYS_3,
            datetime(2026, 11, 27, 8, 0, tzinfo=UTC),
            datetime(2026, 12, 2, 8, 0, tzinfo=UTC),
        ),
        # Wednesday 30 September → the National Day week off, then Friday 9 October
        (
            ReplyTier.WORKING_DAYS_2,
            datetime(2026, 9, 30, 2, 0, tzinfo=UTC),
            datetime(2026, 10, 9, 2, 0, tzinfo=UTC),
        ),
    ],
)
async def test_kb04_a_promise_falls_due_by_its_tier_on_the_sites_calendar(
    tier: ReplyTier, promised_at: datetime, due_at: datetime
) -> None:
    intake = Intake()
    intake.clock.now = promised_at
    request, _ = await intake.register(consultation())
    promised = await promise(intake, request, tier)
    assert promised.promises[-1].due_at == due_at
    assert promised.deadlines()[REPLY_PROMISE] == due_at
    [published] = intake.store.published_of(v1.ReplyPromised)
    assert published.payload.due_at == due_at and published.payload.tier.value == tier.value


async def test_kb04_a_promise_into_a_year_nobody_loaded_fails_loudly() -> None:
    intake = Intake()
    intake.clock.now = datetime(2026, 12, 30, 2, 0, tzinfo=UTC)
    request, _ = await intake.register(consultation())
    with pytest.raises(CalendarYearUnknown, match="2027"):
        await promise(intake, request, ReplyTier.WORKING_DAYS_3)
    assert intake.store.saved("service_requests")[str(request.request_id)].promises == ()


async def test_kb04_a_reply_in_time_keeps_the_promise_and_stops_its_clock() -> None:
    intake = Intake()
    request, _ = await intake.register(consultation())
    await promise(intake, request, ReplyTier.MINUTES_30)
    intake.clock.now = NOW + timedelta(minutes=25)
    replied = await reply(intake, request)
    assert replied.promises[-1].kept_at == NOW + timedelta(minutes=25)
    assert replied.promises[-1].kept_on_time
    assert replied.deadlines() == {}
    [published] = intake.store.published_of(v1.ResidentReplied)
    assert published.payload.promise_kept_on_time is True


async def test_kb04_a_promise_running_out_is_reported_once_and_a_late_reply_still_counts() -> None:
    intake = Intake()
    request, _ = await intake.register(consultation())
    await promise(intake, request, ReplyTier.MINUTES_10)
    late = await fire(intake, request, REPLY_PROMISE)
    assert late.promises[-1].breached_at == NOW + timedelta(minutes=10, seconds=1)
    assert REPLY_PROMISE not in late.deadlines()
    await intake.bus.handle(
        RequestDeadlineReached(request.request_id, REPLY_PROMISE, NOW + timedelta(minutes=10))
    )
    [breached] = intake.store.published_of(v1.ReplyPromiseBreached)
    assert breached.payload.tier.value == "10_minutes" and breached.payload.promised_by == AGENT
    replied = await reply(intake, request)
    assert replied.promises[-1].kept_at is not None and not replied.promises[-1].kept_on_time


async def test_kb04_one_promise_at_a_time_and_progress_keeps_it() -> None:
    intake = Intake()
    request, _ = await intake.register(consultation())
    await promise(intake, request, ReplyTier.WORKING_DAYS_1)
    with pytest.raises(Conflict, match="reply first"):
        await promise(intake, request, ReplyTier.MINUTES_10)
    progressed = await reply(intake, request, progress=True)
    assert progressed.replies[-1].kind is ReplyKind.PROGRESS
    again = await promise(intake, request, ReplyTier.WORKING_DAYS_2)
    assert len(again.promises) == 2 and again.open_promise is again.promises[-1]


async def test_a_reply_must_say_something() -> None:
    intake = Intake()
    request, _ = await intake.register(consultation())
    with pytest.raises(RuleViolation) as refused:
        await intake.bus.handle(ReplyToResident(request.request_id, "  ", False, AGENT, None))
    assert refused.value.field == "text"


# --- quality control reads answers against policy (KB-05, KB-14, KB-15) ---


async def test_kb05_kb15_an_answer_found_against_policy_is_counted_in_the_month() -> None:
    intake = Intake()
    request, _ = await intake.register(consultation())
    await reply(intake, request)
    await reply(intake, request, progress=True)
    with pytest.raises(Conflict, match="someone other"):
        await intake.bus.handle(ReviewReply(request.request_id, 1, True, "答复有误", AGENT, None))
    reviewed: ServiceRequest = await intake.bus.handle(
        ReviewReply(request.request_id, 1, True, " 停车费已调整, 应先核实 ", "quality-001", None)
    )
    first = reviewed.replies[0]
    assert first.review is not None and first.review.contradicts_policy
    assert first.review.note == "停车费已调整, 应先核实"
    await intake.bus.handle(
        ReviewReply(request.request_id, 2, False, "进展告知及时", "quality-001", None)
    )
    with pytest.raises(NotFound, match="no answer 3"):
        await intake.bus.handle(
            ReviewReply(request.request_id, 3, False, "无", "quality-001", None)
        )
    with pytest.raises(RuleViolation) as empty:
        await intake.bus.handle(
            ReviewReply(request.request_id, 2, False, "  ", "quality-001", None)
        )
    assert empty.value.field == "note"

    figures = count(intake.requests())[RequestKind.CONSULTATION]
    assert (figures.answers_reviewed, figures.answers_contradicting_policy) == (2, 1)


# --- the first answer within 24 hours (X7, X8) ---


@pytest.mark.parametrize(
    ("kind", "category", "channel", "owed"),
    [
        (RequestKind.CONSULTATION, "property_service", Channel.HOTLINE, True),
        (RequestKind.INFORMATION, "procedure", Channel.WALK_IN, True),
        (RequestKind.REPAIR, "own_unit", Channel.HOTLINE, False),  # taking it down answered them
        (RequestKind.REPAIR, "own_unit", Channel.LETTER, True),
        (RequestKind.REPAIR, "own_unit", Channel.EMAIL, True),
        (RequestKind.REPAIR, "own_unit", Channel.ONLINE_CHAT, False),
    ],
)
async def test_x7_a_request_not_answered_on_the_spot_owes_a_first_answer_in_24_hours(
    kind: RequestKind, category: str, channel: Channel, owed: bool
) -> None:
    """Any request is answered within 24 hours (KPI-10)."""
    intake = Intake()
    request, _ = await intake.register(registration(kind=kind, category=category, channel=channel))
    expected = {FIRST_ANSWER: NOW + timedelta(hours=24)} if owed else {}
    assert request.deadlines() == expected


async def test_x8_a_three_day_promise_still_owes_word_within_24_hours() -> None:
    intake = Intake()
    request, _ = await intake.register(consultation())
    promised = await promise(intake, request, ReplyTier.WORKING_DAYS_3)
    assert set(promised.deadlines()) == {REPLY_PROMISE, FIRST_ANSWER}
    overdue = await fire(intake, request, FIRST_ANSWER)
    assert overdue.first_answer_overdue_at is not None
    assert set(overdue.deadlines()) == {REPLY_PROMISE}
    [published] = intake.store.published_of(v1.FirstAnswerOverdue)
    assert published.payload.due_at == NOW + timedelta(hours=24)


async def test_a_deadline_answered_meanwhile_does_nothing() -> None:
    intake = Intake()
    request, _ = await intake.register(consultation())
    await reply(intake, request, progress=True)
    intake.clock.now = NOW + timedelta(hours=25)
    await intake.bus.handle(
        RequestDeadlineReached(request.request_id, FIRST_ANSWER, NOW + timedelta(hours=24))
    )
    assert intake.store.published_of(v1.FirstAnswerOverdue) == []
    await intake.bus.handle(RequestDeadlineReached(uuid.uuid4(), FIRST_ANSWER, NOW))


# --- finding answers by words ---


def test_a_chinese_query_shares_words_with_an_answer_a_substring_match_would_miss() -> None:
    query = "管理费标准"
    assert query not in QUESTION + ANSWER
    assert {"管理费", "标准"} <= set(terms(QUESTION)) & set(terms(query))
    assert "的" not in terms(QUESTION) and "?" not in terms(QUESTION)
    assert terms("Parking FEE") == ["parking", "fee"]
