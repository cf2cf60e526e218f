"""Widget message ids shared by two Rasa servers through Redis."""

from __future__ import annotations

import uuid

from bot.channels.handled_messages import (
    DONE,
    IN_PROGRESS,
    NEW,
    MemoryHandledMessages,
    RedisHandledMessages,
)
from tests.utils.databases import redis_test_url


async def test_a_message_handled_on_one_server_is_a_duplicate_on_the_other() -> None:
    server_a = RedisHandledMessages.from_url(redis_test_url())
    server_b = RedisHandledMessages.from_url(redis_test_url())
    session, message = uuid.uuid4().hex, uuid.uuid4().hex
    assert await server_a.begin(session, message) == NEW
    # The widget resent it to B while A was still handling it.
    assert await server_b.begin(session, message) == IN_PROGRESS
    await server_a.finish(session, message)
    assert await server_b.begin(session, message) == DONE
    assert await server_b.begin(uuid.uuid4().hex, message) == NEW


async def test_a_message_whose_handling_failed_is_handled_when_resent() -> None:
    server_a = RedisHandledMessages.from_url(redis_test_url())
    server_b = RedisHandledMessages.from_url(redis_test_url())
    session, message = uuid.uuid4().hex, uuid.uuid4().hex
    assert await server_a.begin(session, message) == NEW
    await server_a.abandon(session, message)
    assert await server_b.begin(session, message) == NEW


async def test_without_redis_the_process_memory_decides() -> None:
    unreachable = RedisHandledMessages.from_url("redis://127.0.0.1:1/0")
    session, message = uuid.uuid4().hex, uuid.uuid4().hex
    assert await unreachable.begin(session, message) == NEW
    await unreachable.finish(session, message)
    assert await unreachable.begin(session, message) == DONE


async def test_an_in_progress_mark_of_a_dead_server_expires() -> None:
    now = [0.0]
    handled = MemoryHandledMessages(clock=lambda: now[0])
    assert await handled.begin("s", "m") == NEW
    assert await handled.begin("s", "m") == IN_PROGRESS
    now[0] += 121
    assert await handled.begin("s", "m") == NEW
