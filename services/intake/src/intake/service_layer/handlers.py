"""Intake's use cases, one handler per command, all registered in ``HANDLERS``."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import asdict
from typing import Any

from hotline_libs.errors import Conflict, HotlineError
from hotline_libs.ids import derive_id, next_serial_number

from intake.domain.commands import (
    AcceptJobHandover,
    ApproveStandardAnswer,
    AskRosterChange,
    AssessComplaint,
    CloseIncident,
    DecideRosterChange,
    DeclareIncident,
    DraftRoster,
    DraftStandardAnswer,
    GiveStandardAnswer,
    HandOverJob,
    ImportDirectory,
    KeepPriceList,
    LoadWorkingCalendarYear,
    MarkRepresentative,
    NoteIncidentCall,
    NoteOnTimeline,
    OpenDutyLog,
    PlanComplaintHandling,
    PromiseReply,
    PutCatalogueItem,
    RecordComplaintOpinion,
    RecordInspection,
    RecordPhoneBookEntry,
    RecordResident,
    RecordSite,
    RecordStaffMember,
    RecordUnit,
    RedraftStandardAnswer,
    RegisterRequest,
    RegisterSiteSubmission,
    RemovePhoneBookEntry,
    ReplyToResident,
    ReportInformationChange,
    RequestDeadlineReached,
    ResolveComplaint,
    ReviewReply,
    RosterDeadlineReached,
    SignDutyLog,
    SignMonthlyReport,
    SignOffDuty,
    SubmitRoster,
    TakeOverDuty,
    UpdateIncidentScript,
    UpdateResident,
    WithdrawStandardAnswer,
    WordReceptionScript,
    WriteDutyEntry,
    WriteSpecialMatterReport,
)
from intake.domain.refused_submission import RefusedSubmission
from intake.domain.service_request import (
    InvalidRegistration,
    Registration,
    ServiceRequest,
    accept,
)
from intake.domain.site import UnknownSite
from intake.service_layer import (
    answers,
    complaints,
    directory,
    duty,
    incidents,
    information,
    organisation,
    reports,
)
from intake.service_layer.calendars import load_working_calendar_year
from intake.service_layer.catalogue import catalogue_of, put_catalogue_item
from intake.service_layer.job_handovers import accept_job_handover, hand_over_job
from intake.service_layer.price_lists import keep_price_list
from intake.service_layer.sites import record_site
from intake.service_layer.unit_of_work import IntakeUnitOfWork


def fingerprint(registration: Registration) -> str:
    """A digest of what was asked, to tell a retry from a different request under one key."""
    data = asdict(registration)
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def site_feed_key(source_ref: str) -> str:
    """The key a site system's submission registers under: one request per site and source_ref."""
    return f"site-feed:{source_ref}"


async def register_request(
    command: RegisterRequest, uow: IntakeUnitOfWork
) -> tuple[ServiceRequest, bool]:
    """Register and accept a request; returns it and whether it is new.

    With an ``Idempotency-Key`` the request id is derived from the key, so a client retrying a
    POST gets the first request back instead of a second registration.
    """
    registration = command.registration
    site = await uow.sites.get(registration.site_id)
    if site is None:
        raise UnknownSite(f"site {registration.site_id!r} is not served by this hotline")
    if registration.second_complaint_of is not None:
        earlier = await uow.requests.get(registration.second_complaint_of)
        if earlier is None or earlier.complaint is None or earlier.site_id != site.site_id:
            raise InvalidRegistration(
                f"second_complaint_of {registration.second_complaint_of} is no complaint of "
                f"{site.site_id}",
                field="second_complaint_of",
            )
    digest = fingerprint(registration)
    if command.idempotency_key:
        request_id = derive_id("service-request", registration.site_id, command.idempotency_key)
        earlier = await uow.requests.get(request_id)
        if earlier is not None:
            return _same_request(earlier, digest), False
    else:
        request_id = uuid.uuid4()
    now = uow.clock()
    request = accept(
        registration,
        site,
        request_id=request_id,
        request_no="",
        now=now,
        catalogue=await catalogue_of(uow, site.site_id),
        price_list=await uow.price_lists.get(site.site_id),
    )
    # numbered only once triage accepted it: a refused registration leaves no gap in the numbers
    request.request_no = await next_serial_number(uow.serials, "SR", site.code, now)
    request.fingerprint = digest
    uow.requests.add(request)
    await uow.commit()
    return request, True


