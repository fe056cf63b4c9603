"""One process per service: a FastAPI app that also runs the service's consumers, outbox relays
and deadline pollers.

A service's ``bootstrap`` makes a ``HotlineService`` (its name, settings, what it publishes, how to
prepare its database), then its message bus with a unit of work bound to ``service.db`` and
``service.written``, and hands the bus, its routes, its subscriptions and its deadline handlers to
``wire``. The runtime then does the same plumbing for all five: connect, start a relay per
aggregate collection and a poller per collection with deadlines, consume, serve HTTP.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from typing import Annotated, Any, TypeVar

import structlog
import uvicorn
from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response, status
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, PlainTextResponse
from faststream.specification import AsyncAPI
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from contracts import Event
from hotline_libs import audit
from hotline_libs.access import (
    CHANGING_METHODS,
    PUBLIC,
    Access,
    Rule,
    allow,
    authorize,
    check_declared,
)
from hotline_libs.aggregate import Clock, utc_now
from hotline_libs.auth import CurrentPrincipal, InsecureSettings, Role, TokenVerifier
from hotline_libs.bus import Handler, MessageBus
from hotline_libs.deadlines import DeadlinePoller
from hotline_libs.idempotency import COLLECTION as IDEMPOTENCY_COLLECTION
from hotline_libs.idempotency import (
    IdempotencyKeys,
    KeepAnswers,
    Replayed,
    idempotency_key,
    replay,
)
from hotline_libs.logging import configure_logging
from hotline_libs.messaging import Consumer, KafkaRelayPublisher, Subscription, build_broker
from hotline_libs.mongo import Document, connect, ensure_index, ping
from hotline_libs.outbox import OUTBOX_SINCE_FIELD, OutboxRelay
from hotline_libs.paging import Page, Paging, SiteFilter, TimeWindow, page_of, time_window
from hotline_libs.problems import document_problems, install_problem_handlers, problem
from hotline_libs.settings import ServiceSettings
from hotline_libs.unit_of_work import NEXT_DEADLINE_FIELD, Written

log = structlog.get_logger(__name__)

Prepare = Callable[[AsyncDatabase[Document], ServiceSettings], Awaitable[None]]
UnitOfWorkFactory = Callable[..., Any]
"""A service's unit of work: ``(db, *, clock, on_written)``."""
DeadlineHandler = Callable[[MessageBus, str, str, datetime], Awaitable[None]]
"""Turns one deadline that ran out (document id, name, due at) into a command on the bus."""

OPERATIONS_ACCESS: Access = {
    "live": PUBLIC,
    "ready": PUBLIC,
    "metrics": PUBLIC,
    "list_audit_records": allow(Role.ADMIN, Role.DIRECTOR),
}
"""The routes every service has; a service's own table adds its routes."""


