"""Test session fixtures: one real stack (Kafka, FerretDB, sinks) per session, on free ports."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from hotline_infra.containers import use_docker
from hotline_infra.stack import Ports, Stack


@pytest.fixture(scope="session")
def infra() -> Iterator[Stack]:
    """Kafka, the store and the sinks, started once for the whole session; no services yet.

    Kafka and MongoDB run from their official images when a Docker engine answers
    (``HOTLINE_TEST_INFRA=auto``, the default), else natively: Kafka's jars and FerretDB.
    """
    root = Path(tempfile.mkdtemp(prefix="hotline-test-"))
    stack = Stack(
        root,
        Ports.free(),
        topic_prefix="e2e.",
        partitions=3,
        containers=use_docker(),
        quiet_hours="off",  # tests run at any hour; tests/e2e/test_preferences.py sets a site's
    )
    try:
        stack.start_infra()
        yield stack
    finally:
        stack.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def platform(infra: Stack) -> Stack:
    """The five services running as real processes on the session's infrastructure."""
    infra.start_services()
    return infra


@pytest.fixture
def service_logs_on_failure(platform: Stack, request: pytest.FixtureRequest) -> Iterator[None]:
    """Print the end of each service's log when a test fails, to see why."""
    yield
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        for name, process in platform.services.items():
            print(f"----- {name} -----\n{process.log_tail(30)}")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
