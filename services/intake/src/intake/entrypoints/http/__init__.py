"""Intake's HTTP API; routes build commands for the bus or read through a unit of work."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from intake.adapters.mongo.unit_of_work import MongoIntakeUnitOfWork


def _reader(request: Request) -> MongoIntakeUnitOfWork:
    service = request.app.state.service
    return MongoIntakeUnitOfWork(service.db, clock=service.clock)


Reader = Annotated[MongoIntakeUnitOfWork, Depends(_reader)]
"""Read access for listings: a unit of work that is never committed."""
