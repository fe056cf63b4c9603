"""The sites the hotline serves: added and configured by an admin, published for the other
services to keep where each is."""

from __future__ import annotations

from intake.domain.catalogue import manual_catalogue
from intake.domain.commands import RecordSite
from intake.domain.site import Site, new_site
from intake.service_layer.unit_of_work import IntakeUnitOfWork


async def record_site(command: RecordSite, uow: IntakeUnitOfWork) -> tuple[Site, bool]:
    """The site as recorded, and whether it is new. A new site starts with the manual's request
    catalogue, published with it (and set up on a later call if that save was cut short)."""
    now = uow.clock()
    site = await uow.sites.get(command.site_id)
    created = site is None
    if site is None:
        site = new_site(command.site_id, command.settings, now)
        uow.sites.add(site)
        changed = True
    else:
        changed = site.configure(command.settings, now)
    if await uow.catalogues.get(command.site_id) is None:
        catalogue = manual_catalogue(command.site_id)
        catalogue.recorded(now)
        uow.catalogues.add(catalogue)
        changed = True
    if changed:
        await uow.commit()
    return site, created
