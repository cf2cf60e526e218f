"""Which widget messages were handled, shared by every Rasa server through Redis.

The widget keeps a message in its outbox until the server acknowledges it,
and resends it after a reconnect, possibly to another Rasa server. A message
is *begun* before it is handled and *finished* once handled; a message whose
handling failed is *abandoned*, so that its resend is handled. While one
server handles a message, the same message arriving elsewhere is
``IN_PROGRESS`` (the channel does not acknowledge it: the widget resends it
later, and is then told it is a duplicate). A server that dies mid-way
leaves an in-progress mark that expires after ``IN_PROGRESS_SECONDS``.

Ids are stored hashed with the session id (``bot.channels.message_dedupe``'s
key scheme), in Redis when ``REDIS_URL`` is set, else in this process.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from typing import Callable, Dict, Optional, Protocol

from redis import asyncio as redis_asyncio
from redis.exceptions import RedisError

from bot.channels.message_dedupe import KEY_PREFIX, fingerprint

logger = logging.getLogger(__name__)

NEW = "new"
DONE = "done"
IN_PROGRESS = "in_progress"
# Longer than Rasa takes on any message (its lock lifetime is 60 s).
IN_PROGRESS_SECONDS = 120
# The widget's outbox holds a message at most this long in practice.
DONE_SECONDS = 24 * 3600
REMEMBERED_MESSAGES = 10_000


def message_key(session_id: str, message_id: str) -> str:
    """The stored, hashed name of one widget message."""
    return fingerprint(f"{session_id}\x00{message_id}")


class HandledMessages(Protocol):
    """What the widget channel needs to handle each message once."""

    async def begin(self, session_id: str, message_id: str) -> str:
        """``NEW`` (handle it now), ``DONE`` (a duplicate) or ``IN_PROGRESS`` (elsewhere)."""
        ...

    async def finish(self, session_id: str, message_id: str) -> None:
        """Record the message as handled."""
        ...

    async def abandon(self, session_id: str, message_id: str) -> None:
        """Forget a message whose handling failed, so its resend is handled."""
        ...


class MemoryHandledMessages:
    """This process's record: the last ``capacity`` messages, with expiring in-progress marks."""

    def __init__(
        self, capacity: int = REMEMBERED_MESSAGES, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Creates an empty record; ``clock`` is replaceable for tests."""
        self._done: OrderedDict[str, None] = OrderedDict()
        self._in_progress: Dict[str, float] = {}
        self._capacity = capacity
        self._clock = clock

    async def begin(self, session_id: str, message_id: str) -> str:
        """Mark the message in progress; DONE or IN_PROGRESS if it was seen already."""
        key = message_key(session_id, message_id)
        if key in self._done:
            return DONE
        started = self._in_progress.get(key)
        if started is not None and self._clock() - started < IN_PROGRESS_SECONDS:
            return IN_PROGRESS
        self._in_progress[key] = self._clock()
        return NEW

    async def finish(self, session_id: str, message_id: str) -> None:
        """Remember the message as answered, forgetting the oldest beyond capacity."""
        key = message_key(session_id, message_id)
        self._in_progress.pop(key, None)
        self._done[key] = None
        while len(self._done) > self._capacity:
            self._done.popitem(last=False)

    async def abandon(self, session_id: str, message_id: str) -> None:
        """Drop the message's in-progress mark so that its resend is handled."""
        self._in_progress.pop(message_key(session_id, message_id), None)


class RedisHandledMessages:
    """The record shared by every Rasa server: one Redis key per message.

    ``SET key in_progress NX EX 120`` begins a message, ``SET key done EX 1
    day`` finishes it. If Redis fails, this process's memory decides, so a
    message is still answered (perhaps twice across servers) rather than lost.
    """

    def __init__(self, client: redis_asyncio.Redis) -> None:
        """Uses ``client``; keys are ``clinic:seen:webchat:<hash>``."""
        self._client = client
        self._fallback = MemoryHandledMessages()

    @classmethod
    def from_url(cls, redis_url: str) -> RedisHandledMessages:
        """A record on the Redis server at ``redis_url`` (connects on first use)."""
        return cls(
            redis_asyncio.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2)
        )

    @staticmethod
    def key(session_id: str, message_id: str) -> str:
        """The Redis key of one widget message."""
        return f"{KEY_PREFIX}:webchat:{message_key(session_id, message_id)}"

    async def begin(self, session_id: str, message_id: str) -> str:
        """Mark the message in progress in Redis (or in memory if Redis fails)."""
        key = self.key(session_id, message_id)
        try:
            if await self._client.set(key, IN_PROGRESS, nx=True, ex=IN_PROGRESS_SECONDS):
                return NEW
            state = await self._client.get(key)
        except (RedisError, OSError) as error:
            logger.warning("webchat.handled_messages_unavailable error=%s", type(error).__name__)
            return await self._fallback.begin(session_id, message_id)
        return DONE if state == DONE.encode() else IN_PROGRESS

    async def finish(self, session_id: str, message_id: str) -> None:
        """Remember the message as answered, in memory and in Redis."""
        await self._fallback.finish(session_id, message_id)
        try:
            await self._client.set(self.key(session_id, message_id), DONE, ex=DONE_SECONDS)
        except (RedisError, OSError) as error:
            logger.warning("webchat.handled_messages_unavailable error=%s", type(error).__name__)

    async def abandon(self, session_id: str, message_id: str) -> None:
        """Forget the message in memory and in Redis so that its resend is handled."""
        await self._fallback.abandon(session_id, message_id)
        try:
            await self._client.delete(self.key(session_id, message_id))
        except (RedisError, OSError) as error:
            logger.warning("webchat.handled_messages_unavailable error=%s", type(error).__name__)


def create_handled_messages(redis_url: Optional[str]) -> HandledMessages:
    """Redis when ``redis_url`` is set (several Rasa servers), else memory."""
    if redis_url:
        return RedisHandledMessages.from_url(redis_url)
    return MemoryHandledMessages()
