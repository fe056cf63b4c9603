"""The callback service's HTTP API; routes build commands for the bus or read through a unit of work."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from callback.adapters.mongo.unit_of_work import MongoCallbackUnitOfWork


def _reader(request: Request) -> MongoCallbackUnitOfWork:
    service = request.app.state.service
    return MongoCallbackUnitOfWork(service.db, clock=service.clock)


Reader = Annotated[MongoCallbackUnitOfWork, Depends(_reader)]
"""Read access for listings: a unit of work that is never committed."""
