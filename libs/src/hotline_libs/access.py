"""Who may call which route.

Each service declares, in one place (``entrypoints/http/access.py``), an ``Access`` table: route
name → the roles it allows. The runtime refuses to start when a route has no rule or a rule no
route, checks the caller's role before the route runs (403, naming the roles that may), and
lists the roles in the OpenAPI document. Which *sites* a caller covers is checked by the route
against the record it touches: another site's record answers 404, so ids don't leak.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from fastapi import HTTPException, Request, status
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from hotline_libs.auth import CurrentPrincipal, Role


@dataclass(frozen=True)
class Rule:
    """What one route requires.

    ``roles``: who may call it; ``public``: nobody needs a token (health, metrics);
    ``personal_data``: a read that hands out residents' personal data, so every call is audited
    like a change; ``signed``: no staff token either, but the caller (a provider's webhook) signs
    the body and the route refuses what is not signed (401, ``hotline_libs.signatures``).
    """

    roles: frozenset[Role] = frozenset()
    public: bool = False
    personal_data: bool = False
    signed: bool = False

    def names(self) -> list[str]:
        """The allowed roles in the order of ``Role``."""
        return [role.value for role in Role if role in self.roles]


def allow(*roles: Role | Iterable[Role], personal_data: bool = False) -> Rule:
    """A rule allowing ``roles`` (roles or groups of roles)."""
    flat: set[Role] = set()
    for role in roles:
        if isinstance(role, Role):
            flat.add(role)
        else:
            flat.update(role)
    if not flat:
        raise ValueError("a rule allows at least one role; use PUBLIC for open routes")
    return Rule(roles=frozenset(flat), personal_data=personal_data)


CHANGING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
"""Methods of calls that change something: they take an Idempotency-Key and are audited."""

PUBLIC = Rule(public=True)
"""No token needed: liveness, readiness, metrics."""

SIGNED = Rule(public=True, signed=True)
"""No staff token: the caller signs the body with a shared secret and the route checks it."""

Access = Mapping[str, Rule]
"""Route name (the endpoint function's name, its operationId) → its rule."""

# Groups the services' tables are written with.
STAFF = frozenset(Role) - {Role.SITE_SYSTEM}
"""Every person working for the company."""
HOTLINE_DESK = frozenset({Role.AGENT, Role.SUPERVISOR})
"""The central hotline's call centre."""
SITE_DESK = frozenset({Role.DUTY_STAFF, Role.STEWARD, Role.ADMINISTRATOR, Role.SITE_MANAGER})
"""A site's service centre and control room, and whoever runs them."""
OVERSIGHT = frozenset({Role.DIRECTOR, Role.QUALITY_HEAD, Role.ADMIN})
"""Those who read everything of their sites: reports, quality control, the platform's admin."""


class AccessNotDeclared(RuntimeError):
    """A route without a rule, or a rule naming no route: the service refuses to start."""


def check_declared(routes: Iterable[BaseRoute], access: Access) -> None:
    """Every API route has a rule in ``access`` and every rule a route."""
    names = [route.name for route in routes if isinstance(route, APIRoute)]
    doubled = sorted({name for name in names if names.count(name) > 1})
    if doubled:
        raise AccessNotDeclared(f"route names must be unique to key their rules: {doubled}")
    missing = sorted(set(names) - set(access))
    if missing:
        raise AccessNotDeclared(
            f"routes with no rule in the service's access table (entrypoints/http/access.py): "
            f"{missing}"
        )
    stale = sorted(set(access) - set(names))
    if stale:
        raise AccessNotDeclared(f"rules for routes that do not exist: {stale}")


def rule_of(request: Request) -> Rule:
    """The rule of the route ``request`` was routed to."""
    route = request.scope.get("route")
    access: Access = request.app.state.access
    name = getattr(route, "name", None)
    if name is None or name not in access:  # check_declared makes this a bug, not an input
        raise RuntimeError(f"no access rule for route {name!r}")
    return access[name]


async def authorize(request: Request, principal: CurrentPrincipal) -> None:
    """FastAPI dependency on every non-public route: 403 unless the caller's role is allowed."""
    rule = rule_of(request)
    if principal.role not in rule.roles:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            f"a {principal.role.value} may not do this; roles that may: {', '.join(rule.names())}",
        )
