"""Blocking storage calls run on worker threads, off the event loop."""

from __future__ import annotations

import asyncio
import contextvars
import threading
import uuid
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.storage.tracker_store import DatabaseUrlTrackerStore
from bot.storage.worker_threads import WorkerThreads, is_in_memory_sqlite
from tests.utils.databases import ensure_postgres_database, postgres_test_url

PROJECT_ROOT = Path(__file__).resolve().parents[2]
REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


@pytest.mark.parametrize(
    ("url", "in_memory"),
    [
        ("sqlite://", True),
        ("sqlite:///:memory:", True),
        ("sqlite:////tmp/rasa.db", False),
        ("postgresql://postgres@127.0.0.1:5432/clinic", False),
    ],
)
def test_only_an_in_memory_sqlite_database_stays_on_the_calling_thread(
    url: str, in_memory: bool
) -> None:
    assert is_in_memory_sqlite(url) is in_memory
    assert (WorkerThreads.for_url(url).thread_count == 0) is in_memory


async def test_work_runs_on_a_worker_thread_with_the_callers_context() -> None:
    threads = WorkerThreads(2, name="tracker-store")
    REQUEST_ID.set("turn-7")
    try:
        name, seen = await threads.run(lambda: (threading.current_thread().name, REQUEST_ID.get()))
    finally:
        threads.shutdown()
    assert name.startswith("tracker-store")
    assert seen == "turn-7"


async def test_an_error_reaches_the_caller() -> None:
    threads = WorkerThreads(1, name="tracker-store")

    def fail() -> None:
        raise ValueError("database said no")

    try:
        with pytest.raises(ValueError, match="database said no"):
            await threads.run(fail)
    finally:
        threads.shutdown()


async def test_without_threads_work_runs_inline() -> None:
    threads = WorkerThreads(0, name="tracker-store")
    assert await threads.run(threading.current_thread) is threading.current_thread()


def conversation(sender: str, text: str) -> DialogueStateTracker:
    """A new conversation with one answered message."""
    domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    return DialogueStateTracker.from_events(
        sender,
        [
            ActionExecuted("action_session_start"),
            SessionStarted(),
            ActionExecuted("action_listen"),
            UserUttered(text, {"name": "greet", "confidence": 1.0}),
            BotUttered("Hello"),
            ActionExecuted("action_listen"),
        ],
        slots=domain.slots,
    )


async def test_a_slow_save_does_not_hold_up_other_conversations() -> None:
    """While one save waits on the database, the event loop keeps serving others.

    The slow save waits until the test releases it, which the test does only
    after the other conversations are saved: run on the event loop, the slow
    save would block it, nobody could release it, and its wait would time out.
    """
    domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    store = DatabaseUrlTrackerStore(
        domain=domain, database_url=ensure_postgres_database(postgres_test_url())
    )
    slow_sender = uuid.uuid4().hex
    write_events = store.write_events
    release = threading.Event()
    released_in_time = []

    def slow_write(tracker: DialogueStateTracker) -> None:
        if tracker.sender_id == slow_sender:
            released_in_time.append(release.wait(timeout=5))
        write_events(tracker)

    store.write_events = slow_write  # type: ignore[method-assign]
    others = [uuid.uuid4().hex for _ in range(5)]
    slow = asyncio.create_task(store.save(conversation(slow_sender, "hello")))
    await asyncio.sleep(0.05)
    for sender in others:
        await store.save(conversation(sender, "hi"))
    release.set()
    await slow
    store.threads.shutdown()

    assert released_in_time == [True]
    for sender in [slow_sender, *others]:
        tracker = await store.retrieve(sender)
        assert tracker is not None
        assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == [
            "hello" if sender == slow_sender else "hi"
        ]
