"""A short follow-up the NLU read as out of scope is offered our topics in context."""

from typing import Any, Dict, List

import pytest

from bot.follow_up import (
    FOLLOW_UP_MAX_WORDS,
    offered_topics,
    operation_told_of,
    read_follow_up,
    reads_as_follow_up,
)
from bot.nlu.named_operation import HIP, KNEE
from tests.utils.parse_data import parse_data


def user(text: str) -> Dict[str, Any]:
    return {"event": "user", "text": text}


def follow_up_topics(parse: Dict[str, Any], events: List[Dict[str, Any]]) -> List[str]:
    """What action_out_of_scope offers: the follow-up read, then its topics."""
    return offered_topics(parse, read_follow_up(parse, events))


def safety_question_unanswered(parse: Dict[str, Any], events: List[Dict[str, Any]]) -> bool:
    """Whether action_out_of_scope answers "the pages do not say"."""
    follow_up = read_follow_up(parse, events)
    return follow_up is not None and follow_up.safety_unanswered


def answer(key: str) -> Dict[str, Any]:
    return {"event": "bot", "text": "...", "metadata": {"utter_action": f"utter_{key}"}}


def parse(text: str, ranking: List[str], out_of_domain: List[str] = ()) -> Dict[str, Any]:
    """Parse data as the NLU gives it for an out-of-scope reading of ``text``."""
    scored = [(key, 0.5 - 0.1 * index) for index, key in enumerate(ranking)]
    return parse_data(text, "out_of_scope", 0.9, ranking=scored, out_of_domain=out_of_domain)


AFTER_THE_HIP = [user("what is a vro"), answer("faq/vro_what_is")]


@pytest.mark.parametrize(
    "text",
    [
        "How is it done?",
        "is this operation safe",
        "এটা কিভাবে করা হয়?",
        "eta ki kore kora hoy",
        # The patient having the operation.
        "how long until he can stand?",
        "ও কবে দাঁড়াতে পারবে?",
        # Any word for the operation, in any of its forms.
        "when can he be operated",
        "operashon koto khon lage",
        "অপারেশনের খরচ কেমন",
        # One of what the last answer named (the opening and closing wedges).
        "which one is better?",
        "কোনটা ভালো?",
    ],
)
def test_a_question_referring_back_is_a_follow_up_in_a_conversation_about_an_operation(
    text,
) -> None:
    assert reads_as_follow_up(text, in_conversation_about_an_operation=True)
    assert not reads_as_follow_up(text, in_conversation_about_an_operation=False)


@pytest.mark.parametrize(
    "text", ["how long is the recovery", "Is it painful?", "what are the risks"]
)
def test_a_question_naming_one_of_our_topics_is_a_follow_up_anywhere(text) -> None:
    assert reads_as_follow_up(text, in_conversation_about_an_operation=False)


@pytest.mark.parametrize("text", ["what is the weather today", "tell me a joke", ""])
def test_a_message_about_nothing_of_ours_is_no_follow_up(text) -> None:
    assert not reads_as_follow_up(text, in_conversation_about_an_operation=True)


def test_a_long_message_says_what_it_is_about_itself() -> None:
    text = "how long is the recovery " + "and so on " * FOLLOW_UP_MAX_WORDS
    assert not reads_as_follow_up(text, in_conversation_about_an_operation=True)


def test_after_the_hips_answer_the_topics_offered_are_the_hips() -> None:
    message = parse("How is it done?", ["faq/dfo_what_is", "faq/dfo_evaluation", "faq/vro_what_is"])
    # The knee's "what is it" becomes the hip's; the knee's tests have no hip
    # counterpart; the hip's "what is it" is offered once.
    assert follow_up_topics(message, [*AFTER_THE_HIP, user("How is it done?")]) == [
        "faq/vro_what_is"
    ]


def test_after_the_hips_answer_the_knees_body_topics_are_not_offered() -> None:
    keys = ["faq/knee_alignment_pain", "faq/hip_anatomy"]
    message = parse("which one is better?", keys)
    assert follow_up_topics(message, [*AFTER_THE_HIP, user("which one is better?")]) == [
        "faq/hip_anatomy"
    ]


def test_without_a_conversation_a_topic_question_is_offered_both_operations() -> None:
    message = parse("how long is the recovery", ["faq/vro_recovery", "faq/dfo_recovery"])
    assert follow_up_topics(message, [user("how long is the recovery")]) == [
        "faq/vro_recovery",
        "faq/dfo_recovery",
    ]


def test_something_outside_our_topics_keeps_the_out_of_scope_reply() -> None:
    message = parse("how long is the recovery", ["faq/vro_recovery"], out_of_domain=["acl"])
    assert follow_up_topics(message, AFTER_THE_HIP) == []


def test_it_with_nothing_to_refer_to_keeps_the_out_of_scope_reply() -> None:
    message = parse("How is it done?", ["faq/dfo_what_is"])
    assert follow_up_topics(message, [user("How is it done?")]) == []


