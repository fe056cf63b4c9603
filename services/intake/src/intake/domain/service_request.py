"""Service requests and the triage rules that accept them (登记 → 判别)."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import Conflict, NotFound, RuleViolation
from hotline_libs.working_days import SiteCalendar

from intake.domain import events
from intake.domain.boards import RequestKind
from intake.domain.catalogue import Catalogue, NotInCatalogue, manual_catalogue
from intake.domain.complaint import (
    COMPLAINT_REPLY_WITHIN,
    ESCALATION,
    REGISTER_DUE,
    Assessment,
    ComplaintGrade,
    ComplaintRegister,
    Department,
    Escalation,
    HandlingPlan,
    OpinionSource,
    ProfessionalOpinion,
    Resolution,
    Validity,
    open_only,
)
from intake.domain.complaint import text as complaint_text
from intake.domain.price_list import PriceList, check_requested_items
from intake.domain.reception import (
    SITE_DESKS,
    AppointmentWindow,
    Attachment,
    CallRecord,
    Emergency,
    ReceivingDesk,
    checked_attachments,
)
from intake.domain.reception import (
    InvalidRegistration as InvalidRegistration,
)
from intake.domain.replies import (
    FIRST_ANSWER,
    FIRST_ANSWER_WITHIN,
    MAX_REPLY,
    MAX_REVIEW_NOTE,
    REPLY_PROMISE,
    PolicyReview,
    Reply,
    ReplyKind,
    ReplyPromise,
    ReplyTier,
    StandardAnswerGiven,
)
from intake.domain.site import Site

MAX_DESCRIPTION = 4000
MAX_NAME = 100
MAX_ADDRESS_PART = 20  # building, room
MAX_ITEM_CODE = 40
MAX_ITEMS = 50
MAX_QUANTITY = 1000
CLOCK_SKEW = timedelta(minutes=5)


class Channel(enum.StrEnum):
    """How the request reached the hotline (CH-01, CH-02)."""

    HOTLINE = "hotline"
    LETTER = "letter"
    WALK_IN = "walk_in"
    SITE_SYSTEM = "site_system"
    EMAIL = "email"
    WEB_FORM = "web_form"
    APP = "app"
    WECHAT = "wechat"
    ONLINE_CHAT = "online_chat"


LIVE_CHANNELS = frozenset(
    {Channel.HOTLINE, Channel.WALK_IN, Channel.SITE_SYSTEM, Channel.ONLINE_CHAT}
)
"""Channels where someone spoke with the resident as the request was taken: its acceptance
answered them. A letter, an e-mail, a form or a message still needs a first answer."""
ANSWERED_BOARDS = frozenset({RequestKind.CONSULTATION, RequestKind.INFORMATION})
"""Boards whose request is a question: taking it down does not answer it."""


class RequestStatus(enum.StrEnum):
    """What triage decided (判别): accepted and served, declined with an explanation given to the
    caller, or redirected (the caller told where to go). A registration breaking a rule is
    refused and not stored."""

    ACCEPTED = "accepted"
    DECLINED = "declined"
    REDIRECTED = "redirected"


MAX_TRIAGE_NOTE = 2000


@dataclass(frozen=True)
class ResidentContact:
    """Who called, and where they live (栋房号)."""

    name: str
    phone: str
    email: str | None
    building: str
    room: str


@dataclass(frozen=True)
class RequestedItem:
    """A price-list item the resident asked for."""

    item_code: str
    quantity: int


@dataclass(frozen=True)
class Registration:
    """What the agent typed in while on the call."""

    site_id: str
    kind: RequestKind
    category: str
    description: str
    resident: ResidentContact
    channel: Channel
    requested_items: tuple[RequestedItem, ...] = ()
    appointment_at: datetime | None = None
    registered_at: datetime | None = None
    registered_by: str = ""
    """Who took it down: the agent, duty staff member, or the site system's name."""
    triage: RequestStatus = RequestStatus.ACCEPTED
    """What the agent decided on the call: accept, decline or redirect."""
    triage_note: str | None = None
    """For a decline, the explanation the caller was given; for a redirect, where to go (KB-01,
    KB-19, CMP-08)."""
    second_complaint_of: uuid.UUID | None = None
    """For a complaint: the earlier complaint it repeats (二次投诉)."""
    appointment_until: datetime | None = None
    """The end of the appointment window, when a window was agreed rather than a time."""
    call: CallRecord | None = None
    """For a phone call: the switch's record of it."""
    attachments: tuple[Attachment, ...] = ()
    receiving_desk: ReceivingDesk | None = None
    """Where it was taken down; by default the call centre, or a walk-in's service centre."""
    emergency: Emergency | None = None


