"""Redis stopped under the lock store: memory with one Rasa process, else a retryable refusal."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import Iterator

import pytest

from bot.settings import SettingsError, load_settings
from bot.storage import health
from bot.storage.errors import StorageUnavailable
from bot.storage.lock_store import ConfiguredLockStore, RedisAvailability
from tests.utils.redis_server import RedisServer


@pytest.fixture()
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.stop()


def conversation() -> str:
    return f"outage-{uuid.uuid4()}"


async def handle_one(store: ConfiguredLockStore, conversation_id: str) -> str:
    """Take and release the conversation's lock as Rasa does; which store held it."""
    async with store.lock(conversation_id):
        in_memory = conversation_id in store.memory.conversation_locks
    return "memory" if in_memory else "redis"


async def test_one_process_falls_back_to_memory_and_logs_once(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    health.reset()
    store = ConfiguredLockStore(redis_url=redis_server.url, fallback="memory")
    assert await handle_one(store, conversation()) == "redis"
    redis_server.stop()
    with caplog.at_level(logging.INFO, logger="bot.storage"):
        held = [await handle_one(store, conversation()) for _ in range(5)]
        assert held == ["memory"] * 5
        assert health.is_degraded(health.REDIS)
        redis_server.start()
        store.redis._next_try = 0.0  # do not wait for the retry interval
        assert await handle_one(store, conversation()) == "redis"
    assert not health.is_degraded(health.REDIS)
    events = [record.getMessage().split()[0] for record in caplog.records]
    assert events == ["storage.degraded", "lock_store.without_redis", "storage.recovered"]


async def test_several_processes_refuse_retryably(redis_server: RedisServer) -> None:
    store = ConfiguredLockStore(redis_url=redis_server.url, fallback="refuse")
    assert not store.refuses_now()
    redis_server.stop()
    handled = []
    with pytest.raises(StorageUnavailable) as refused:
        async with store.lock(conversation()):
            handled.append(True)
    # Refused before the message was handled, with a hint for Retry-After.
    assert handled == []
    assert refused.value.store == "redis" and refused.value.retry_after > 0
    assert store.refuses_now()
    redis_server.start()
    store.redis._next_try = 0.0
    assert not store.refuses_now()
    assert await handle_one(store, conversation()) == "redis"


async def test_a_lock_held_in_memory_stays_there_when_redis_returns(
    redis_server: RedisServer,
) -> None:
    store = ConfiguredLockStore(redis_url=redis_server.url, fallback="memory")
    redis_server.stop()
    conversation_id = conversation()
    async with store.lock(conversation_id):
        redis_server.start()
        store.redis._next_try = 0.0
        # A second message of the same conversation must queue behind the first.
        assert next_store(store, conversation_id) == "memory"


def next_store(store: ConfiguredLockStore, conversation_id: str) -> str:
    """Which store the conversation's next message would be locked in."""
    chosen, ticket, _ = store._issue(conversation_id, 60)
    chosen.finish_serving(conversation_id, ticket)
    return "memory" if chosen is store.memory else "redis"


def test_redis_state_logs_only_changes() -> None:
    health.reset()
    now = [100.0]
    state = RedisAvailability(clock=lambda: now[0])
    assert state.worth_trying()
    assert state.lost(ConnectionError(), "memory")
    assert not state.lost(ConnectionError(), "memory")
    assert not state.worth_trying()
    now[0] += 1.5
    assert state.worth_trying()
    assert state.back() and not state.back()


def test_fallback_defaults_follow_the_number_of_rasa_processes() -> None:
    assert load_settings({}).lock_store_fallback == "memory"
    assert load_settings({"RASA_PROCESSES": "3"}).lock_store_fallback == "refuse"
    assert load_settings({"LOCK_STORE_FALLBACK": "refuse"}).lock_store_fallback == "refuse"
    with pytest.raises(SettingsError, match="RASA_PROCESSES=1"):
        load_settings({"RASA_PROCESSES": "2", "LOCK_STORE_FALLBACK": "memory"})
    with pytest.raises(SettingsError, match="memory or refuse"):
        load_settings({"LOCK_STORE_FALLBACK": "later"})
