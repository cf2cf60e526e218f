"""Two Rasa servers taking tickets for one conversation at the same moment.

Each "server" is a lock store with its own Redis connection, in its own
thread, as two Rasa processes would be. Rasa's stock ``RedisLockStore``
reads, changes and writes back one JSON value (RasaHQ/rasa#9213), so the
race hands out the same ticket twice or loses tickets; ours must not.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Callable, List

from rasa.core.lock_store import LockError, LockStore, RedisLockStore

from bot.storage.atomic_lock_store import AtomicRedisLockStore
from bot.storage.lock_store import KEY_PREFIX, redis_lock_store
from tests.utils.databases import redis_test_url

TICKETS_PER_SERVER = 300
SERVERS = 2


@dataclass
class RaceResult:
    """What the race left: tickets handed out, duplicates, errors, tickets still queued."""

    issued: List[int]
    errors: int
    queued: int

    @property
    def duplicated(self) -> int:
        return sum(count - 1 for count in Counter(self.issued).values() if count > 1)

    @property
    def lost(self) -> int:
        """Tickets handed out that the lock no longer holds (their message would fail)."""
        return len(self.issued) - self.queued


def stock_store(url: str) -> RedisLockStore:
    """Rasa's own store on the same Redis database and prefix as ours."""
    from redis.connection import parse_url

    options = parse_url(url)
    return RedisLockStore(
        host=options["host"],
        port=int(options["port"]),
        db=int(options["db"]),
        key_prefix=KEY_PREFIX,
    )


def race(make_store: Callable[[], LockStore]) -> RaceResult:
    """Let SERVERS stores take TICKETS_PER_SERVER tickets each for one conversation, at once."""
    conversation = f"race-{uuid.uuid4().hex}"
    stores = [make_store() for _ in range(SERVERS)]
    start = threading.Barrier(SERVERS)
    issued: List[int] = []
    errors: List[BaseException] = []
    guard = threading.Lock()

    def take_tickets(store: LockStore) -> None:
        start.wait()
        for _ in range(TICKETS_PER_SERVER):
            try:
                ticket = store.issue_ticket(conversation, lock_lifetime=60)
            except LockError as error:
                with guard:
                    errors.append(error)
                continue
            with guard:
                issued.append(ticket)

    threads = [threading.Thread(target=take_tickets, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lock = stores[0].get_lock(conversation)
    queued = 0 if lock is None else len(lock.tickets)
    stores[0].delete_lock(conversation)
    return RaceResult(issued=issued, errors=len(errors), queued=queued)


def describe(name: str, result: RaceResult) -> str:
    return (
        f"{name}: {len(result.issued)} tickets issued, duplicated {result.duplicated}, "
        f"lost {result.lost}, errors {result.errors}"
    )


def test_stock_redis_lock_store_hands_out_duplicate_tickets() -> None:
    """The defect the cluster must not have: shown on Rasa's own store."""
    result = race(lambda: stock_store(redis_test_url()))
    print(describe("Rasa's RedisLockStore", result))
    assert result.duplicated > 0 or result.lost > 0


def test_atomic_lock_store_hands_out_each_ticket_once() -> None:
    result = race(lambda: redis_lock_store(redis_test_url()))
    print(describe("AtomicRedisLockStore", result))
    assert result.errors == 0
    assert len(result.issued) == SERVERS * TICKETS_PER_SERVER
    assert sorted(result.issued) == list(range(SERVERS * TICKETS_PER_SERVER))
    assert result.queued == SERVERS * TICKETS_PER_SERVER


def test_finishing_a_ticket_keeps_the_lock_for_whoever_queued_meanwhile() -> None:
    """Rasa's cleanup checks "anyone waiting?" then deletes: a ticket queued in between vanished."""
    first_server = redis_lock_store(redis_test_url())
    second_server = redis_lock_store(redis_test_url())
    assert isinstance(first_server, AtomicRedisLockStore)
    conversation = f"cleanup-{uuid.uuid4().hex}"
    mine = first_server.issue_ticket(conversation)
    queued = second_server.issue_ticket(conversation)
    first_server.cleanup(conversation, mine)
    lock = second_server.get_lock(conversation)
    assert lock is not None and lock.now_serving == queued and not lock.is_locked(queued)
    second_server.cleanup(conversation, queued)
    assert second_server.get_lock(conversation) is None


def test_expired_tickets_are_dropped() -> None:
    store = redis_lock_store(redis_test_url())
    conversation = f"expiry-{uuid.uuid4().hex}"
    serving = store.issue_ticket(conversation, lock_lifetime=60)
    store.issue_ticket(conversation, lock_lifetime=-1)  # a server that died while queued
    store.update_lock(conversation)
    lock = store.get_lock(conversation)
    assert lock is not None and [ticket.number for ticket in lock.tickets] == [serving]
    assert store.issue_ticket(conversation, lock_lifetime=60) == serving + 1
    store.delete_lock(conversation)
