"""Intake's service layer on an in-memory store: the real handlers, bus and mappers."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from contracts.intake import v1
from contracts.sites.v1 import SiteRequestSubmitted
from hotline_libs.bus import MessageBus
from intake.adapters.inbound.sites_v1 import register_site_submission
from intake.adapters.outbound import directory_v1, duty_v1, events_v1, incidents_v1
from intake.adapters.outbound.events_v1 import to_integration
from intake.domain.boards import RequestKind
from intake.domain.catalogue import PAID_ITEMS, Catalogue
from intake.domain.commands import RegisterRequest
from intake.domain.duty_log import DutyLog
from intake.domain.incident import Incident
from intake.domain.information_change import InformationChange
from intake.domain.inspection import Inspection
from intake.domain.job_handover import JobHandover
from intake.domain.monthly_report import ReportSignOffs
from intake.domain.phone_book import PhoneBookEntry
from intake.domain.price_list import PricedItem, PriceList
from intake.domain.reception_script import ReceptionScript
from intake.domain.refused_submission import RefusedSubmission
from intake.domain.roster import Roster
from intake.domain.service_request import (
    Channel,
    Registration,
    RequestedItem,
    ResidentContact,
    ServiceRequest,
)
from intake.domain.site import Site
from intake.domain.staff import StaffMember
from intake.domain.standard_answer import StandardAnswer
from intake.domain.working_calendar import WorkingCalendarYear
from intake.service_layer.handlers import HANDLERS

from tests.builders import NOW
from tests.fakes import Clock, FakeRepository, FakeUnitOfWork, MemoryStore

DMG = Site("dmg", "DMG", "大明宫花园", frozenset(RequestKind) - {RequestKind.HOUSEKEEPING})
GXI = Site("gxi", "GXI", "高新国际中心", frozenset(RequestKind))

REQUESTS = "service_requests"
REFUSED = "refused_site_submissions"


def registration(**overrides: Any) -> Registration:
    values: dict[str, Any] = {
        "site_id": "dmg",
        "kind": RequestKind.REPAIR,
        "category": "own_unit",
        "description": " 厨房水龙头漏水 ",
        "resident": ResidentContact("王芳", "138 0013 8000", None, "3", "1202"),
        "channel": Channel.HOTLINE,
    }
    values |= overrides
    if "requested_items" not in overrides and (
        values["kind"].value,
        values["category"],
    ) in PAID_ITEMS | {("housekeeping", "glass_cleaning")}:
        # a paid service names what it asks for from the site's price list (TAX-09)
        code = "HK-GLASS" if values["kind"] is RequestKind.HOUSEKEEPING else "RP-TAP"
        values["requested_items"] = (RequestedItem(code, 1),)
    return Registration(**values)


def price_list(site_id: str, *codes: str, version: int = 1) -> PriceList:
    """A site's price list as billing published it (by default its taps and windows)."""
    items = codes or ("RP-TAP", "RP-DRAIN", "HK-GLASS")
    return PriceList(
        site_id,
        {code: PricedItem(code, code, "次", Decimal("80.00")) for code in items},
        source_version=version,
        recorded_at=NOW,
    )


PRICES = price_list("dmg")
"""Dmg's price list, for triage called directly."""


class FakeServiceRequests(FakeRepository[ServiceRequest]):
    collection_name = REQUESTS

    def identity(self, aggregate: ServiceRequest) -> str:
        return str(aggregate.request_id)

    async def owed_by(self, site_id: str, login: str) -> list[ServiceRequest]:
        return self.tracked_where(
            lambda r: r.site_id == site_id and login in r.owing, lambda r: r.registered_at
        )

    async def registered_between(
        self, site_id: str, start: datetime, end: datetime
    ) -> list[ServiceRequest]:
        return self.tracked_where(
            lambda r: r.site_id == site_id and start <= r.registered_at < end,
            lambda r: r.registered_at,
        )


class FakeReportSignOffs(FakeRepository[ReportSignOffs]):
    collection_name = "report_signoffs"

    def identity(self, aggregate: ReportSignOffs) -> str:
        return aggregate.report_id


class FakeReceptionScripts(FakeRepository[ReceptionScript]):
    collection_name = "reception_scripts"

    def identity(self, aggregate: ReceptionScript) -> str:
        return aggregate.site_id


class FakeTimeline:
    """What other services told intake about requests: (what, request id) pairs."""

    def __init__(self, store: MemoryStore) -> None:
        self.entries: set[tuple[str, str]] = store.saved("timeline").setdefault("pairs", set())

    async def add(self, entry: Any) -> bool:
        raise NotImplementedError("the timeline's entries are kept by its own tests")

    async def requests_with(self, what: str, request_ids: list[str]) -> set[str]:
        return {r for r in request_ids if (what, r) in self.entries}


class FakeCatalogues(FakeRepository[Catalogue]):
    collection_name = "catalogues"

    def identity(self, aggregate: Catalogue) -> str:
        return aggregate.site_id


class FakeJobHandovers(FakeRepository[JobHandover]):
    collection_name = "job_handovers"

    def identity(self, aggregate: JobHandover) -> str:
        return str(aggregate.handover_id)

    async def pending_for(self, staff_id: str) -> JobHandover | None:
        found = self.tracked_where(lambda h: h.staff_id == staff_id and h.pending, lambda h: 0)
        return found[0] if found else None


class FakePriceLists(FakeRepository[PriceList]):
    collection_name = "price_lists"

    def identity(self, aggregate: PriceList) -> str:
        return aggregate.site_id


