"""Bearer tokens: every endpoint but health and docs needs one."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hotline_libs.auth import (
    CurrentPrincipal,
    InvalidToken,
    Role,
    TokenVerifier,
    decode_token,
    issue_token,
)
from hotline_libs.settings import DEV_JWT_SECRET, ServiceSettings

SECRET = "test-secret-that-is-long-enough-for-hs256-0123456789"


def test_a_token_carries_role_and_sites() -> None:
    token = issue_token(SECRET, subject="agent-7", role=Role.AGENT, sites=["dmg", "qjc"])
    principal = decode_token(token, SECRET, "hotline")
    assert principal.role is Role.AGENT
    assert principal.may_act_for("dmg") and not principal.may_act_for("gxi")


@pytest.mark.parametrize(
    ("token", "message"),
    [
        (
            issue_token(
                "another-secret-that-is-long-enough-0123456789",
                subject="x",
                role=Role.AGENT,
                sites=[],
            ),
            "Signature",
        ),
        (
            issue_token(SECRET, subject="x", role=Role.AGENT, sites=[], ttl=timedelta(seconds=-1)),
            "expired",
        ),
        (issue_token(SECRET, subject="x", role=Role.AGENT, sites=[], issuer="elsewhere"), "issuer"),
        ("not-a-jwt", "invalid bearer token"),
    ],
)
def test_bad_tokens_are_refused_with_the_reason(token: str, message: str) -> None:
    with pytest.raises(InvalidToken, match=message):
        decode_token(token, SECRET, "hotline")


def _app() -> FastAPI:
    app = FastAPI()
    app.state.settings = ServiceSettings(jwt_secret=SECRET)

    @app.get("/sites/{site_id}")
    async def site(site_id: str, principal: CurrentPrincipal) -> dict[str, str]:
        principal.require_site(site_id)
        return {"subject": principal.subject}

    return app


def test_the_shared_dependency_answers_401_and_403_with_a_clear_message() -> None:
    client = TestClient(_app())
    missing = client.get("/sites/dmg")
    assert missing.status_code == 401 and "missing bearer token" in missing.json()["detail"]
    forged = client.get("/sites/dmg", headers={"Authorization": "Bearer abc.def.ghi"})
    assert forged.status_code == 401
    token = issue_token(SECRET, subject="agent-7", role=Role.AGENT, sites=["qjc"])
    other_site = client.get("/sites/dmg", headers={"Authorization": f"Bearer {token}"})
    assert other_site.status_code == 403 and "'dmg'" in other_site.json()["detail"]
    own_site = client.get("/sites/qjc", headers={"Authorization": f"Bearer {token}"})
    assert own_site.json() == {"subject": "agent-7"}


def test_a_company_names_its_roles_its_own_way() -> None:
    settings = ServiceSettings(jwt_secret=SECRET, role_aliases={"客服专员": "agent"})
    token = issue_token(SECRET, subject="li-na", role="客服专员", sites=["dmg"], name="李娜")
    principal = TokenVerifier(settings).verify(token)
    assert principal.role is Role.AGENT and principal.name == "李娜"
    unknown = issue_token(SECRET, subject="x", role="janitor", sites=["dmg"])
    with pytest.raises(InvalidToken, match="unknown role 'janitor'"):
        TokenVerifier(settings).verify(unknown)


def test_only_hotline_roles_may_cover_every_site() -> None:
    agent = issue_token(SECRET, subject="a", role=Role.AGENT, sites=["*"])
    assert decode_token(agent, SECRET, "hotline").visible_sites is None
    technician = issue_token(SECRET, subject="t", role=Role.TECHNICIAN, sites=["*"])
    with pytest.raises(InvalidToken, match="a technician works at named sites"):
        decode_token(technician, SECRET, "hotline")


@pytest.fixture(scope="module")
def identity_provider() -> Iterator[tuple[str, Any]]:
    """A JWKS served over HTTP on loopback, as a company's identity provider publishes it."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    body = json.dumps({"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}).encode()

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Jwks)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/jwks.json", key
    server.shutdown()


def _provider_token(key: Any, **claims: Any) -> str:
    now = int(time.time())
    body = {"sub": "u1", "iss": "https://idp.example", "iat": now, "exp": now + 600, **claims}
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": "k1"})


def test_production_verifies_the_providers_tokens_against_its_jwks(
    identity_provider: tuple[str, Any],
) -> None:
    url, key = identity_provider
    settings = ServiceSettings(
        env="production",
        jwt_jwks_url=url,
        jwt_issuer="https://idp.example",
        jwt_audience="hotline",
        jwt_role_claim="roles",
    )
    verifier = TokenVerifier(settings)
    token = _provider_token(key, aud="hotline", roles=["offline_access", "finance"], sites=["dmg"])
    principal = verifier.verify(token)
    assert principal.role is Role.FINANCE and principal.sites == {"dmg"}
    with pytest.raises(InvalidToken, match="Audience"):
        verifier.verify(_provider_token(key, aud="other", roles=["finance"], sites=["dmg"]))
    development = issue_token(DEV_JWT_SECRET, subject="x", role=Role.ADMIN, sites=["*"])
    with pytest.raises(InvalidToken):
        verifier.verify(development)  # an HS256 token signed with the shared secret: refused