class HotlineService:
    """The runtime of one service: its database, broker, relays, deadline pollers and HTTP app."""

    def __init__(
        self,
        name: str,
        settings: ServiceSettings,
        *,
        description: str,
        publishes: Sequence[type[Event[Any]]] = (),
        prepare: Prepare | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.name = name
        self.settings = settings
        self.description = description
        self.clock = clock
        self.broker = build_broker(settings, client_id=name)
        self._relay_publisher = KafkaRelayPublisher(settings, client_id=name)
        self._prepare = prepare
        self._client: AsyncMongoClient[Document] | None = None
        self._db: AsyncDatabase[Document] | None = None
        self._bus: MessageBus | None = None
        self._routers: Sequence[APIRouter] = ()
        self._collections: Sequence[str] = ()
        self._deadline_handlers: Mapping[str, DeadlineHandler] = {}
        self._access: Access = {}
        self._idempotency: IdempotencyKeys | None = None
        self.relays: dict[str, OutboxRelay] = {}
        self.pollers: dict[str, DeadlinePoller] = {}
        self.registry = CollectorRegistry()
        self.registry.register(_RuntimeCollector(self))
        self._consumer = Consumer(self.broker, settings, name)
        for event in publishes:  # declared for the AsyncAPI document; the outbox relay publishes
            self.broker.publisher(
                settings.topic(event.TOPIC),
                title=f"{name}:{event.EVENT_TYPE}{_later_version(event)}",
                description=(event.__doc__ or "").strip(),
                schema=event,
            )

    def message_bus(
        self,
        handlers: Mapping[type[Any], Handler],
        unit_of_work: UnitOfWorkFactory,
        dependencies: Mapping[str, Any] | None = None,
    ) -> MessageBus:
        """The service's bus: each command gets a fresh ``unit_of_work`` on this service's
        database and clock, whose writes reach its relays and deadline pollers."""
        return MessageBus(
            handlers,
            uow=lambda: unit_of_work(self.db, clock=self.clock, on_written=self.written),
            dependencies=dependencies,
        )

    def wire(
        self,
        bus: MessageBus,
        *,
        routers: Sequence[APIRouter],
        subscriptions: Sequence[Subscription],
        access: Access,
        collections: Sequence[str],
        deadlines: Mapping[str, DeadlineHandler] | None = None,
    ) -> HotlineService:
        """Give the runtime what the service's bootstrap built: its bus, routes and who may call
        each, subscriptions, the collections whose documents carry an outbox, and a handler per
        collection with deadlines."""
        self._bus = bus
        self._routers = routers
        self._access = {**OPERATIONS_ACCESS, **access}
        self._collections = collections
        self._deadline_handlers = deadlines or {}
        for subscription in subscriptions:
            self._consumer.register(subscription)
        return self

    @property
    def bus(self) -> MessageBus:
        if self._bus is None:
            raise RuntimeError(f"{self.name} is not wired: its bootstrap gives it a bus")
        return self._bus

    @property
    def db(self) -> AsyncDatabase[Document]:
        """The service's own database; available once the app has started."""
        if self._db is None:
            raise RuntimeError(f"{self.name} has not started: no database yet")
        return self._db

    @property
    def idempotency(self) -> IdempotencyKeys:
        """The answers kept for ``Idempotency-Key``; available once the app has started."""
        if self._idempotency is None:
            raise RuntimeError(f"{self.name} has not started: no idempotency keys yet")
        return self._idempotency

    def written(self, item: Written) -> None:
        """A unit of work stored ``item``: its relay publishes the new entries, and its poller
        learns of a deadline due soon."""
        relay = self.relays.get(item.collection)
        if relay is not None:
            relay.written(item.document_id, item.entries)
        poller = self.pollers.get(item.collection)
        if poller is not None:
            poller.hint(item.next_deadline_at)

    async def _prepare_bookkeeping(self, db: AsyncDatabase[Document]) -> None:
        """The indexes the relay's sweep and the deadline poller query."""
        for collection in self._collections:
            # (parked entries are looked for only by the operator command: no index to keep up)
            await ensure_index(db[collection], [(OUTBOX_SINCE_FIELD, 1)])
        for collection in self._deadline_handlers:
            await ensure_index(db[collection], [(NEXT_DEADLINE_FIELD, 1)])

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[HotlineService]:
        """Connect, prepare the database, start relays, pollers and consumers; undo it all on exit."""
        TokenVerifier.check_deployment(self.settings)
        bus = self.bus
        self._client = connect(self.settings.mongo_url, self.name)
        self._db = self._client[self.settings.database_name(self.name)]
        self._idempotency = IdempotencyKeys(self._db[IDEMPOTENCY_COLLECTION], self.clock)
        housekeeping: asyncio.Task[None] | None = None
        try:
            await self._prepare_bookkeeping(self._db)
            await audit.prepare(self._db[audit.COLLECTION])
            await self._idempotency.prepare()
            housekeeping = asyncio.create_task(self._forget_expired_keys())
            if self._prepare is not None:
                await self._prepare(self._db, self.settings)
            await self.broker.connect()
            await self._relay_publisher.start()
            for collection in self._collections:
                relay = OutboxRelay(
                    self._db[collection],
                    self._relay_publisher,
                    clock=self.clock,
                    sweep_interval_s=self.settings.relay_sweep_interval_s,
                    sweep_grace_s=self.settings.relay_sweep_grace_s,
                    max_attempts=self.settings.relay_max_attempts,
                )
                relay.start()
                self.relays[collection] = relay
            for collection, handler in self._deadline_handlers.items():

                async def fire(
                    document_id: str,
                    name: str,
                    due_at: datetime,
                    handler: DeadlineHandler = handler,
                ) -> None:
                    await handler(bus, document_id, name, due_at)

                poller = DeadlinePoller(
                    self._db[collection],
                    fire,
                    clock=self.clock,
                    interval_s=self.settings.deadline_poll_interval_s,
                )
                poller.start()
                self.pollers[collection] = poller
            await self.broker.start()
            log.info(
                "service started",
                http=f"http://{self.settings.http_host}:{self.settings.http_port}",
            )
            yield self
        finally:
            if housekeeping is not None:
                housekeeping.cancel()
            for poller in self.pollers.values():
                await poller.stop()
            self.pollers.clear()
            await self.broker.stop()
            for relay in self.relays.values():
                await relay.stop()
            self.relays.clear()
            await self._relay_publisher.stop()
            await self._client.close()
            self._db = None
            self._idempotency = None

    async def _forget_expired_keys(self) -> None:
        while True:
            try:
                await self.idempotency.forget_expired()
            except Exception as exc:  # the store is away; next hour
                log.warning("could not remove expired idempotency keys", error=repr(exc))
            await asyncio.sleep(3600)

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
            generate_unique_id_function=lambda route: route.name,
        )
        app.state.settings = self.settings
        app.state.service = self
        app.state.access = self._access
        routes = [
            route
            for router in (*self._routers, self._operations_router())
            for route in router.routes
        ]
        check_declared(routes, self._access)
        for route in routes:
            self._include(app, route)
        install_problem_handlers(app, routes)

        @app.exception_handler(Replayed)
        async def replayed(_: Request, exc: Replayed) -> Response:
            return replay(exc.answer)

        app.add_middleware(KeepAnswers, keys=lambda: self.idempotency)
        app.add_middleware(
            audit.AuditTrail,
            service=self.name,
            collection=lambda: self.db[audit.COLLECTION],
            access=lambda: self._access,
            clock=self.clock,
        )

        def openapi() -> dict[str, Any]:
            if app.openapi_schema is None:
                spec = get_openapi(
                    title=app.title,
                    version=app.version,
                    description=app.description,
                    routes=app.routes,
                )
                app.openapi_schema = document_problems(
                    spec,
                    public=[name for name, rule in self._access.items() if rule.public],
                    roles={name: rule.names() for name, rule in self._access.items()},
                    signed=[name for name, rule in self._access.items() if rule.signed],
                )
            return app.openapi_schema

        app.openapi = openapi  # type: ignore[method-assign]
        return app

    def _include(self, app: FastAPI, route: Any) -> None:
        """Add one route with what its rule requires: a token and an allowed role, and an
        ``Idempotency-Key`` when it changes something."""
        rule: Rule | None = self._access.get(getattr(route, "name", ""))
        dependencies = []
        if rule is not None and not rule.public:
            dependencies.append(Depends(authorize))
            if set(getattr(route, "methods", ())) & CHANGING_METHODS:
                dependencies.append(Depends(idempotency_key))
        single = APIRouter()
        single.routes.append(route)
        app.include_router(single, dependencies=dependencies)

    def _operations_router(self) -> APIRouter:
        router = APIRouter(tags=["operations"])

        @router.get("/health/live", summary="The process is up")
        async def live() -> dict[str, str]:
            return {"status": "ok", "service": self.name}

        @router.get(
            "/health/ready",
            summary="The store and the broker answer",
            responses={503: {"description": "The store or the broker does not answer"}},
        )
        async def ready(request: Request) -> JSONResponse:
            problems = []
            try:
                await ping(self.db)
            except Exception as exc:
                problems.append(f"store: {exc}")
            if not await self.broker.ping(timeout=2.0):
                problems.append("broker: no answer")
            if problems:
                return problem(
                    status.HTTP_503_SERVICE_UNAVAILABLE,
                    "not ready: " + "; ".join(problems),
                    instance=request.url.path,
                )
            return JSONResponse({"status": "ready", "service": self.name})

        @router.get(
            "/metrics",
            summary="Prometheus metrics: outbox relay lag and counts, deadlines fired",
            response_class=PlainTextResponse,
        )
        async def metrics() -> PlainTextResponse:
            return PlainTextResponse(
                generate_latest(self.registry).decode(),
                media_type="text/plain; version=0.0.4; charset=utf-8",
            )

        @router.get(
            "/audit",
            summary="The audit trail: who changed what, and who read residents' data, newest first",
        )
        async def list_audit_records(
            principal: CurrentPrincipal,
            window: Annotated[TimeWindow, Depends(time_window("at", "calls made"))],
            page: Paging,
            site_id: SiteFilter = None,
            subject: Annotated[
                str | None, Query(min_length=1, max_length=200, description="Who acted")
            ] = None,
            action: Annotated[
                str | None, Query(min_length=1, max_length=100, description="A route's name")
            ] = None,
        ) -> Page[audit.AuditRecord]:
            found = await audit.query(
                self.db[audit.COLLECTION],
                sites=principal.visible_sites,
                page=page,
                site_id=site_id,
                subject=subject,
                action=action,
                window=window,
            )
            return page_of(found, page, lambda record: record)

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
        try:
            TokenVerifier.check_deployment(self.settings)
        except InsecureSettings as exc:
            log.error("refusing to start", reason=str(exc))
            sys.exit(2)
        uvicorn.run(
            self.app(),
            host=self.settings.http_host,
            port=self.settings.http_port,
            log_config=None,
            access_log=False,
        )


