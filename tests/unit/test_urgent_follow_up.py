"""After urgent-care advice, a message the assistant would not answer gets the advice again."""

from typing import Any, Dict, List

from bot.urgent_follow_up import FOLLOW_UP_RESPONSE, URGENT_ACTION, follows_urgent_advice


def user(text: str) -> Dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": {}}


def action(name: str) -> Dict[str, Any]:
    return {"event": "action", "name": name}


def bot(response: str) -> Dict[str, Any]:
    return {"event": "bot", "text": "...", "metadata": {"utter_action": response}}


ADVISED: List[Dict[str, Any]] = [
    action("action_listen"),
    user("the wound is leaking pus"),
    action(URGENT_ACTION),
    bot("utter_urgent_care"),
    action("action_listen"),
]


def test_the_message_after_the_advice_follows_it() -> None:
    assert follows_urgent_advice(ADVISED + [user("is that serious?")])


def test_a_second_unclear_message_after_the_reminder_still_follows_it() -> None:
    reminded = ADVISED + [user("is that serious?"), action("action_clarify")]
    reminded.append(bot(FOLLOW_UP_RESPONSE))
    assert follows_urgent_advice(reminded + [action("action_listen"), user("can I wait?")])


def test_an_answer_in_between_ends_it() -> None:
    answered = ADVISED + [user("how long is the recovery?"), action("action_answer_faq")]
    answered += [bot("utter_faq/vro_recovery"), action("action_listen"), user("can I wait?")]
    assert not follows_urgent_advice(answered)


def test_the_urgent_message_itself_and_a_conversation_without_advice_do_not() -> None:
    assert not follows_urgent_advice([action("action_listen"), user("the wound is leaking pus")])
    assert not follows_urgent_advice([])
    talk = [user("what is a vdro"), action("action_answer_faq"), bot("utter_faq/vro_what_is")]
    assert not follows_urgent_advice(talk + [action("action_listen"), user("is that serious?")])
    # Advice two turns back, with another reply after it, is not the last reply.
    earlier = ADVISED + [user("hello"), action("utter_greet"), bot("utter_greet"), user("ok?")]
    assert not follows_urgent_advice(earlier)
