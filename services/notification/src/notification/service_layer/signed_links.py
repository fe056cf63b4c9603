"""Links notification sends that act without signing in: a resident's unsubscribe link, a
member of staff's link acknowledging an alert. Each token carries what it acts on (base64url)
and an HMAC-SHA256 of it with the service's secret, so nobody can make one for an address or
alert they were not sent; a purpose in the signed text keeps one kind of link from passing for
another. Tokens do not expire: a link read late must still do what it says (or say why not).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from urllib.parse import quote

from notification.settings import NotificationSettings


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class SignedLinks:
    secret: str
    base_url: str
    """Where the links' readers reach notification (its public address)."""

    def _signature(self, purpose: str, payload: str) -> str:
        signed = f"{purpose}.{payload}" if purpose else payload  # unsubscribe links: none
        digest = hmac.new(self.secret.encode(), signed.encode(), hashlib.sha256).digest()
        return _b64(digest[:18])

    def token(self, purpose: str, text: str) -> str:
        payload = _b64(text.encode())
        return f"{payload}.{self._signature(purpose, payload)}"

    def read(self, purpose: str, token: str) -> str | None:
        """What a token of ``purpose`` carries; None when it is not one of ours."""
        payload, _, signature = token.partition(".")
        if not payload or not signature.isascii():
            return None
        if not hmac.compare_digest(signature, self._signature(purpose, payload)):
            return None
        try:
            return _unb64(payload).decode()
        except (ValueError, UnicodeDecodeError):
            return None

    def url(self, path: str, token: str) -> str:
        return f"{self.base_url.rstrip('/')}{path}?token={quote(token)}"


def signed_links(settings: NotificationSettings) -> SignedLinks:
    """The service's signed links, with its secret and public address."""
    return SignedLinks(settings.unsubscribe_secret.get_secret_value(), settings.public_url)
