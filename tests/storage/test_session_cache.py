"""A conversation's latest session kept between turns: fewer rows read, the same tracker."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any, Dict, List, Optional

import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.storage.session_cache import CachedRow, CachedSession, SessionCache, latest_session
from bot.storage.tracker_store import DatabaseUrlTrackerStore
from tests.utils.databases import ensure_postgres_database, postgres_test_url


def turn(text: str, timestamp: Optional[float] = None) -> List[Event]:
    """One user message and the assistant's answer."""
    stamp = timestamp or time.time()
    return [
        UserUttered(
            text,
            {"name": "faq", "confidence": 0.9},
            parse_data={"text": text, "intent": {"name": "faq", "confidence": 0.9}},
            timestamp=stamp,
        ),
        ActionExecuted("utter_answer", timestamp=stamp),
        BotUttered(f"answer to {text}", {"buttons": [{"title": "More"}]}, timestamp=stamp),
        ActionExecuted("action_listen", timestamp=stamp),
    ]


async def add_turn(
    store: DatabaseUrlTrackerStore, domain: Domain, sender: str, events: List[Event]
) -> None:
    """What a Rasa turn does with the store: retrieve, add events, save."""
    tracker = await store.retrieve(sender)
    if tracker is None:
        tracker = DialogueStateTracker.from_events(sender, [], slots=domain.slots)
    for event in events:
        tracker.update(event)
    await store.save(tracker)


async def stored_events(
    store: DatabaseUrlTrackerStore, sender: str
) -> Optional[List[Dict[str, Any]]]:
    tracker = await store.retrieve(sender)
    return None if tracker is None else [event.as_dict() for event in tracker.events]


async def read_by_rasa(domain: Domain, url: str, sender: str) -> Optional[List[Dict[str, Any]]]:
    """The session as a store with nothing cached reads it (Rasa's own query)."""
    return await stored_events(DatabaseUrlTrackerStore(domain=domain, database_url=url), sender)


async def test_every_turn_sees_what_rasa_reads(domain: Domain, database_url: str) -> None:
    store = DatabaseUrlTrackerStore(domain=domain, database_url=database_url)
    sender = f"cache-{uuid.uuid4()}"
    start = [ActionExecuted("action_session_start"), SessionStarted()]
    await add_turn(store, domain, sender, start)
    for number in range(4):
        await add_turn(store, domain, sender, turn(f"question {number} 01712-345678"))
        events = await stored_events(store, sender)
        assert events == await read_by_rasa(domain, database_url, sender)
        # The cache holds the stored (masked) copy, as the table does.
        texts = [e["text"] for e in events if e["event"] in ("user", "bot")]
        assert all("345678" not in text and "[phone •••78]" in text for text in texts)
    await add_turn(store, domain, sender, [SlotSet("language", "bn")])
    # A new session: only its events are read, and slots carried over are set again.
    later = time.time() + 5
    await add_turn(
        store,
        domain,
        sender,
        [
            ActionExecuted("action_session_start", timestamp=later),
            SessionStarted(timestamp=later),
            SlotSet("language", "bn", timestamp=later),
            *turn("after the break", later),
        ],
    )
    events = await stored_events(store, sender)
    assert events == await read_by_rasa(domain, database_url, sender)
    assert [e["event"] for e in events[:2]] == ["action", "session_started"]
    assert [e["text"] for e in events if e["event"] == "user"] == ["after the break"]


async def test_rows_written_by_another_instance_are_read(domain: Domain, database_url: str) -> None:
    ours = DatabaseUrlTrackerStore(domain=domain, database_url=database_url)
    other = DatabaseUrlTrackerStore(domain=domain, database_url=database_url)
    sender = f"cache-{uuid.uuid4()}"
    await add_turn(ours, domain, sender, turn("first"))
    await add_turn(other, domain, sender, turn("second, on the other instance"))
    await add_turn(ours, domain, sender, turn("third"))
    events = await stored_events(ours, sender)
    assert events == await read_by_rasa(domain, database_url, sender)
    assert [e["text"] for e in events if e["event"] == "user"] == [
        "first",
        "second, on the other instance",
        "third",
    ]


