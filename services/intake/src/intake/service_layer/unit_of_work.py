"""What intake's use cases need of the store."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from hotline_libs.aggregate import Clock
from hotline_libs.ids import Serials
from hotline_libs.working_calendars import Calendars

from intake.domain.catalogue import Catalogue
from intake.domain.duty_log import DutyLog
from intake.domain.incident import Incident
from intake.domain.information_change import InformationChange
from intake.domain.inspection import Inspection
from intake.domain.job_handover import JobHandover
from intake.domain.monthly_report import ReportSignOffs
from intake.domain.phone_book import PhoneBookEntry
from intake.domain.price_list import PriceList
from intake.domain.reception_script import ReceptionScript
from intake.domain.refused_submission import RefusedSubmission
from intake.domain.resident import Resident
from intake.domain.roster import Roster
from intake.domain.service_request import ServiceRequest
from intake.domain.site import Site, UnknownSite
from intake.domain.staff import StaffMember
from intake.domain.standard_answer import StandardAnswer
from intake.domain.timeline import TimelineEntry
from intake.domain.unit import Unit
from intake.domain.working_calendar import WorkingCalendarYear


class ServiceRequestRepository(Protocol):
    async def get(self, request_id: object) -> ServiceRequest | None: ...
    def add(self, request: ServiceRequest) -> None: ...
    async def owed_by(self, site_id: str, login: str) -> list[ServiceRequest]: ...
    async def registered_between(
        self, site_id: str, start: datetime, end: datetime
    ) -> list[ServiceRequest]: ...


class StaffRepository(Protocol):
    async def get(self, staff_id: object) -> StaffMember | None: ...
    def add(self, member: StaffMember) -> None: ...


class JobHandoverRepository(Protocol):
    async def get(self, handover_id: object) -> JobHandover | None: ...
    def add(self, handover: JobHandover) -> None: ...
    async def pending_for(self, staff_id: str) -> JobHandover | None: ...


class PhoneBookRepository(Protocol):
    async def get(self, entry_id: object) -> PhoneBookEntry | None: ...
    def add(self, entry: PhoneBookEntry) -> None: ...


class CatalogueRepository(Protocol):
    async def get(self, site_id: object) -> Catalogue | None: ...
    def add(self, catalogue: Catalogue) -> None: ...


class PriceListRepository(Protocol):
    async def get(self, site_id: object) -> PriceList | None: ...
    def add(self, price_list: PriceList) -> None: ...


class SiteRepository(Protocol):
    async def get(self, site_id: object) -> Site | None: ...
    def add(self, site: Site) -> None: ...


class RefusedSubmissionRepository(Protocol):
    async def get(self, submission_id: object) -> RefusedSubmission | None: ...
    def add(self, refused: RefusedSubmission) -> None: ...


class WorkingCalendarYearRepository(Protocol):
    async def get(self, year_id: object) -> WorkingCalendarYear | None: ...
    def add(self, year: WorkingCalendarYear) -> None: ...


class StandardAnswerRepository(Protocol):
    async def get(self, answer_id: object) -> StandardAnswer | None: ...
    def add(self, answer: StandardAnswer) -> None: ...


class ResidentRepository(Protocol):
    async def get(self, resident_id: object) -> Resident | None: ...
    def add(self, resident: Resident) -> None: ...
    async def with_phone(
        self, phone: str, sites: frozenset[str] | None = None, *, track: bool = False
    ) -> list[Resident]: ...


class UnitRepository(Protocol):
    async def get(self, unit_id: object) -> Unit | None: ...
    def add(self, unit: Unit) -> None: ...


class IncidentRepository(Protocol):
    async def get(self, incident_id: object) -> Incident | None: ...
    def add(self, incident: Incident) -> None: ...


class DutyLogRepository(Protocol):
    async def get(self, log_id: object) -> DutyLog | None: ...
    def add(self, log: DutyLog) -> None: ...
    async def before(self, site_id: str, start: datetime) -> DutyLog | None: ...


class RosterRepository(Protocol):
    async def get(self, roster_id: object) -> Roster | None: ...
    def add(self, roster: Roster) -> None: ...


class InspectionRepository(Protocol):
    def add(self, inspection: Inspection) -> None: ...


class Timeline(Protocol):
    async def add(self, entry: TimelineEntry) -> bool: ...
    async def requests_with(self, what: str, request_ids: list[str]) -> set[str]: ...


class ReportSignOffRepository(Protocol):
    async def get(self, report_id: object) -> ReportSignOffs | None: ...
    def add(self, report: ReportSignOffs) -> None: ...


class ReceptionScriptRepository(Protocol):
    async def get(self, site_id: object) -> ReceptionScript | None: ...
    def add(self, script: ReceptionScript) -> None: ...


class InformationChangeRepository(Protocol):
    def add(self, change: InformationChange) -> None: ...


class IntakeUnitOfWork(Protocol):
    reception_scripts: ReceptionScriptRepository
    information_changes: InformationChangeRepository
    report_signoffs: ReportSignOffRepository
    timeline: Timeline
    duty_logs: DutyLogRepository
    rosters: RosterRepository
    inspections: InspectionRepository
    incidents: IncidentRepository
    residents: ResidentRepository
    units: UnitRepository
    standard_answers: StandardAnswerRepository
    requests: ServiceRequestRepository
    calendar_years: WorkingCalendarYearRepository
    calendars: Calendars
    sites: SiteRepository
    catalogues: CatalogueRepository
    job_handovers: JobHandoverRepository
    price_lists: PriceListRepository
    staff: StaffRepository
    phone_book: PhoneBookRepository
    refused_submissions: RefusedSubmissionRepository
    serials: Serials
    clock: Clock

    async def commit(self) -> Any: ...


def visible(site_id: str, sites: frozenset[str] | None) -> bool:
    """Whether a record of ``site_id`` is the caller's to see (``None``: every site); another
    site's record is answered as not found, so its id does not leak."""
    return sites is None or site_id in sites


async def served_site(uow: IntakeUnitOfWork, site_id: str, field: str = "site_id") -> Site:
    """The site, or ``UnknownSite`` naming ``field`` when the hotline does not serve it."""
    site = await uow.sites.get(site_id)
    if site is None:
        raise UnknownSite(f"site {site_id!r} is not served by this hotline", field=field)
    return site
