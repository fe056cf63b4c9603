"""Triage (判别): accept, decline with the explanation given, or redirect to where the caller
should go (KB-01, KB-18, KB-19, CMP-08); only accepted requests are served."""

from __future__ import annotations

import pytest
from contracts.intake import v1
from intake.domain.boards import RequestKind
from intake.domain.replies import FIRST_ANSWER
from intake.domain.service_request import Channel, InvalidRegistration, RequestStatus

from tests.unit.intake_harness import Intake, registration

NOTE = "业主自有家电维修不在物业服务范围, 已建议联系品牌售后"


@pytest.mark.parametrize("triage", [RequestStatus.DECLINED, RequestStatus.REDIRECTED])
async def test_kb19_a_request_not_served_here_is_kept_with_what_the_caller_was_told(
    triage: RequestStatus,
) -> None:
    """A redirected caller is told the right place to go, the correct repair channel among
    them (CH-12), and what they were told is kept."""
    intake = Intake()
    request, _ = await intake.register(registration(triage=triage, triage_note=f" {NOTE} "))
    assert request.status is triage and request.triage_note == NOTE
    assert request.request_no  # numbered and kept, for the monthly counts
    assert intake.store.published_of(v1.ServiceRequestAccepted) == []  # nothing dispatched
    assert request.deadlines() == {}  # told on the spot


async def test_a_declined_letter_still_owes_its_written_answer() -> None:
    intake = Intake()
    request, _ = await intake.register(
        registration(triage=RequestStatus.DECLINED, triage_note=NOTE, channel=Channel.LETTER)
    )
    assert FIRST_ANSWER in request.deadlines()


@pytest.mark.parametrize("note", [None, "  "])
async def test_kb01_a_decline_without_the_explanation_given_is_refused(note: str | None) -> None:
    with pytest.raises(InvalidRegistration) as refused:
        await Intake().register(registration(triage=RequestStatus.DECLINED, triage_note=note))
    assert refused.value.field == "triage_note"


async def test_cmp08_a_complaint_is_redirected_or_assessed_never_declined() -> None:
    intake = Intake()
    complaint = registration(kind=RequestKind.COMPLAINT, category="other", registered_by="agent")
    with pytest.raises(InvalidRegistration) as refused:
        await intake.register(
            registration(
                kind=RequestKind.COMPLAINT,
                category="other",
                triage=RequestStatus.DECLINED,
                triage_note=NOTE,
            )
        )
    assert refused.value.field == "triage"
    redirected, _ = await intake.register(
        registration(
            kind=RequestKind.COMPLAINT,
            category="other",
            triage=RequestStatus.REDIRECTED,
            triage_note="噪音扰民请向辖区派出所反映",
        )
    )
    assert redirected.status is RequestStatus.REDIRECTED and redirected.complaint is None
    accepted, _ = await intake.register(complaint)
    assert accepted.status is RequestStatus.ACCEPTED and accepted.complaint is not None
