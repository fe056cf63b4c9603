"""One process per service: a FastAPI app that also runs the service's Kafka consumers and outbox relays.

Each service declares what it has (routes, subscriptions, collections with an outbox, how to
prepare its database) and ``HotlineService`` wires the rest the same way for all five.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

import structlog
import uvicorn
from fastapi import APIRouter, FastAPI, Request, status
from fastapi.responses import JSONResponse
from faststream.specification import AsyncAPI
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import ConnectionFailure

from contracts import Event
from hotline_libs.errors import Conflict, HotlineError, NotFound, RuleViolation
from hotline_libs.logging import configure_logging
from hotline_libs.messaging import Consumer, EventPublisher, Subscription, build_broker
from hotline_libs.mongo import Document, connect, ping
from hotline_libs.outbox import OutboxRelay
from hotline_libs.settings import ServiceSettings

log = structlog.get_logger(__name__)

Prepare = Callable[[AsyncDatabase[Document], ServiceSettings], Awaitable[None]]

_STATUS = {RuleViolation: 422, NotFound: 404, Conflict: 409}


class HotlineService:
    """The runtime of one service: its database, broker, publisher, relays and HTTP app."""

    def __init__(
        self,
        name: str,
        settings: ServiceSettings,
        *,
        description: str,
        routers: Sequence[APIRouter],
        subscriptions: Callable[[HotlineService], Sequence[Subscription]] = lambda _: (),
        outbox_collections: Sequence[str] = (),
        publishes: Sequence[type[Event[Any]]] = (),
        prepare: Prepare | None = None,
    ) -> None:
        self.name = name
        self.settings = settings
        self.description = description
        self.broker = build_broker(settings, client_id=name)
        self.publisher = EventPublisher(self.broker, settings)
        self._routers = routers
        self._outbox_collections = outbox_collections
        self._prepare = prepare
        self._client: AsyncMongoClient[Document] | None = None
        self._db: AsyncDatabase[Document] | None = None
        self.relays: dict[str, OutboxRelay] = {}
        consumer = Consumer(self.broker, settings, name)
        for subscription in subscriptions(self):
            consumer.register(subscription)
        for event in publishes:  # declared for the AsyncAPI document; the outbox relay publishes
            self.broker.publisher(
                settings.topic(event.TOPIC),
                title=f"{name}:{event.EVENT_TYPE}",
                description=(event.__doc__ or "").strip(),
                schema=event,
            )

    @property
    def db(self) -> AsyncDatabase[Document]:
        """The service's own database; available once the app has started."""
        if self._db is None:
            raise RuntimeError(f"{self.name} has not started: no database yet")
        return self._db

    def events_written(self, collection: str, document_id: Any) -> None:
        """Tell the relay of ``collection`` that new events wait in ``document_id``'s outbox."""
        relay = self.relays.get(collection)
        if relay is not None:
            relay.wake(document_id)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[HotlineService]:
        """Connect, prepare the database, start relays and consumers; undo it all on exit."""
        self._client = connect(self.settings.mongo_url, self.name)
        self._db = self._client[self.settings.database_name(self.name)]
        try:
            if self._prepare is not None:
                await self._prepare(self._db, self.settings)
            await self.broker.connect()
            for collection in self._outbox_collections:
                relay = OutboxRelay(
                    self._db[collection], self.publisher, self.settings.relay_sweep_interval_s
                )
                relay.start()
                self.relays[collection] = relay
            await self.broker.start()
            log.info(
                "service started",
                http=f"http://{self.settings.http_host}:{self.settings.http_port}",
            )
            yield self
        finally:
            for relay in self.relays.values():
                await relay.stop()
            self.relays.clear()
            await self.broker.stop()
            await self._client.close()
            self._db = None

    def app(self) -> FastAPI:
        """The HTTP app; its lifespan runs the service."""

        @contextlib.asynccontextmanager
        async def lifespan(_: FastAPI) -> AsyncIterator[None]:
            async with self.running():
                yield

        app = FastAPI(
            title=f"hotline {self.name}",
            description=self.description,
            version="0.1.0",
            lifespan=lifespan,
        )
        app.state.settings = self.settings
        app.state.service = self
        for router in self._routers:
            app.include_router(router)
        app.include_router(self._health_router())

        @app.exception_handler(ConnectionFailure)
        async def store_unavailable(_: Request, exc: ConnectionFailure) -> JSONResponse:
            # nothing was half-written (one document per write); the client may retry
            log.warning("store error during a request", error=repr(exc))
            return JSONResponse(
                {"detail": "the store is unavailable; retry (with the same Idempotency-Key)"},
                status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
                headers={"Retry-After": "1"},
            )

        @app.exception_handler(HotlineError)
        async def business_error(_: Request, exc: HotlineError) -> JSONResponse:
            code = next((c for kind, c in _STATUS.items() if isinstance(exc, kind)), 400)
            return JSONResponse(
                {"detail": exc.message, "error": type(exc).__name__}, status_code=code
            )

        return app

    def _health_router(self) -> APIRouter:
        router = APIRouter(tags=["health"])

        @router.get("/health/live", summary="The process is up")
        async def live() -> dict[str, str]:
            return {"status": "ok", "service": self.name}

        @router.get("/health/ready", summary="The store and the broker answer")
        async def ready() -> JSONResponse:
            problems = []
            try:
                await ping(self.db)
            except Exception as exc:
                problems.append(f"store: {exc}")
            if not await self.broker.ping(timeout=2.0):
                problems.append("broker: no answer")
            if problems:
                return JSONResponse(
                    {"status": "unavailable", "problems": problems},
                    status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
                )
            return JSONResponse({"status": "ready", "service": self.name})

        return router

    def asyncapi(self) -> dict[str, Any]:
        """The AsyncAPI document of what this service consumes."""
        spec = AsyncAPI(
            self.broker, title=f"hotline {self.name}", version="0.1.0", description=self.description
        )
        return spec.to_specification().to_jsonable()  # type: ignore[no-any-return]

    def serve(self) -> None:
        """Run the service until SIGINT/SIGTERM."""
        configure_logging(self.name, self.settings.log_level)
        uvicorn.run(
            self.app(),
            host=self.settings.http_host,
            port=self.settings.http_port,
            log_config=None,
            access_log=False,
        )
