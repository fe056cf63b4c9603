"""A local SMTP server that keeps every message it accepts as an ``.eml`` file.

``python -m hotline_infra.smtp_sink --port 2525 --dir .hotline/run/mail``

It offers STARTTLS with a certificate it makes at start (a throwaway CA of its own signs it, for
``--cert-name`` names, 127.0.0.1 and localhost by default): the CA's certificate is written to
``ca.pem`` in its folder, which notification is given (``HOTLINE_SMTP_CA_FILE``) to verify the
server, as it would a real one's against the system's CAs.

Like a real mailbox, it keeps one copy per ``Message-ID``: a sender that retries after a crash
does not put the same message in front of the resident twice (the retry is logged in
``duplicates.jsonl``). ``index.jsonl`` lists what arrived, one JSON object per message.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import re
import ssl
import tempfile
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

CA_FILE = "ca.pem"


def _certificate(
    subject: str, key: ec.EllipticCurvePrivateKey, issuer: x509.Name | None, ca: bool
) -> x509.CertificateBuilder:
    now = datetime.now(UTC)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer or name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )


def tls_context(directory: Path, names: list[str]) -> ssl.SSLContext:
    """A server context with a certificate for ``names`` signed by a CA made now; the CA's
    certificate goes to ``directory/ca.pem``."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_builder = _certificate("hotline SMTP sink CA", ca_key, None, ca=True)
    ca_cert = ca_builder.add_extension(
        x509.KeyUsage(
            digital_signature=True,
            content_commitment=False,
            key_encipherment=False,
            data_encipherment=False,
            key_agreement=False,
            key_cert_sign=True,
            crl_sign=True,
            encipher_only=False,
            decipher_only=False,
        ),
        critical=True,
    ).sign(ca_key, hashes.SHA256())
    key = ec.generate_private_key(ec.SECP256R1())
    alt: list[x509.GeneralName] = []
    for name in names:
        try:
            alt.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            alt.append(x509.DNSName(name))
    cert = (
        _certificate(names[0], key, ca_cert.subject, ca=False)
        .add_extension(x509.SubjectAlternativeName(alt), critical=False)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    (directory / CA_FILE).write_bytes(ca_cert.public_bytes(pem))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    with tempfile.TemporaryDirectory() as scratch:
        chain, private = Path(scratch) / "cert.pem", Path(scratch) / "key.pem"
        chain.write_bytes(cert.public_bytes(pem) + ca_cert.public_bytes(pem))
        private.write_bytes(
            key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        )
        context.load_cert_chain(chain, private)
    return context


class MailboxHandler:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.index = directory / "index.jsonl"
        self.seen: set[str] = set()
        if self.index.exists():
            for line in self.index.read_text().splitlines():
                self.seen.add(json.loads(line)["message_id"])

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        content = envelope.original_content or b""
        message = message_from_bytes(content, policy=policy.default)
        message_id = (
            str(message.get("Message-ID", "")).strip() or f"<no-id-{datetime.now(UTC).timestamp()}>"
        )
        received = datetime.now(UTC).isoformat()
        record: dict[str, Any] = {
            "message_id": message_id,
            "from": envelope.mail_from,
            "to": list(envelope.rcpt_tos),
            "subject": str(message.get("Subject", "")),
            "received_at": received,
        }
        if message_id in self.seen:
            with (self.directory / "duplicates.jsonl").open("a") as out:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            return "250 OK duplicate Message-ID, kept the first copy"
        safe = re.sub(r"[^A-Za-z0-9@._-]", "_", message_id.strip("<>"))[:150]
        name = f"{received[:19].replace(':', '')}-{safe}.eml"
        (self.directory / name).write_bytes(content)
        record["file"] = name
        with self.index.open("a") as out:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.seen.add(message_id)
        return "250 OK message accepted"


async def serve(host: str, port: int, directory: Path, names: list[str] | None = None) -> None:
    handler = MailboxHandler(directory)
    context = tls_context(directory, names or ["127.0.0.1", "localhost"])
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="hotline-smtp-sink", tls_context=context), host, port
    )
    print(f"SMTP sink on {host}:{port} (STARTTLS), mail in {directory}", flush=True)
    async with server:
        await server.serve_forever()


def read_duplicates(directory: Path) -> list[dict[str, Any]]:
    """Resends the mailbox dropped because it already had their Message-ID."""
    found = directory / "duplicates.jsonl"
    if not found.exists():
        return []
    return [json.loads(line) for line in found.read_text().splitlines() if line.strip()]


def read_index(directory: Path) -> list[dict[str, Any]]:
    """Messages the sink holds, oldest first (used by tests and the benchmark)."""
    index = directory / "index.jsonl"
    if not index.exists():
        return []
    return [json.loads(line) for line in index.read_text().splitlines() if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2525)
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument(
        "--cert-name", action="append", help="a name the certificate is for (repeatable)"
    )
    args = parser.parse_args()
    asyncio.run(serve(args.host, args.port, args.dir, args.cert_name))


if __name__ == "__main__":
    main()
