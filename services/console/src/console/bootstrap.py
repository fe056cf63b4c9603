"""The console's app: its pages, its static files, and how a page that needs a session or a role
answers when there is none."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from hotline_libs.auth import InsecureSettings, TokenVerifier
from hotline_libs.logging import configure_logging

from console.entrypoints.web import (
    SignInNeeded,
    answer_page,
    answering,
    approvals,
    board,
    broadcasts,
    callback_kpis,
    callback_policies,
    callbacks,
    cash_days,
    charges,
    collection_batches,
    complaint_record,
    complaints,
    directory_files,
    duty,
    fee_bills,
    fee_contracts,
    mandates,
    message_templates,
    month_close,
    owed,
    phone_book,
    price_lists,
    receipts,
    reception_script,
    rectifications,
    redirect,
    render,
    resident_messages,
    resident_visits,
    sign_in,
    site_creditors,
    site_organisation,
    sites,
    spot_checks,
    staff,
    statements,
    steward_days,
    surveys,
    technician_rosters,
    technicians,
    work_orders,
)
from console.entrypoints.web import answers as answer_pages
from console.entrypoints.web import requests as request_pages
from console.settings import ConsoleSettings

STATIC = Path(__file__).resolve().parent / "static"


def create_app(settings: ConsoleSettings | None = None) -> FastAPI:
    settings = settings or ConsoleSettings()
    TokenVerifier.check_deployment(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with httpx.AsyncClient(timeout=15) as client:
            app.state.http = client
            yield

    app = FastAPI(title="hotline console", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.verifier = TokenVerifier(settings)
    htmx = Path(settings.console_assets) / "htmx.min.js" if settings.console_assets else None
    app.state.htmx = htmx if htmx is not None and htmx.exists() else None
    app.include_router(sign_in.router)
    app.include_router(answer_pages.router)
    app.include_router(approvals.router)
    app.include_router(owed.router)
    app.include_router(answer_page.router)  # /answers/{id} matches ids only: no shadowing
    app.include_router(request_pages.router)  # before /requests/{id}: /requests/new is a page
    app.include_router(answering.router)
    app.include_router(board.router)
    app.include_router(complaints.router)
    app.include_router(duty.router)
    app.include_router(phone_book.router)
    app.include_router(sites.router)
    app.include_router(staff.router)
    app.include_router(directory_files.router)
    app.include_router(complaint_record.router)
    app.include_router(reception_script.router)
    app.include_router(site_organisation.router)
    app.include_router(work_orders.router)
    app.include_router(technician_rosters.router)
    app.include_router(technicians.router)
    app.include_router(charges.router)
    app.include_router(receipts.router)
    app.include_router(cash_days.router)
    app.include_router(collection_batches.router)
    app.include_router(mandates.router)
    app.include_router(site_creditors.router)
    app.include_router(price_lists.router)
    app.include_router(fee_contracts.router)
    app.include_router(fee_bills.router)
    app.include_router(month_close.router)
    app.include_router(statements.router)
    app.include_router(callbacks.router)
    app.include_router(rectifications.router)
    app.include_router(callback_policies.router)
    app.include_router(callback_kpis.router)
    app.include_router(spot_checks.router)
    app.include_router(resident_visits.router)
    app.include_router(steward_days.router)
    app.include_router(surveys.router)
    app.include_router(message_templates.router)
    app.include_router(resident_messages.router)
    app.include_router(broadcasts.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/assets/htmx.min.js", include_in_schema=False)
    async def htmx_script() -> Response:
        if app.state.htmx is None:
            return Response(status_code=404)
        return FileResponse(app.state.htmx, media_type="text/javascript")

    @app.get("/health/live", include_in_schema=False)
    async def live() -> dict[str, str]:
        return {"status": "ok", "service": "console"}

    @app.get("/health/ready", include_in_schema=False)
    async def ready() -> dict[str, str]:
        return {"status": "ready", "service": "console"}

    @app.exception_handler(SignInNeeded)
    async def to_sign_in(_: Request, exc: SignInNeeded) -> Response:
        return redirect(f"/sign-in?reason={exc.reason}" if exc.reason else "/sign-in")

    @app.exception_handler(HTTPException)
    async def refused(request: Request, exc: HTTPException) -> HTMLResponse:
        return render(
            request, "refused.html", {"detail": str(exc.detail)}, status_code=exc.status_code
        )

    return app


def serve() -> None:
    settings = ConsoleSettings()
    configure_logging("console", settings.log_level)
    try:
        app = create_app(settings)
    except InsecureSettings as exc:
        raise SystemExit(f"console refuses to start: {exc}") from None
    uvicorn.run(
        app, host=settings.http_host, port=settings.http_port, log_config=None, access_log=False
    )
