"""The sites' price lists, kept as billing publishes them, for triage to match paid requests."""

from __future__ import annotations

from intake.domain.commands import KeepPriceList
from intake.domain.price_list import PriceList
from intake.service_layer.unit_of_work import IntakeUnitOfWork


async def keep_price_list(command: KeepPriceList, uow: IntakeUnitOfWork) -> bool:
    """Keep the list billing published; a redelivered or older version changes nothing."""
    price_list = await uow.price_lists.get(command.site_id)
    if price_list is None:
        price_list = PriceList(site_id=command.site_id)
        uow.price_lists.add(price_list)
    if not price_list.replace(command.items, command.source_version, command.recorded_at):
        return False
    await uow.commit()
    return True