@dataclass
class ServiceRequest(Aggregate):
    """A registered and accepted request; the source of ``ServiceRequestAccepted``."""

    request_id: uuid.UUID
    request_no: str
    site_id: str
    kind: RequestKind
    category: str
    description: str
    resident: ResidentContact
    channel: Channel
    requested_items: tuple[RequestedItem, ...]
    appointment_at: datetime | None
    registered_at: datetime
    accepted_at: datetime
    fingerprint: str = field(default="", compare=False)
    replies: tuple[Reply, ...] = ()
    promises: tuple[ReplyPromise, ...] = ()
    first_answer_due_at: datetime | None = None
    """Set while the resident awaits a first answer (24 h from the call); None once answered or
    when taking the request down answered them."""
    first_answer_overdue_at: datetime | None = None
    registered_by: str = ""
    complaint: ComplaintRegister | None = None
    """The complaint register, for a request of the complaint board."""
    status: RequestStatus = RequestStatus.ACCEPTED
    triage_note: str | None = None
    appointment_until: datetime | None = None
    call: CallRecord | None = None
    attachments: tuple[Attachment, ...] = ()
    receiving_desk: ReceivingDesk = ReceivingDesk.CALL_CENTRE
    emergency: Emergency | None = None

    @property
    def open_promise(self) -> ReplyPromise | None:
        last = self.promises[-1] if self.promises else None
        return last if last is not None and last.is_open else None

    @property
    def owing(self) -> tuple[str, ...]:
        """Who owes the resident something here: the open complaint's first-contact owner, the
        agent who promised the reply still open."""
        owing = []
        if self.complaint is not None and self.complaint.is_open:
            owing.append(self.complaint.first_responsible)
        if self.open_promise is not None:
            owing.append(self.open_promise.promised_by)
        return tuple(dict.fromkeys(owing))

    def owed_by(self, login: str) -> list[str]:
        """What ``login`` still owes on this request: its complaint register (as first-contact
        owner) while the complaint is open, a reply they promised and have not given."""
        owed = []
        complaint = self.complaint
        if complaint is not None and complaint.is_open and complaint.first_responsible == login:
            owed.append("complaint")
        if self.open_promise is not None and self.open_promise.promised_by == login:
            owed.append("reply_promise")
        return owed

    def hand_over(self, leaver: str, successor: str) -> bool:
        """What ``leaver`` owes here becomes ``successor``'s (a job handover, DUTY-25); False
        when nothing was theirs any more (handed over already, or done)."""
        owed = self.owed_by(leaver)
        if "complaint" in owed:
            assert self.complaint is not None
            self.complaint = replace(self.complaint, first_responsible=successor)
        if "reply_promise" in owed:
            self.promises = (
                *self.promises[:-1],
                replace(self.promises[-1], promised_by=successor),
            )
        return bool(owed)

    def give_standard_answer(
        self, given: StandardAnswerGiven, text: str, by: str, now: datetime
    ) -> None:
        """The agent read out an approved standard answer (KB-03); it keeps an open promise."""
        self._replied(Reply(ReplyKind.STANDARD_ANSWER, text, by, now, given))

    def reply(self, text: str, by: str, now: datetime, *, progress: bool = False) -> None:
        """The resident was given the answer (or, with ``progress``, word of progress); an open
        promise is kept by either."""
        text = text.strip()
        if not 1 <= len(text) <= MAX_REPLY:
            raise InvalidRegistration(f"text must be 1 to {MAX_REPLY} characters", field="text")
        self._replied(Reply(ReplyKind.PROGRESS if progress else ReplyKind.REPLY, text, by, now))

    def review_reply(self, number: int, review: PolicyReview) -> Reply:
        """Quality control reads answer ``number`` (1 = the first given) against company policy;
        a later reading replaces an earlier one. Nobody reviews their own answer."""
        if not 1 <= number <= len(self.replies):
            raise NotFound(
                f"request {self.request_no} has {len(self.replies)} answers; no answer {number}"
            )
        reply = self.replies[number - 1]
        if reply.by == review.by:
            raise Conflict("an answer is reviewed by someone other than who gave it")
        note = review.note.strip()
        if not 1 <= len(note) <= MAX_REVIEW_NOTE:
            raise RuleViolation(f"note must be 1 to {MAX_REVIEW_NOTE} characters", field="note")
        reviewed = replace(reply, review=replace(review, note=note))
        self.replies = (*self.replies[: number - 1], reviewed, *self.replies[number:])
        return reviewed

    def promise_reply(
        self, tier: ReplyTier, by: str, now: datetime, calendar: SiteCalendar
    ) -> ReplyPromise:
        """Promise the resident a reply within ``tier`` (KB-04)."""
        if self.open_promise is not None:
            raise Conflict(
                f"request {self.request_no} already has a reply promised by "
                f"{self.open_promise.due_at.isoformat()}: reply first (word of progress keeps it)"
            )
        promise = ReplyPromise(tier, by, now, tier.due(now, calendar))
        self.promises = (*self.promises, promise)
        self.record(events.ReplyPromised(promised_at=now, due_at=promise.due_at))
        return promise

    def _replied(self, reply: Reply) -> None:
        self.replies = (*self.replies, reply)
        self.first_answer_due_at = None
        promise = self.open_promise
        if promise is not None:
            self.promises = (*self.promises[:-1], replace(promise, kept_at=reply.at))
        self.record(events.ResidentReplied(replied_at=reply.at))

    def deadlines(self) -> dict[str, datetime]:
        running = {}
        promise = self.open_promise
        if promise is not None and promise.breached_at is None:
            running[REPLY_PROMISE] = promise.due_at
        if self.first_answer_due_at is not None and self.first_answer_overdue_at is None:
            running[FIRST_ANSWER] = self.first_answer_due_at
        complaint = self.complaint
        if complaint is not None:
            if not complaint.register_complete and complaint.register_overdue_at is None:
                running[REGISTER_DUE] = complaint.register_due_at
            climb = complaint.next_escalation(self.registered_at)
            if climb is not None:
                running[ESCALATION] = climb[1]
        return running

    def deadline_reached(self, name: str, now: datetime) -> None:
        if name == REPLY_PROMISE:
            promise = self.open_promise
            assert promise is not None
            self.promises = (*self.promises[:-1], replace(promise, breached_at=now))
            self.record(events.ReplyPromiseBreached(due_at=promise.due_at, noticed_at=now))
        elif name == FIRST_ANSWER:
            assert self.first_answer_due_at is not None
            self.first_answer_overdue_at = now
            self.record(events.FirstAnswerOverdue(due_at=self.first_answer_due_at, noticed_at=now))
        elif name == REGISTER_DUE:
            complaint = self._complaint()
            self.complaint = replace(complaint, register_overdue_at=now)
            self.record(
                events.ComplaintRegisterOverdue(due_at=complaint.register_due_at, noticed_at=now)
            )
        elif name == ESCALATION:
            complaint = self._complaint()
            climb = complaint.next_escalation(self.registered_at)
            assert climb is not None
            level, due_at = climb
            self.complaint = replace(
                complaint, escalations=(*complaint.escalations, Escalation(level, now))
            )
            self.record(events.ComplaintEscalated(level=level.label, due_at=due_at, at=now))
        else:
            super().deadline_reached(name, now)

    # -- the complaint register --------------------------------------------------------------
    def _complaint(self) -> ComplaintRegister:
        if self.complaint is None:
            raise Conflict(f"request {self.request_no} is not a complaint")
        return self.complaint

    def assess_complaint(
        self,
        validity: Validity,
        grade: ComplaintGrade,
        reason: str,
        department: Department | None,
        by: str,
        now: datetime,
    ) -> None:
        """Valid or invalid, with the reason and grade (CMP-05, CMP-08, TAX-10); a valid one is
        sent to its department at once (CMP-07, CMP-12). Reassessing replaces the assessment."""
        complaint = self._complaint()
        open_only(complaint, self.request_no)
        if validity is Validity.VALID and department is None:
            raise RuleViolation(
                "a valid complaint is sent to the department that solves it", field="department"
            )
        assessment = Assessment(
            validity, grade, complaint_text("reason", reason), department, by, now
        )
        self.complaint = replace(complaint, assessment=assessment)
        self.record(events.ComplaintAssessed(at=now))

    def plan_handling(self, department: Department, plan: str, by: str, now: datetime) -> None:
        """The responsible department's handling plan (CMP-13)."""
        complaint = self._complaint()
        open_only(complaint, self.request_no)
        if complaint.assessment is None or complaint.assessment.validity is not Validity.VALID:
            raise Conflict(f"complaint {self.request_no} is not assessed valid")
        self.complaint = replace(
            complaint, plan=HandlingPlan(department, complaint_text("plan", plan), by, now)
        )

    def resolve_complaint(
        self, outcome: str, resident_satisfied: bool | None, by: str, now: datetime
    ) -> None:
        """Solved (or, invalid, explained): the clocks stop and the resident is called back."""
        complaint = self._complaint()
        open_only(complaint, self.request_no)
        if complaint.assessment is None:
            raise Conflict(f"complaint {self.request_no} is not assessed yet")
        resolution = Resolution(complaint_text("outcome", outcome), resident_satisfied, by, now)
        self.complaint = replace(complaint, resolution=resolution)
        self.record(events.ComplaintResolved(at=now))

    def add_opinion(self, opinion: ProfessionalOpinion) -> None:
        """A department's or the legal adviser's opinion on a complaint found invalid (CMP-09);
        a department's names which one."""
        complaint = self._complaint()
        open_only(complaint, self.request_no)
        if complaint.assessment is None or complaint.assessment.validity is not Validity.INVALID:
            raise Conflict(
                f"complaint {self.request_no} is not assessed invalid: a valid one gets its "
                "department's handling plan"
            )
        if (opinion.source is OpinionSource.DEPARTMENT) != (opinion.department is not None):
            raise RuleViolation(
                "department names the department giving its opinion, and only then",
                field="department",
            )
        checked = replace(
            opinion,
            given_by=complaint_text("given_by", opinion.given_by),
            opinion=complaint_text("opinion", opinion.opinion),
        )
        self.complaint = replace(complaint, opinions=(*complaint.opinions, checked))

    def mark_representative(self, representative: bool) -> None:
        """Quality control marks a case as representative (CMP-21)."""
        self.complaint = replace(self._complaint(), representative=representative)


