"""Databases and Rasa events for the review tests: real stores, real tables."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.storage.migrate import upgrade
from bot.storage.tracker_store import DatabaseUrlTrackerStore
from tests.utils.databases import fresh_postgres_database, postgres_test_url


def fresh_database(kind: str, tmp_path: Path, postgres_name: str) -> str:
    """An empty database (SQLite file, or a PostgreSQL database of its own), migrated."""
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path}/var/clinic.db"
    else:
        url = fresh_postgres_database(postgres_test_url(), postgres_name)
    upgrade(url)
    return url


async def save_conversations(
    url: str, domain: Domain, conversations: Dict[str, Sequence[Event]]
) -> None:
    """Store each conversation through Rasa's own SQL tracker store."""
    store = DatabaseUrlTrackerStore(domain=domain, database_url=url)
    try:
        for sender_id, events in conversations.items():
            tracker = DialogueStateTracker.from_events(sender_id, list(events), slots=domain.slots)
            await store.save(tracker)
    finally:
        store.engine.dispose()


def ts(moment: datetime) -> float:
    """Rasa's float timestamp of an aware datetime."""
    return moment.timestamp()


def user(
    text: str,
    intent: str,
    confidence: float,
    *,
    at: datetime,
    channel: str = "webchat",
    language: Any = None,
    answer: Optional[Tuple[str, float]] = None,
    red_flags: Optional[List[str]] = None,
    entities: Optional[List[Dict[str, Any]]] = None,
    metadata: Optional[Dict[str, Any]] = None,
) -> UserUttered:
    """A patient message as Rasa stores it after NLU."""
    parse_data: Dict[str, Any] = {
        "intent": {"name": intent, "confidence": confidence},
        "entities": entities or [],
        "text": text,
        "intent_ranking": [{"name": intent, "confidence": confidence}],
    }
    if language is not None:
        parse_data["language"] = language
    if answer is not None:
        key, answer_confidence = answer
        parse_data["response_selector"] = {
            "all_retrieval_intents": ["faq"],
            "faq": {
                "response": {
                    "id": 1,
                    "responses": [{"text": "..."}],
                    "response_templates": [{"text": "..."}],
                    "confidence": answer_confidence,
                    "intent_response_key": key,
                    "utter_action": f"utter_{key}",
                    "template_name": f"utter_{key}",
                },
                "ranking": [{"confidence": answer_confidence, "intent_response_key": key}],
            },
        }
    if red_flags is not None:
        parse_data["red_flags"] = red_flags
    return UserUttered(
        text,
        intent={"name": intent, "confidence": confidence},
        entities=entities or [],
        parse_data=parse_data,
        timestamp=ts(at),
        input_channel=channel,
        metadata=metadata or {},
    )


def bot(
    text: str,
    *,
    at: datetime,
    utter: Optional[str] = None,
    staff: Optional[str] = None,
    buttons: Optional[List[Dict[str, str]]] = None,
) -> BotUttered:
    """A message to the patient: a response (``utter``) or a staff reply (``staff``)."""
    metadata: Dict[str, Any] = {}
    if utter:
        metadata["utter_action"] = utter
    if staff:
        metadata.update({"staff_name": staff, "staff": True})
    data = {"buttons": buttons} if buttons else {}
    return BotUttered(text, data=data, metadata=metadata, timestamp=ts(at))


def action(name: str, *, at: datetime) -> ActionExecuted:
    """An action the assistant ran."""
    return ActionExecuted(name, timestamp=ts(at))
