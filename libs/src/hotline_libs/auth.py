"""Bearer-token access: a JWT carrying the user's role and the sites they may act for.

The full access model (which role may do what) comes later; every route already depends on
``current_principal`` so that hook is in place from the start.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated

import jwt
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

ALGORITHM = "HS256"
ALL_SITES = "*"


class Role(enum.StrEnum):
    """Who the user is at the hotline (domain.md: who uses it)."""

    AGENT = "agent"
    SUPERVISOR = "supervisor"
    DUTY_STAFF = "duty_staff"
    TECHNICIAN = "technician"
    FINANCE = "finance"
    CALLBACK_AGENT = "callback_agent"
    MANAGER = "manager"
    SITE_SYSTEM = "site_system"


@dataclass(frozen=True)
class Principal:
    """The authenticated caller."""

    subject: str
    role: Role
    sites: frozenset[str]

    def may_act_for(self, site_id: str) -> bool:
        """True when the caller's token covers ``site_id``."""
        return ALL_SITES in self.sites or site_id in self.sites

    @property
    def visible_sites(self) -> frozenset[str] | None:
        """The sites whose records the caller may list; None for all sites."""
        return None if ALL_SITES in self.sites else self.sites

    def require_site(self, site_id: str) -> None:
        """Raise 403 unless the caller's token covers ``site_id``."""
        if not self.may_act_for(site_id):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, f"your token does not cover site {site_id!r}"
            )


def issue_token(
    secret: str,
    *,
    subject: str,
    role: Role,
    sites: list[str],
    issuer: str = "hotline",
    ttl: timedelta = timedelta(hours=12),
) -> str:
    """Sign a token for ``subject``; used by ``make token`` and by tests."""
    now = datetime.now(UTC)
    claims = {
        "sub": subject,
        "role": role.value,
        "sites": sites,
        "iss": issuer,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


class InvalidToken(Exception):
    """The token is missing, expired, forged or lacks a claim; the message says which."""


def decode_token(token: str, secret: str, issuer: str) -> Principal:
    """Verify signature, expiry and issuer, and read the principal from the claims."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            issuer=issuer,
            options={"require": ["sub", "exp", "iss"]},
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(f"invalid bearer token: {exc}") from None
    try:
        role = Role(str(claims.get("role")))
    except ValueError:
        raise InvalidToken(f"invalid bearer token: unknown role {claims.get('role')!r}") from None
    sites = claims.get("sites")
    if not isinstance(sites, list) or not all(isinstance(site, str) for site in sites):
        raise InvalidToken("invalid bearer token: claim 'sites' must be a list of site ids")
    return Principal(subject=str(claims["sub"]), role=role, sites=frozenset(sites))


_bearer = HTTPBearer(auto_error=False, description="JWT from `make token`")


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """FastAPI dependency: the verified caller, or 401 naming what is wrong with the token."""
    if credentials is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing bearer token: send 'Authorization: Bearer <token>' (make token)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    settings = request.app.state.settings
    try:
        return decode_token(
            credentials.credentials, settings.jwt_secret.get_secret_value(), settings.jwt_issuer
        )
    except InvalidToken as exc:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, str(exc), headers={"WWW-Authenticate": "Bearer"}
        ) from None


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def main() -> None:
    """``python -m hotline_libs.auth ROLE SITES [SUBJECT]``: print a development token."""
    import argparse

    from hotline_libs.settings import ServiceSettings

    parser = argparse.ArgumentParser(description="Mint a development bearer token.")
    parser.add_argument("--role", default=Role.AGENT.value, choices=[r.value for r in Role])
    parser.add_argument("--sites", default=ALL_SITES, help="comma-separated site ids, or *")
    parser.add_argument("--subject", default="dev-user")
    parser.add_argument("--hours", type=float, default=12.0)
    args = parser.parse_args()
    settings = ServiceSettings()
    print(
        issue_token(
            settings.jwt_secret.get_secret_value(),
            subject=args.subject,
            role=Role(args.role),
            sites=[site.strip() for site in args.sites.split(",") if site.strip()],
            issuer=settings.jwt_issuer,
            ttl=timedelta(hours=args.hours),
        )
    )


if __name__ == "__main__":
    main()
