"""One error shape for every service: ``application/problem+json`` (RFC 9457).

Every 4xx and 5xx answer is a ``Problem``: ``type`` (a URN naming the kind of problem, listed in
the README), ``title`` (the kind in words), ``status``, ``detail`` (this occurrence, in words a
person can act on), ``instance`` (the path asked for) and, for bad input, ``errors``: one entry per
offending field with its dotted path into the body or the parameter's name.

``document_problems`` then rewrites each service's OpenAPI document so every operation lists every
status it can answer with this schema: a client, and Schemathesis, can rely on the document.
"""

from __future__ import annotations

import http
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from pymongo.errors import ConnectionFailure
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Route

from hotline_libs.access import CHANGING_METHODS
from hotline_libs.errors import (
    ConcurrencyConflict,
    Conflict,
    HotlineError,
    NotFound,
    NotYours,
    RuleViolation,
)

log = structlog.get_logger(__name__)

MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:hotline:problem:"

KINDS: Mapping[int, tuple[str, str]] = {
    400: ("bad-request", "The request is malformed"),
    401: ("unauthenticated", "A valid bearer token is needed"),
    403: ("forbidden", "Your role or sites do not allow this"),
    404: ("not-found", "No such record among the sites you cover"),
    405: ("method-not-allowed", "This path does not take that method"),
    409: ("conflict", "The request clashes with the record's current state"),
    422: ("invalid-request", "The request breaks a rule"),
    500: ("internal", "Something went wrong on our side"),
    503: ("unavailable", "A dependency did not answer; retry"),
}
"""The kinds of problem by status: the type's last segment and its title."""


class FieldError(BaseModel):
    """One offending part of the request."""

    location: str = Field(
        description="body, query, path or header",
        examples=["body"],
    )
    field: str | None = Field(
        default=None,
        description="Dotted path into the body, or the parameter's name",
        examples=["resident.phone"],
    )
    message: str = Field(examples=["'12345' is not a valid phone number"])
    code: str = Field(
        description="A stable code for the kind of error (pydantic's type or the rule's name)",
        examples=["string_too_short"],
    )


class Problem(BaseModel):
    """An error answer (RFC 9457 problem details)."""

    type: str = Field(
        description="URN of the kind of problem", examples=[f"{TYPE_PREFIX}invalid-request"]
    )
    title: str = Field(examples=["The request breaks a rule"])
    status: int = Field(ge=400, le=599, examples=[422])
    detail: str = Field(examples=["resident.phone '12345' is not a valid phone number"])
    instance: str | None = Field(default=None, examples=["/service-requests"])
    errors: list[FieldError] | None = Field(
        default=None, description="The offending fields, for a request that is invalid"
    )


