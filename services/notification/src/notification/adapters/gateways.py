"""The SMS gateway (HTTP) and the mail server (SMTP)."""

from __future__ import annotations

import uuid
from email.message import EmailMessage
from email.utils import formatdate

import aiosmtplib
import httpx
from hotline_libs.errors import Unavailable

from notification.domain.messages import MessageRefused


class SmsGateway:
    """Sends SMS over the gateway's HTTP API, with our message id as its idempotency key."""

    def __init__(self, base_url: str, timeout_s: float) -> None:
        self._client = httpx.AsyncClient(base_url=base_url, timeout=timeout_s)

    async def send(self, message_id: uuid.UUID, to: str, text: str) -> None:
        try:
            response = await self._client.post(
                "/v1/messages", json={"to": to, "text": text, "client_msg_id": str(message_id)}
            )
        except httpx.TransportError as exc:
            raise Unavailable(f"SMS gateway unreachable: {exc!r}") from exc
        if response.status_code >= 500:
            raise Unavailable(f"SMS gateway answered {response.status_code}")
        if response.status_code >= 400:
            raise MessageRefused(f"SMS gateway refused the message to {to}: {response.text[:300]}")

    async def close(self) -> None:
        await self._client.aclose()


class MailServer:
    """Sends e-mail over SMTP; the Message-ID is derived from the message id (the mailbox's dedup key)."""

    def __init__(self, host: str, port: int, sender: str, timeout_s: float) -> None:
        self._host, self._port, self._sender, self._timeout = host, port, sender, timeout_s

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
                message, hostname=self._host, port=self._port, timeout=self._timeout
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            raise MessageRefused(f"mail server refused {to}: {exc}") from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise Unavailable(f"mail server unavailable: {exc!r}") from exc
