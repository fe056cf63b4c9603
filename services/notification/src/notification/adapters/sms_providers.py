"""SMS through two providers' HTTP APIs: the primary (``POST /v1/messages``) and a secondary of
another vendor's shape (``POST /api/sms/send`` with an API key), tried in that order with
retries, backoff and failover as ``domain/sms_delivery.py`` decides, each provider held to its
own rate. Our message id is the idempotency key at both (``client_msg_id``, ``out_id``)."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

import httpx

from notification.domain.messages import MessageRefused
from notification.domain.sms_delivery import (
    Away,
    RetryPolicy,
    SmsUndeliverable,
    Step,
    Taken,
    failure_reason,
)


class ProviderAway(Exception):
    def __init__(self, away: Away) -> None:
        super().__init__(away.reason)
        self.away = away


class SmsProvider(Protocol):
    name: str

    async def send(self, message_id: uuid.UUID, to: str, text: str) -> Taken:
        """Raises ``MessageRefused`` for a number it will not deliver to, ``ProviderAway`` when
        it did not take the message (or may not have)."""
        ...

    async def close(self) -> None: ...


class RateLimit:
    """A token bucket: at most ``per_second`` sends a second on average, bursts up to one
    second's worth. A dozen lines, so no library for it."""

    def __init__(self, per_second: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._rate, self._clock = per_second, clock
        self._capacity = max(1.0, per_second)
        self._tokens, self._at = self._capacity, clock()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = self._clock()
                self._tokens = min(self._capacity, self._tokens + (now - self._at) * self._rate)
                self._at = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    return
                await asyncio.sleep((1 - self._tokens) / self._rate)


async def _post(
    provider: str, client: httpx.AsyncClient, path: str, **kwargs: object
) -> httpx.Response:
    try:
        return await client.post(path, **kwargs)  # type: ignore[arg-type]
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
        raise ProviderAway(Away(provider, f"unreachable: {exc!r}")) from exc
    except (httpx.TimeoutException, httpx.RemoteProtocolError) as exc:
        raise ProviderAway(Away(provider, f"no answer: {exc!r}", may_have_it=True)) from exc
    except httpx.TransportError as exc:
        raise ProviderAway(Away(provider, f"transport error: {exc!r}", may_have_it=True)) from exc


class PrimaryProvider:
    """``POST /v1/messages {to, text, client_msg_id}`` → 202 ``{message_id, duplicate}``;
    4xx refuses the number, 5xx is a provider away."""

    def __init__(self, name: str, base_url: str, timeout_s: float) -> None:
        self.name = name
        self._client = httpx.AsyncClient(base_url=base_url, timeout=timeout_s)

    async def send(self, message_id: uuid.UUID, to: str, text: str) -> Taken:
        body = {"to": to, "text": text, "client_msg_id": str(message_id)}
        response = await _post(self.name, self._client, "/v1/messages", json=body)
        if response.status_code >= 500:
            raise ProviderAway(Away(self.name, f"answered {response.status_code}"))
        if response.status_code >= 400:
            raise MessageRefused(f"{self.name} refused the message to {to}: {response.text[:300]}")
        return Taken(self.name, str(response.json().get("message_id") or "") or None)

    async def close(self) -> None:
        await self._client.aclose()


SECONDARY_REFUSALS = ("MOBILE_NUMBER_ILLEGAL", "BLACK_LIST", "CONTENT_ILLEGAL")
"""The secondary's codes that refuse the message itself; any other code is a fault of its own."""


class SecondaryProvider:
    """``POST /api/sms/send`` with ``X-Api-Key``, ``{mobile, content, out_id}`` → 200
    ``{code: "OK", biz_id}``, or 200 ``{code, message}`` naming what it would not send; 5xx is a
    provider away."""

    def __init__(self, name: str, base_url: str, api_key: str, timeout_s: float) -> None:
        self.name = name
        self._client = httpx.AsyncClient(
            base_url=base_url, timeout=timeout_s, headers={"X-Api-Key": api_key}
        )

    async def send(self, message_id: uuid.UUID, to: str, text: str) -> Taken:
        body = {"mobile": to, "content": text, "out_id": str(message_id)}
        response = await _post(self.name, self._client, "/api/sms/send", json=body)
        if response.status_code >= 500 or response.status_code in (401, 403, 429):
            raise ProviderAway(Away(self.name, f"answered {response.status_code}"))
        answer = response.json() if response.content else {}
        code = str(answer.get("code", response.status_code))
        if response.status_code == 200 and code == "OK":
            return Taken(self.name, answer.get("biz_id"))
        if code in SECONDARY_REFUSALS or 400 <= response.status_code < 500:
            raise MessageRefused(f"{self.name} refused the message to {to}: {code}")
        raise ProviderAway(Away(self.name, f"answered {code}: {answer.get('message', '')}"))

    async def close(self) -> None:
        await self._client.aclose()


class SmsRelay:
    """The ``Sms`` the use cases send with: each provider in turn, as the policy decides."""

    def __init__(
        self,
        providers: Sequence[SmsProvider],
        policy: RetryPolicy,
        per_second: float,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        draw: Callable[[], float] = random.random,
    ) -> None:
        self._providers = list(providers)
        self._limits = {p.name: RateLimit(per_second) for p in providers}
        self._policy, self._sleep, self._draw = policy, sleep, draw

    async def send(self, message_id: uuid.UUID, to: str, text: str) -> Taken:
        aways: list[Away] = []
        for index, provider in enumerate(self._providers):
            tries = 0
            while True:
                tries += 1
                await self._limits[provider.name].acquire()
                try:
                    return await provider.send(message_id, to, text)
                except ProviderAway as exc:
                    aways.append(exc.away)
                step = self._policy.next_step(
                    tries, aways[-1], providers_left=len(self._providers) - index - 1
                )
                if step is Step.RETRY:
                    await self._sleep(self._policy.delay(tries, self._draw()))
                    continue
                if step is Step.GIVE_UP:
                    raise SmsUndeliverable(failure_reason(aways))
                break
        raise SmsUndeliverable(failure_reason(aways))

    async def close(self) -> None:
        for provider in self._providers:
            await provider.close()
