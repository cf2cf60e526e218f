"""Rasa's conversation lock store: Redis in production, memory otherwise.

Rasa locks each conversation while it handles a message. With one Rasa
process the in-memory store is enough; with several workers or replicas the
locks must be shared, which is what ``REDIS_URL`` is for.
"""

from __future__ import annotations

import logging
from typing import Optional

from rasa.core.lock import TicketLock
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from redis.connection import parse_url

from bot.settings import get_settings

logger = logging.getLogger(__name__)

# Keys are prefixed so the clinic's locks never collide with other users of Redis.
KEY_PREFIX = "clinic"


def redis_lock_store(redis_url: str) -> RedisLockStore:
    """Build Rasa's ``RedisLockStore`` from a ``redis://`` or ``rediss://`` URL."""
    options = parse_url(redis_url)
    return RedisLockStore(
        host=options.get("host", "localhost"),
        port=int(options.get("port", 6379)),
        db=int(options.get("db", 0)),
        username=options.get("username"),
        password=options.get("password"),
        use_ssl=redis_url.startswith("rediss://"),
        key_prefix=KEY_PREFIX,
    )


def create_lock_store(
    endpoint_config: Optional[EndpointConfig] = None, redis_url: Optional[str] = None
) -> LockStore:
    """Return the lock store for this deployment.

    ``endpoints.yml`` names this function as the lock store ``type``; Rasa calls
    it with the endpoint configuration.

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


class ConfiguredLockStore(LockStore):
    """The lock store ``endpoints.yml`` names: delegates to the configured one.

    Rasa builds custom lock stores from a class, so this class chooses Redis
    or memory with :func:`create_lock_store` and forwards the storage calls;
    ticket handling is ``LockStore``'s own, built on those calls.
    """

    def __init__(
        self, endpoint_config: Optional[EndpointConfig] = None, redis_url: Optional[str] = None
    ) -> None:
        """Creates the delegate store (see :func:`create_lock_store`)."""
        self.delegate = create_lock_store(endpoint_config, redis_url=redis_url)

    def get_lock(self, conversation_id: str) -> Optional[TicketLock]:
        """Fetch the lock of ``conversation_id`` from the delegate."""
        return self.delegate.get_lock(conversation_id)

    def delete_lock(self, conversation_id: str) -> None:
        """Delete the lock of ``conversation_id`` in the delegate."""
        self.delegate.delete_lock(conversation_id)

    def save_lock(self, lock: TicketLock) -> None:
        """Store ``lock`` in the delegate."""
        self.delegate.save_lock(lock)
