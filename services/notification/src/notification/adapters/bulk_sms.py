"""The SMS gateway's bulk API (``POST /v1/message-batches``): a broadcast's batch in one call,
each message with our message id as its idempotency key."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import httpx
from hotline_libs.errors import Unavailable

from notification.domain.broadcasts import BulkResult, OneSms


class BulkSmsGateway:
    def __init__(self, base_url: str, timeout_s: float) -> None:
        self._client = httpx.AsyncClient(base_url=base_url, timeout=timeout_s)

    async def send_many(self, messages: Sequence[OneSms]) -> list[BulkResult]:
        """Each message's result in order: None when taken, else the gateway's refusal.
        ``Unavailable`` when the gateway is away or fails the whole call."""
        payload = {
            "messages": [
                {"to": m.to, "text": m.text, "client_msg_id": str(m.message_id)} for m in messages
            ]
        }
        try:
            response = await self._client.post("/v1/message-batches", json=payload)
        except httpx.TransportError as exc:
            raise Unavailable(f"SMS gateway unreachable: {exc!r}") from exc
        if response.status_code >= 500:
            raise Unavailable(f"SMS gateway answered {response.status_code}")
        if response.status_code >= 400:  # the whole batch refused: each message fails with it
            reason = f"SMS gateway refused the batch: {response.text[:300]}"
            return [BulkResult(m.message_id, reason) for m in messages]
        results = response.json()["results"]
        return [BulkResult(uuid.UUID(str(r["client_msg_id"])), r.get("refused")) for r in results]

    async def close(self) -> None:
        await self._client.aclose()
