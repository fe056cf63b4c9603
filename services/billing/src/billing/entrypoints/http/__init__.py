"""Billing's HTTP API; each route builds a command for the bus or reads through a unit of work."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from hotline_libs.service import reader

from billing.adapters.mongo.unit_of_work import MongoBillingUnitOfWork

Reader = Annotated[MongoBillingUnitOfWork, Depends(reader(MongoBillingUnitOfWork))]
"""Read access for listings: a unit of work that is never committed."""