async def test_deleted_rows_are_not_read_from_the_cache(domain: Domain, database_url: str) -> None:
    store = DatabaseUrlTrackerStore(domain=domain, database_url=database_url)
    sender = f"cache-{uuid.uuid4()}"
    await add_turn(store, domain, sender, turn("old", time.time() - 100))
    await add_turn(store, domain, sender, turn("recent"))
    assert await stored_events(store, sender) is not None
    engine = sa.create_engine(database_url)
    events = sa.table("events", sa.column("sender_id"), sa.column("timestamp"))
    # What the retention job does: delete the conversation's old rows.
    with engine.begin() as connection:
        connection.execute(
            sa.delete(events).where(
                events.c.sender_id == sender, events.c.timestamp < time.time() - 50
            )
        )
    after_retention = await stored_events(store, sender)
    assert after_retention == await read_by_rasa(domain, database_url, sender)
    assert [e["text"] for e in after_retention if e["event"] == "user"] == ["recent"]
    # What the console's deletion does: delete the whole conversation.
    with engine.begin() as connection:
        connection.execute(sa.delete(events).where(events.c.sender_id == sender))
    engine.dispose()
    assert await store.retrieve(sender) is None


async def test_changes_to_a_handed_out_tracker_do_not_reach_the_next_turn(
    domain: Domain, database_url: str
) -> None:
    store = DatabaseUrlTrackerStore(domain=domain, database_url=database_url)
    sender = f"cache-{uuid.uuid4()}"
    await add_turn(store, domain, sender, turn("question"))
    tracker = await store.retrieve(sender)
    # Rasa's two-stage fallback changes an old message's parse data in place.
    tracker.latest_message.parse_data["intent"]["confidence"] = 1.0
    tracker.latest_message.intent["name"] = "changed"
    again = await store.retrieve(sender)
    assert again.latest_message.parse_data["intent"] == {"name": "faq", "confidence": 0.9}
    assert again.latest_message.intent["name"] == "faq"


async def test_a_turn_reads_only_the_rows_written_since_the_last() -> None:
    url = ensure_postgres_database(postgres_test_url())
    domain = Domain.load("domain.yml")
    store = DatabaseUrlTrackerStore(domain=domain, database_url=url)
    sender = f"cache-{uuid.uuid4()}"
    for number in range(5):
        await add_turn(store, domain, sender, turn(f"question {number}"))
    fetched: List[int] = []

    def count_rows(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "events" in statement:
            fetched.append(cursor.rowcount)

    sa.event.listen(store.engine, "after_cursor_execute", count_rows)
    try:
        await store.retrieve(sender)
    finally:
        sa.event.remove(store.engine, "after_cursor_execute", count_rows)
    # One statement, one row (the count, no new events), not the 20 rows of the session.
    assert fetched == [1]


def row(type_name: str, timestamp: Optional[float], text: str = "") -> CachedRow:
    return CachedRow.from_row(
        type_name, timestamp, json.dumps({"event": type_name, "timestamp": timestamp, "t": text})
    )


def test_the_session_is_cut_as_rasas_query_cuts_it() -> None:
    rows = [
        row("user", 1.0, "a"),
        row("session_started", 2.0),
        row("user", None, "no time"),
        row("user", 1.5, "older than the start"),
        row("user", 3.0, "b"),
        row("session_started", 1.8),
    ]
    assert [(r.type_name, r.timestamp) for r in latest_session(rows)] == [
        ("session_started", 2.0),
        ("user", 3.0),
    ]
    without_start = [row("user", 1.0), row("user", None)]
    assert latest_session(without_start) == without_start


def test_each_read_gets_new_dicts() -> None:
    cached = CachedSession(total=1, last_id=1, rows=[row("user", 1.0, "hello")])
    first = cached.events()
    first[0]["t"] = "changed"
    assert cached.events() == [{"event": "user", "timestamp": 1.0, "t": "hello"}]


def test_the_cache_keeps_the_most_recent_conversations_within_its_bounds() -> None:
    cache = SessionCache(max_conversations=2)
    for sender in ("a", "b"):
        cache.put(sender, CachedSession(1, 1, [row("user", 1.0, sender)]))
    cache.get("a")  # "a" is now the most recent
    cache.put("c", CachedSession(1, 1, [row("user", 1.0, "c")]))
    assert cache.get("b") is None and cache.get("a") and cache.get("c")

    big = CachedSession(1, 1, [row("user", 1.0, "x" * 5000)])
    small_cache = SessionCache(max_bytes=big.size * 2 - 1)
    small_cache.put("a", big)
    small_cache.put("b", big)
    assert small_cache.get("a") is None and small_cache.get("b") is big
    small_cache.put("huge", CachedSession(1, 1, [row("user", 1.0, "x" * 50000)]))
    assert small_cache.get("huge") is None
