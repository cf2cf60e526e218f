"""Blocking storage calls run off Rasa's event loop, on worker threads.

Rasa's ``SQLTrackerStore`` calls SQLAlchemy, and its lock stores call Redis,
both of which block, from ``async`` methods: while one conversation waits for
PostgreSQL (a round trip, a commit waiting for the disk), every other
conversation of the process waits too.
Profiled under 20 concurrent conversations (py-spy with idle time,
2026-12-04), the event loop spent about a fifth of its time blocked in
commits, connection checks, queries and inserts; with that work on threads,
the lock store's two Redis round trips per message then took 16% of it. Here
both run on worker threads (the tracker store's, and one of the lock
store's), and the loop serves other conversations meanwhile.

A conversation's own turns never overlap: the lock store serialises them, and
the processor awaits each read and write. The caches the store shares between
conversations (:mod:`bot.storage.known_conversations`,
:mod:`bot.storage.session_cache`) take a lock of their own.

An in-memory SQLite database (``sqlite://``) lives in one connection of one
thread, so its work stays on the calling thread.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Optional, TypeVar

from sqlalchemy.engine import make_url

# Two conversations' reads or writes at once. More threads overlap more
# waiting but compete for the GIL with the event loop: in alternating bench
# runs (2026-12-04) 1, 2 and 4 threads were within the machine's noise, and
# fewer threads leave the loop more of the GIL.
TRACKER_STORE_THREAD_COUNT = 2

Result = TypeVar("Result")


def is_in_memory_sqlite(url: str) -> bool:
    """Whether ``url`` names an in-memory SQLite database."""
    parsed = make_url(url)
    return parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:")


class WorkerThreads:
    """Runs blocking functions on worker threads, or inline when there are none."""

    def __init__(self, thread_count: int, name: str) -> None:
        """Creates ``thread_count`` worker threads named ``name`` on first use (none: inline)."""
        self.thread_count = thread_count
        self.name = name
        self._executor: Optional[ThreadPoolExecutor] = None

    @classmethod
    def for_url(cls, url: str) -> WorkerThreads:
        """The tracker store's threads on ``url``: none for an in-memory SQLite database."""
        return cls(
            0 if is_in_memory_sqlite(url) else TRACKER_STORE_THREAD_COUNT, name="tracker-store"
        )

    @property
    def executor(self) -> Optional[ThreadPoolExecutor]:
        """The worker threads, created on first use."""
        if self.thread_count and self._executor is None:
            self._executor = ThreadPoolExecutor(
                max_workers=self.thread_count, thread_name_prefix=self.name
            )
        return self._executor

    async def run(self, function: Callable[..., Result], *args: Any) -> Result:
        """``function(*args)`` on a worker thread, with the caller's context variables.

        Exceptions reach the caller as if the function had run inline.
        """
        executor = self.executor
        if executor is None:
            return function(*args)
        call = functools.partial(contextvars.copy_context().run, function, *args)
        return await asyncio.get_running_loop().run_in_executor(executor, call)

    def shutdown(self) -> None:
        """Waits for running work and stops the threads (they restart on next use)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
