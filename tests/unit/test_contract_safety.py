"""The clinic's contract for safety wording: urgent advice is never softened.

Every message that leaves a patient waiting for staff (a reply, a callback, a
place in the queue) also says what to do if it is urgent, in English and in
Bangla; no message puts a condition such as "if you are worried" next to
urgent advice; and a patient who chooses Bangla hears the disclaimer in Bangla.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Set

import pytest

from bot.evaluation.run import all_responses
from tests.conftest import PROJECT_ROOT, load_yaml

RESPONSES: Dict[str, List[Dict[str, Any]]] = all_responses()
BN_CONDITION = [{"type": "slot", "name": "language", "value": "bn"}]

# The messages that tell a patient to wait for the clinic's staff, by name.
WAIT_FOR_STAFF = {
    "utter_handoff_connecting",
    "utter_handoff_already_waiting",
    "utter_handoff_closed_hours",
    "utter_handoff_nobody_online",
    "utter_handoff_declined_callback",
    "utter_urgent_staff_alerted",
    "utter_urgent_staff_offline",
    "utter_callback_saved",
}
# The same, found by what a text says: staff will reply or call, or a queue.
WAITING_EN = re.compile(
    r"\b(?:they|staff|clinic) will (?:reply|answer|call you)\b|\b(?:staff|their) queue\b",
    re.IGNORECASE,
)
WAITING_BN = re.compile(r"উত্তর দেবেন|ফোন করবে(?!ন)|অপেক্ষার তালিকা")

EMERGENCY_EN = re.compile(r"call 999 or go to the nearest emergency department", re.IGNORECASE)
EMERGENCY_BN = re.compile(r"৯৯৯-এ ফোন করুন অথবা সবচেয়ে কাছের হাসপাতালের জরুরি বিভাগে যান")
URGENT_ADVICE = re.compile(r"999|৯৯৯|emergency|জরুরি", re.IGNORECASE)
SOFTENERS = re.compile(
    r"if you(?: are|'re) (?:worried|concerned|unsure|anxious)|চিন্তিত হলে|চিন্তা হলে|দুশ্চিন্তা",
    re.IGNORECASE,
)
# What the session's disclaimer says (utter_intro), in Bangla.
DISCLAIMER_BN = ("স্বয়ংক্রিয় সহকারী", "কোনো মানুষ নই", "চিকিৎসা-পরামর্শ দিতে পারি না")


def english_text(name: str) -> str:
    """The first, unconditioned variation's text."""
    return RESPONSES[name][0]["text"]


def bangla_text(name: str) -> str:
    """The text of the language=bn variation (or of the only one, if it is Bangla)."""
    variations = RESPONSES[name]
    # The first variation whose condition starts with language=bn (utter_language_set
    # has a second one, without the disclaimer, once it was given in Bangla).
    found = [v["text"] for v in variations if (v.get("condition") or [])[:1] == BN_CONDITION]
    return found[0] if found else variations[0]["text"]


def waiting_by_text() -> Set[str]:
    """Responses whose English or Bangla text says staff will reply or call later."""
    return {
        name
        for name in RESPONSES
        if WAITING_EN.search(english_text(name)) or WAITING_BN.search(bangla_text(name))
    }


def all_texts() -> List[str]:
    """Every text of every variation of every response."""
    return [v["text"] for variations in RESPONSES.values() for v in variations if v.get("text")]


def response_after_intent(intent: str) -> str:
    """The action a rule in data/rules runs right after ``intent``."""
    for path in sorted((PROJECT_ROOT / "data" / "rules").glob("*.yml")):
        for rule in load_yaml(path).get("rules") or []:
            steps = rule.get("steps") or []
            for step, following in zip(steps, steps[1:], strict=False):
                if step.get("intent") == intent and "action" in following:
                    return following["action"]
    raise AssertionError(f"no rule answers {intent}")


def test_waiting_is_recognised_by_text() -> None:
    """The text check finds the plain wait messages, so it would find a new one."""
    found = waiting_by_text()
    assert {
        "utter_handoff_connecting",
        "utter_handoff_already_waiting",
        "utter_handoff_closed_hours",
        "utter_handoff_nobody_online",
        "utter_handoff_declined_callback",
        "utter_callback_saved",
    } <= found


@pytest.mark.parametrize("name", sorted(WAIT_FOR_STAFF | waiting_by_text()))
def test_every_wait_for_staff_message_says_999_in_both_languages(name: str) -> None:
    assert name in RESPONSES, f"{name} was renamed: update WAIT_FOR_STAFF"
    assert EMERGENCY_EN.search(english_text(name)), f"{name} (en): {english_text(name)}"
    assert EMERGENCY_BN.search(bangla_text(name)), f"{name} (bn): {bangla_text(name)}"


def test_urgent_advice_is_never_softened() -> None:
    urgent = [text for text in all_texts() if URGENT_ADVICE.search(text)]
    assert len(urgent) >= 10
    softened = [text for text in urgent if SOFTENERS.search(text)]
    assert not softened


@pytest.mark.parametrize("name", [response_after_intent("set_language"), "utter_language_auto_bn"])
def test_a_switch_to_bangla_repeats_the_disclaimer_in_bangla(name: str) -> None:
    """The explicit choice (typed or the button) as much as the automatic switch."""
    text = bangla_text(name)
    for part in DISCLAIMER_BN:
        assert part in text, f"{name}: {part!r} missing"
    assert EMERGENCY_BN.search(text)
