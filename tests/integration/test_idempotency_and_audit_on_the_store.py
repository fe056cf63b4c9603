"""Idempotency keys and the audit trail on the real store: the first answer kept and replayed,
a key reused for another request refused, a call that died taken over, audit records queried
by site and time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi import HTTPException
from hotline_libs import audit
from hotline_libs.idempotency import IdempotencyKeys, StoredAnswer
from hotline_libs.mongo import Document
from hotline_libs.paging import PageRequest, TimeWindow
from pymongo.asynchronous.database import AsyncDatabase

from tests.fakes import Clock

pytestmark = pytest.mark.infra


async def test_a_key_replays_its_first_answer_and_refuses_another_request(
    db: AsyncDatabase[Document],
) -> None:
    clock = Clock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    keys = IdempotencyKeys(db["idempotency_keys"], clock, in_flight_s=10)
    await keys.prepare()
    assert await keys.begin("k1", "body-a") is None  # claimed: the call runs
    with pytest.raises(HTTPException) as running:
        await keys.begin("k1", "body-a")
    assert running.value.status_code == 409 and running.value.headers == {"Retry-After": "1"}
    answer = StoredAnswer(201, {"location": "/service-requests/1"}, b'{"request_no": "SR-1"}')
    await keys.finish("k1", answer)
    assert await keys.begin("k1", "body-a") == answer
    with pytest.raises(HTTPException) as other:
        await keys.begin("k1", "body-b")
    assert other.value.status_code == 409 and "different request" in str(other.value.detail)


async def test_a_call_that_died_is_taken_over_and_an_answer_of_5xx_is_forgotten(
    db: AsyncDatabase[Document],
) -> None:
    clock = Clock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    keys = IdempotencyKeys(db["idempotency_keys"], clock, in_flight_s=10)
    assert await keys.begin("k2", "body") is None
    clock.now += timedelta(seconds=11)  # its process was killed before it answered
    assert await keys.begin("k2", "body") is None  # taken over: the call runs again
    await keys.release("k2")  # it failed with a 5xx: a retry runs afresh
    assert await keys.begin("k2", "body") is None
    await keys.finish("k2", StoredAnswer(200, {}, b"{}"))
    clock.now += timedelta(days=2)
    assert await keys.forget_expired() == 1


async def test_audit_records_are_read_by_site_and_time_newest_first(
    db: AsyncDatabase[Document],
) -> None:
    collection = db[audit.COLLECTION]
    await audit.prepare(collection)
    start = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    for n, sites in enumerate((["dmg"], ["qjc"], ["dmg", "qjc"], [])):
        await collection.insert_one(
            {
                "_id": f"a{n}",
                "at": start + timedelta(minutes=n),
                "service": "intake",
                "action": "create_service_request",
                "method": "POST",
                "path": "/service-requests",
                "record": {},
                "created": None,
                "sites": sites,
                "actor": {"subject": f"u{n}", "role": "agent", "name": ""},
                "client": "127.0.0.1",
                "forwarded_for": None,
                "idempotency_key": None,
                "outcome": 201,
            }
        )
    dmg = await audit.query(collection, sites=frozenset({"dmg"}), page=PageRequest())
    assert [r.audit_id for r in dmg.items] == ["a2", "a0"] and dmg.total == 2
    everyone = await audit.query(collection, sites=None, page=PageRequest(limit=2))
    assert [r.audit_id for r in everyone.items] == ["a3", "a2"] and everyone.total == 4
    window = await audit.query(
        collection,
        sites=None,
        page=PageRequest(),
        window=TimeWindow(start + timedelta(minutes=1), start + timedelta(minutes=2)),
    )
    assert [r.audit_id for r in window.items] == ["a2", "a1"]
