"""The console's own rules, without a browser: forms need this browser's CSRF token, pages need a
session, navigation follows the role, production has no development sign-in."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from console.bootstrap import create_app
from console.entrypoints.web import SCREENS, SESSION_COOKIE, screens_for
from console.entrypoints.web.answering import TIERS
from console.entrypoints.web.answers import STATUSES
from console.entrypoints.web.board import KINDS as INCIDENT_KINDS
from console.i18n import ROLES, TEXT, choose_language
from console.settings import ConsoleSettings
from fastapi.testclient import TestClient
from hotline_libs.auth import Role, issue_token
from hotline_libs.settings import DEV_JWT_SECRET

NOWHERE = "http://127.0.0.1:9"  # no API answers: the pages must still behave


def _client(**settings: str) -> TestClient:
    app = create_app(
        ConsoleSettings(intake_url=NOWHERE, **settings)  # type: ignore[arg-type]
    )
    return TestClient(app, follow_redirects=False)


def test_a_form_without_this_browsers_csrf_token_is_refused() -> None:
    with _client() as client:
        forged = client.post("/sign-in", data={"role": "admin", "sites": "*", "csrf": "guess"})
        assert forged.status_code == 403
        page = client.get("/sign-in")
        token = client.cookies["hotline_csrf"]
        assert f'value="{token}"' in page.text
        signed_in = client.post(
            "/sign-in", data={"role": "agent", "sites": "dmg", "name": "李娜", "csrf": token}
        )
        assert signed_in.status_code == 303 and SESSION_COOKIE in signed_in.cookies


def test_pages_send_whoever_has_no_valid_session_to_sign_in() -> None:
    with _client() as client:
        assert client.get("/requests").headers["location"] == "/sign-in"
        client.cookies.set(SESSION_COOKIE, "not-a-token")
        assert client.get("/requests").headers["location"] == "/sign-in?reason=session_ended"


def test_a_site_role_may_not_take_every_site() -> None:
    with _client() as client:
        client.get("/sign-in")
        refused = client.post(
            "/sign-in",
            data={"role": "technician", "sites": "*", "csrf": client.cookies["hotline_csrf"]},
        )
        assert refused.status_code == 400 and "named sites" in refused.text


def test_navigation_follows_the_role() -> None:
    assert [s.key for s in screens_for(Role.AGENT)] == [
        "register",
        "requests",
        "owed",
        "answers",
        "incidents",
        "report",
    ]
    # KB-06: the leader in charge approves standard answers, not the call-centre supervisor
    assert [s.key for s in screens_for(Role.DIRECTOR)] == [
        "requests",
        "owed",
        "answers",
        "approvals",
        "incidents",
        "report",
    ]
    assert "approvals" not in [s.key for s in screens_for(Role.SUPERVISOR)]
    assert screens_for(Role.TECHNICIAN) == []
    with _client() as client:
        token = issue_token(DEV_JWT_SECRET, subject="t", role=Role.TECHNICIAN, sites=["dmg"])
        client.cookies.set(SESSION_COOKIE, token)
        assert client.get("/requests/new").status_code == 403


def test_production_signs_in_with_the_providers_token_only() -> None:
    with _client(env="production", jwt_jwks_url="https://idp.example/jwks") as client:
        page = client.get("/sign-in").text
        assert 'name="token"' in page and 'name="role"' not in page


def test_chinese_first_english_on_request() -> None:
    assert choose_language(None, None) == "zh-CN"
    assert choose_language(None, "en-GB,en;q=0.8") == "en"
    assert choose_language("zh-CN", "en-GB") == "zh-CN"
