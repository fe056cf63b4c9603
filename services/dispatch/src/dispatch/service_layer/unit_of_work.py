"""What dispatch's use cases need of the store: its repositories, serial numbers and the clock."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from hotline_libs.aggregate import Clock
from hotline_libs.ids import Serials
from hotline_libs.working_calendars import Calendars

from dispatch.domain.monthly_report import MonthlyReporting
from dispatch.domain.roster import TechnicianRoster
from dispatch.domain.technician import Technician
from dispatch.domain.work_order import WorkOrder


class WorkOrderRepository(Protocol):
    async def get(self, work_order_id: object) -> WorkOrder | None: ...
    def add(self, order: WorkOrder) -> None: ...
    async def open_per_technician(self, site_id: str) -> dict[str, int]:
        """How many dispatched, unfinished work orders each technician of the site has."""
        ...

    async def waiting_at(self, site_id: str) -> list[WorkOrder]:
        """The site's work orders awaiting a technician, oldest first (tracked for saving)."""
        ...

    async def created_between(
        self, site_id: str, start: datetime, end: datetime
    ) -> list[WorkOrder]:
        """The site's work orders made in [start, end), for reading."""
        ...


class TechnicianRepository(Protocol):
    async def get(self, technician_id: object) -> Technician | None: ...
    def add(self, technician: Technician) -> None: ...
    async def at_site(self, site_id: str) -> list[Technician]: ...


class RosterRepository(Protocol):
    async def get(self, roster_id: object) -> TechnicianRoster | None: ...
    def add(self, roster: TechnicianRoster) -> None: ...
    async def of_month(self, site_id: str, month: str) -> TechnicianRoster | None: ...
    async def published(self, site_id: str, month: str) -> TechnicianRoster | None: ...


class MonthlyReportRepository(Protocol):
    async def get(self, site_id: object) -> MonthlyReporting | None: ...
    def add(self, reporting: MonthlyReporting) -> None: ...


class DispatchUnitOfWork(Protocol):
    work_orders: WorkOrderRepository
    technicians: TechnicianRepository
    rosters: RosterRepository
    monthly_reports: MonthlyReportRepository
    calendars: Calendars
    serials: Serials
    clock: Clock

    async def commit(self) -> Any: ...
