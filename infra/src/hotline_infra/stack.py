"""The whole platform on this machine: Kafka, FerretDB, the sinks and the five services.

Used by ``make run`` (fixed ports, data kept under ``.hotline/run``) and by the tests (free
ports, data in a temporary folder, one stack per test session).
"""

from __future__ import annotations

import asyncio
import base64
import os
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from hotline_infra.install import ferretdb_binary, kafka_libs
from hotline_infra.paths import INFRA
from hotline_infra.processes import ManagedProcess, free_port, port_open
from hotline_infra.topics import ensure_topics

DEMO_SITES = ("dmg", "qjc", "gxi")
"""The sites of the demo data every service seeds."""

SERVICES = ("intake", "dispatch", "billing", "callback", "notification")


@dataclass
class Ports:
    """Every port the stack listens on."""

    kafka: int
    kafka_controller: int
    mongo: int
    smtp: int
    sms: int
    services: dict[str, int] = field(default_factory=dict)
    console: int = 0
    """The staff console's port (0: not started by this stack yet)."""

    @classmethod
    def defaults(cls) -> Ports:
        """The ports ``make run`` uses; each can be overridden with ``HOTLINE_PORT_<NAME>``."""

        def port(name: str, default: int) -> int:
            return int(os.environ.get(f"HOTLINE_PORT_{name.upper()}", default))

        return cls(
            kafka=port("kafka", 9092),
            kafka_controller=port("kafka_controller", 9093),
            mongo=port("mongo", 27017),
            smtp=port("smtp", 2525),
            sms=port("sms", 8025),
            services={name: port(name, 8001 + i) for i, name in enumerate(SERVICES)},
            console=port("console", 8080),
        )

    @classmethod
    def free(cls) -> Ports:
        """Free ports, for an isolated test stack."""
        return cls(
            kafka=free_port(),
            kafka_controller=free_port(),
            mongo=free_port(),
            smtp=free_port(),
            sms=free_port(),
            services={name: free_port() for name in SERVICES},
            console=free_port(),
        )


def _cluster_id() -> str:
    """A random KRaft cluster id; like Kafka's own, never starting with "-" (read as an option)."""
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


