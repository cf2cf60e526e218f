"""Rasa's conversation lock store: Redis in production, memory otherwise.

Rasa locks each conversation while it handles a message. With one Rasa
process the in-memory store is enough; with several workers or replicas the
locks must be shared, which is what ``REDIS_URL`` is for (in
:class:`~bot.storage.atomic_lock_store.AtomicRedisLockStore`, whose ticket
operations are atomic across servers).

When Redis cannot be reached while a message arrives, what happens depends on
``LOCK_STORE_FALLBACK`` (see ``bot.settings``):

- ``memory`` (the default with one Rasa process): the message is locked in
  this process's memory and handled as usual;
- ``refuse`` (the default with several): :class:`StorageUnavailable` is
  raised before the message is handled, and the channel asks the sender to
  retry (REST 503 + Retry-After, an error to Meta and Twilio, no ack to the
  widget).

Either way the outage is reported to ``bot.storage.health`` (one log line
when Redis is lost, naming the fallback, and one when it is back, never one
per message); Rasa's own lock error (which its channels turned into
an empty 200) is never reached.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from contextlib import asynccontextmanager
from typing import AsyncIterator, Callable, Optional, Tuple

from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import (
    LOCK_LIFETIME,
    InMemoryLockStore,
    LockError,
    LockStore,
    RedisLockStore,
)
from rasa.utils.endpoints import EndpointConfig
from redis.connection import parse_url
from redis.exceptions import RedisError

from bot.settings import LOCK_FALLBACK_MEMORY, LOCK_FALLBACK_REFUSE, get_settings
from bot.storage import health
from bot.storage.atomic_lock_store import AtomicRedisLockStore
from bot.storage.errors import StorageUnavailable
from bot.storage.worker_threads import WorkerThreads

logger = logging.getLogger(__name__)

# Keys are prefixed so the clinic's locks never collide with other users of Redis.
KEY_PREFIX = "clinic"
# A Redis that does not answer must not hold a patient's message for long.
REDIS_TIMEOUT_SECONDS = 2.0
# While Redis is down, it is tried again at most this often (so service is
# back within about this long of Redis's return, and a dead Redis costs at
# most one failed attempt per interval).
RETRY_INTERVAL_SECONDS = 1.0
# What a refused sender is told to wait before retrying.
RETRY_AFTER_SECONDS = 5
# The errors that mean "Redis cannot be reached", as Rasa wraps or raises them.
REDIS_ERRORS = (RedisError, OSError, LockError)


def redis_lock_store(redis_url: str) -> RedisLockStore:
    """Build the Redis lock store from a ``redis://`` or ``rediss://`` URL.

    It is :class:`AtomicRedisLockStore`: Rasa's own ``RedisLockStore`` is not
    safe with several Rasa servers (see ``bot.storage.atomic_lock_store``).
    """
    options = parse_url(redis_url)
    store = AtomicRedisLockStore(
        host=options.get("host", "localhost"),
        port=int(options.get("port", 6379)),
        db=int(options.get("db", 0)),
        username=options.get("username"),
        password=options.get("password"),
        use_ssl=redis_url.startswith("rediss://"),
        key_prefix=KEY_PREFIX,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
    )
    # Rasa sets no connect timeout: an unreachable host would hang a message.
    store.red.connection_pool.connection_kwargs["socket_connect_timeout"] = REDIS_TIMEOUT_SECONDS
    return store


def create_lock_store(
    endpoint_config: Optional[EndpointConfig] = None, redis_url: Optional[str] = None
) -> LockStore:
    """Return the lock store for this deployment.

    Args:
        endpoint_config: Rasa's endpoint configuration (unused).
        redis_url: Overrides the ``REDIS_URL`` setting (used by tests).
    """
    url = redis_url or get_settings().redis_url
    if url:
        store = redis_lock_store(url)
        # Fail at start-up, not on the first patient message.
        store.red.ping()
        logger.info("lock_store.redis")
        return store
    logger.info("lock_store.in_memory")
    return InMemoryLockStore()


class RedisAvailability:
    """Whether Redis answered lately, and when to try it again.

    Changes are reported to :mod:`bot.storage.health` (``/health``, the
    console's banner), which logs one line when the outage starts and one
    when it ends. Plain state a test can drive: :meth:`lost` and :meth:`back`
    return whether they changed it.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        """Starts as reachable; ``clock`` is replaceable for tests."""
        self._clock = clock
        self.down_since: Optional[float] = None
        self._next_try = 0.0

    @property
    def down(self) -> bool:
        """Whether the last attempt to reach Redis failed."""
        return self.down_since is not None

    def worth_trying(self) -> bool:
        """Whether to try Redis now: always while up, once per interval while down."""
        return not self.down or self._clock() >= self._next_try

    def lost(self, error: BaseException, fallback: str) -> bool:
        """Record a failed attempt; True if Redis was up until now."""
        now = self._clock()
        self._next_try = now + RETRY_INTERVAL_SECONDS
        if self.down:
            return False
        self.down_since = now
        if health.mark_unavailable(health.REDIS, error):
            logger.info("lock_store.without_redis fallback=%s", fallback)
        return True

    def back(self) -> bool:
        """Record a successful attempt; True if Redis was down until now."""
        if not self.down:
            return False
        self.down_since = None
        health.mark_available(health.REDIS)
        return True


class ConfiguredLockStore(LockStore):
    """The lock store ``endpoints.yml`` names: Redis or memory, and what to do without Redis.

    Rasa takes every lock through :meth:`lock`; this class chooses the store
    for each message there. A conversation whose lock is held in memory keeps
    using memory until it is released, so Redis's return never lets two of its
    messages run at once.
    """

    def __init__(
        self,
        endpoint_config: Optional[EndpointConfig] = None,
        redis_url: Optional[str] = None,
        fallback: Optional[str] = None,
    ) -> None:
        """Connects to Redis if configured (see :func:`create_lock_store`).

        Args:
            endpoint_config: Rasa's endpoint configuration (unused).
            redis_url: Overrides ``REDIS_URL`` (tests).
            fallback: Overrides ``LOCK_STORE_FALLBACK`` (tests): memory or refuse.
        """
        self.delegate = create_lock_store(endpoint_config, redis_url=redis_url)
        self.memory = (
            self.delegate if isinstance(self.delegate, InMemoryLockStore) else InMemoryLockStore()
        )
        self.fallback = fallback or get_settings().lock_store_fallback
        if self.fallback not in (LOCK_FALLBACK_MEMORY, LOCK_FALLBACK_REFUSE):
            raise ValueError(f"unknown lock store fallback {self.fallback!r}")
        self.redis = RedisAvailability()
        # Redis commands wait for a reply (and then for the GIL): off the event loop.
        self.threads = WorkerThreads(1 if self.uses_redis else 0, name="lock-store")

    @property
    def uses_redis(self) -> bool:
        """Whether locks are meant to be in Redis."""
        return self.delegate is not self.memory

    def refuses_now(self) -> bool:
        """Whether a message arriving now would be refused (Redis down, ``refuse``).

        Channels that acknowledge before handling (WhatsApp) ask this first, so
        that they can answer the provider with an error instead of a 200.
        """
        if not self.uses_redis or self.fallback != LOCK_FALLBACK_REFUSE:
            return False
        if self.redis.worth_trying():
            try:
                self.delegate.red.ping()
                self.redis.back()
            except REDIS_ERRORS as error:
                self.redis.lost(error, self.fallback)
        return self.redis.down

    def _without_redis(self, error: BaseException) -> LockStore:
        """The store to use while Redis cannot be reached: memory, or a retryable refusal."""
        if self.fallback == LOCK_FALLBACK_REFUSE:
            raise StorageUnavailable("redis", retry_after=RETRY_AFTER_SECONDS) from error
        return self.memory

    def _issue(
        self, conversation_id: str, lock_lifetime: float
    ) -> Tuple[LockStore, int, Optional[TicketLock]]:
        """Take a ticket in Redis if it can be reached, else per the fallback.

        Returns:
            The store that issued the ticket, the ticket, and the lock if the
            ticket is served at once (then nobody needs to read the lock).
        """
        in_memory = conversation_id in self.memory.conversation_locks
        if self.uses_redis and not in_memory:
            if self.redis.worth_trying():
                try:
                    ticket, served = self._issue_in_redis(conversation_id, lock_lifetime)
                    self.redis.back()
                    return self.delegate, ticket, served
                except REDIS_ERRORS as error:
                    self.redis.lost(error, self.fallback)
                    store = self._without_redis(error)
            else:
                store = self._without_redis(ConnectionError("redis still unavailable"))
        else:
            store = self.memory
        return store, store.issue_ticket(conversation_id, lock_lifetime), None

    def _issue_in_redis(
        self, conversation_id: str, lock_lifetime: float
    ) -> Tuple[int, Optional[TicketLock]]:
        """A Redis ticket, and its lock if nobody is ahead of it (one round trip)."""
        if not isinstance(self.delegate, AtomicRedisLockStore):
            return self.delegate.issue_ticket(conversation_id, lock_lifetime), None
        ticket, served = self.delegate.issue_ticket_and_check(conversation_id, lock_lifetime)
        if not served:
            return ticket, None
        expires = time.time() + lock_lifetime
        return ticket, TicketLock(conversation_id, deque([Ticket(ticket, expires)]))

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncIterator[TicketLock]:
        """Hold ``conversation_id``'s lock, in Redis or in memory (see the class).

        Raises:
            StorageUnavailable: Redis is unreachable and the fallback is ``refuse``;
                raised before the message is handled.
        """
        store, ticket, acquired = await self.threads.run(
            self._issue, conversation_id, lock_lifetime
        )
        try:
            if acquired is None:
                acquired = await store._acquire_lock(conversation_id, ticket, wait_time_in_seconds)
        except REDIS_ERRORS as error:
            if store is self.memory or isinstance(error, LockError):
                raise
            # Redis went away while this message waited its turn.
            self.redis.lost(error, self.fallback)
            store = self._without_redis(error)
            ticket = store.issue_ticket(conversation_id, lock_lifetime)
            acquired = await store._acquire_lock(conversation_id, ticket, wait_time_in_seconds)
        try:
            yield acquired
        finally:
            try:
                if store is self.memory:
                    store.cleanup(conversation_id, ticket)
                else:
                    await self.threads.run(store.cleanup, conversation_id, ticket)
            except REDIS_ERRORS as error:
                # The message was handled; its Redis ticket expires by itself.
                self.redis.lost(error, self.fallback)

    def get_lock(self, conversation_id: str) -> Optional[TicketLock]:
        """Fetch the lock of ``conversation_id`` from the delegate."""
        return self.delegate.get_lock(conversation_id)

    def delete_lock(self, conversation_id: str) -> None:
        """Delete the lock of ``conversation_id`` in the delegate."""
        self.delegate.delete_lock(conversation_id)

    def save_lock(self, lock: TicketLock) -> None:
        """Store ``lock`` in the delegate."""
        self.delegate.save_lock(lock)