class FakeStaff(FakeRepository[StaffMember]):
    collection_name = "staff"

    def identity(self, aggregate: StaffMember) -> str:
        return aggregate.staff_id


class FakePhoneBook(FakeRepository[PhoneBookEntry]):
    collection_name = "phone_book"

    def identity(self, aggregate: PhoneBookEntry) -> str:
        return str(aggregate.entry_id)


class FakeSites(FakeRepository[Site]):
    collection_name = "sites"

    def identity(self, aggregate: Site) -> str:
        return aggregate.site_id


class FakeRefusedSubmissions(FakeRepository[RefusedSubmission]):
    collection_name = REFUSED

    def identity(self, aggregate: RefusedSubmission) -> str:
        return str(aggregate.submission_id)


class FakeStandardAnswers(FakeRepository[StandardAnswer]):
    collection_name = "standard_answers"

    def identity(self, aggregate: StandardAnswer) -> str:
        return str(aggregate.answer_id)


class FakeCalendarYears(FakeRepository[WorkingCalendarYear]):
    collection_name = "working_calendar_years"

    def identity(self, aggregate: WorkingCalendarYear) -> str:
        return f"{aggregate.schedule.country}-{aggregate.schedule.year}"


class FakeIncidents(FakeRepository[Incident]):
    collection_name = "incidents"

    def identity(self, aggregate: Incident) -> str:
        return str(aggregate.incident_id)


class FakeDutyLogs(FakeRepository[DutyLog]):
    collection_name = "duty_logs"

    def identity(self, aggregate: DutyLog) -> str:
        return aggregate.log_id

    async def before(self, site_id: str, start: datetime) -> DutyLog | None:
        earlier = [
            log
            for log in self._store.saved(self.collection_name).values()
            if log.site_id == site_id and log.shift.start_on(log.day, start.tzinfo) < start
        ]
        earlier.sort(key=lambda log: log.shift.start_on(log.day, start.tzinfo))
        return copy.deepcopy(earlier[-1]) if earlier else None


class FakeRosters(FakeRepository[Roster]):
    collection_name = "rosters"

    def identity(self, aggregate: Roster) -> str:
        return aggregate.roster_id


class FakeInspections(FakeRepository[Inspection]):
    collection_name = "front_desk_inspections"

    def identity(self, aggregate: Inspection) -> str:
        return str(aggregate.inspection_id)


class FakeInformationChanges(FakeRepository[InformationChange]):
    collection_name = "information_changes"

    def identity(self, aggregate: InformationChange) -> str:
        return str(aggregate.change_id)


class FakeIntakeUnitOfWork(FakeUnitOfWork):
    def __init__(self, store: MemoryStore, clock: Clock) -> None:
        super().__init__(store, clock)
        self.requests = FakeServiceRequests(store, self, to_integration)
        self.sites = FakeSites(store, self, directory_v1.site_recorded)
        self.catalogues = FakeCatalogues(store, self, directory_v1.catalogue_recorded)
        self.price_lists = FakePriceLists(store, self, None)
        self.staff = FakeStaff(store, self, directory_v1.staff_recorded)
        self.job_handovers = FakeJobHandovers(store, self, None)
        self.report_signoffs = FakeReportSignOffs(store, self, events_v1.monthly_report_approved)
        self.timeline = FakeTimeline(store)
        self.reception_scripts = FakeReceptionScripts(store, self, None)
        self.phone_book = FakePhoneBook(store, self, None)
        self.refused_submissions = FakeRefusedSubmissions(store, self, None)
        self.standard_answers = FakeStandardAnswers(store, self, None)
        self.calendar_years = FakeCalendarYears(store, self, directory_v1.to_integration)
        self.incidents = FakeIncidents(store, self, incidents_v1.to_integration)
        self.duty_logs = FakeDutyLogs(store, self, None)
        self.rosters = FakeRosters(store, self, duty_v1.roster_event)
        self.inspections = FakeInspections(store, self, None)
        self.information_changes = FakeInformationChanges(store, self, None)


class Intake:
    """Intake's service layer on a memory store, with a clock the test sets."""

    def __init__(self, *sites: Site) -> None:
        self.store = MemoryStore()
        self.clock = Clock(NOW)
        self.bus = MessageBus(HANDLERS, uow=lambda: FakeIntakeUnitOfWork(self.store, self.clock))
        for site in sites or (DMG, GXI):
            stored = replace(site)  # as if seeded earlier
            stored.version = 1
            self.store.saved("sites")[site.site_id] = stored
            prices = price_list(site.site_id)
            prices.version = 1
            self.store.saved("price_lists")[site.site_id] = prices

    async def register(
        self, given: Registration | None = None, key: str | None = None
    ) -> tuple[ServiceRequest, bool]:
        result: tuple[ServiceRequest, bool] = await self.bus.handle(
            RegisterRequest(registration=given or registration(), idempotency_key=key)
        )
        return result

    async def submit(self, event: SiteRequestSubmitted) -> ServiceRequest | RefusedSubmission:
        """What the site feed's subscription does with one message."""
        result: ServiceRequest | RefusedSubmission = await self.bus.handle(
            register_site_submission(event)
        )
        return result

    def requests(self) -> list[ServiceRequest]:
        return list(self.store.saved(REQUESTS).values())

    def refused(self) -> list[RefusedSubmission]:
        return list(self.store.saved(REFUSED).values())

    def accepted(self) -> list[v1.ServiceRequestAccepted]:
        return self.store.published_of(v1.ServiceRequestAccepted)

    def serials_drawn(self) -> dict[str, int]:
        return self.store.serials.values
