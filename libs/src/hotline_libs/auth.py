"""Bearer tokens: a JWT carrying who the user is, their role and the sites they may act for.

Development signs HS256 tokens with a shared secret (``make token``). Production verifies RS256 or
ES256 tokens from the company's identity provider against its JWKS URL, and refuses to start on
the development secret. Which role may call which route is ``hotline_libs.access``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import jwt
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from hotline_libs.roles import HOTLINE_ROLES as HOTLINE_ROLES  # re-exported
from hotline_libs.roles import Role as Role  # re-exported: every route names roles from here
from hotline_libs.settings import DEV_JWT_SECRET, ServiceSettings

ALGORITHM = "HS256"
"""Development tokens: HMAC with the shared secret."""
PRODUCTION_ALGORITHMS = ("RS256", "ES256")
"""Tokens from an identity provider, verified with its published keys."""
ALL_SITES = "*"


@dataclass(frozen=True)
class Principal:
    """The authenticated caller. ``sites_concerned`` collects the sites a route checked the
    caller against, for the audit record."""

    subject: str
    role: Role
    sites: frozenset[str]
    name: str = ""
    sites_concerned: set[str] = field(default_factory=set, compare=False, hash=False)

    def may_act_for(self, site_id: str) -> bool:
        """True when the caller's token covers ``site_id``."""
        self.sites_concerned.add(site_id)
        return ALL_SITES in self.sites or site_id in self.sites

    @property
    def who(self) -> str:
        """How records name the caller: their name, else their id."""
        return self.name or self.subject

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
    role: Role | str,
    sites: list[str],
    name: str | None = None,
    issuer: str = "hotline",
    ttl: timedelta = timedelta(hours=12),
) -> str:
    """Sign a development token for ``subject``; used by ``make token``, the console's
    development sign-in and the tests."""
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": subject,
        "role": str(role),
        "sites": sites,
        "iss": issuer,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
    }
    if name:
        claims["name"] = name
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


class InvalidToken(Exception):
    """The token is missing, expired, forged or lacks a claim; the message says which."""


class InsecureSettings(Exception):
    """A production deployment configured with development credentials; it refuses to start."""


