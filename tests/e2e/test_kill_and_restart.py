"""SIGKILL any service in the middle of 200 requests, restart it: every effect happens exactly once."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from hotline_bench.flows import Driver, differences, settled_effects
from hotline_infra.stack import SERVICES, Stack

from tests.support import flow_runs_again

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]

REQUESTS = 200
KILL_AFTER = 60  # registrations sent before the kill


async def kill_and_restart(stack: Stack, victim: str, driver: Driver) -> None:
    await driver.reached_milestone.wait()
    stack.kill_service(victim)
    await asyncio.sleep(1.0)
    stack.start_service(victim, wait=False)


@pytest.mark.parametrize("victim", SERVICES)
async def test_sigkill_mid_stream_loses_nothing_and_doubles_nothing(
    platform: Stack, victim: str
) -> None:
    driver = Driver(platform, f"k{uuid.uuid4().hex[:8]}", requests=REQUESTS, milestone=KILL_AFTER)
    await asyncio.wait_for(
        asyncio.gather(
            driver.register_all(), driver.complete_all(), kill_and_restart(platform, victim, driver)
        ),
        timeout=240,
    )
    platform.wait_ready(victim)
    want, got = await settled_effects(platform, driver)
    # resends (a crash between the gateway taking a message and its record) are a figure of
    # their own: the sinks drop them by message id, so the counts above still hold
    print(f"{victim}: {got['resends']} resends, {got['resends_dropped_by_sinks']} dropped by sinks")
    assert not differences(want, got), f"after killing {victim}"
    await flow_runs_again(platform)  # the killed members' sessions over, the groups settled
