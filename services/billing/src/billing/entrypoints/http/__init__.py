"""Billing's HTTP API; each route builds a command for the bus or reads through a unit of work."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from billing.adapters.mongo.unit_of_work import MongoBillingUnitOfWork


def _reader(request: Request) -> MongoBillingUnitOfWork:
    service = request.app.state.service
    return MongoBillingUnitOfWork(service.db, clock=service.clock)


Reader = Annotated[MongoBillingUnitOfWork, Depends(_reader)]
"""Read access for listings: a unit of work that is never committed."""