def normalise_phone(raw: str, region: str = "CN") -> str:
    """The number in E.164 form; ``InvalidRegistration`` if it is not a valid phone number."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise InvalidRegistration(
            f"resident.phone {raw!r} is not a phone number", field="resident.phone"
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidRegistration(
            f"resident.phone {raw!r} is not a valid phone number", field="resident.phone"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def accept(
    registration: Registration,
    site: Site,
    *,
    request_id: uuid.UUID,
    request_no: str,
    now: datetime,
    catalogue: Catalogue | None = None,
    price_list: PriceList | None = None,
) -> ServiceRequest:
    """Triage a registration against the site's service scope, its catalogue (the manual's,
    unless the site changed it) and, for a paid service, its price list, and accept it."""
    if registration.kind not in site.services:
        raise InvalidRegistration(
            f"site {site.site_id!r} ({site.name}) does not offer {registration.kind.value} "
            "services",
            field="kind",
        )
    try:
        asked_for = (catalogue or manual_catalogue(site.site_id)).item(
            registration.kind, registration.category
        )
    except NotInCatalogue as refusal:
        raise InvalidRegistration(refusal.message, field=refusal.field) from None
    description = registration.description.strip()
    if not description:
        raise InvalidRegistration(
            "description must say what the resident asked for", field="description"
        )
    if len(description) > MAX_DESCRIPTION:
        raise InvalidRegistration(
            f"description is longer than {MAX_DESCRIPTION} characters", field="description"
        )
    if registration.appointment_at is not None:
        AppointmentWindow(registration.appointment_at, registration.appointment_until).checked(now)
    elif registration.appointment_until is not None:
        raise InvalidRegistration(
            "appointment_until ends a window that starts at appointment_at; give both",
            field="appointment_until",
        )
    registered_at = registration.registered_at or now
    if registered_at > now + CLOCK_SKEW:
        raise InvalidRegistration("registered_at is in the future", field="registered_at")
    items_asked = _requested_items(registration.requested_items)
    if registration.triage is RequestStatus.ACCEPTED:
        check_requested_items(
            [item.item_code for item in items_asked], asked_for, site.site_id, price_list
        )
    call = _call(registration, registered_at)
    desk = _desk(registration)
    attachments = checked_attachments(registration.attachments)
    request = ServiceRequest(
        request_id=request_id,
        request_no=request_no,
        site_id=site.site_id,
        kind=registration.kind,
        category=registration.category,
        description=description,
        resident=_resident(registration.resident),
        channel=registration.channel,
        requested_items=items_asked,
        appointment_at=registration.appointment_at,
        registered_at=registered_at,
        accepted_at=now,
        appointment_until=registration.appointment_until,
        call=call,
        attachments=attachments,
        receiving_desk=desk,
        emergency=registration.emergency,
    )
    request.registered_by = registration.registered_by
    if registration.kind is RequestKind.COMPLAINT:
        request.first_answer_due_at = registered_at + COMPLAINT_REPLY_WITHIN
        request.complaint = ComplaintRegister(
            first_responsible=registration.registered_by,
            register_due_at=site.end_of_day(registered_at),
            thresholds=site.escalation,
            second_of=registration.second_complaint_of,
        )
    elif registration.channel not in LIVE_CHANNELS or registration.kind in ANSWERED_BOARDS:
        request.first_answer_due_at = registered_at + FIRST_ANSWER_WITHIN
    elif registration.second_complaint_of is not None:
        raise InvalidRegistration(
            "second_complaint_of is for complaints only", field="second_complaint_of"
        )
    if registration.triage is RequestStatus.ACCEPTED:
        request.record(events.ServiceRequestAccepted(accepted_at=now))
    else:
        _decline_or_redirect(request, registration)
    if request.emergency is not None:
        request.record(events.EmergencyReported(reported_at=now))
    return request


def _call(registration: Registration, registered_at: datetime) -> CallRecord | None:
    """The phone's record, for a request taken on a call (KPI-09)."""
    call = registration.call
    if call is None:
        return None
    if registration.channel is not Channel.HOTLINE:
        raise InvalidRegistration(
            f"call is the record of a phone call; a request by {registration.channel.value} "
            "has none",
            field="call",
        )
    try:
        number = normalise_phone(call.caller_number)
    except InvalidRegistration:
        raise InvalidRegistration(
            f"call.caller_number {call.caller_number!r} is not a valid phone number",
            field="call.caller_number",
        ) from None
    return replace(call, caller_number=number, agent=call.agent.strip()).checked(registered_at)