def problem(
    status: int,
    detail: str,
    *,
    instance: str | None = None,
    errors: Sequence[FieldError] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """An ``application/problem+json`` response."""
    slug, title = KINDS.get(status, (None, None))
    if title is None:
        slug, title = (
            http.HTTPStatus(status).phrase.lower().replace(" ", "-"),
            http.HTTPStatus(status).phrase,
        )
    body = Problem(
        type=f"{TYPE_PREFIX}{slug}",
        title=title,
        status=status,
        detail=detail,
        instance=instance,
        errors=list(errors) if errors is not None else None,
    )
    return JSONResponse(
        body.model_dump(mode="json", exclude_none=True),
        status_code=status,
        media_type=MEDIA_TYPE,
        headers=dict(headers or {}),
    )


_BUSINESS_STATUS: Mapping[type[HotlineError], int] = {
    RuleViolation: 422,
    NotFound: 404,
    NotYours: 403,
    Conflict: 409,
}


def _field_errors(exc: RequestValidationError) -> list[FieldError]:
    errors = []
    for error in exc.errors():
        location, *path = [str(part) for part in error.get("loc", ())] or ["body"]
        errors.append(
            FieldError(
                location=location,
                field=".".join(path) or None,
                message=str(error.get("msg", "invalid")),
                code=str(error.get("type", "invalid")),
            )
        )
    return errors


def install_problem_handlers(app: FastAPI, routes: Sequence[BaseRoute] = ()) -> None:
    """Make every error of ``app`` a problem: HTTP errors, invalid input, business errors, the
    store away, a record that kept changing, and any bug (500, with nothing of it disclosed).
    A 405 lists in ``Allow`` the methods every one of ``routes`` on that path takes."""

    def allowed(path: str) -> str:
        methods: set[str] = set()
        for route in routes:
            if isinstance(route, Route) and route.path_regex.match(path) and route.methods:
                methods |= route.methods
        return ", ".join(sorted(methods))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 405 and routes:
            headers = {**(exc.headers or {}), "Allow": allowed(request.url.path)}
            return problem(
                405,
                f"{request.method} is not taken here; allowed: {headers['Allow']}",
                instance=request.url.path,
                headers=headers,
            )
        detail = (
            exc.detail if isinstance(exc.detail, str) else http.HTTPStatus(exc.status_code).phrase
        )
        return problem(
            exc.status_code, detail, instance=request.url.path, headers=exc.headers or None
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_input(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _field_errors(exc)
        detail = "; ".join(f"{e.field or e.location}: {e.message}" for e in errors[:5]) + (
            "; …" if len(errors) > 5 else ""
        )
        return problem(422, detail, instance=request.url.path, errors=errors)

    @app.exception_handler(HotlineError)
    async def business_error(request: Request, exc: HotlineError) -> JSONResponse:
        status = next(
            (code for kind, code in _BUSINESS_STATUS.items() if isinstance(exc, kind)), 400
        )
        errors = None
        if exc.errors:
            errors = [
                FieldError(location="body", field=field, message=message, code=type(exc).__name__)
                for field, message in exc.errors
            ]
        elif exc.field is not None:
            errors = [
                FieldError(
                    location="body", field=exc.field, message=exc.message, code=type(exc).__name__
                )
            ]
        return problem(status, exc.message, instance=request.url.path, errors=errors)

    @app.exception_handler(ConnectionFailure)
    async def store_unavailable(request: Request, exc: ConnectionFailure) -> JSONResponse:
        # nothing was half-written (one document per write); the client may retry
        log.warning("store error during a request", error=repr(exc))
        return problem(
            503,
            "the store is unavailable; retry (with the same Idempotency-Key)",
            instance=request.url.path,
            headers={"Retry-After": "1"},
        )

    @app.exception_handler(ConcurrencyConflict)
    async def kept_changing(request: Request, exc: ConcurrencyConflict) -> JSONResponse:
        return problem(
            409,
            f"the record kept changing while we tried to save; retry ({exc})",
            instance=request.url.path,
        )

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error during a request", path=request.url.path)
        return problem(500, "an unexpected error; it has been logged", instance=request.url.path)


_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def document_problems(
    spec: dict[str, Any],
    *,
    public: Iterable[str],
    roles: Mapping[str, Sequence[str]],
    signed: Iterable[str] = (),
) -> dict[str, Any]:
    """Rewrite an OpenAPI document so each operation lists every problem status it can answer.

    ``public`` are the operation ids needing no token; ``roles`` the roles each other operation
    allows (shown in its description and as ``x-roles``); ``signed`` the public ones whose caller
    signs the body instead (``x-signed``, 401 when it does not).
    """
    public, signed = set(public), set(signed)
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    field_error = schemas["Problem"].pop("$defs", {}).get("FieldError")
    if field_error is not None:
        schemas["FieldError"] = field_error
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    for path, operations in spec.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "put", "post", "delete", "patch"}:
                continue
            operation_id = operation.get("operationId", "")
            responses = operation.setdefault("responses", {})
            statuses: set[int] = set()
            parameters = operation.get("parameters", [])
            if operation_id not in public:
                statuses |= {401, 403, 503}
                allowed = roles.get(operation_id, ())
                operation["x-roles"] = list(allowed)
                operation["description"] = (
                    f"{operation.get('description', '').strip()}\n\nRoles: "
                    f"{', '.join(allowed) or 'none'}."
                ).strip()
            if operation_id in signed:
                statuses.add(401)
                operation["x-signed"] = True
            if parameters or "requestBody" in operation:
                statuses.add(422)
            if "requestBody" in operation:
                statuses.add(400)  # a body that is not JSON at all
            if "{" in path:
                statuses.add(404)
            if method.upper() in CHANGING_METHODS:
                statuses |= {404, 409, 422}  # 404: a record the body refers to is unknown
            for status in sorted(
                statuses | {int(s) for s in responses if s.isdigit() and int(s) >= 400}
            ):
                existing = responses.get(str(status), {})
                description = existing.get("description")
                if not description or description == "Validation Error":  # FastAPI's default
                    description = KINDS.get(status, ("", "Error"))[1]
                responses[str(status)] = {
                    **{k: v for k, v in existing.items() if k != "content"},
                    "description": description,
                    "content": {MEDIA_TYPE: {"schema": _PROBLEM_REF}},
                }
    return spec
