"""docker-compose.yml cannot be started on a machine without Docker; these keep it from drifting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from console.settings import ConsoleSettings
from hotline_infra.docs import asyncapi_documents
from hotline_infra.paths import REPO
from hotline_infra.stack import SERVICES
from notification.settings import NotificationSettings


def _compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    return document


def test_compose_runs_each_service_with_its_own_entry_point() -> None:
    services = _compose()["services"]
    for name in SERVICES:
        assert services[name]["command"] == ["python", "-m", name]
        assert "/health/ready" in services[name]["healthcheck"]["test"][-1]


def test_compose_runs_the_console_in_front_of_the_five_apis() -> None:
    console = _compose()["services"]["console"]
    assert console["command"] == ["python", "-m", "console"]
    urls = {f"HOTLINE_{name.upper()}_URL" for name in SERVICES}
    assert urls <= set(console["environment"])


def test_every_hotline_variable_in_compose_is_a_setting() -> None:
    known = {f"HOTLINE_{field.upper()}" for field in NotificationSettings.model_fields}
    known |= {f"HOTLINE_{field.upper()}" for field in ConsoleSettings.model_fields}
    for service in _compose()["services"].values():
        for variable in service.get("environment") or {}:
            if variable.startswith("HOTLINE_"):
                assert variable in known, (
                    f"{variable} is set in docker-compose.yml but read by nothing"
                )


def test_the_sinks_and_topic_tool_in_compose_exist() -> None:
    services = _compose()["services"]
    for name in ("smtp-sink", "sms-sink", "topics"):
        module = services[name]["command"][2]
        path = Path(REPO / "infra" / "src" / Path(*module.split("."))).with_suffix(".py")
        assert path.exists(), f"{name} runs {module}, which does not exist"


def test_the_committed_asyncapi_documents_match_the_code() -> None:
    """Run `make asyncapi` after changing what a service consumes or publishes."""
    for file_name, document in asyncapi_documents().items():
        committed = REPO / "docs" / "asyncapi" / file_name
        assert committed.exists() and committed.read_text() == document, (
            f"docs/asyncapi/{file_name} is stale: run `make asyncapi`"
        )
