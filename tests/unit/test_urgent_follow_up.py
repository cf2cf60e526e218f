"""After urgent-care advice, a message the assistant would not answer gets the advice again."""

from typing import Any, Dict, List

import pytest
import yaml
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

from bot.settings import PROJECT_ROOT
from bot.speedups.action_payload import sent_events
from bot.urgent_advice import MODELS_ONLY_RESPONSE, URGENT_ADVICE, urgent_response
from bot.urgent_follow_up import (
    FOLLOW_UP_RESPONSE,
    KEEPS_ADVICE_CURRENT,
    asks_about_waiting,
    last_urgent_advice,
    reminder_due,
    says_going_for_care,
)


def user(text: str) -> Dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": {}}


def action(name: str) -> Dict[str, Any]:
    return {"event": "action", "name": name}


def bot(response: str) -> Dict[str, Any]:
    return {"event": "bot", "text": "...", "metadata": {"utter_action": response}}


ADVISED: List[Dict[str, Any]] = [
    action("action_listen"),
    user("the wound is leaking pus"),
    action("action_urgent_care"),
    bot("utter_urgent_care"),
    bot("utter_clinic_phone"),
    bot("utter_urgent_staff_offline"),
    action("action_listen"),
]


def test_the_message_after_the_advice_follows_it() -> None:
    assert last_urgent_advice(ADVISED + [user("is that serious?")]) == "utter_urgent_care"


def test_a_second_unclear_message_after_the_reminder_still_follows_it() -> None:
    reminded = ADVISED + [user("is that serious?"), action("action_clarify")]
    reminded.append(bot(FOLLOW_UP_RESPONSE))
    assert (
        last_urgent_advice(reminded + [action("action_listen"), user("can I wait?")])
        == "utter_urgent_care"
    )


def test_an_answer_in_between_ends_it() -> None:
    answered = ADVISED + [user("how long is the recovery?"), action("action_answer_faq")]
    answered += [bot("utter_faq/vro_recovery"), action("action_listen"), user("can I wait?")]
    assert last_urgent_advice(answered) is None


def test_the_urgent_message_itself_and_a_conversation_without_advice_do_not() -> None:
    assert last_urgent_advice([action("action_listen"), user("the wound is leaking pus")]) is None
    assert last_urgent_advice([]) is None
    talk = [user("what is a vdro"), action("action_answer_faq"), bot("utter_faq/vro_what_is")]
    assert last_urgent_advice(talk + [action("action_listen"), user("is that serious?")]) is None
    # Advice two turns back, with another reply after it, is not the last word.
    earlier = ADVISED + [user("hello"), action("utter_greet"), bot("utter_greet"), user("ok?")]
    assert last_urgent_advice(earlier) is None


def test_the_staff_queues_reply_after_the_advice_keeps_it_current() -> None:
    queued = ADVISED + [user("talk to staff"), action("action_handoff")]
    queued += [bot("utter_handoff_already_waiting"), bot("utter_offer_callback")]
    assert (
        last_urgent_advice(queued + [action("action_listen"), user("what should I do?")])
        == "utter_urgent_care"
    )
    # Without the advice before it, the queue's reply is just a reply.
    plain = [user("talk to staff"), action("action_handoff"), bot("utter_handoff_nobody_online")]
    assert last_urgent_advice(plain + [action("action_listen"), user("what should I do?")]) is None


def test_the_advice_four_turns_back_is_found_in_what_the_action_server_is_sent() -> None:
    # The action server gets the patient's messages and the actions only for
    # the last three turns; the responses' names for the whole session.
    events = [ActionExecuted("action_listen"), UserUttered("the wound is leaking pus")]
    events += [
        ActionExecuted("action_urgent_care"),
        BotUttered(metadata={"utter_action": "utter_urgent_care"}),
    ]
    for text, reply in [
        ("can I wait till morning?", FOLLOW_UP_RESPONSE),
        ("is it serious?", FOLLOW_UP_RESPONSE),
        ("talk to staff", "utter_handoff_already_waiting"),
    ]:
        events += [ActionExecuted("action_listen"), UserUttered(text)]
        events += [ActionExecuted("action_x"), BotUttered(metadata={"utter_action": reply})]
    events += [ActionExecuted("action_listen"), UserUttered("what should I do?")]
    sent = sent_events(events)
    assert not any(event.get("name") == "action_urgent_care" for event in sent)
    assert last_urgent_advice(sent) == "utter_urgent_care"


def test_after_the_models_only_advice_only_a_message_about_it_gets_it_again() -> None:
    """It told the patient it may have misread them: a question asked again gets its own reply."""
    unsure = [action("action_listen"), user("where did you get these answers from?")]
    unsure += [action("action_urgent_care"), bot(MODELS_ONLY_RESPONSE), action("action_listen")]
    asked_again = unsure + [user("no, I asked where your information comes from")]
    assert last_urgent_advice(asked_again) == MODELS_ONLY_RESPONSE
    assert not reminder_due(asked_again, "no, I asked where your information comes from")
    assert reminder_due(
        unsure + [user("can we wait until tomorrow?")], "can we wait until tomorrow?"
    )
    assert reminder_due(unsure + [user("ok we are on the way")], "ok we are on the way")
    # After the advice for a sign the detector found, any such message gets it again.
    assert reminder_due(ADVISED + [user("is that serious?")], "is that serious?")
    assert not reminder_due([action("action_listen"), user("hello")], "hello")


def test_the_advice_and_what_keeps_it_current_are_the_domains_responses() -> None:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert (URGENT_ADVICE | KEEPS_ADVICE_CURRENT) - set(domain["responses"]) == set()
    for parse in (
        {},
        {"red_flag_question": True, "red_flags": ["wound_problem"]},
        {"red_flags": ["warning_signs_question"]},
    ):
        assert urgent_response(parse) in URGENT_ADVICE


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("can I wait until tomorrow?", True),
        ("কাল সকাল পর্যন্ত অপেক্ষা করা যাবে?", True),
        ("kal sokal porjonto opekkha kora jabe?", True),
        ("is it ok to leave it till tonight", True),
        ("please let me talk to a nurse", False),
        ("ডাক্তারের সাথে কথা বলতে চাই", False),
    ],
)
def test_questions_about_waiting_are_recognised(text: str, asks: bool) -> None:
    assert asks_about_waiting(text) is asks


@pytest.mark.parametrize(
    "text",
    [
        "ok we are going",
        "we're on our way to the hospital",
        "I'm taking him to the emergency now",
        "আমরা হাসপাতালে যাচ্ছি",
        "thik ache, hospital e jacchi",
    ],
)
def test_going_for_care_is_recognised(text: str) -> None:
    assert says_going_for_care(text)


@pytest.mark.parametrize(
    "text",
    [
        "ok",
        "what should we do?",
        "we are going tomorrow morning",
        "kal sokale jacchi",
        "is it serious?",
    ],
)
def test_other_replies_and_going_later_are_not_going_now(text: str) -> None:
    assert not says_going_for_care(text)


def test_the_warning_signs_flag_is_named_as_the_detector_names_it() -> None:
    from bot import urgent_advice
    from bot.nlu import red_flags

    assert urgent_advice.WARNING_SIGNS_QUESTION == red_flags.WARNING_SIGNS_QUESTION