class TokenVerifier:
    """Checks bearer tokens the way the deployment is configured: the development secret (HS256)
    or the identity provider's JWKS (RS256/ES256), then reads the principal from the claims,
    mapping a company's own role names through ``role_aliases``."""

    def __init__(self, settings: ServiceSettings) -> None:
        self._settings = settings
        self._aliases: Mapping[str, str] = dict(settings.role_aliases)
        self._jwks = (
            jwt.PyJWKClient(settings.jwt_jwks_url, cache_keys=True, lifespan=300)
            if settings.jwt_jwks_url
            else None
        )

    @staticmethod
    def check_deployment(settings: ServiceSettings) -> None:
        """Refuse a production deployment that would accept tokens signed with the secret every
        developer has."""
        if settings.env != "production":
            return
        if settings.jwt_jwks_url is None and (
            settings.jwt_secret.get_secret_value() == DEV_JWT_SECRET
        ):
            raise InsecureSettings(
                "HOTLINE_ENV=production but tokens would be checked with the development secret: "
                "set HOTLINE_JWT_JWKS_URL to your identity provider's JWKS "
                "(or HOTLINE_JWT_SECRET to a secret of your own)"
            )

    @property
    def uses_jwks(self) -> bool:
        return self._jwks is not None

    def verify(self, token: str) -> Principal:
        """Verify signature, expiry, issuer (and audience when set); blocking when it must fetch
        the provider's keys (``verify_async`` runs that off the event loop)."""
        settings = self._settings
        try:
            if self._jwks is not None:
                key: Any = self._jwks.get_signing_key_from_jwt(token).key
                algorithms = list(PRODUCTION_ALGORITHMS)
            else:
                key = settings.jwt_secret.get_secret_value()
                algorithms = [ALGORITHM]
            claims = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                issuer=settings.jwt_issuer,
                audience=settings.jwt_audience,
                options={
                    "require": ["sub", "exp", "iss"],
                    "verify_aud": bool(settings.jwt_audience),
                },
            )
        except (jwt.PyJWTError, jwt.PyJWKClientError) as exc:
            raise InvalidToken(f"invalid bearer token: {exc}") from None
        return self._principal(claims)

    async def verify_async(self, token: str) -> Principal:
        if self._jwks is None:
            return self.verify(token)
        return await asyncio.to_thread(self.verify, token)

    def _principal(self, claims: Mapping[str, Any]) -> Principal:
        settings = self._settings
        raw_role = claims.get(settings.jwt_role_claim)
        if isinstance(raw_role, list):  # providers often send roles as a list: take the first known
            raw_role = next((r for r in raw_role if self._role(r) is not None), None)
        role = self._role(raw_role)
        if role is None:
            raise InvalidToken(
                f"invalid bearer token: unknown role {raw_role!r} in claim "
                f"{settings.jwt_role_claim!r} (roles: {', '.join(Role)}; "
                "a company's own names map through HOTLINE_ROLE_ALIASES)"
            )
        sites = claims.get(settings.jwt_sites_claim)
        if not isinstance(sites, list) or not all(isinstance(site, str) for site in sites):
            raise InvalidToken(
                f"invalid bearer token: claim {settings.jwt_sites_claim!r} must be a list of "
                "site ids"
            )
        if ALL_SITES in sites and role not in HOTLINE_ROLES:
            raise InvalidToken(
                f"invalid bearer token: a {role} works at named sites, not at every site ('*')"
            )
        name = claims.get(settings.jwt_name_claim)
        return Principal(
            subject=str(claims["sub"]),
            role=role,
            sites=frozenset(sites),
            name=name if isinstance(name, str) else "",
        )

    def _role(self, raw: object) -> Role | None:
        if not isinstance(raw, str):
            return None
        try:
            return Role(self._aliases.get(raw, raw))
        except ValueError:
            return None


def decode_token(token: str, secret: str, issuer: str) -> Principal:
    """Verify a development token signed with ``secret``."""
    settings = ServiceSettings(jwt_secret=secret, jwt_issuer=issuer)
    return TokenVerifier(settings).verify(token)


_bearer = HTTPBearer(
    auto_error=False,
    description="A JWT: `make token ROLE=agent SITES=dmg` in development, the identity "
    "provider's in production",
)


def _verifier(request: Request) -> TokenVerifier:
    verifier: TokenVerifier | None = getattr(request.app.state, "token_verifier", None)
    if verifier is None:
        verifier = TokenVerifier(request.app.state.settings)
        request.app.state.token_verifier = verifier
    return verifier


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
    try:
        principal = await _verifier(request).verify_async(credentials.credentials)
    except InvalidToken as exc:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, str(exc), headers={"WWW-Authenticate": "Bearer"}
        ) from None
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def main() -> None:
    """``python -m hotline_libs.auth --role ROLE --sites SITES``: print a development token."""
    import argparse

    parser = argparse.ArgumentParser(description="Mint a development bearer token.")
    parser.add_argument("--role", default=Role.AGENT.value, choices=[r.value for r in Role])
    parser.add_argument("--sites", default=ALL_SITES, help="comma-separated site ids, or *")
    parser.add_argument("--subject", default="dev-user")
    parser.add_argument("--name", default=None, help="the user's name, shown by the console")
    parser.add_argument("--hours", type=float, default=12.0)
    args = parser.parse_args()
    settings = ServiceSettings()
    print(
        issue_token(
            settings.jwt_secret.get_secret_value(),
            subject=args.subject,
            role=Role(args.role),
            sites=[site.strip() for site in args.sites.split(",") if site.strip()],
            name=args.name,
            issuer=settings.jwt_issuer,
            ttl=timedelta(hours=args.hours),
        )
    )


if __name__ == "__main__":
    main()
