"""E-mail over STARTTLS on real SMTP (#13, channels): the local SMTP sink process offers STARTTLS
with a certificate of a CA it made at start; notification's mail server adapter upgrades the
connection and verifies the certificate, against the CA file it is given, and refuses a server
it cannot verify (the system's CAs do not know the sink's) rather than send in the clear."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hotline_infra.processes import ManagedProcess, free_port, port_open
from hotline_infra.smtp_sink import CA_FILE, read_index
from hotline_libs.errors import Unavailable
from notification.adapters.gateways import MailServer


@pytest.fixture
def smtp_sink(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    port, directory = free_port(), tmp_path / "mail"
    process = ManagedProcess(
        "smtp-sink",
        [
            sys.executable,
            "-m",
            "hotline_infra.smtp_sink",
            "--port",
            str(port),
            "--dir",
            str(directory),
        ],
        tmp_path / "smtp-sink.log",
    )
    process.start()
    try:
        process.wait_until(lambda: port_open(port) and (directory / CA_FILE).exists(), 30)
        yield port, directory
    finally:
        process.stop()


async def test_mail_goes_over_starttls_to_a_server_whose_certificate_verifies(
    smtp_sink: tuple[int, Path],
) -> None:
    port, directory = smtp_sink
    server = MailServer(
        "127.0.0.1", port, "热线 <hotline@property.example>", 5, str(directory / CA_FILE)
    )
    message_id = uuid.uuid4()
    await server.send(message_id, "wang.fang@example.com", "报修已受理", "您的报修已受理。")
    [held] = read_index(directory)
    assert held["message_id"] == f"<{message_id}@hotline.property.example>"
    assert held["to"] == ["wang.fang@example.com"]


async def test_a_server_whose_certificate_does_not_verify_gets_no_mail(
    smtp_sink: tuple[int, Path],
) -> None:
    port, directory = smtp_sink
    server = MailServer("127.0.0.1", port, "hotline@property.example", 5)  # the system's CAs
    with pytest.raises(Unavailable, match="CERTIFICATE_VERIFY_FAILED"):
        await server.send(uuid.uuid4(), "wang.fang@example.com", "x", "y")
    assert read_index(directory) == []
