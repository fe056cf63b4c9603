"""``Idempotency-Key`` on every route that changes something.

A client that may retry (a lost answer, a timeout, a double click) sends a key of its choosing.
The first call with a key runs and its answer is kept for a day; a later call with the same key,
from the same caller, to the same route, gets that answer again (``Idempotent-Replayed: true``)
without running twice. The same key with a different request conflicts with the one recorded
under it (409), as does a key whose first call is still running (409 with ``Retry-After``).

The store has no transactions spanning the change and this record, so the routes' own commands
stay idempotent (derived ids, "already done with the same details"): a call whose record was
left unfinished by a crash is run again after ``in_flight_s``, and does no harm.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

import structlog
from fastapi import Depends, Header, HTTPException, Request, status
from fastapi.responses import Response
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hotline_libs.access import CHANGING_METHODS
from hotline_libs.aggregate import Clock
from hotline_libs.auth import CurrentPrincipal
from hotline_libs.mongo import Document, ensure_index

log = structlog.get_logger(__name__)

COLLECTION = "idempotency_keys"
REPLAYED_HEADER = "Idempotent-Replayed"
_KEPT_HEADERS = ("content-type", "location")


@dataclass(frozen=True)
class StoredAnswer:
    status: int
    headers: Mapping[str, str]
    body: bytes


class Replayed(Exception):
    """The key's first call was answered; the handler sends that answer again."""

    def __init__(self, answer: StoredAnswer) -> None:
        super().__init__("replayed")
        self.answer = answer


def replay(answer: StoredAnswer) -> Response:
    return Response(
        content=answer.body,
        status_code=answer.status,
        headers={**answer.headers, REPLAYED_HEADER: "true"},
    )


class IdempotencyKeys:
    """The kept answers of one service, one document per (caller, route, key)."""

    def __init__(
        self,
        collection: AsyncCollection[Document],
        clock: Clock,
        *,
        in_flight_s: float = 10.0,
        keep: timedelta = timedelta(hours=24),
    ) -> None:
        self._collection = collection
        self._clock = clock
        self._in_flight = timedelta(seconds=in_flight_s)
        self._keep = keep

    async def prepare(self) -> None:
        await ensure_index(self._collection, [("expires_at", 1)])

    async def begin(self, key_id: str, fingerprint: str) -> StoredAnswer | None:
        """Claim ``key_id`` for this call; the kept answer if the key was used before."""
        now = self._clock()
        try:
            await self._collection.insert_one(
                {
                    "_id": key_id,
                    "fingerprint": fingerprint,
                    "started_at": now,
                    "expires_at": now + self._keep,
                }
            )
            return None
        except DuplicateKeyError:
            pass
        found = await self._collection.find_one({"_id": key_id})
        if found is None:  # expired and removed in between: claim it again
            return await self.begin(key_id, fingerprint)
        if found["fingerprint"] != fingerprint:
            raise HTTPException(
                status.HTTP_409_CONFLICT,
                "this Idempotency-Key was used for a different request; use a new key for a "
                "new request",
            )
        if "status" in found:
            return StoredAnswer(found["status"], found.get("headers", {}), found["body"])
        if found["started_at"] > now - self._in_flight:
            raise HTTPException(
                status.HTTP_409_CONFLICT,
                "a request with this Idempotency-Key is still being handled; retry shortly",
                headers={"Retry-After": "1"},
            )
        # its first call died before answering: this one takes over (its command is idempotent)
        taken = await self._collection.update_one(
            {"_id": key_id, "started_at": found["started_at"], "status": {"$exists": False}},
            {"$set": {"started_at": now}},
        )
        if taken.modified_count != 1:
            return await self.begin(key_id, fingerprint)
        return None

    async def finish(self, key_id: str, answer: StoredAnswer) -> None:
        """Keep the answer of the key's call."""
        await self._collection.update_one(
            {"_id": key_id},
            {
                "$set": {
                    "status": answer.status,
                    "headers": dict(answer.headers),
                    "body": answer.body,
                }
            },
        )

    async def release(self, key_id: str) -> None:
        """The call failed in a way a retry may mend (5xx, a conflict): forget the key."""
        await self._collection.delete_one({"_id": key_id, "status": {"$exists": False}})

    async def forget_expired(self) -> int:
        """Remove answers older than they are kept (the store has no TTL indexes)."""
        result = await self._collection.delete_many({"expires_at": {"$lt": self._clock()}})
        return result.deleted_count


def _key_id(service: str, subject: str, method: str, route: str, key: str) -> str:
    return hashlib.sha256("\x1f".join((service, subject, method, route, key)).encode()).hexdigest()


async def idempotency_key(
    request: Request,
    principal: CurrentPrincipal,
    key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            min_length=1,
            max_length=200,
            description="Your id for this change: a retry with the same key is answered once",
            examples=["0b6f1c2e-3d4a-4f5b-9c8d-7e6f5a4b3c2d"],
        ),
    ] = None,
) -> str | None:
    """FastAPI dependency of every route that changes something: replays a kept answer, or
    claims the key for this call. Returns the key, scoped to the caller and the route."""
    if key is None:
        return None
    service = request.app.state.service
    route = request.scope["route"]
    body = await request.body()
    fingerprint = hashlib.sha256(
        b"\x1f".join((request.url.path.encode(), request.url.query.encode(), body))
    ).hexdigest()
    key_id = _key_id(service.name, principal.subject, request.method, route.path, key)
    answer = await service.idempotency.begin(key_id, fingerprint)
    if answer is not None:
        raise Replayed(answer)
    request.state.idempotency_key_id = key_id
    return f"http:{principal.subject}:{key}"


IdempotencyKey = Annotated[str | None, Depends(idempotency_key)]
"""The caller's key, prefixed with where it came from and who sent it
(``http:<subject>:<key>``), or None: a command deriving ids from it never meets another caller's
key, nor a key of the site feed."""


class KeepAnswers:
    """ASGI middleware keeping the answer of each call that claimed an idempotency key."""

    def __init__(self, app: ASGIApp, *, keys: Any) -> None:
        self.app = app
        self._keys = keys  # a callable giving the service's IdempotencyKeys once it runs

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in CHANGING_METHODS:
            await self.app(scope, receive, send)
            return
        started: Message | None = None
        chunks: list[bytes] = []

        async def send_kept(message: Message) -> None:
            nonlocal started
            key_id = scope.get("state", {}).get("idempotency_key_id")
            if key_id is None:
                await send(message)
                return
            if message["type"] == "http.response.start":
                started = message
            elif message["type"] == "http.response.body" and started is not None:
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    await self._keep(key_id, started, b"".join(chunks))
            await send(message)

        try:
            await self.app(scope, receive, send_kept)
        except Exception:
            key_id = scope.get("state", {}).get("idempotency_key_id")
            if key_id is not None:
                await self._keys().release(key_id)
            raise

    async def _keep(self, key_id: str, start: Message, body: bytes) -> None:
        status_code = int(start["status"])
        keys: IdempotencyKeys = self._keys()
        try:
            if status_code >= 500 or status_code in (401, 403, 409, 429):
                await keys.release(key_id)
                return
            headers = {
                bytes(k).decode("latin-1").lower(): bytes(v).decode("latin-1")
                for k, v in start.get("headers", ())
            }
            await keys.finish(
                key_id,
                StoredAnswer(
                    status_code, {k: v for k, v in headers.items() if k in _KEPT_HEADERS}, body
                ),
            )
        except Exception as exc:  # the store went away: a retry after in_flight_s runs again
            log.warning("idempotency answer not kept", error=repr(exc))
