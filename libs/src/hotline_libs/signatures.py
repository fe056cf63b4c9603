"""Signed webhooks: a caller that is not a person (an SMS provider reporting deliveries) signs the
raw body with a secret both sides hold, HMAC-SHA256 over ``"<timestamp>.<body>"``.

The timestamp (Unix seconds, in ``X-Signature-Timestamp``) is signed with the body, so a
captured request cannot be replayed after ``max_age_s``; the signature (hex, in ``X-Signature``)
is compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Signature"
TIMESTAMP_HEADER = "X-Signature-Timestamp"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``"<timestamp>." + body`` under ``secret``."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signed_headers(secret: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The headers a signed request carries."""
    return {SIGNATURE_HEADER: sign(secret, timestamp, body), TIMESTAMP_HEADER: str(timestamp)}


def signature_problem(
    secret: str,
    body: bytes,
    signature: str | None,
    timestamp: str | None,
    now: float,
    max_age_s: float,
) -> str | None:
    """Why the request is not to be trusted, or None when its signature holds: headers missing,
    a timestamp that is not a number or further than ``max_age_s`` from ``now``, or a signature
    that does not match."""
    if not signature or not timestamp:
        return f"{SIGNATURE_HEADER} and {TIMESTAMP_HEADER} are required"
    try:
        at = int(timestamp)
    except ValueError:
        return f"{TIMESTAMP_HEADER} is not Unix seconds"
    if abs(now - at) > max_age_s:
        return f"{TIMESTAMP_HEADER} is more than {max_age_s:.0f} s from now"
    if not hmac.compare_digest(sign(secret, at, body), signature.strip().lower()):
        return f"{SIGNATURE_HEADER} does not match the body"
    return None
