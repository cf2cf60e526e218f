"""The reply language: detection, explicit choice, pinning."""

import pytest

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
