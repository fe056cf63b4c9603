"""Dispatch's HTTP API; each route builds a command for the bus or reads through a unit of work."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from hotline_libs.service import reader

from dispatch.adapters.mongo.unit_of_work import MongoDispatchUnitOfWork

Reader = Annotated[MongoDispatchUnitOfWork, Depends(reader(MongoDispatchUnitOfWork))]
"""Read access for listings: a unit of work that is never committed."""
