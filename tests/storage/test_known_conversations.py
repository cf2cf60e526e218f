"""What the tracker store remembers to carry a conversation through an outage."""

from __future__ import annotations

from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.storage.known_conversations import KnownConversations


def event(text: str) -> dict:
    return {"event": "user", "text": text}


def test_only_the_most_recent_conversations_are_kept() -> None:
    known = KnownConversations(max_conversations=2)
    known.replace("a", [event("a1")])
    known.replace("b", [event("b1")])
    known.replace("a", [event("a1"), event("a2")])  # "a" is now the most recent
    known.replace("c", [event("c1")])
    assert known.count("b") == 0 and known.count("a") == 2 and known.count("c") == 1


def test_new_events_extend_what_was_known_or_forget_it() -> None:
    known = KnownConversations()
    known.add("new", 0, [event("n1")])
    assert known.events("new") == [event("n1")]
    known.add("new", 1, [event("n2")])
    assert known.count("new") == 2
    known.add("new", 5, [event("n9")])  # does not follow what was known: forget it
    assert known.count("new") == 0


def test_the_stored_count_is_known_only_for_trackers_this_store_handed_out() -> None:
    known = KnownConversations()
    handed = DialogueStateTracker.from_events("a", [UserUttered("one"), UserUttered("two")])
    other = DialogueStateTracker.from_events("a", [UserUttered("one"), UserUttered("two")])
    known.handed_out(handed)
    handed.update(UserUttered("three"))
    assert known.stored_count(handed) == 2
    assert known.stored_count(other) is None
