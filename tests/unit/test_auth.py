"""Bearer tokens: every endpoint but health and docs needs one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hotline_libs.auth import CurrentPrincipal, InvalidToken, Role, decode_token, issue_token
from hotline_libs.settings import ServiceSettings

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
