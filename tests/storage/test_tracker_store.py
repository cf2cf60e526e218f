"""Conversations stored through Rasa's SQL tracker store, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.storage.database import DatabaseUnavailableError, ensure_sqlite_folder, wait_for_database
from bot.storage.tracker_store import DatabaseUrlTrackerStore
from tests.utils.databases import event_types


async def test_conversation_round_trip(domain: Domain, database_url: str) -> None:
    store = DatabaseUrlTrackerStore(domain=domain, database_url=database_url)
    sender = f"test-{uuid.uuid4()}"
    tracker = DialogueStateTracker.from_events(
        sender,
        [
            ActionExecuted("action_listen"),
            UserUttered("what is a VRO?", {"name": "faq", "confidence": 0.97}),
            ActionExecuted("action_answer_faq"),
            BotUttered("VRO stands for varus rotational osteotomy."),
            SlotSet("urgent", True),
            ActionExecuted("action_listen"),
        ],
        slots=domain.slots,
    )
    await store.save(tracker)

    restored = await store.retrieve(sender)
    assert restored is not None
    assert restored.latest_message.text == "what is a VRO?"
    assert restored.get_slot("urgent") is True
    # Rasa's events table is the log of the conversation, in order.
    assert event_types(database_url, sender) == [
        "action", "user", "action", "bot", "slot", "action",
    ]  # fmt: skip


async def test_saving_again_appends_only_new_events(domain: Domain, database_url: str) -> None:
    store = DatabaseUrlTrackerStore(domain=domain, database_url=database_url)
    sender = f"test-{uuid.uuid4()}"
    tracker = DialogueStateTracker.from_events(sender, [UserUttered("hello")], slots=domain.slots)
    await store.save(tracker)
    tracker.update(BotUttered("hi"))
    await store.save(tracker)
    assert event_types(database_url, sender) == ["user", "bot"]


async def test_unknown_conversation_is_none(domain: Domain, database_url: str) -> None:
    store = DatabaseUrlTrackerStore(domain=domain, database_url=database_url)
    assert await store.retrieve(f"never-seen-{uuid.uuid4()}") is None


def test_unreachable_database_fails_clearly_and_hides_the_password() -> None:
    url = "postgresql://clinic:topsecret@127.0.0.1:1/clinic"
    with pytest.raises(DatabaseUnavailableError, match="DATABASE_URL") as raised:
        wait_for_database(url, attempts=2, delay_seconds=0.1)
    assert "topsecret" not in str(raised.value)


def test_sqlite_folder_is_created(tmp_path: Path) -> None:
    ensure_sqlite_folder(f"sqlite:///{tmp_path}/a/b/rasa.db")
    assert (tmp_path / "a" / "b").is_dir()


async def test_phone_and_id_numbers_are_masked_before_they_are_stored(
    domain: Domain, database_url: str
) -> None:
    store = DatabaseUrlTrackerStore(domain=domain, database_url=database_url)
    sender = f"test-{uuid.uuid4()}"
    said = "call me on 01712-345678 please, my NID is 1234567890"
    tracker = DialogueStateTracker.from_events(
        sender,
        [
            ActionExecuted("action_listen"),
            UserUttered(
                said,
                {"name": "request_human", "confidence": 0.9},
                parse_data={
                    "text": said,
                    "intent": {"name": "request_human", "confidence": 0.9},
                },
            ),
            SlotSet("callback_phone", "+8801712345678"),
            BotUttered("We will call +8801712345678."),
        ],
        slots=domain.slots,
    )
    await store.save(tracker)

    restored = await store.retrieve(sender)
    stored_text = restored.latest_message.text
    assert "345678" not in stored_text and "1234567890" not in stored_text
    assert "[phone •••78]" in stored_text and "[NID •••7890]" in stored_text
    assert "345678" not in restored.latest_message.parse_data["text"]
    assert restored.get_slot("callback_phone") == "+880 17•• •••678"
    assert "1712345678" not in restored.latest_bot_utterance.text
    # The turn in progress kept the full text: only the stored copy is masked.
    assert tracker.latest_message.text == said