def test_after_the_hips_answer_he_is_the_child_having_it() -> None:
    # "How long until he can stand?" after the hip's answer: sent out of scope
    # at 0.85, though the hip page gives the weeks to standing.
    message = parse("how long until he can stand?", ["faq/vro_recovery", "faq/dfo_evaluation"])
    events = [*AFTER_THE_HIP, user("how long until he can stand?")]
    assert follow_up_topics(message, events) == ["faq/vro_recovery"]
    assert follow_up_topics(message, [user("how long until he can stand?")]) == []


def test_a_short_statement_about_one_operation_tells_of_it() -> None:
    assert operation_told_of({"text": "my son is 6 with cerebral palsy"}) == HIP
    assert operation_told_of({"text": "আমার ছেলের সেরিব্রাল পালসি"}) == HIP
    assert operation_told_of({"text": "amar meyer CP ache"}) == HIP
    assert operation_told_of({"text": "I have knock knees"}) == KNEE
    assert operation_told_of({"text": "my mother will have knee surgery next month"}) == KNEE


def test_a_question_a_long_story_or_another_topic_tells_of_no_operation() -> None:
    assert operation_told_of({"text": "my son has cp, how long is the recovery?"}) is None
    assert operation_told_of({"text": "what is cp"}) is None
    assert operation_told_of({"text": "my hip hurts"}) is None
    assert operation_told_of({"text": "hello"}) is None
    story = "my son is 6 with cerebral palsy and he was born early and spent weeks in hospital then"
    assert operation_told_of({"text": story}) is None
    outside = {
        "text": "my son has CP and a bad shoulder",
        "topic_evidence": {"out_of_domain": ["x"]},
    }
    assert operation_told_of(outside) is None


@pytest.mark.parametrize(
    "text", ["how long after?", "ar hatte koto din lagbe?", "কত দিন লাগবে?", "কবে হাঁটতে পারবে?"]
)
def test_when_or_how_long_follows_up_on_the_conversations_operation(text: str) -> None:
    assert reads_as_follow_up(text, in_conversation_about_an_operation=True)
    # With no operation in the conversation, nothing says what it is about.
    assert not reads_as_follow_up(text, in_conversation_about_an_operation=False)


def test_how_or_when_alone_is_not_a_question_of_how_long() -> None:
    assert not reads_as_follow_up("how are you doing", in_conversation_about_an_operation=True)
    assert not reads_as_follow_up("long day today", in_conversation_about_an_operation=True)


def test_is_it_safe_after_the_hips_answer_offers_its_downsides_first() -> None:
    message = parse("is it safe?", ["faq/osteotomy_meaning", "faq/hip_anatomy"])
    assert follow_up_topics(message, [*AFTER_THE_HIP, user("is it safe?")]) == [
        "faq/vro_disadvantages",
        "faq/osteotomy_meaning",
        "faq/hip_anatomy",
    ]
    bangla = parse("এটা কি নিরাপদ?", ["faq/hip_anatomy"])
    assert follow_up_topics(bangla, [*AFTER_THE_HIP, user("এটা কি নিরাপদ?")])[0] == (
        "faq/vro_disadvantages"
    )


def test_is_it_safe_after_the_knees_answer_offers_no_hip_downsides() -> None:
    # The knee page names no downsides; the hip's are not the knee's.
    after_the_knee = [
        user("what is DFO"),
        {"event": "bot", "text": "...", "metadata": {"utter_action": "utter_faq/dfo_what_is"}},
    ]
    message = parse("is it safe?", ["faq/dfo_what_is"])
    assert follow_up_topics(message, [*after_the_knee, user("is it safe?")]) == ["faq/dfo_what_is"]


def test_is_it_safe_is_unanswered_for_the_knee_only() -> None:
    after_the_knee = [
        user("what is DFO"),
        {"event": "bot", "text": "...", "metadata": {"utter_action": "utter_faq/dfo_what_is"}},
    ]
    safe = parse("is it safe?", ["faq/dfo_what_is"])
    assert safety_question_unanswered(safe, [*after_the_knee, user("is it safe?")])
    # The hip page names its downsides: they are offered instead.
    assert not safety_question_unanswered(safe, [*AFTER_THE_HIP, user("is it safe?")])
    # With no operation in view, or not about safety, it is left as it was.
    assert not safety_question_unanswered(safe, [user("is it safe?")])
    how = parse("how is it done?", ["faq/dfo_what_is"])
    assert not safety_question_unanswered(how, [*after_the_knee, user("how is it done?")])


@pytest.mark.parametrize("text", ["by how much?", "how much?", "কতটা?", "koto ta?"])
def test_how_much_after_an_answer_is_unanswered_by_the_pages(text: str) -> None:
    # "It shortens the leg": neither page gives an amount.
    follow_up = read_follow_up(parse(text, ["faq/vro_disadvantages"]), [*AFTER_THE_HIP, user(text)])
    assert follow_up is not None and follow_up.asks_amount and follow_up.unanswered


def test_how_long_is_not_an_amount_the_pages_do_not_give() -> None:
    text = "how long?"
    follow_up = read_follow_up(parse(text, ["faq/vro_recovery"]), [*AFTER_THE_HIP, user(text)])
    assert follow_up is not None and not follow_up.unanswered
