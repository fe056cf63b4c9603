"""The sites the hotline serves: added and configured by an admin, published for the other
services to keep where each is."""

from __future__ import annotations

from intake.domain.commands import RecordSite
from intake.domain.site import Site, new_site
from intake.service_layer.unit_of_work import IntakeUnitOfWork


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