def _desk(registration: Registration) -> ReceivingDesk:
    """Where it was taken down: a walk-in is received at a site, never at the call centre."""
    desk = registration.receiving_desk
    if registration.channel is Channel.WALK_IN:
        if desk is None:
            return ReceivingDesk.SERVICE_CENTRE
        if desk not in SITE_DESKS:
            raise InvalidRegistration(
                "a walk-in is received at a site's service centre or control room, not the "
                "call centre",
                field="receiving_desk",
            )
    return desk or ReceivingDesk.CALL_CENTRE


def _decline_or_redirect(request: ServiceRequest, registration: Registration) -> None:
    """Not served here: the caller was told why, or where to go; no work order follows."""
    note = (registration.triage_note or "").strip()
    what = "explanation given" if registration.triage is RequestStatus.DECLINED else "place"
    if not 1 <= len(note) <= MAX_TRIAGE_NOTE:
        raise InvalidRegistration(
            f"a {registration.triage.value} request records the {what} told to the caller "
            f"(triage_note, 1 to {MAX_TRIAGE_NOTE} characters)",
            field="triage_note",
        )
    if registration.emergency is not None and registration.triage is RequestStatus.DECLINED:
        raise InvalidRegistration(
            "an emergency is not declined: accept it, or redirect it to whoever handles it (the "
            "gas company, the fire brigade); the supervisor is alerted either way",
            field="triage",
        )
    if registration.kind is RequestKind.COMPLAINT and registration.triage is RequestStatus.DECLINED:
        raise InvalidRegistration(
            "a complaint is not declined: assess it invalid and explain (CMP-05, CMP-08), or "
            "redirect it to the body that handles it",
            field="triage",
        )
    request.status = registration.triage
    request.triage_note = note
    request.complaint = (
        None if registration.triage is RequestStatus.REDIRECTED else request.complaint
    )
    if request.channel in LIVE_CHANNELS:
        request.first_answer_due_at = None  # told on the spot


