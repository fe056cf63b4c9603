"""Each service scales on its own: two replicas share the work of one consumer group, and still
every effect happens exactly once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from hotline_bench.flows import Driver, differences, settled_effects
from hotline_infra.stack import SERVICES, Stack

from tests.support import flow_runs_again

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]


@pytest.fixture
async def second_replicas(platform: Stack) -> AsyncIterator[list[str]]:
    for name in SERVICES:
        platform.start_service(name, wait=False, replica=2)
    instances = [f"{name}#2" for name in SERVICES]
    for instance in instances:
        platform.wait_ready(instance)
    yield instances
    for instance in instances:
        platform.stop_service(instance)
    await flow_runs_again(platform)


async def test_two_replicas_of_every_service_do_each_thing_once(
    platform: Stack, second_replicas: list[str]
) -> None:
    driver = Driver(platform, f"r{uuid.uuid4().hex[:8]}", requests=150, milestone=150)
    await asyncio.wait_for(
        asyncio.gather(driver.register_all(), driver.complete_all()), timeout=240
    )
    want, got = await settled_effects(platform, driver)
    assert not differences(want, got), "with two replicas of each service"
    for instance in second_replicas:  # every service consumes (intake: the site feed)
        log = (platform.logs / f"{instance}.log").read_text()
        assert "assigned to partitions: (TopicPartition" in log, f"{instance} got no partitions"
