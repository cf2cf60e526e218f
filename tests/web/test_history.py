"""The widget's history: read from Rasa's events table, written by Rasa's store."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.storage.tracker_store import DatabaseUrlTrackerStore
from bot.web.history import conversation_messages, message_from_event
from tests.conftest import PROJECT_ROOT
from tests.utils.databases import ensure_postgres_database, postgres_test_url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/rasa.db"
    return ensure_postgres_database(postgres_test_url())


async def test_history_shows_what_the_patient_saw(database_url: str) -> None:
    domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    store = DatabaseUrlTrackerStore(domain=domain, database_url=database_url)
    sender = uuid.uuid4().hex
    tracker = DialogueStateTracker.from_events(
        sender,
        [
            ActionExecuted("action_listen"),
            UserUttered("what is a VRO?", metadata={"message_id": "m1"}),
            BotUttered(
                "VRO means...",
                data={"buttons": [{"title": "Talk to staff", "payload": "/request_human"}]},
            ),
            SlotSet("urgent", False),
            UserUttered(
                '/faq{"faq_topic": "vro_recovery"}', metadata={"display_text": "Recovery after VRO"}
            ),
            BotUttered("Bone healing takes about 8 to 12 weeks."),
            UserUttered("<img src=x onerror=alert(1)>"),
        ],
        slots=domain.slots,
    )
    await store.save(tracker)
    engine = sa.create_engine(database_url, future=True)
    with engine.connect() as connection:
        messages = conversation_messages(connection, sender)
        other = conversation_messages(connection, uuid.uuid4().hex)
    engine.dispose()
    assert [(m["sender"], m["text"]) for m in messages] == [
        ("user", "what is a VRO?"),
        ("bot", "VRO means..."),
        ("user", "Recovery after VRO"),
        ("bot", "Bone healing takes about 8 to 12 weeks."),
        ("user", "<img src=x onerror=alert(1)>"),
    ]
    assert messages[0]["message_id"] == "m1"
    assert messages[1]["buttons"] == [{"title": "Talk to staff", "payload": "/request_human"}]
    assert other == []


def test_payload_without_a_title_is_not_shown() -> None:
    assert message_from_event("user", {"text": "/request_human", "metadata": {}}, 1.0) is None


def test_other_events_are_not_messages() -> None:
    assert message_from_event("slot", {"name": "urgent"}, 1.0) is None
    assert message_from_event("bot", {"text": "", "data": {}}, 1.0) is None