class Stack:
    """Starts and stops the infrastructure and the services as child processes."""

    def __init__(
        self,
        root: Path,
        ports: Ports,
        *,
        topic_prefix: str = "",
        db_prefix: str = "hotline_",
        partitions: int = 6,
        seed_demo_data: bool = True,
        containers: bool = False,
        store_metrics_port: int | None = None,
        quiet_hours: str | None = None,
        sms_sink_options: tuple[str, ...] = (),
    ) -> None:
        self.root = root
        # more of hotline_infra.sms_sink's options (failure injection: --fail-rate ...)
        self.sms_sink_options = sms_sink_options
        self.ports = ports
        self.topic_prefix = topic_prefix
        self.db_prefix = db_prefix
        self.partitions = partitions
        self.seed_demo_data = seed_demo_data
        self.containers = (
            containers  # Kafka and the store from Docker images (hotline_infra.containers)
        )
        self._containers: list[Any] = []
        # FerretDB's debug server (Prometheus metrics, pprof) on this port; off when None
        self.store_metrics_port = store_metrics_port
        # The company's quiet hours for notification (no routine SMS at night); None: the
        # service's default (22:00-08:00). Tests, the bench and chaos run at any hour, so they
        # set "off" and a test that wants the night sets a site's own quiet hours.
        self.quiet_hours = quiet_hours
        self.logs = root / "logs"
        self.mail_dir = root / "mail"
        self.sms_dir = root / "sms"
        self.infra: dict[str, ManagedProcess] = {}
        self.services: dict[str, ManagedProcess] = {}

    # -- addresses -------------------------------------------------------------------------
    @property
    def kafka_bootstrap(self) -> str:
        return f"127.0.0.1:{self.ports.kafka}"

    @property
    def mongo_url(self) -> str:
        return f"mongodb://127.0.0.1:{self.ports.mongo}/"

    @property
    def store_metrics_url(self) -> str | None:
        """FerretDB's Prometheus metrics, when its debug server is on."""
        if self.store_metrics_port is None:
            return None
        return f"http://127.0.0.1:{self.store_metrics_port}/debug/metrics"

    @property
    def sms_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.sms}"

    @property
    def smtp_ca_file(self) -> Path:
        """The CA the SMTP sink made its STARTTLS certificate with."""
        return self.mail_dir / "ca.pem"

    def service_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports.services[name]}"

    # -- infrastructure ----------------------------------------------------------------------
    def start_infra(self) -> None:
        """Start Kafka, FerretDB and the sinks, and create the topics."""
        for name, port in (
            ("kafka", self.ports.kafka),
            ("ferretdb", self.ports.mongo),
            ("smtp-sink", self.ports.smtp),
            ("sms-sink", self.ports.sms),
        ):
            if port_open(port):
                raise RuntimeError(
                    f"port {port} for {name} is already in use; stop what holds it "
                    f"or set HOTLINE_PORT_{name.split('-')[0].upper()}"
                )
        if self.containers:
            self._start_containers()
        else:
            self.start_ferretdb()
            self.start_kafka()
        self._start_sinks()
        asyncio.run(ensure_topics(self.kafka_bootstrap, self.topic_prefix, self.partitions))

    def start_kafka(self) -> None:
        """Start (formatting its storage on first use) the single-node KRaft broker."""
        libs = kafka_libs()
        data = self.root / "kafka"
        data.mkdir(parents=True, exist_ok=True)
        config = data / "server.properties"
        config.write_text(self._kafka_config(data / "log"))
        java = [
            "java",
            "-Xms256m",
            "-Xmx768m",
            "-XX:+UseG1GC",
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={INFRA / 'kafka' / 'log4j2.properties'}",
            "-cp",
            f"{libs}/*",
        ]
        if not (data / "log" / "meta.properties").exists():
            cluster_id = _cluster_id()
            format_log = ManagedProcess(
                "kafka-format",
                [*java, "kafka.tools.StorageTool", "format", "-t", cluster_id, "-c", str(config)],
                self.logs / "kafka-format.log",
            )
            format_log.start()
            assert format_log.process is not None
            if format_log.process.wait(120) != 0:
                raise RuntimeError(f"formatting Kafka storage failed:\n{format_log.log_tail()}")
            format_log.stop()
        kafka = ManagedProcess(
            "kafka", [*java, "kafka.Kafka", str(config)], self.logs / "kafka.log"
        )
        kafka.start()
        self.infra["kafka"] = kafka
        kafka.wait_until(lambda: port_open(self.ports.kafka), 90)

    def _start_containers(self) -> None:
        from hotline_infra import containers

        self._containers.append(containers.start_mongo(self.ports.mongo))
        self._containers.append(
            containers.start_kafka(self.ports.kafka, self.ports.kafka_controller)
        )
        deadline = time.monotonic() + 120
        while not (port_open(self.ports.kafka) and port_open(self.ports.mongo)):
            if time.monotonic() > deadline:
                raise RuntimeError("Kafka or MongoDB container did not open its port within 120 s")
            time.sleep(0.5)

    def _kafka_config(self, log_dir: Path) -> str:
        port, controller = self.ports.kafka, self.ports.kafka_controller
        return "\n".join(
            [
                "process.roles=broker,controller",
                "node.id=1",
                f"controller.quorum.voters=1@127.0.0.1:{controller}",
                f"listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller}",
                f"advertised.listeners=PLAINTEXT://127.0.0.1:{port}",
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                f"log.dirs={log_dir}",
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=10",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "log.retention.hours=168",
                "",
            ]
        )

    def start_ferretdb(self) -> None:
        """Start FerretDB with its SQLite backend and telemetry off."""
        data = self.root / "ferretdb"
        data.mkdir(parents=True, exist_ok=True)
        ferret = ManagedProcess(
            "ferretdb",
            [
                str(ferretdb_binary()),
                f"--listen-addr=127.0.0.1:{self.ports.mongo}",
                "--handler=sqlite",
                f"--sqlite-url=file:{data}/",
                f"--state-dir={data}",
                "--telemetry=disable",
                "--debug-addr="
                + (f"127.0.0.1:{self.store_metrics_port}" if self.store_metrics_port else "-"),
                "--log-level=warn",
            ],
            self.logs / "ferretdb.log",
        )
        ferret.start()
        self.infra["ferretdb"] = ferret
        ferret.wait_until(lambda: port_open(self.ports.mongo), 30)

    def _start_sinks(self) -> None:
        smtp = ManagedProcess(
            "smtp-sink",
            [
                sys.executable,
                "-m",
                "hotline_infra.smtp_sink",
                "--port",
                str(self.ports.smtp),
                "--dir",
                str(self.mail_dir),
            ],
            self.logs / "smtp-sink.log",
        )
        sms = ManagedProcess(
            "sms-sink",
            [
                sys.executable,
                "-m",
                "hotline_infra.sms_sink",
                "--port",
                str(self.ports.sms),
                "--dir",
                str(self.sms_dir),
                # both providers' receipts go to notification (the secrets: both sides' defaults)
                "--callback-url",
                self.service_url("notification"),
                *self.sms_sink_options,
            ],
            self.logs / "sms-sink.log",
        )
        for process in (smtp, sms):
            process.start()
            self.infra[process.name] = process
        smtp.wait_until(lambda: port_open(self.ports.smtp) and self.smtp_ca_file.exists(), 30)
        sms.wait_until(lambda: port_open(self.ports.sms), 30)

    # -- services ------------------------------------------------------------------------------
    def service_env(self, name: str) -> dict[str, str]:
        """The environment a service process gets."""
        return {
            "HOTLINE_KAFKA_BOOTSTRAP": self.kafka_bootstrap,
            "HOTLINE_MONGO_URL": self.mongo_url,
            "HOTLINE_DB_PREFIX": self.db_prefix,
            "HOTLINE_TOPIC_PREFIX": self.topic_prefix,
            "HOTLINE_HTTP_PORT": str(self.ports.services[name]),
            "HOTLINE_SEED_DEMO_DATA": "true" if self.seed_demo_data else "false",
            "HOTLINE_SMTP_HOST": "127.0.0.1",
            "HOTLINE_SMTP_PORT": str(self.ports.smtp),
            "HOTLINE_SMS_GATEWAY_URL": self.sms_url,
            "HOTLINE_SMS_SECONDARY_URL": self.sms_url,  # the sink speaks both providers' shapes
            "PYTHONUNBUFFERED": "1",
            **self._notification_env(name),
            # the SMTP sink's CA, once it made one (a stack sharing another's sinks has none)
            **(
                {"HOTLINE_SMTP_CA_FILE": str(self.smtp_ca_file)}
                if self.smtp_ca_file.exists()
                else {}
            ),
        }

    def _notification_env(self, name: str) -> dict[str, str]:
        if name != "notification":
            return {}
        env = {"HOTLINE_PUBLIC_URL": self.service_url(name)}
        if self.quiet_hours is not None:
            env["HOTLINE_QUIET_HOURS"] = self.quiet_hours
        return env

    def start_service(self, name: str, wait: bool = True, replica: int = 1) -> ManagedProcess:
        """Start one process of service ``name``; replica 2, 3, ... run beside the first
        (instance ``name#2`` ...) on ports of their own, in the same consumer groups."""
        instance = name if replica == 1 else f"{name}#{replica}"
        port = self.ports.services.setdefault(instance, free_port())
        env = {**self.service_env(name), "HOTLINE_HTTP_PORT": str(port)}
        process = ManagedProcess(
            instance, [sys.executable, "-m", name], self.logs / f"{instance}.log", env=env
        )
        process.start()
        self.services[instance] = process
        if wait:
            self.wait_ready(instance)
        return process

    def stop_service(self, instance: str) -> None:
        """Stop one service process gracefully (SIGTERM)."""
        self.services.pop(instance).stop()

    def wait_ready(self, name: str, timeout_s: float = 60) -> None:
        base = self.console_url if name == "console" else self.service_url(name)
        url = f"{base}/health/ready"

        def ready() -> bool:
            try:
                return httpx.get(url, timeout=1.0).status_code == 200
            except httpx.HTTPError:
                return False

        self.services[name].wait_until(ready, timeout_s)

    def start_services(self) -> None:
        for name in SERVICES:
            self.start_service(name, wait=False)
        for name in SERVICES:
            self.wait_ready(name)
        if self.seed_demo_data:
            self.wait_demo_price_lists()

    def wait_demo_price_lists(self, timeout_s: float = 60) -> None:
        """Wait until intake keeps the demo sites' price lists billing seeded and published:
        until then it refuses their paid requests, rightly, as it cannot match them (TAX-09)."""
        from hotline_libs.auth import Role, issue_token
        from hotline_libs.settings import DEV_JWT_SECRET

        token = issue_token(DEV_JWT_SECRET, subject="stack", role=Role.AGENT, sites=["*"])
        base = self.service_url("intake")

        def kept() -> bool:
            try:
                return all(
                    httpx.get(
                        f"{base}/sites/{site}/price-list",
                        headers={"Authorization": f"Bearer {token}"},
                        timeout=2.0,
                    ).json()["items"]
                    for site in DEMO_SITES
                )
            except (httpx.HTTPError, KeyError, ValueError):
                return False

        self.services["intake"].wait_until(kept, timeout_s)

    @property
    def console_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.console}"

    def console_env(self) -> dict[str, str]:
        """The console's environment: the five APIs, and where htmx was installed."""
        from hotline_infra.install import htmx_assets

        return {
            **{f"HOTLINE_{name.upper()}_URL": self.service_url(name) for name in SERVICES},
            "HOTLINE_HTTP_PORT": str(self.ports.console),
            "HOTLINE_CONSOLE_ASSETS": str(htmx_assets()),
            "PYTHONUNBUFFERED": "1",
            # the SMTP sink's CA, once it made one (a stack sharing another's sinks has none)
            **(
                {"HOTLINE_SMTP_CA_FILE": str(self.smtp_ca_file)}
                if self.smtp_ca_file.exists()
                else {}
            ),
        }

    def start_console(self, wait: bool = True) -> ManagedProcess:
        """Start the staff console (``python -m console``) in front of the five services."""
        if not self.ports.console:
            self.ports.console = free_port()
        process = ManagedProcess(
            "console",
            [sys.executable, "-m", "console"],
            self.logs / "console.log",
            env=self.console_env(),
        )
        process.start()
        self.services["console"] = process
        if wait:
            self.wait_ready("console")
        return process

    def kill_service(self, name: str) -> None:
        self.services[name].kill()

    def stop(self) -> None:
        """Stop services first, then the infrastructure, each gracefully if it will."""
        for process in reversed(list(self.services.values())):
            process.stop()
        for process in reversed(list(self.infra.values())):
            process.stop()
        for container in reversed(self._containers):
            container.stop()
        self._containers.clear()
