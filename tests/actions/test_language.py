"""The reply language: detection, explicit choice, pinning."""

import pytest
from rasa.core.nlg.generator import ResponseVariationFilter

from actions.fallback import ActionClarify
from actions.faq import ActionAnswerFaq
from actions.language import ActionDetectLanguage, next_language, requested_language


@pytest.mark.parametrize(
    ("current", "pinned", "detected", "clear", "requested", "expected"),
    [
        ("en", False, "bn", True, None, ("bn", False, True)),
        ("en", False, "bn_latn", True, None, ("bn", False, True)),
        ("bn", False, "en", True, None, ("en", False, False)),
        ("bn", False, "en", False, None, ("bn", False, False)),  # "ok", "VRO?"
        ("en", True, "bn", True, None, ("en", True, False)),  # the patient chose English
        ("bn", True, "en", True, "en", ("en", True, False)),
        ("en", False, "en", True, "bn", ("bn", True, False)),
        (None, False, None, False, None, ("en", False, False)),
    ],
)
def test_next_language(current, pinned, detected, clear, requested, expected) -> None:
    choice = next_language(current, pinned, detected, clear, requested)
    assert (choice.language, choice.pinned, choice.switched_to_bangla_automatically) == expected


def test_a_button_choice_wins_over_typed_words() -> None:
    message = {
        "entities": [{"entity": "language_choice", "value": "en"}],
        "language_request": "bn",
    }
    assert requested_language(message) == "en"
    assert requested_language({"language_request": "fr"}) is None


async def test_romanized_bangla_switches_to_bangla_and_says_so_once(run_action) -> None:
    bangla = {"text": "hatur operation er por koto din?", "language": "bn_latn"}
    _, events = await run_action(
        ActionDetectLanguage(), "faq_typed_vro_recovery", latest_message=bangla
    )
    assert {"event": "slot", "timestamp": None, "name": "language", "value": "bn"} in events
    notice = {"event": "slot", "timestamp": None, "name": "language_notice_due", "value": True}
    assert notice in events
    # The next answer starts with the notice and clears it.
    messages, events = await run_action(
        ActionAnswerFaq(), "faq_typed_vro_recovery", slots={"language_notice_due": True}
    )
    assert [m["response"] for m in messages] == ["utter_language_auto_bn", "utter_faq/vro_recovery"]
    assert {**notice, "value": False} in events
    messages, events = await run_action(
        ActionDetectLanguage(),
        "faq_typed_vro_recovery",
        latest_message=bangla,
        slots={"language": "bn"},
    )
    assert messages == [] and events == []


async def test_clarifying_buttons_follow_the_language(run_action) -> None:
    messages, _ = await run_action(ActionClarify(), "low_confidence_knee", slots={"language": "bn"})
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert titles and all(any("\u0980" <= ch <= "\u09ff" for ch in t) for t in titles)


async def test_button_payloads_do_not_change_the_language(run_action) -> None:
    payload = {"text": '/faq{"faq_topic": "vro_recovery"}', "language": "en"}
    _, events = await run_action(
        ActionDetectLanguage(),
        "faq_typed_vro_recovery",
        latest_message=payload,
        slots={"language": "bn"},
    )
    assert events == []


# The disclaimer's words, as utter_intro says them in Bangla.
DISCLAIMER_BN = "আমি ক্লিনিকের স্বয়ংক্রিয় সহকারী, কোনো মানুষ নই"
BANGLA_REQUEST = {"text": "বাংলায় বলুন", "language": "bn", "language_request": "bn"}
ENGLISH_BUTTON = {
    "text": '/set_language{"language_choice": "en"}',
    "entities": [{"entity": "language_choice", "value": "en"}],
}


def language_set_reply(domain, slots) -> str:
    """The one utter_language_set variation Rasa can choose with these slot values."""
    filled = {name: slot.get("initial_value") for name, slot in domain["slots"].items()}
    filled.update(slots)
    candidates = ResponseVariationFilter(domain["responses"]).responses_for_utter_action(
        "utter_language_set", "socketio", filled
    )
    assert len(candidates) == 1, candidates
    return candidates[0]["text"]


