"""The mail server (SMTP, STARTTLS when it offers it). SMS goes through ``sms_providers``."""

from __future__ import annotations

import ssl
import uuid
from email.message import EmailMessage
from email.utils import formatdate

import aiosmtplib
from hotline_libs.errors import Unavailable

from notification.domain.messages import MessageRefused


def tls_context(ca_file: str | None) -> ssl.SSLContext:
    """Certificates verified, against the system's CAs or the one ``ca_file`` names (the local
    sink's, made at its start)."""
    return ssl.create_default_context(cafile=ca_file or None)


class MailServer:
    """Sends e-mail over SMTP; the Message-ID is derived from the message id (the mailbox's dedup
    key). Upgrades to TLS by STARTTLS whenever the server offers it (aiosmtplib's default), with
    the server's certificate verified."""

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        timeout_s: float,
        ca_file: str | None = None,
    ) -> None:
        self._host, self._port, self._sender, self._timeout = host, port, sender, timeout_s
        self._tls = tls_context(ca_file)

    async def send(self, message_id: uuid.UUID, to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"] = self._sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = f"<{message_id}@hotline.property.example>"
        message.set_content(body)
        try:
            await aiosmtplib.send(
                message,
                hostname=self._host,
                port=self._port,
                timeout=self._timeout,
                start_tls=None,  # when offered
                tls_context=self._tls,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            raise MessageRefused(f"mail server refused {to}: {exc}") from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise Unavailable(f"mail server unavailable: {exc!r}") from exc
