"""A site's request catalogue: read by triage and standard answers, changed by the site."""

from __future__ import annotations

from intake.domain.catalogue import Catalogue, CatalogueItem, manual_catalogue
from intake.domain.commands import PutCatalogueItem
from intake.service_layer.unit_of_work import IntakeUnitOfWork, served_site


async def catalogue_of(uow: IntakeUnitOfWork, site_id: str) -> Catalogue:
    """The site's catalogue: the manual's until the site changed an item."""
    return await uow.catalogues.get(site_id) or manual_catalogue(site_id)


async def put_catalogue_item(
    command: PutCatalogueItem, uow: IntakeUnitOfWork
) -> tuple[Catalogue, CatalogueItem]:
    """Add or change one item of a board; the first change stores the site's own copy."""
    site = await served_site(uow, command.site_id)
    catalogue = await uow.catalogues.get(site.site_id)
    if catalogue is None:
        catalogue = manual_catalogue(site.site_id)
        uow.catalogues.add(catalogue)
    item = catalogue.put(command.kind, command.item, command.by, uow.clock())
    await uow.commit()
    return catalogue, item
