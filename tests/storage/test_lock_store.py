"""Rasa's conversation locks: in Redis when REDIS_URL is set, else in memory."""

from __future__ import annotations

import uuid

import pytest
from rasa.core.lock_store import InMemoryLockStore, RedisLockStore
from redis.exceptions import ConnectionError as RedisConnectionError

from bot.settings import get_settings
from bot.storage.lock_store import ConfiguredLockStore, create_lock_store
from tests.utils.databases import redis_test_url


def test_without_redis_url_locks_stay_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    get_settings.cache_clear()
    try:
        assert isinstance(create_lock_store(), InMemoryLockStore)
    finally:
        get_settings.cache_clear()


async def test_redis_lock_serialises_one_conversation() -> None:
    store = create_lock_store(redis_url=redis_test_url())
    assert isinstance(store, RedisLockStore)
    conversation = f"test-{uuid.uuid4()}"
    first = store.issue_ticket(conversation)
    second = store.issue_ticket(conversation)
    lock = store.get_lock(conversation)
    assert lock is not None
    # The first ticket holder may proceed; the second waits its turn.
    assert lock.is_someone_waiting()
    assert lock.now_serving == first
    assert second == first + 1
    store.finish_serving(conversation, first)
    assert store.get_lock(conversation).now_serving == second
    store.finish_serving(conversation, second)
    # The key carries the clinic's prefix, so other Redis users are not touched.
    assert store.key_prefix.startswith("clinic")


def test_unreachable_redis_fails_at_start_up() -> None:
    with pytest.raises(RedisConnectionError):
        create_lock_store(redis_url="redis://127.0.0.1:1/0")


def test_store_named_in_endpoints_delegates_to_redis() -> None:
    store = ConfiguredLockStore(redis_url=redis_test_url())
    assert isinstance(store.delegate, RedisLockStore)
    conversation = f"test-{uuid.uuid4()}"
    ticket = store.issue_ticket(conversation)
    assert store.delegate.get_lock(conversation).now_serving == ticket
    store.finish_serving(conversation, ticket)
    store.delete_lock(conversation)
    assert store.get_lock(conversation) is None


def test_a_ticket_says_whether_it_is_served_at_once() -> None:
    store = create_lock_store(redis_url=redis_test_url())
    conversation = f"test-{uuid.uuid4()}"
    first, first_served = store.issue_ticket_and_check(conversation)
    second, second_served = store.issue_ticket_and_check(conversation)
    assert (first_served, second_served) == (True, False)
    assert store.get_lock(conversation).now_serving == first
    store.finish_serving(conversation, first)
    third, third_served = store.issue_ticket_and_check(conversation)
    # The second is served now; the third waits behind it.
    assert store.get_lock(conversation).now_serving == second
    assert not third_served
    store.finish_serving(conversation, second)
    store.finish_serving(conversation, third)
    assert store.get_lock(conversation) is None


async def test_a_free_conversation_is_locked_without_reading_the_lock(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import asyncio

    store = ConfiguredLockStore(redis_url=redis_test_url())
    reads = []
    read_lock = store.delegate.get_lock

    def counted_read(conversation_id: str):
        reads.append(conversation_id)
        return read_lock(conversation_id)

    monkeypatch.setattr(store.delegate, "get_lock", counted_read)
    conversation = f"test-{uuid.uuid4()}"
    order = []

    async def handle(name: str, hold: float) -> None:
        async with store.lock(conversation, wait_time_in_seconds=0.01):
            order.append(f"{name} in")
            await asyncio.sleep(hold)
            order.append(f"{name} out")

    async with store.lock(conversation):
        pass
    assert reads == []
    # With another message ahead, the second waits, reading the lock until its turn.
    await asyncio.gather(handle("first", 0.1), handle("second", 0.0))
    assert order == ["first in", "first out", "second in", "second out"]
    assert reads and set(reads) == {conversation}
    assert store.get_lock(conversation) is None
