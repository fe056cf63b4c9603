"""Kafka and MongoDB from their official images, through testcontainers, where a Docker engine answers.

Tests use these instead of the native runners when ``HOTLINE_TEST_INFRA`` is ``docker``, or is
``auto`` (the default) and ``docker info`` succeeds. The sinks and the services still run as
local processes either way.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import Any

KAFKA_IMAGE = "apache/kafka:4.1.0"
MONGO_IMAGE = "mongo:8.0"


def docker_available() -> bool:
    """True when a Docker engine answers (not merely a docker client on PATH)."""
    if shutil.which("docker") is None:
        return False
    try:
        return (
            subprocess.run(
                ["docker", "info"], capture_output=True, timeout=10, check=False
            ).returncode
            == 0
        )
    except subprocess.TimeoutExpired:
        return False


def use_docker() -> bool:
    """Whether this test session should run Kafka and the store in containers."""
    choice = os.environ.get("HOTLINE_TEST_INFRA", "auto")
    if choice not in {"auto", "docker", "native"}:
        raise ValueError(f"HOTLINE_TEST_INFRA must be auto, docker or native, not {choice!r}")
    if choice == "docker":
        return True
    return choice == "auto" and docker_available()


def start_kafka(port: int, controller_port: int) -> Any:
    """A single-node KRaft broker advertised on ``127.0.0.1:port`` (bound one-to-one)."""
    from testcontainers.core.container import DockerContainer

    container = (
        DockerContainer(KAFKA_IMAGE)
        .with_bind_ports(9092, port)
        .with_envs(
            KAFKA_NODE_ID="1",
            KAFKA_PROCESS_ROLES="broker,controller",
            KAFKA_LISTENERS=f"PLAINTEXT://:9092,CONTROLLER://:{controller_port}",
            KAFKA_ADVERTISED_LISTENERS=f"PLAINTEXT://127.0.0.1:{port}",
            KAFKA_CONTROLLER_LISTENER_NAMES="CONTROLLER",
            KAFKA_LISTENER_SECURITY_PROTOCOL_MAP="CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            KAFKA_CONTROLLER_QUORUM_VOTERS=f"1@localhost:{controller_port}",
            KAFKA_AUTO_CREATE_TOPICS_ENABLE="false",
            KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR="1",
            KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR="1",
            KAFKA_TRANSACTION_STATE_LOG_MIN_ISR="1",
            KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS="0",
        )
    )
    container.start()
    return container


def start_mongo(port: int) -> Any:
    """A MongoDB server on ``127.0.0.1:port``."""
    from testcontainers.core.container import DockerContainer

    container = DockerContainer(MONGO_IMAGE).with_bind_ports(27017, port)
    container.start()
    return container
