"""The complaint register and its clocks (CMP-04, CMP-05, CMP-12..CMP-15, CMP-20, CMP-21,
ORG-08, INC-06, TAX-10), on the real handlers and bus with an in-memory store; the deadlines
are fired as the poller fires them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from contracts.intake import v1
from hotline_libs.errors import Conflict, RuleViolation
from intake.domain.boards import RequestKind
from intake.domain.commands import (
    AssessComplaint,
    MarkRepresentative,
    PlanComplaintHandling,
    RecordComplaintOpinion,
    RegisterRequest,
    ReplyToResident,
    RequestDeadlineReached,
    ResolveComplaint,
)
from intake.domain.complaint import (
    ESCALATION,
    REGISTER_DUE,
    ComplaintGrade,
    Department,
    EscalationThresholds,
    OpinionSource,
    Validity,
)
from intake.domain.replies import FIRST_ANSWER
from intake.domain.service_request import Channel, InvalidRegistration, ServiceRequest

from tests.builders import NOW
from tests.unit.intake_harness import DMG, GXI, Intake, registration

AGENT, SUPERVISOR, STEWARD = "agent-017", "supervisor-002", "steward-004"
END_OF_NOW_DAY = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)  # midnight in Xi'an


def complaint(**overrides: Any) -> Any:
    values = {
        "kind": RequestKind.COMPLAINT,
        "category": "facilities",
        "description": "3号楼电梯一周坏了两次",
        "registered_by": AGENT,
    }
    return registration(**{**values, **overrides})


async def registered(intake: Intake, **overrides: Any) -> ServiceRequest:
    request, _ = await intake.register(complaint(**overrides))
    return request


async def assess(
    intake: Intake,
    request: ServiceRequest,
    validity: Validity = Validity.VALID,
    department: Department | None = Department.MAINTENANCE,
) -> ServiceRequest:
    assessed: ServiceRequest = await intake.bus.handle(
        AssessComplaint(
            request.request_id,
            validity,
            ComplaintGrade.GENERAL,
            "电梯维保记录显示确有故障",
            department,
            SUPERVISOR,
            None,
        )
    )
    return assessed


async def resolve(intake: Intake, request: ServiceRequest) -> ServiceRequest:
    resolved: ServiceRequest = await intake.bus.handle(
        ResolveComplaint(request.request_id, "已更换门机板", True, STEWARD, None)
    )
    return resolved


async def fire(intake: Intake, request: ServiceRequest, deadline: str) -> ServiceRequest:
    stored = intake.store.saved("service_requests")[str(request.request_id)]
    due_at = stored.deadlines()[deadline]
    intake.clock.now = due_at + timedelta(seconds=1)
    await intake.bus.handle(RequestDeadlineReached(request.request_id, deadline, due_at))
    found: ServiceRequest = intake.store.saved("service_requests")[str(request.request_id)]
    return found


async def test_org08_the_agent_who_took_it_owns_the_register() -> None:
    request = await registered(Intake())
    assert request.complaint is not None
    assert request.complaint.first_responsible == AGENT
    assert request.registered_by == AGENT


@pytest.mark.parametrize("channel", [Channel.HOTLINE, Channel.LETTER])
async def test_cmp04_cmp05_every_complaint_is_answered_within_two_hours(
    channel: Channel,
) -> None:
    intake = Intake()
    request = await registered(intake, channel=channel)
    assert request.deadlines()[FIRST_ANSWER] == NOW + timedelta(hours=2)
    late = await fire(intake, request, FIRST_ANSWER)
    assert late.first_answer_overdue_at is not None
    [overdue] = intake.store.published_of(v1.FirstAnswerOverdue)
    assert overdue.payload.kind is v1.RequestKind.COMPLAINT


async def test_cmp04_a_reply_with_the_next_reply_time_stops_the_two_hour_clock() -> None:
    intake = Intake()
    request = await registered(intake)
    await intake.bus.handle(
        ReplyToResident(request.request_id, "已派维修部, 下午4点前回复您", True, AGENT, None)
    )
    stored = intake.store.saved("service_requests")[str(request.request_id)]
    assert FIRST_ANSWER not in stored.deadlines()


async def test_cmp12_the_register_is_due_by_the_end_of_the_sites_day() -> None:
    intake = Intake()
    request = await registered(intake)
    assert request.deadlines()[REGISTER_DUE] == END_OF_NOW_DAY
    late = await fire(intake, request, REGISTER_DUE)
    assert late.complaint is not None and late.complaint.register_overdue_at is not None
    assert REGISTER_DUE not in late.deadlines()
    [overdue] = intake.store.published_of(v1.ComplaintRegisterOverdue)
    assert overdue.payload.first_responsible == AGENT
    assert overdue.payload.due_at == END_OF_NOW_DAY


async def test_cmp07_cmp12_a_valid_complaint_is_sent_to_a_department_completing_the_register() -> (
    None
):
    """The complaint mechanism judges validity (TAX-13) on the facts found (CMP-17), named in the
    assessment's reason."""
    intake = Intake()
    request = await registered(intake)
    with pytest.raises(RuleViolation) as refused:
        await assess(intake, request, department=None)
    assert refused.value.field == "department"
    assessed = await assess(intake, request)
    assert assessed.complaint is not None and assessed.complaint.register_complete
    assert REGISTER_DUE not in assessed.deadlines()
    [published] = intake.store.published_of(v1.ComplaintAssessed)
    assert published.payload.department == "maintenance"
    assert published.payload.grade is v1.ComplaintGrade.GENERAL


