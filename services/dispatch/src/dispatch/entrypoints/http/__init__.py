"""Dispatch's HTTP API; each route builds a command for the bus or reads through a unit of work."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from dispatch.adapters.mongo.unit_of_work import MongoDispatchUnitOfWork


def _reader(request: Request) -> MongoDispatchUnitOfWork:
    service = request.app.state.service
    return MongoDispatchUnitOfWork(service.db, clock=service.clock)


Reader = Annotated[MongoDispatchUnitOfWork, Depends(_reader)]
"""Read access for listings: a unit of work that is never committed."""
