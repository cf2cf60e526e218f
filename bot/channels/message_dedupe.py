"""Remembers which incoming messages were already handled, for a while.

WhatsApp (Meta and Twilio) deliver webhooks at least once: the same message
can arrive twice, even at the same moment. A channel *claims* a message id
before handling it; only the first claim succeeds. Ids are kept for a TTL, in
memory (one Rasa process) or in Redis when ``REDIS_URL`` is set (several
processes share what they handled). Ids are stored hashed: a WhatsApp
message id encodes the sender's phone number.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import OrderedDict
from typing import Callable, Optional, Protocol

from redis import asyncio as redis_asyncio
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Meta retries a webhook for up to 7 days; Twilio for much less.
DEFAULT_TTL_SECONDS = 7 * 24 * 3600
DEFAULT_CAPACITY = 50_000
KEY_PREFIX = "clinic:seen"


def fingerprint(message_id: str) -> str:
    """A message id as stored: hashed, so no phone number is kept."""
    return hashlib.sha256(message_id.encode("utf-8")).hexdigest()[:32]


class MessageDedupe(Protocol):
    """What the channels need: claim a message id once."""

    async def claim(self, message_id: str) -> bool:
        """True the first time ``message_id`` is seen, else False."""
        ...


class MemoryDedupe:
    """In-process store: the most recent ``capacity`` ids, each for ``ttl_seconds``."""

    def __init__(
        self,
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
        capacity: int = DEFAULT_CAPACITY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Creates an empty store; ``clock`` is replaceable for tests."""
        self._expiry: OrderedDict[str, float] = OrderedDict()
        self._ttl = ttl_seconds
        self._capacity = capacity
        self._clock = clock

    def _forget_expired(self, now: float) -> None:
        # Entries are in claim order, so expired ones are at the front.
        while self._expiry:
            key, expires = next(iter(self._expiry.items()))
            if expires > now:
                break
            del self._expiry[key]

    async def claim(self, message_id: str) -> bool:
        """True the first time ``message_id`` is seen (within the TTL), else False."""
        now = self._clock()
        self._forget_expired(now)
        key = fingerprint(message_id)
        if key in self._expiry:
            return False
        self._expiry[key] = now + self._ttl
        while len(self._expiry) > self._capacity:
            self._expiry.popitem(last=False)
        return True


class RedisDedupe:
    """Store shared by processes: ``SET key 1 NX EX ttl`` in Redis.

    If Redis fails, the process's own memory decides, so a message is still
    answered (perhaps twice across processes) rather than lost.
    """

    def __init__(
        self,
        client: redis_asyncio.Redis,
        namespace: str,
        ttl_seconds: int = DEFAULT_TTL_SECONDS,
    ) -> None:
        """Uses ``client``; keys are ``clinic:seen:<namespace>:<hash>``."""
        self._client = client
        self._namespace = namespace
        self._ttl = int(ttl_seconds)
        self._fallback = MemoryDedupe(ttl_seconds=ttl_seconds)

    @classmethod
    def from_url(
        cls, redis_url: str, namespace: str, ttl_seconds: int = DEFAULT_TTL_SECONDS
    ) -> RedisDedupe:
        """A store on the Redis server at ``redis_url`` (connects on first use)."""
        client = redis_asyncio.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2)
        return cls(client, namespace, ttl_seconds)

    def key(self, message_id: str) -> str:
        """The Redis key of ``message_id``."""
        return f"{KEY_PREFIX}:{self._namespace}:{fingerprint(message_id)}"

    async def claim(self, message_id: str) -> bool:
        """True the first time ``message_id`` is seen by any process, else False."""
        try:
            return bool(await self._client.set(self.key(message_id), "1", nx=True, ex=self._ttl))
        except (RedisError, OSError) as error:
            logger.warning("dedupe.redis_unavailable error=%s", type(error).__name__)
            return await self._fallback.claim(message_id)


def create_dedupe(redis_url: Optional[str], namespace: str) -> MessageDedupe:
    """Redis when ``redis_url`` is set (several Rasa processes), else memory."""
    if redis_url:
        return RedisDedupe.from_url(redis_url, namespace)
    return MemoryDedupe()
