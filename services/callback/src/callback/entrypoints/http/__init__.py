"""The callback service's HTTP API; routes build commands for the bus or read through a unit of work."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from hotline_libs.service import reader

from callback.adapters.mongo.unit_of_work import MongoCallbackUnitOfWork

Reader = Annotated[MongoCallbackUnitOfWork, Depends(reader(MongoCallbackUnitOfWork))]
"""Read access for listings: a unit of work that is never committed."""
