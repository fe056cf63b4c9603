"""Intake's HTTP API; routes build commands for the bus or read through a unit of work."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from hotline_libs.service import reader

from intake.adapters.mongo.unit_of_work import MongoIntakeUnitOfWork

Reader = Annotated[MongoIntakeUnitOfWork, Depends(reader(MongoIntakeUnitOfWork))]
"""Read access for listings: a unit of work that is never committed."""
