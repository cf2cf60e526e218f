"""The tracker saved at a conversation's last message is handed back at its next one.

Only when the table holds exactly what that save left (bot/storage/live_trackers.py);
otherwise the tracker is built from the rows, as Rasa builds it.
"""

from __future__ import annotations

import uuid
from typing import List

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

from bot.storage.live_trackers import LiveTrackers
from bot.storage.replay import event_row
from bot.storage.tracker_store import (
    DatabaseUrlTrackerStore,
    stored_differently,
    stored_event_data,
)


def turn(text: str) -> List[Event]:
    return [
        ActionExecuted("action_listen"),
        UserUttered(text, {"name": "faq", "confidence": 0.9}),
        ActionExecuted("action_answer_faq"),
        BotUttered(f"answer to {text}"),
    ]


async def next_message(
    store: DatabaseUrlTrackerStore, sender: str, domain: Domain, events: List[Event]
) -> DialogueStateTracker:
    """Read the conversation, add a message's events and save it, as a turn does."""
    tracker = await store.retrieve(sender)
    assert tracker is not None
    tracker.update_with_events(events, domain)
    await store.save(tracker)
    return tracker


async def saved_conversation(store: DatabaseUrlTrackerStore, domain: Domain) -> str:
    sender = f"test-{uuid.uuid4()}"
    tracker = DialogueStateTracker.from_events(sender, turn("what is a dfo"), slots=domain.slots)
    await store.save(tracker)
    # The next read builds it from the rows; that tracker is the one kept after its save.
    await next_message(store, sender, domain, turn("and the recovery"))
    return sender


async def test_the_saved_tracker_comes_back_at_the_next_message(
    domain: Domain, database_url: str
) -> None:
    store = DatabaseUrlTrackerStore(domain=domain, database_url=database_url)
    sender = await saved_conversation(store, domain)
    first = await next_message(store, sender, domain, turn("how long in hospital"))
    second = await store.retrieve(sender)
    assert second is first
    # What it holds is what the table holds.
    store.live.clear()
    rebuilt = await store.retrieve(sender)
    assert rebuilt is not None and rebuilt is not first
    assert [e.as_dict() for e in rebuilt.events] == [e.as_dict() for e in first.events]


async def test_a_tracker_is_handed_to_one_reader_only(domain: Domain, database_url: str) -> None:
    store = DatabaseUrlTrackerStore(domain=domain, database_url=database_url)
    sender = await saved_conversation(store, domain)
    first = await store.retrieve(sender)
    second = await store.retrieve(sender)
    assert first is not None and second is not None and second is not first


async def test_rows_written_by_another_process_rebuild_the_tracker(
    domain: Domain, database_url: str
) -> None:
    store = DatabaseUrlTrackerStore(domain=domain, database_url=database_url)
    sender = await saved_conversation(store, domain)
    kept = store.live._kept[sender].tracker
    staff = BotUttered("A nurse will call you today.", metadata={"staff_name": "Nurse"})
    with store.engine.begin() as connection:
        connection.execute(
            store.SQLEvent.__table__.insert(),
            [event_row(sender, stored_event_data(staff.as_dict()))],
        )
    read = await store.retrieve(sender)
    assert read is not None and read is not kept
    assert read.events[-1].text == "A nurse will call you today."


async def test_a_tracker_changed_after_its_save_is_not_handed_back(
    domain: Domain, database_url: str
) -> None:
    store = DatabaseUrlTrackerStore(domain=domain, database_url=database_url)
    sender = await saved_conversation(store, domain)
    kept = store.live._kept[sender].tracker
    kept.update(SlotSet("language", "bn"))  # never saved
    read = await store.retrieve(sender)
    assert read is not None and read is not kept
    assert read.get_slot("language") != "bn"


async def test_masked_events_are_read_back_from_the_table(
    domain: Domain, database_url: str
) -> None:
    store = DatabaseUrlTrackerStore(domain=domain, database_url=database_url)
    sender = await saved_conversation(store, domain)
    tracker = await next_message(store, sender, domain, turn("call me on 01712345678"))
    assert sender not in store.live._kept
    read = await store.retrieve(sender)
    assert read is not None and read is not tracker
    assert "01712345678" not in str([e.as_dict() for e in read.events])


async def test_a_new_session_is_read_back_from_the_table(domain: Domain, database_url: str) -> None:
    store = DatabaseUrlTrackerStore(domain=domain, database_url=database_url)
    sender = await saved_conversation(store, domain)
    new_session = [ActionExecuted("action_session_start"), SessionStarted(), *turn("hello again")]
    tracker = await next_message(store, sender, domain, new_session)
    assert sender not in store.live._kept
    read = await store.retrieve(sender)
    assert read is not None and read is not tracker
    assert len(read.events) < len(tracker.events)


async def test_a_conversation_deleted_from_the_table_is_not_served_from_memory(
    domain: Domain, database_url: str
) -> None:
    store = DatabaseUrlTrackerStore(domain=domain, database_url=database_url)
    sender = await saved_conversation(store, domain)
    assert sender in store.live._kept
    with store.engine.begin() as connection:
        connection.execute(sa.delete(store.SQLEvent.__table__))
    assert await store.retrieve(sender) is None


def test_the_least_recently_kept_are_dropped_first() -> None:
    live = LiveTrackers(max_conversations=2)
    trackers = [DialogueStateTracker(f"c{n}", []) for n in range(3)]
    for tracker in trackers:
        live.keep(tracker, (0, None))
    assert len(live) == 2
    assert live.take("c0", (0, None), 0) is None
    assert live.take("c2", (0, None), 0) is trackers[2]
    assert live.take("c2", (0, None), 0) is None


def test_only_masking_makes_a_stored_row_differ_from_its_event() -> None:
    event = {"event": "user", "text": "hi", "parse_data": {"text_tokens": [(0, 2)]}}
    assert not stored_differently([event], [event_row("c", stored_event_data(event))])
    phone = {"event": "user", "text": "call 01712345678"}
    assert stored_differently([phone], [event_row("c", stored_event_data(phone))])
    odd = {"event": "user", "text": "hi", "metadata": {"value": object()}}
    assert stored_differently([odd], [{"data": "{}"}])


def test_no_more_events_than_the_limit_are_kept() -> None:
    live = LiveTrackers(max_conversations=10, max_events=5)
    trackers = [DialogueStateTracker(f"c{n}", []) for n in range(3)]
    for tracker in trackers:
        tracker.update(UserUttered("hi"))
        tracker.update(ActionExecuted("action_listen"))
        live.keep(tracker, (2, 2))
    # Three trackers of two events each: the oldest had to go.
    assert len(live) == 2
    assert live.take("c0", (2, 2), 2) is None
    live.keep(trackers[1], (2, 2))  # kept again: counted once
    assert len(live) == 2
    assert live.take("c1", (2, 2), 2) is trackers[1]
    assert live.take("c2", (2, 2), 2) is trackers[2]
    assert len(live) == 0