async def test_cmp15_inc06_an_open_complaint_climbs_the_sites_ladder_once_per_rung() -> None:
    intake = Intake()
    request = await registered(intake)
    await assess(intake, request)
    assert request.deadlines()[ESCALATION] == NOW + timedelta(hours=4)
    to_supervisor = await fire(intake, request, ESCALATION)
    assert to_supervisor.complaint is not None
    assert to_supervisor.complaint.level.label == "supervisor"
    assert to_supervisor.deadlines()[ESCALATION] == NOW + timedelta(hours=24)
    to_manager = await fire(intake, request, ESCALATION)
    assert to_manager.complaint is not None
    assert to_manager.complaint.level.label == "higher_manager"
    assert ESCALATION not in to_manager.deadlines()
    levels = [e.payload.level for e in intake.store.published_of(v1.ComplaintEscalated)]
    assert levels == ["supervisor", "higher_manager"]


async def test_a_sites_own_thresholds_set_its_ladder() -> None:
    quick = replace(DMG, escalation=EscalationThresholds(timedelta(hours=1), timedelta(hours=8)))
    intake = Intake(quick, GXI)
    request = await registered(intake)
    assert request.deadlines()[ESCALATION] == NOW + timedelta(hours=1)


async def test_cmp14_resolving_stops_every_clock_and_says_whether_within_24_hours() -> None:
    """The outcome and whether the resident was satisfied are recorded with it (CMP-11)."""
    intake = Intake()
    request = await registered(intake)
    with pytest.raises(Conflict, match="not assessed"):
        await resolve(intake, request)
    await assess(intake, request)
    intake.clock.now = NOW + timedelta(hours=6)
    resolved = await resolve(intake, request)
    assert ESCALATION not in resolved.deadlines()
    assert REGISTER_DUE not in resolved.deadlines()
    assert resolved.complaint is not None and resolved.complaint.resolution is not None
    assert resolved.complaint.resolution.outcome == "已更换门机板"
    [published] = intake.store.published_of(v1.ComplaintResolved)
    assert published.payload.within_target and published.payload.resident_satisfied
    with pytest.raises(Conflict, match="resolved already"):
        await resolve(intake, request)


async def test_cmp05_cmp08_an_invalid_complaint_is_explained_not_escalated() -> None:
    intake = Intake()
    request = await registered(intake)
    assessed = await assess(intake, request, Validity.INVALID, department=None)
    assert assessed.complaint is not None and assessed.complaint.register_complete
    assert ESCALATION not in assessed.deadlines()
    with pytest.raises(Conflict, match="not assessed valid"):
        await intake.bus.handle(
            PlanComplaintHandling(request.request_id, Department.MAINTENANCE, "x", AGENT, None)
        )


async def test_cmp09_an_invalid_complaint_rests_on_the_departments_or_legal_advisers_opinion() -> (
    None
):
    """No standard wording answers it: the departments and the legal adviser give a
    professional opinion, kept on the register, that the reply is drafted from (CMP-09)."""
    intake = Intake()
    request = await registered(intake)

    def opinion(source: OpinionSource, department: Department | None = None) -> Any:
        return RecordComplaintOpinion(
            request.request_id, source, department, "李律师", " 车位属开发商所有 ", AGENT, None
        )

    with pytest.raises(Conflict, match="not assessed invalid"):
        await intake.bus.handle(opinion(OpinionSource.LEGAL_ADVISER))
    await assess(intake, request, Validity.INVALID, department=None)
    with pytest.raises(RuleViolation) as unnamed:
        await intake.bus.handle(opinion(OpinionSource.DEPARTMENT))
    assert unnamed.value.field == "department"
    await intake.bus.handle(opinion(OpinionSource.DEPARTMENT, Department.MARKETING))
    kept: ServiceRequest = await intake.bus.handle(opinion(OpinionSource.LEGAL_ADVISER))
    assert kept.complaint is not None
    assert [(o.source, o.department, o.opinion) for o in kept.complaint.opinions] == [
        (OpinionSource.DEPARTMENT, Department.MARKETING, "车位属开发商所有"),
        (OpinionSource.LEGAL_ADVISER, None, "车位属开发商所有"),
    ]


async def test_cmp13_the_department_attaches_its_handling_plan() -> None:
    intake = Intake()
    request = await registered(intake)
    await assess(intake, request)
    planned: ServiceRequest = await intake.bus.handle(
        PlanComplaintHandling(
            request.request_id, Department.MAINTENANCE, "今日更换门机板", "maint-head", None
        )
    )
    assert planned.complaint is not None and planned.complaint.plan is not None
    assert planned.complaint.plan.plan == "今日更换门机板"


async def test_cmp20_a_second_complaint_is_linked_to_the_first_of_its_site() -> None:
    intake = Intake()
    first = await registered(intake)
    second = await registered(
        intake, second_complaint_of=first.request_id, description="电梯又坏了, 第二次投诉"
    )
    assert second.complaint is not None and second.complaint.second_of == first.request_id
    repair, _ = await intake.register(registration())
    with pytest.raises(InvalidRegistration) as refused:
        await intake.bus.handle(
            RegisterRequest(
                complaint(second_complaint_of=repair.request_id, description="又坏了"), None
            )
        )
    assert refused.value.field == "second_complaint_of"
    with pytest.raises(InvalidRegistration) as refused:
        await intake.register(registration(second_complaint_of=first.request_id))
    assert refused.value.field == "second_complaint_of"


async def test_cmp21_quality_control_marks_a_representative_case() -> None:
    intake = Intake()
    request = await registered(intake)
    marked: ServiceRequest = await intake.bus.handle(
        MarkRepresentative(request.request_id, True, None)
    )
    assert marked.complaint is not None and marked.complaint.representative
    repair, _ = await intake.register(registration())
    with pytest.raises(Conflict, match="not a complaint"):
        await intake.bus.handle(MarkRepresentative(repair.request_id, True, None))
