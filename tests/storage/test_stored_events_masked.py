"""Every string of every stored event is masked, on SQLite and PostgreSQL.

The conversation below is the callback form as Rasa records it when a patient
types numbers into the wrong steps: a number as the name (Rasa sets the slot
before the form's validation clears it), a number inside the preferred time,
a number inside a ``/faq{...}`` entity, in REST metadata and in an assistant
message's custom data. The raw rows of Rasa's ``events`` table must not hold
any of those numbers, in any script or with any separator.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import List

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy import fold_for_matching
from bot.storage.tracker_store import DatabaseUrlTrackerStore, stored_event_data
from tests.utils.databases import event_column

# The numbers typed, and the digits no stored row may contain.
NAME_NUMBER = "01712345625"
TIME_NUMBER = "01712-345626"
ENTITY_NUMBER = "০১৭১২\u2013৩৪৫৬২৭"  # Bangla digits and an en dash
METADATA_NUMBER = "+880 1712\u200b345628"  # a zero-width space inside
BOT_DATA_NUMBER = "1990123456789"  # an NID
SECRETS = ("1712345625", "1712345626", "1712345627", "1712345628", "123456789")
WIDGET_MESSAGE_ID = "9f1c2a7e-0d4b-4c1e-8a51-7f2a9d3c4b10"


def user(text: str, intent: str, **parse: object) -> UserUttered:
    """A patient message as Rasa's REST channel records it."""
    return UserUttered(
        text,
        {"name": intent, "confidence": 0.9},
        parse_data={
            "text": text,
            "intent": {"name": intent, "confidence": 0.9},
            "intent_ranking": [{"name": intent, "confidence": 0.9}],
            **parse,
        },
        input_channel="rest",
        metadata={"message_id": WIDGET_MESSAGE_ID},
    )


def callback_conversation() -> List[Event]:
    faq_text = '/faq{"faq_topic": "' + ENTITY_NUMBER + '"}'
    return [
        ActionExecuted("action_listen"),
        user("please call me back", "request_human"),
        ActionExecuted("callback_form"),
        ActiveLoop("callback_form"),
        SlotSet("requested_slot", "callback_name"),
        BotUttered("What name should the clinic ask for?"),
        ActionExecuted("action_listen"),
        user(NAME_NUMBER, "inform"),
        SlotSet("callback_name", NAME_NUMBER),  # set by the form, then validated
        SlotSet("callback_name", None),
        BotUttered(
            "Please write a name, not a number.",
            metadata={"utter_action": "utter_callback_name_invalid"},
        ),
        ActionExecuted("action_listen"),
        user("Rahima Begum", "inform"),
        SlotSet("callback_name", "Rahima Begum"),
        ActionExecuted("action_listen"),
        user(f"after 5 pm, or ring {TIME_NUMBER}", "inform"),
        SlotSet("callback_time", f"after 5 pm, or ring {TIME_NUMBER}"),
        ActionExecuted("action_listen"),
        UserUttered(
            faq_text,
            {"name": "faq", "confidence": 1.0},
            [{"entity": "faq_topic", "value": ENTITY_NUMBER, "start": 4, "end": 30}],
            parse_data={
                "text": faq_text,
                "intent": {"name": "faq", "confidence": 1.0},
                "entities": [{"entity": "faq_topic", "value": ENTITY_NUMBER}],
                "intent_ranking": [
                    {"name": "faq", "confidence": 1.0, "metadata": {"example": ENTITY_NUMBER}}
                ],
            },
            input_channel="rest",
            metadata={"customer": {"phones": [METADATA_NUMBER], METADATA_NUMBER: "key"}},
        ),
        ActionExecuted("action_answer_faq", action_text=f"ring {TIME_NUMBER}"),
        BotUttered(
            f"We have {TIME_NUMBER} on file.",
            data={"custom": {"nid": BOT_DATA_NUMBER}, "buttons": [{"title": NAME_NUMBER}]},
        ),
        SlotSet("callback_phone", "+8801712345629"),
        ActionExecuted("action_listen"),
    ]


def raw_rows(url: str, sender: str) -> List[str]:
    return event_column(url, sender, "data")


def digit_runs(raw: str) -> str:
    """The row as text, folded, with separators between digits removed."""
    text = json.dumps(json.loads(raw), ensure_ascii=False)
    folded, _ = fold_for_matching(text)
    return re.sub(r"(?<=\d)[ .\-()/_+]+(?=\d)", "", folded)


async def test_no_stored_event_holds_a_typed_number(domain: Domain, database_url: str) -> None:
    store = DatabaseUrlTrackerStore(domain=domain, database_url=database_url)
    sender = f"test-{uuid.uuid4()}"
    tracker = DialogueStateTracker.from_events(sender, callback_conversation(), slots=domain.slots)
    await store.save(tracker)

    rows = raw_rows(database_url, sender)
    assert len(rows) == len(callback_conversation())
    for raw in rows:
        for secret in SECRETS:
            assert secret not in digit_runs(raw), raw

    # The masked copy is still a conversation Rasa can read back.
    restored = await store.retrieve(sender)
    assert restored.get_slot("callback_name") == "Rahima Begum"
    assert restored.get_slot("callback_time") == "after 5 pm, or ring [phone •••26]"
    assert restored.latest_message.entities[0]["value"] == "[phone •••27]"
    assert restored.get_slot("callback_phone") == "+880 17•• •••629"
    assert restored.latest_message.metadata == {
        "customer": {"phones": ["[phone •••28]"], "[phone •••28]": "key"}
    }
    # A random message id without a long digit run is left as it was.
    assert json.loads(rows[1])["metadata"]["message_id"] == WIDGET_MESSAGE_ID


def test_every_string_of_an_event_is_masked() -> None:
    data = {
        "event": "user",
        "timestamp": 1764790000.5,
        "text": "ring 01712345678",
        "parse_data": {
            "entities": [{"value": "01712345678", "start": 5, "end": 16}],
            "intent_ranking": [{"name": "inform", "confidence": 0.5}],
        },
        "metadata": {"nested": [[["NID 1234567890"]]], "count": 3, "flag": True, "none": None},
    }
    masked = stored_event_data(data)
    assert masked == {
        "event": "user",
        "timestamp": 1764790000.5,
        "text": "ring [phone •••78]",
        "parse_data": {
            "entities": [{"value": "[phone •••78]", "start": 5, "end": 16}],
            "intent_ranking": [{"name": "inform", "confidence": 0.5}],
        },
        "metadata": {"nested": [[["NID [NID •••7890]"]]], "count": 3, "flag": True, "none": None},
    }
    assert data["text"] == "ring 01712345678"  # the turn in progress keeps its own copy


def test_deeply_nested_metadata_is_masked_and_kept() -> None:
    deep: object = "call 01712345678"
    for _ in range(500):
        deep = {"next": deep}
    masked = json.dumps(stored_event_data({"event": "user", "metadata": deep}), ensure_ascii=False)
    assert "01712345678" not in masked
    assert "[phone •••78]" in masked
