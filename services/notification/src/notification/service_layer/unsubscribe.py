"""The unsubscribe link at the foot of a resident's e-mail: it names the address it opts out,
signed with the service's secret so that nobody can opt out an address they did not receive
mail at. It does not expire: a link in an e-mail read a year later must still work.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from urllib.parse import quote

from notification.domain.preferences import normal_address
from notification.domain.templates import Channel
from notification.settings import NotificationSettings

FOOTER = "\n\n——\n不想再收到此类邮件？点击退订：{link}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class UnsubscribeLinks:
    secret: str
    base_url: str
    """Where residents reach notification's ``/unsubscribe`` (its public address)."""

    def _signature(self, payload: str) -> str:
        digest = hmac.new(self.secret.encode(), payload.encode(), hashlib.sha256).digest()
        return _b64(digest[:18])

    def token(self, channel: Channel, address: str) -> str:
        payload = _b64(f"{channel.value}:{normal_address(channel, address)}".encode())
        return f"{payload}.{self._signature(payload)}"

    def link(self, channel: Channel, address: str) -> str:
        return (
            f"{self.base_url.rstrip('/')}/unsubscribe?token={quote(self.token(channel, address))}"
        )

    def address_of(self, token: str) -> tuple[Channel, str] | None:
        """The channel and address a token names; None when it is not one of ours."""
        payload, _, signature = token.partition(".")
        if not payload or not hmac.compare_digest(
            signature.encode(), self._signature(payload).encode()
        ):
            return None
        try:
            channel, _, address = _unb64(payload).decode().partition(":")
            return Channel(channel), address
        except (ValueError, UnicodeDecodeError):
            return None

    def footer(self, address: str) -> str:
        return FOOTER.format(link=self.link(Channel.EMAIL, address))


def unsubscribe_links(settings: NotificationSettings) -> UnsubscribeLinks:
    return UnsubscribeLinks(settings.unsubscribe_secret.get_secret_value(), settings.public_url)
