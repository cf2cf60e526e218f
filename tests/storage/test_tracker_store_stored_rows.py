"""Events handed out by the tracker store carry the stored row they were read from.

``bot.speedups.past_states`` resumes a conversation's dialogue states when a
new tracker's events are stored as the same rows (bot/storage/session_cache.py).
"""

from __future__ import annotations

import json
import marshal
import uuid

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.storage.session_cache import CachedRow, mark_stored, stored_row
from bot.storage.tracker_store import DatabaseUrlTrackerStore


async def test_every_event_read_carries_its_stored_row(domain: Domain, database_url: str) -> None:
    store = DatabaseUrlTrackerStore(domain=domain, database_url=database_url)
    sender = f"test-{uuid.uuid4()}"
    tracker = DialogueStateTracker.from_events(
        sender,
        [
            ActionExecuted("action_listen"),
            UserUttered("call me on 01712345678", {"name": "request_human", "confidence": 0.9}),
            ActionExecuted("action_handoff"),
        ],
        slots=domain.slots,
    )
    await store.save(tracker)
    assert all(stored_row(event) is None for event in tracker.events)

    for attempt in range(2):  # read in full, then from the cached session
        restored = await store.retrieve(sender)
        assert restored is not None
        rows = [stored_row(event) for event in restored.events]
        assert all(rows), attempt
        # The row is the stored (masked) form of the event it is attached to.
        assert [marshal.loads(row) for row in rows] == [  # noqa: S302
            json.loads(json.dumps(event.as_dict())) for event in restored.events
        ]
        assert "01712345678" not in str([marshal.loads(row) for row in rows])  # noqa: S302
        restored.update(BotUttered("ok"))
        await store.save(restored)
        # Read from the rows, not the saved tracker itself (tests/storage/test_live_trackers.py).
        store.live.forget(sender)


def test_events_and_rows_that_do_not_pair_are_not_marked() -> None:
    events = [ActionExecuted("action_listen"), UserUttered("hi")]
    rows = [CachedRow.from_row("action", 1.0, json.dumps(events[0].as_dict()))]
    assert mark_stored(events, rows) is False
    assert [stored_row(event) for event in events] == [None, None]
    assert mark_stored(events[:1], rows) is True
    assert stored_row(events[0]) == rows[0].blob
