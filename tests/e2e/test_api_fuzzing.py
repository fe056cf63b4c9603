"""Schemathesis against the five running services: every check, a bounded number of generated
cases per operation, zero failures.

It reads each service's OpenAPI document as a new user would, sends schema-valid and invalid
requests with an admin's token (and without one, for the ``ignored_auth`` check), and fails on a
5xx, a status or body the document does not declare, invalid input accepted, or valid input
refused by a rule the document does not state. The reports (JUnit, and a script reproducing any
failure) stay under ``.hotline/artifacts/schemathesis/<service>/``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hotline_infra.processes import free_port
from hotline_infra.stack import SERVICES, Stack
from hotline_infra.topics import ensure_topics
from hotline_libs.auth import Role

from tests.support import token

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]

ARTIFACTS = Path(__file__).resolve().parents[2] / ".hotline" / "artifacts" / "schemathesis"
CONFIG = Path(__file__).resolve().parents[1] / "schemathesis.toml"
MAX_EXAMPLES = int(os.environ.get("HOTLINE_FUZZ_EXAMPLES", "30"))
"""Generated cases per operation and phase; raise it for a longer hunt."""


@pytest.fixture(scope="module")
def fuzzed(platform: Stack) -> Iterator[Stack]:
    """The five services once more, on the session's Kafka and store but with topics and
    databases of their own: what the fuzzer creates (technicians on duty at odd sites, prices of
    0.01) stays out of the other tests' world. Their SMS and mail go nowhere (a closed port), so
    no fuzzed message is mistaken for another test's."""
    closed = free_port()
    stack = Stack(
        platform.root / "fuzz",
        dataclasses.replace(
            platform.ports,
            smtp=closed,
            sms=closed,
            services={name: free_port() for name in SERVICES},
        ),
        topic_prefix="fuzz.",
        db_prefix="fuzz_",
        partitions=1,
    )
    asyncio.run(ensure_topics(stack.kafka_bootstrap, stack.topic_prefix, partitions=1))
    try:
        for name in SERVICES:
            stack.start_service(name, wait=False)
        for name in SERVICES:
            stack.wait_ready(name)
        yield stack
    finally:
        for process in reversed(list(stack.services.values())):
            process.stop()


BEYOND_ADMIN: dict[tuple[str, Role], tuple[str, ...]] = {
    ("intake", Role.DIRECTOR): ("approve_standard_answer",),  # the leader in charge (KB-06)
    ("notification", Role.SUPERVISOR): (  # the company's message templates (issue #13)
        "list_message_types",
        "get_message_type",
        "preview_template",
        "write_template_version",
        "approve_template_version",
        "reject_template_version",
    ),
    ("intake", Role.DUTY_STAFF): (  # the desk's own log and roster (DUTY-04..DUTY-16)
        "open_duty_log",
        "write_duty_entry",
        "take_over_duty",
        "sign_off_duty",
        "ask_roster_change",
    ),
    # residents' broadcasts are the site's manager's and customer service's supervisors'
    ("notification", Role.SITE_MANAGER): ("create_broadcast", "cancel_broadcast"),
}
"""Operations an admin may not call: fuzzed once more with the token of a role that may."""


def schemathesis(stack: Stack, service: str, role: Role, only: tuple[str, ...] = ()) -> None:
    reports = ARTIFACTS / (service if not only else f"{service}-{role.value}")
    reports.mkdir(parents=True, exist_ok=True)
    st = Path(sys.executable).with_name("st")
    run = subprocess.run(
        [
            str(st),
            "--no-color",
            "--config-file",
            str(CONFIG),
            "run",
            f"{stack.service_url(service)}/openapi.json",
            *(flag for operation in only for flag in ("--include-operation-id", operation)),
            "--checks",
            "all",
            "--max-examples",
            str(MAX_EXAMPLES),
            "--seed",
            "20261123",
            "--header",
            f"Authorization: Bearer {token(role)}",
            "--request-timeout",
            "15",
            "--report",
            "junit,pytest",
            "--report-dir",
            str(reports),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = run.stdout + run.stderr
    (reports / "output.txt").write_text(output)
    summary = re.findall(r"(\d+) generated", output)
    print(
        f"schemathesis {service} as {role}: {summary or '?'} generated cases; report in {reports}"
    )
    assert run.returncode == 0, output[-6000:]


@pytest.mark.timeout(600)  # as long as the run itself may take: intake has ~80 operations
@pytest.mark.parametrize("service", SERVICES)
def test_the_api_answers_every_generated_request_as_its_document_says(
    fuzzed: Stack, service: str
) -> None:
    schemathesis(fuzzed, service, Role.ADMIN)


@pytest.mark.parametrize(("service", "role"), sorted(BEYOND_ADMIN), ids=str)
def test_operations_an_admin_may_not_call_answer_the_role_that_may(
    fuzzed: Stack, service: str, role: Role
) -> None:
    schemathesis(fuzzed, service, role, only=BEYOND_ADMIN[(service, role)])