async def slots_after(run_action, message, slots):
    """The slots once action_detect_language has read ``message``."""
    _, events = await run_action(
        ActionDetectLanguage(), "faq_typed_vro_recovery", latest_message=message, slots=slots
    )
    return {**slots, **{event["name"]: event["value"] for event in events}}


async def test_the_bangla_disclaimer_comes_once_per_conversation(run_action, domain) -> None:
    # Switched to Bangla by the patient's writing; the notice (with the disclaimer) was said.
    auto = {"language": "bn", "language_notice_due": False}
    assert DISCLAIMER_BN in text_of_response(domain, "utter_language_auto_bn")
    # Then "বাংলায় বলুন": Bangla is confirmed, the disclaimer not repeated.
    slots = await slots_after(run_action, BANGLA_REQUEST, auto)
    assert slots["bangla_disclaimer_given"] is True and slots["language_pinned"] is True
    assert DISCLAIMER_BN not in language_set_reply(domain, slots)

    # Chosen first explicitly: the disclaimer comes with the choice, once.
    slots = await slots_after(run_action, BANGLA_REQUEST, {})
    assert slots["language"] == "bn"
    assert DISCLAIMER_BN in language_set_reply(domain, slots)
    slots = await slots_after(run_action, ENGLISH_BUTTON, slots)
    assert slots["language"] == "en"
    slots = await slots_after(run_action, BANGLA_REQUEST, slots)
    assert slots["language"] == "bn"
    assert DISCLAIMER_BN not in language_set_reply(domain, slots)


async def test_a_choice_before_the_pending_notice_gives_the_disclaimer_once(
    run_action, domain
) -> None:
    # The switch's notice was not said yet (no answering action since): the
    # choice of Bangla gives the disclaimer, and the notice is dropped.
    slots = await slots_after(
        run_action, BANGLA_REQUEST, {"language": "bn", "language_notice_due": True}
    )
    assert slots["language_notice_due"] is False
    assert DISCLAIMER_BN in language_set_reply(domain, slots)


async def test_leaving_bangla_before_the_notice_is_said_drops_it(run_action) -> None:
    # A Bangla red flag switched to Bangla; the urgent reply does not say the
    # notice. The patient then writes English: no "answers are now in Bangla".
    english = {"text": "why does a knock knee come from the thigh bone?", "language": "en"}
    slots = await slots_after(run_action, english, {"language": "bn", "language_notice_due": True})
    assert slots["language"] == "en"
    assert slots["language_notice_due"] is False
    messages, _ = await run_action(ActionAnswerFaq(), "faq_typed_vro_recovery", slots=slots)
    assert "utter_language_auto_bn" not in [m["response"] for m in messages]


def text_of_response(domain, name: str) -> str:
    return domain["responses"][name][0]["text"]


async def test_back_in_bangla_after_english_the_notice_is_not_repeated(run_action) -> None:
    bangla = {"text": "ডিএফও কাদের জন্য?", "language": "bn"}
    english = {"text": "who is not suitable for DFO", "language": "en"}
    # Switched to Bangla by itself: the notice is due, then said by the answer.
    slots = await slots_after(run_action, bangla, {"language": "en"})
    assert slots["language_notice_due"] is True
    slots["language_notice_due"] = False
    # English, then Bangla again: the answer simply comes in Bangla.
    slots = await slots_after(run_action, english, slots)
    assert slots["language"] == "en" and slots["bangla_disclaimer_given"] is True
    slots = await slots_after(run_action, bangla, slots)
    assert slots["language"] == "bn" and slots["language_notice_due"] is False
    messages, _ = await run_action(ActionAnswerFaq(), "faq_typed_vro_recovery", slots=slots)
    assert "utter_language_auto_bn" not in [m["response"] for m in messages]
