"""The site's callback policy in force, for every use case that decides by it."""

from __future__ import annotations

from datetime import date

from callback.domain.policy import CallbackPolicy, PolicyVersion
from callback.service_layer.unit_of_work import CallbackUnitOfWork


async def policy_in_force(uow: CallbackUnitOfWork, site_id: str, day: date) -> PolicyVersion:
    """The site's policy version in force on its ``day`` (the manuals' rules before its first)."""
    policy = await uow.policies.get(site_id)
    return (policy or CallbackPolicy(site_id)).in_force(day)
