"""The audit trail: who did what, from where, to which record, when, and how it ended.

Every call of a route that changes something, and every read that hands out residents' personal
data in bulk (a rule with ``personal_data``), leaves one record in the service's own ``audit``
collection, written before the answer leaves, refused calls included. Nothing updates or deletes
these records; admins, and directors for their sites, read them through ``GET /audit``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import structlog
from pydantic import BaseModel, Field
from pymongo.asynchronous.collection import AsyncCollection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hotline_libs.access import CHANGING_METHODS, Access
from hotline_libs.aggregate import Clock
from hotline_libs.auth import Principal
from hotline_libs.mongo import Document, ensure_index, within
from hotline_libs.paging import ANY_TIME, Found, PageRequest, TimeWindow, with_total

log = structlog.get_logger(__name__)

COLLECTION = "audit"


class Actor(BaseModel):
    subject: str = Field(examples=["agent-7"])
    role: str = Field(examples=["agent"])
    name: str = Field(default="", examples=["李娜"])


class AuditRecord(BaseModel):
    """One audited call."""

    audit_id: str
    at: datetime
    service: str
    action: str = Field(description="The route's name (its operationId)", examples=["complete"])
    method: str
    path: str = Field(examples=["/work-orders/0b6f…/completion"])
    record: dict[str, str] = Field(
        default_factory=dict, description="The path's ids: which record the call concerned"
    )
    created: str | None = Field(default=None, description="Where a created record lives")
    sites: list[str] = Field(default_factory=list, description="Sites the call concerned")
    actor: Actor | None = Field(default=None, description="None when the token was refused")
    client: str | None = Field(default=None, description="The caller's address")
    forwarded_for: str | None = Field(default=None, description="X-Forwarded-For, as sent")
    idempotency_key: str | None = None
    outcome: int = Field(description="The HTTP status answered", examples=[201])


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


class AuditTrail:
    """ASGI middleware writing one ``AuditRecord`` per audited call, as its answer starts."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        service: str,
        collection: Callable[[], AsyncCollection[Document]],
        access: Callable[[], Access],
        clock: Clock,
    ) -> None:
        self.app = app
        self._service = service
        self._collection = collection
        self._access = access
        self._clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_audited(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start" and not started:
                started = True
                if self._audited(scope):
                    await self._write(scope, message)
            await send(message)

        await self.app(scope, receive, send_audited)

    def _audited(self, scope: Scope) -> bool:
        route = scope.get("route")
        rule = self._access().get(getattr(route, "name", ""))
        if rule is None or rule.public:
            return False
        return scope["method"] in CHANGING_METHODS or rule.personal_data

    async def _write(self, scope: Scope, start: Message) -> None:
        state: Mapping[str, Any] = scope.get("state", {})
        principal: Principal | None = state.get("principal")
        headers = {
            bytes(k).lower(): bytes(v).decode("latin-1") for k, v in start.get("headers", ())
        }
        client = scope.get("client")
        record = AuditRecord(
            audit_id=str(uuid.uuid4()),
            at=self._clock(),
            service=self._service,
            action=scope["route"].name,
            method=scope["method"],
            path=scope["path"],
            record={k: str(v) for k, v in scope.get("path_params", {}).items()},
            created=headers.get(b"location"),
            sites=sorted(principal.sites_concerned) if principal else [],
            actor=Actor(subject=principal.subject, role=principal.role.value, name=principal.name)
            if principal
            else None,
            client=client[0] if client else None,
            forwarded_for=_header(scope, b"x-forwarded-for"),
            idempotency_key=_header(scope, b"idempotency-key"),
            outcome=int(start["status"]),
        )
        document = record.model_dump(exclude={"audit_id"})
        document["_id"] = record.audit_id
        try:
            await self._collection().insert_one(document)
        except Exception as exc:  # the store is away: the call's own write failed too, or will
            log.error("audit record not written", action=record.action, error=repr(exc))


async def prepare(collection: AsyncCollection[Document]) -> None:
    """The indexes ``GET /audit`` reads by."""
    await ensure_index(collection, [("at", -1)])
    await ensure_index(collection, [("sites", 1), ("at", -1)])


def record_of(document: Document) -> AuditRecord:
    return AuditRecord(
        audit_id=document["_id"], **{k: v for k, v in document.items() if k != "_id"}
    )


async def query(
    collection: AsyncCollection[Document],
    *,
    sites: frozenset[str] | None,
    page: PageRequest,
    site_id: str | None = None,
    subject: str | None = None,
    action: str | None = None,
    window: TimeWindow = ANY_TIME,
) -> Found[AuditRecord]:
    """One page of records, newest first, among ``sites`` (None: all), with how many match."""
    conditions: list[Document] = []
    if sites is not None:
        conditions.append({"sites": {"$in": sorted(sites)}})
    if site_id is not None:
        conditions.append({"sites": site_id})
    if subject is not None:
        conditions.append({"actor.subject": subject})
    if action is not None:
        conditions.append({"action": action})
    at = within(window)
    if at is not None:
        conditions.append({"at": at})
    selector: Document = {"$and": conditions} if conditions else {}
    cursor = (
        collection.find(selector)
        .sort([("at", -1), ("_id", -1)])
        .skip(page.offset)
        .limit(page.limit)
    )
    records = [record_of(document) async for document in cursor]
    return await with_total(records, page, lambda: collection.count_documents(selector))
