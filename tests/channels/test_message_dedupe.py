"""Each incoming message id is claimed once: in memory, and in Redis across processes."""

from __future__ import annotations

import asyncio
import uuid

from redis import asyncio as redis_asyncio

from bot.channels.message_dedupe import (
    MemoryDedupe,
    RedisDedupe,
    create_dedupe,
    fingerprint,
)
from tests.utils.databases import redis_test_url


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_memory_claims_an_id_once() -> None:
    store = MemoryDedupe()
    assert await store.claim("wamid.a")
    assert not await store.claim("wamid.a")
    assert await store.claim("wamid.b")


async def test_memory_forgets_after_the_ttl() -> None:
    clock = Clock()
    store = MemoryDedupe(ttl_seconds=60, clock=clock)
    assert await store.claim("wamid.a")
    clock.now += 59
    assert not await store.claim("wamid.a")
    clock.now += 2
    assert await store.claim("wamid.a")


async def test_memory_keeps_only_the_most_recent_ids() -> None:
    store = MemoryDedupe(capacity=2)
    for message_id in ("a", "b", "c"):
        assert await store.claim(message_id)
    assert await store.claim("a")  # forgotten: the oldest went first
    assert not await store.claim("c")


def test_ids_are_stored_hashed() -> None:
    assert fingerprint("wamid.HBgNODgwMTcxMTAwMDAwMRUC") != "wamid.HBgNODgwMTcxMTAwMDAwMRUC"
    assert len(fingerprint("x")) == 32


async def test_redis_claims_an_id_once_across_stores() -> None:
    namespace = f"test-{uuid.uuid4().hex}"
    first = RedisDedupe.from_url(redis_test_url(), namespace, ttl_seconds=30)
    second = RedisDedupe.from_url(redis_test_url(), namespace, ttl_seconds=30)
    try:
        results = await asyncio.gather(*(store.claim("wamid.x") for store in (first, second)))
        assert sorted(results) == [False, True]
        assert not await first.claim("wamid.x")
        key = first.key("wamid.x")
        assert key.startswith(f"clinic:seen:{namespace}:") and "wamid" not in key
        ttl = await first._client.ttl(key)
        assert 0 < ttl <= 30
    finally:
        await first._client.delete(first.key("wamid.x"))
        await first._client.close()
        await second._client.close()


async def test_unreachable_redis_falls_back_to_memory() -> None:
    client = redis_asyncio.Redis.from_url(
        "redis://127.0.0.1:1/0", socket_connect_timeout=0.5, socket_timeout=0.5
    )
    store = RedisDedupe(client, "test")
    assert await store.claim("wamid.y")
    assert not await store.claim("wamid.y")
    await client.close()


def test_redis_is_used_only_when_configured() -> None:
    assert isinstance(create_dedupe(None, "whatsapp"), MemoryDedupe)
    assert isinstance(create_dedupe("", "whatsapp"), MemoryDedupe)
    assert isinstance(create_dedupe(redis_test_url(), "whatsapp"), RedisDedupe)
