"""Signing in and out, and the language switch.

Development mints a token for the role, sites and name chosen; production takes a bearer token
from the company's identity provider (an OIDC redirect would end here too: it yields a token,
which this page verifies and keeps in the same cookie)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlparse

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from hotline_libs.auth import ALL_SITES, HOTLINE_ROLES, InvalidToken, Role, issue_token

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    LANGUAGE_COOKIE,
    SESSION_COOKIE,
    SignInNeeded,
    api_for,
    check_csrf,
    finance_screens_for,
    redirect,
    render,
    screens_for,
    session,
    set_cookie,
    settings_of,
    work_screens_for,
)
from console.i18n import LANGUAGES

router = APIRouter()


def _development(request: Request) -> bool:
    return settings_of(request).env != "production"


async def _sites(request: Request) -> list[dict[str, str]]:
    """The sites to choose from, read with a token the console mints for itself (development)."""
    settings = settings_of(request)
    token = issue_token(
        settings.jwt_secret.get_secret_value(),
        subject="console",
        role=Role.ADMIN,
        sites=[ALL_SITES],
        issuer=settings.jwt_issuer,
    )
    try:
        return await api_for(request, token).sites()
    except ApiProblem:
        return []


@router.get("/", include_in_schema=False)
async def home(request: Request) -> Response:
    try:
        current = await session(request)
    except SignInNeeded:
        return redirect("/sign-in")
    role = current.principal.role
    screens = screens_for(role) or work_screens_for(role) or finance_screens_for(role)
    return redirect(screens[0].path if screens else "/sign-in?reason=not_for_role")


async def _sign_in_form(
    request: Request, *, reason: str | None = None, error: str | None = None
) -> HTMLResponse:
    development = _development(request)
    return render(
        request,
        "sign_in.html",
        {
            "development": development,
            "roles": [role.value for role in Role],
            "hotline_roles": sorted(role.value for role in HOTLINE_ROLES),
            "sites": await _sites(request) if development else [],
            "reason": reason,
            "error": error,
        },
        status_code=400 if error else 200,
    )


@router.get("/sign-in", response_class=HTMLResponse)
async def sign_in_page(request: Request, reason: str | None = None) -> HTMLResponse:
    return await _sign_in_form(request, reason=reason)


@router.post("/sign-in", response_class=HTMLResponse)
async def sign_in(
    request: Request,
    csrf: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    sites: Annotated[list[str] | None, Form()] = None,
    name: Annotated[str, Form(max_length=100)] = "",
    token: Annotated[str, Form(max_length=8000)] = "",
    technician_id: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    check_csrf(request, csrf)
    settings = settings_of(request)
    if _development(request) and not token:
        chosen = sites or []
        if role not in {r.value for r in Role} or not chosen:
            return await _refused(request, "choose a role and at least one site")
        if ALL_SITES in chosen and Role(role) not in HOTLINE_ROLES:
            return await _refused(request, f"a {role} works at named sites, not at all sites")
        # dispatch knows a technician by their technician id: it is their token's subject
        technician = role == Role.TECHNICIAN and technician_id.strip()
        token = issue_token(
            settings.jwt_secret.get_secret_value(),
            subject=technician or f"console-{role}-{name or 'user'}",
            role=Role(role),
            sites=chosen,
            name=name.strip() or None,
            issuer=settings.jwt_issuer,
        )
    try:
        await request.app.state.verifier.verify_async(token)
    except InvalidToken as exc:
        return await _refused(request, str(exc))
    response = redirect("/")
    set_cookie(response, SESSION_COOKIE, token)
    return response


async def _refused(request: Request, error: str) -> HTMLResponse:
    return await _sign_in_form(request, error=error)


@router.post("/sign-out")
async def sign_out(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, csrf)
    response = redirect("/sign-in?reason=signed_out")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/language/{language}")
async def switch_language(request: Request, language: str) -> Response:
    referer = urlparse(request.headers.get("referer", "/"))
    back = referer.path if not referer.netloc or referer.netloc == request.url.netloc else "/"
    response = redirect(f"{back}?{referer.query}" if referer.query else back)
    if language in LANGUAGES:
        set_cookie(response, LANGUAGE_COOKIE, language)
    return response
