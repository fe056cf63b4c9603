"""The sites the hotline serves: added and configured by an admin, published for the other
services to keep where each is."""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterable
from typing import Any, Protocol

from hotline_libs.aggregate import Clock
from hotline_libs.errors import ConcurrencyConflict

from intake.domain.commands import RecordSite
from intake.domain.site import Site, new_site
from intake.service_layer.unit_of_work import IntakeUnitOfWork, SiteRepository


async def record_site(command: RecordSite, uow: IntakeUnitOfWork) -> tuple[Site, bool]:
    """The site as recorded, and whether it is new."""
    site = await uow.sites.get(command.site_id)
    if site is None:
        site = new_site(command.site_id, command.settings, uow.clock())
        uow.sites.add(site)
        await uow.commit()
        return site, True
    if site.configure(command.settings, uow.clock()):
        await uow.commit()
    return site, False


class Seeding(Protocol):
    """What seeding needs of a unit of work (read-only, so any store's will do)."""

    @property
    def sites(self) -> SiteRepository: ...
    @property
    def clock(self) -> Clock: ...
    async def commit(self) -> Any: ...


async def seed_sites(uow: Seeding, sites: Iterable[Site]) -> None:
    """Add the demo sites not stored yet, each published as recorded; another replica doing
    the same at the same moment is no error."""
    for site in sites:
        if await uow.sites.get(site.site_id) is None:
            seeded = copy.deepcopy(site)
            seeded.recorded(uow.clock())
            uow.sites.add(seeded)
    with contextlib.suppress(ConcurrencyConflict):
        await uow.commit()
