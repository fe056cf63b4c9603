"""What the integration tests share: a database of their own on the session's store."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from hotline_infra.stack import Stack
from hotline_libs.mongo import Document
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase


@pytest.fixture
async def db(infra: Stack) -> AsyncIterator[AsyncDatabase[Document]]:
    """A fresh database, dropped after the test."""
    client: AsyncMongoClient[Document] = AsyncMongoClient(infra.mongo_url, tz_aware=True)
    database = client[f"it_{uuid.uuid4().hex[:8]}"]
    yield database
    await client.drop_database(database.name)
    await client.close()
