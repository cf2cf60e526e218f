"""Sending messages over HTTP, with a timeout and bounded retries (any provider).

:class:`RetryingPoster` is what both WhatsApp clients send through (Meta's
Graph API in ``bot.channels.whatsapp.meta``, Twilio's REST API in
``bot.channels.whatsapp.twilio``). Network errors, timeouts, 429 and 5xx
answers are retried with exponential backoff (honouring ``Retry-After``);
other 4xx are not, since they would fail again. A retried request may deliver
a message twice if the first attempt reached WhatsApp but its answer was lost:
neither API offers idempotency keys, and a duplicate beats a lost answer.

Logs carry the HTTP status, the provider's error code and short hashes only,
never a message's text, a phone number or a raw message id (a WhatsApp
message id encodes the recipient's number).
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional

import aiohttp


def log_ref(value: Optional[str]) -> str:
    """A short, stable, non-reversible reference to a phone number or message id."""
    if not value:
        return "-"
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:10]


@dataclass(frozen=True)
class RetryPolicy:
    """How long to wait for an answer and how often to try again."""

    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    timeout: float = 10.0

    def delay(self, attempt: int, retry_after: Optional[float] = None) -> float:
        """Seconds to wait after failed ``attempt`` (1-based)."""
        backoff = self.base_delay * (2 ** (attempt - 1))
        if retry_after is not None:
            backoff = max(backoff, retry_after)
        return min(backoff, self.max_delay)


def should_retry(status: Optional[int]) -> bool:
    """Whether a failed attempt is worth repeating (None: no HTTP answer at all)."""
    return status is None or status == 429 or status >= 500


def retry_after_seconds(header: Optional[str]) -> Optional[float]:
    """A ``Retry-After`` header in seconds (the HTTP-date form is ignored)."""
    try:
        return max(0.0, float(header)) if header else None
    except ValueError:
        return None


@dataclass(frozen=True)
class HttpAnswer:
    """The last answer of a (possibly retried) request."""

    status: Optional[int]
    body: Any
    attempts: int
    error: Optional[str] = None

    @property
    def ok(self) -> bool:
        """Whether the last answer was a 2xx."""
        return self.status is not None and 200 <= self.status < 300


@dataclass(frozen=True)
class SendResult:
    """Outcome of sending one WhatsApp message."""

    ok: bool
    status: Optional[int]
    message_id: Optional[str] = None
    error_code: Optional[int] = None
    attempts: int = 1


class DeliveryError(RuntimeError):
    """WhatsApp did not accept a message (raised only where the caller must know).

    The message names the status and WhatsApp's error code, nothing personal:
    Rasa's HTTP API returns it to the staff console.
    """

    def __init__(self, channel: str, result: SendResult) -> None:
        """Names the channel and the send's status and error code."""
        self.result = result
        super().__init__(
            f"{channel} did not accept the message "
            f"(status={result.status}, error_code={result.error_code})"
        )


class RetryingPoster:
    """POSTs with one shared HTTP session, a per-attempt timeout and retries."""

    def __init__(self, policy: Optional[RetryPolicy] = None) -> None:
        """No connection is opened before the first request."""
        self.policy = policy or RetryPolicy()
        self._session: Optional[aiohttp.ClientSession] = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None

    def _current_session(self) -> aiohttp.ClientSession:
        # A session belongs to one event loop: a new loop (tests) gets a new one.
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._loop is not loop:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.policy.timeout)
            )
            self._loop = loop
        return self._session

    async def close(self) -> None:
        """Close the HTTP session (the next request opens a new one)."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def post(
        self,
        url: str,
        *,
        headers: Optional[Mapping[str, str]] = None,
        json: Optional[Dict[str, Any]] = None,
        data: Optional[Mapping[str, str]] = None,
        auth: Optional[aiohttp.BasicAuth] = None,
    ) -> HttpAnswer:
        """POST ``json`` or form ``data``; retried per :class:`RetryPolicy`."""
        session = self._current_session()
        attempts = max(1, self.policy.attempts)
        answer = HttpAnswer(status=None, body=None, attempts=0)
        for attempt in range(1, attempts + 1):
            retry_after = None
            try:
                async with session.post(
                    url, headers=headers, json=json, data=data, auth=auth
                ) as response:
                    body = await _read_json(response)
                    answer = HttpAnswer(status=response.status, body=body, attempts=attempt)
                    retry_after = retry_after_seconds(response.headers.get("Retry-After"))
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                answer = HttpAnswer(
                    status=None, body=None, attempts=attempt, error=type(error).__name__
                )
            if answer.ok or not should_retry(answer.status) or attempt == attempts:
                return answer
            await asyncio.sleep(self.policy.delay(attempt, retry_after))
        return answer


async def _read_json(response: aiohttp.ClientResponse) -> Any:
    try:
        return await response.json(content_type=None)
    except (ValueError, aiohttp.ClientError):
        return None
