"""One resident's messages on the real store (FerretDB here): GET /notifications?recipient= finds
the notifications with a message to that number or e-mail address (the address without case), and
no other resident's, newest first (the console's message log per resident, issue #13 "Screens";
NTF-03: what a resident was told)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from hotline_infra.stack import Stack
from hotline_libs.mongo import Document
from hotline_libs.paging import PageRequest
from notification.adapters.mongo.unit_of_work import MongoNotificationUnitOfWork
from notification.domain.messages import Channel
from notification.domain.notification import Message, MessageStatus, Notification
from notification.domain.occasions import About
from notification.entrypoints.http.notifications import normal_recipient
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from tests.fakes import Clock

pytestmark = pytest.mark.infra

AT = datetime(2026, 11, 23, 2, tzinfo=UTC)
WANG = "+8613800138000"
LI = "+8613900139000"


def _told(n: int, *to: tuple[Channel, str], site: str = "dmg") -> Notification:
    return Notification(
        notification_id=uuid.uuid4(),
        about=About(uuid.uuid4(), "ServiceRequestAccepted", uuid.uuid4(), site, uuid.uuid4()),
        messages=[
            Message(uuid.uuid4(), channel, recipient, "request_accepted", f"#{n}", f"body {n}")
            for channel, recipient in to
        ],
        created_at=AT + timedelta(minutes=n),
    )


@pytest.fixture
async def uow(infra: Stack) -> AsyncIterator[MongoNotificationUnitOfWork]:
    client: AsyncMongoClient[Document] = AsyncMongoClient(infra.mongo_url, tz_aware=True)
    database: AsyncDatabase[Document] = client[f"it_{uuid.uuid4().hex[:8]}"]
    unit = MongoNotificationUnitOfWork(database, clock=Clock(AT))
    unit.notifications.add(_told(1, (Channel.SMS, WANG), (Channel.EMAIL, "Wang.Fang@Example.com")))
    unit.notifications.add(_told(2, (Channel.SMS, LI)))
    unit.notifications.add(_told(3, (Channel.SMS, WANG), site="qjc"))
    unit.notifications.add(_told(4, (Channel.EMAIL, "li.na@example.com")))
    await unit.commit()
    yield MongoNotificationUnitOfWork(database, clock=unit.clock)
    await client.drop_database(database.name)
    await client.close()


async def _subjects(
    uow: MongoNotificationUnitOfWork, recipient: str, site_id: str | None = None
) -> list[str]:
    found = await uow.notifications.listing(
        sites=None, page=PageRequest(10), recipient=normal_recipient(recipient), site_id=site_id
    )
    assert found.total == len(found.items)
    return [n.messages[0].subject for n in found.items]


async def test_a_number_finds_only_its_residents_messages_newest_first(
    uow: MongoNotificationUnitOfWork,
) -> None:
    assert await _subjects(uow, WANG) == ["#3", "#1"]
    assert await _subjects(uow, LI) == ["#2"]
    assert await _subjects(uow, "+8613700137000") == []
    assert await _subjects(uow, WANG, site_id="qjc") == ["#3"]


async def test_an_email_address_is_found_without_case_and_only_whole(
    uow: MongoNotificationUnitOfWork,
) -> None:
    assert await _subjects(uow, "wang.fang@example.com") == ["#1"]
    assert await _subjects(uow, "WANG.FANG@EXAMPLE.COM") == ["#1"]
    assert await _subjects(uow, "fang@example.com") == []  # a tail of another address
    assert await _subjects(uow, "wang.fang@example.co") == []
    assert await _subjects(uow, "wangxfang@example.com") == []  # "." is not "any character"
    held = await uow.notifications.listing(
        sites=None,
        page=PageRequest(10),
        recipient=normal_recipient("li.na@example.com"),
        status=MessageStatus.PENDING,
    )
    assert [n.messages[0].subject for n in held.items] == ["#4"]