def _resident(contact: ResidentContact) -> ResidentContact:
    """The contact as stored: trimmed, phone in E.164, e-mail checked.

    The HTTP API checks lengths and the e-mail before a registration is built; a site's own
    system feeds registrations over Kafka without that check, so the rules are enforced here.
    """
    return ResidentContact(
        name=_text("resident.name", contact.name, MAX_NAME),
        phone=normalise_phone(contact.phone),
        email=normalise_email(contact.email),
        building=_text("resident.building", contact.building, MAX_ADDRESS_PART),
        room=_text("resident.room", contact.room, MAX_ADDRESS_PART),
    )


def _text(name: str, value: str, longest: int) -> str:
    value = value.strip()
    if not value or len(value) > longest:
        raise InvalidRegistration(
            f"{name} must be 1 to {longest} characters, got {len(value)}", field=name
        )
    return value


def normalise_email(raw: str | None) -> str | None:
    """The address in normal form, None if none was given; ``InvalidRegistration`` if invalid."""
    if raw is None or not raw.strip():
        return None
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise InvalidRegistration(
            f"resident.email {raw!r} is not an e-mail address: {exc}", field="resident.email"
        ) from None


def _requested_items(items: tuple[RequestedItem, ...]) -> tuple[RequestedItem, ...]:
    if len(items) > MAX_ITEMS:
        raise InvalidRegistration(
            f"requested_items lists {len(items)} items; at most {MAX_ITEMS}",
            field="requested_items",
        )
    cleaned = tuple(
        RequestedItem(
            _text(f"requested_items[{n}].item_code", item.item_code, MAX_ITEM_CODE), item.quantity
        )
        for n, item in enumerate(items)
    )
    for n, item in enumerate(cleaned):
        if not 1 <= item.quantity <= MAX_QUANTITY:
            raise InvalidRegistration(
                f"requested_items[{n}].quantity must be 1 to {MAX_QUANTITY}, got {item.quantity}",
                field=f"requested_items[{n}].quantity",
            )
    codes = [item.item_code for item in cleaned]
    if len(set(codes)) != len(codes):
        raise InvalidRegistration(
            "requested_items lists an item_code twice; give one line per item",
            field="requested_items",
        )
    return cleaned