def _same_request(earlier: ServiceRequest, digest: str) -> ServiceRequest:
    if earlier.fingerprint != digest:
        raise Conflict(
            "Idempotency-Key was already used for a different request; use a new key for a new request"
        )
    return earlier


async def register_site_submission(
    command: RegisterSiteSubmission, uow: IntakeUnitOfWork
) -> ServiceRequest | RefusedSubmission:
    """Register a site system's submission once; a refusal is kept where duty staff see it.

    A submission sent again (same site and ``source_ref``, same content) finds the request it
    registered first.
    """
    refused = await uow.refused_submissions.get(command.submission_id)
    if refused is not None:
        return refused
    try:
        request, _ = await register_request(
            RegisterRequest(
                registration=command.registration,
                idempotency_key=site_feed_key(command.source_ref),
                causation_id=command.causation_id,
            ),
            uow,
        )
    except HotlineError as refusal:
        reason = refusal.message
        if isinstance(refusal, Conflict):
            reason = (
                f"source_ref {command.source_ref!r} of site {command.registration.site_id!r} was "
                "already registered with different content; a new request needs a new source_ref"
            )
        resident = command.registration.resident
        refused = RefusedSubmission(
            submission_id=command.submission_id,
            site_id=command.registration.site_id,
            source_ref=command.source_ref,
            reason=reason,
            refusal=type(refusal).__name__,
            received_at=uow.clock(),
            resident_name=resident.name,
            resident_phone=resident.phone,
            description=command.registration.description,
        )
        uow.refused_submissions.add(refused)
        await uow.commit()
        return refused
    return request


async def note_on_timeline(command: NoteOnTimeline, uow: IntakeUnitOfWork) -> bool:
    """Keep another service's step on the request's timeline; a redelivery changes nothing."""
    return await uow.timeline.add(command.entry)


HANDLERS: dict[type[Any], Any] = {
    RegisterRequest: register_request,
    RegisterSiteSubmission: register_site_submission,
    LoadWorkingCalendarYear: load_working_calendar_year,
    PutCatalogueItem: put_catalogue_item,
    KeepPriceList: keep_price_list,
    HandOverJob: hand_over_job,
    AcceptJobHandover: accept_job_handover,
    RecordSite: record_site,
    RecordStaffMember: organisation.record_staff_member,
    WordReceptionScript: organisation.word_reception_script,
    RecordPhoneBookEntry: organisation.record_phone_book_entry,
    RemovePhoneBookEntry: organisation.remove_phone_book_entry,
    DraftStandardAnswer: answers.draft_standard_answer,
    RedraftStandardAnswer: answers.redraft_standard_answer,
    ApproveStandardAnswer: answers.approve_standard_answer,
    WithdrawStandardAnswer: answers.withdraw_standard_answer,
    GiveStandardAnswer: answers.give_standard_answer,
    PromiseReply: answers.promise_reply,
    ReplyToResident: answers.reply_to_resident,
    ReviewReply: answers.review_reply,
    RequestDeadlineReached: answers.request_deadline_reached,
    RecordResident: directory.record_resident_,
    UpdateResident: directory.update_resident,
    RecordUnit: directory.record_unit_,
    ImportDirectory: directory.import_directory,
    AssessComplaint: complaints.assess_complaint,
    PlanComplaintHandling: complaints.plan_complaint_handling,
    RecordComplaintOpinion: complaints.record_complaint_opinion,
    ResolveComplaint: complaints.resolve_complaint,
    MarkRepresentative: complaints.mark_representative,
    DeclareIncident: incidents.declare_incident,
    NoteIncidentCall: incidents.note_incident_call,
    UpdateIncidentScript: incidents.update_incident_script,
    WriteSpecialMatterReport: incidents.write_special_matter_report,
    CloseIncident: incidents.close_incident,
    OpenDutyLog: duty.open_duty_log,
    WriteDutyEntry: duty.write_duty_entry,
    TakeOverDuty: duty.take_over_duty,
    SignOffDuty: duty.sign_off_duty,
    SignDutyLog: duty.sign_duty_log,
    DraftRoster: duty.draft_roster,
    SubmitRoster: duty.submit_roster,
    AskRosterChange: duty.ask_roster_change,
    DecideRosterChange: duty.decide_roster_change,
    RosterDeadlineReached: duty.roster_deadline_reached,
    RecordInspection: duty.record_inspection,
    NoteOnTimeline: note_on_timeline,
    SignMonthlyReport: reports.sign_monthly_report,
    ReportInformationChange: information.report_information_change,
}
"""Every command intake handles, and its handler."""