U = TypeVar("U")


def reader(unit_of_work: Callable[..., U]) -> Callable[[Request], U]:
    """A FastAPI dependency that gives a route read access: a ``unit_of_work`` on the service's
    database that the route never commits (``Reader = Annotated[Uow, Depends(reader(Uow))]``)."""

    def read(request: Request) -> U:
        service: HotlineService = request.app.state.service
        return unit_of_work(service.db, clock=service.clock)

    return read


def _bus(request: Request) -> MessageBus:
    service: HotlineService = request.app.state.service
    return service.bus


Bus = Annotated[MessageBus, Depends(_bus)]
"""A route's way to the service's message bus: ``async def route(..., bus: Bus)``."""


class _RuntimeCollector(Collector):
    """Exports what the relays and pollers of one service have done."""

    def __init__(self, service: HotlineService) -> None:
        self._service = service

    def collect(self) -> Any:
        now = self._service.clock()
        lag = GaugeMetricFamily(
            "hotline_outbox_oldest_pending_seconds",
            "Age of the oldest outbox entry not yet published (the relay's lag)",
            labels=["collection"],
        )
        published = CounterMetricFamily(
            "hotline_outbox_published", "Outbox entries published", labels=["collection"]
        )
        refused = CounterMetricFamily(
            "hotline_outbox_refused", "Publish attempts the broker refused", labels=["collection"]
        )
        parked = CounterMetricFamily(
            "hotline_outbox_parked",
            "Outbox entries parked after repeated refusals",
            labels=["collection"],
        )
        outages = CounterMetricFamily(
            "hotline_outbox_outages",
            "Relay passes that met the broker or the store away (nothing parked)",
            labels=["collection"],
        )
        fired = CounterMetricFamily(
            "hotline_deadlines_fired",
            "Deadlines found run out and handed to their handler (which does nothing when a "
            "replica was first)",
            labels=["collection"],
        )
        for name, relay in self._service.relays.items():
            lag.add_metric([name], relay.metrics.oldest_pending_age_s(now))
            published.add_metric([name], relay.metrics.published)
            refused.add_metric([name], relay.metrics.refused)
            parked.add_metric([name], relay.metrics.parked)
            outages.add_metric([name], relay.metrics.outages)
        for name, poller in self._service.pollers.items():
            fired.add_metric([name], poller.fired)
        yield from (lag, published, refused, parked, outages, fired)


def _later_version(event: type[Event[Any]]) -> str:
    """``.v2`` for a later major version of an event, so both versions show while consumers
    move over; nothing for v1."""
    return f".v{event.VERSION}" if event.VERSION > 1 else ""
