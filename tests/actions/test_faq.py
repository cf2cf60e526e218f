"""action_answer_faq: typed questions, topic buttons, and forged topics."""

from typing import Any, Dict, List

import pytest

from actions.faq import ActionAnswerFaq, topic_button
from actions.scope import ActionBeyondSources, ActionOutOfScope
from bot.faq_choice import faq_message_answer
from tests.utils.parse_data import parse_data


async def test_typed_question_gets_the_selected_answer(run_action) -> None:
    messages, events = await run_action(ActionAnswerFaq(), "faq_typed_vro_recovery")
    assert [message["response"] for message in messages] == ["utter_faq/vro_recovery"]
    assert events == []


async def test_an_answer_to_a_question_naming_no_operation_says_which_it_is_about(
    run_action,
) -> None:
    latest = parse_data(
        "What are the risks of the surgery?", "faq", 0.95, selected="faq/vro_disadvantages"
    )
    messages, _ = await run_action(
        ActionAnswerFaq(), "faq_typed_vro_recovery", latest_message=latest
    )
    assert [message["response"] for message in messages] == [
        "utter_answer_about_hip",
        "utter_faq/vro_disadvantages",
    ]


async def answer_buttons(run_action, text: str, selected: str, **kwargs: Any) -> List[Any]:
    """The extra buttons sent with the answer to ``text``, read by the NLU as ``selected``."""
    messages, _ = await run_action(
        ActionAnswerFaq(),
        "faq_typed_vro_recovery",
        latest_message=parse_data(text, "faq", 0.95, selected=selected),
        **kwargs,
    )
    answer = next(m for m in messages if m["response"] == f"utter_{selected}")
    return answer.get("buttons") or []


async def test_an_answer_naming_no_operation_offers_the_other_operations_answer(
    run_action, domain: Dict[str, Any]
) -> None:
    # "How long is the recovery?" gets the knee's answer, and a parent asking
    # about the hip is one tap from the hip's.
    buttons = await answer_buttons(run_action, "How long is the recovery?", "faq/dfo_recovery")
    assert buttons == [topic_button(domain, "faq/vro_recovery")]
    assert buttons[0]["payload"] == '/faq{"faq_topic": "vro_recovery"}'


async def test_the_other_operations_button_is_in_the_reply_language(
    run_action, domain: Dict[str, Any]
) -> None:
    buttons = await answer_buttons(
        run_action, "সেরে উঠতে কত দিন লাগে?", "faq/dfo_recovery", slots={"language": "bn"}
    )
    assert buttons == [topic_button(domain, "faq/vro_recovery", "bn")]
    assert buttons[0]["title"] != topic_button(domain, "faq/vro_recovery")["title"]


async def test_no_other_operations_button_when_the_operation_is_named_or_has_no_such_answer(
    run_action,
) -> None:
    named = await answer_buttons(run_action, "How long is recovery after DFO?", "faq/dfo_recovery")
    assert named == []
    # The knee page lists no downsides: nothing to offer beside the hip's.
    risks = await answer_buttons(
        run_action, "What are the risks of the surgery?", "faq/vro_disadvantages"
    )
    assert risks == []


async def test_a_topic_button_or_a_conversation_about_one_operation_needs_no_such_line(
    run_action,
) -> None:
    messages, _ = await run_action(ActionAnswerFaq(), "faq_button_dfo_types")
    assert [message["response"] for message in messages] == ["utter_faq/dfo_types"]
    messages, _ = await run_action(ActionAnswerFaq(), "faq_follow_up_after_vro")
    assert [message["response"] for message in messages] == ["utter_faq/vro_cerebral_palsy"]


async def responses_on_page(run_action, text: str, selected: str, operation: str) -> List[str]:
    """The responses to ``text``, read by the NLU as ``selected``, typed on one operation's page."""
    messages, _ = await run_action(
        ActionAnswerFaq(),
        "faq_typed_vro_recovery",
        latest_message=parse_data(text, "faq", 0.95, selected=selected),
        events=[{"event": "user", "text": text, "metadata": {"page_operation": operation}}],
    )
    return [message["response"] for message in messages]


async def test_a_question_on_the_knee_page_gets_the_knees_answer_and_says_so(run_action) -> None:
    responses = await responses_on_page(
        run_action, "How long until she can stand?", "faq/vro_recovery", "knee"
    )
    assert responses == ["utter_answer_about_knee", "utter_faq/dfo_recovery"]


async def test_a_question_the_pages_operation_does_not_answer_is_said_honestly(
    run_action,
) -> None:
    responses = await responses_on_page(
        run_action, "What are the risks of the surgery?", "faq/vro_disadvantages", "knee"
    )
    assert responses == ["utter_beyond_sources"]


async def test_the_operation_lines_exist_in_both_reply_languages(domain: Dict[str, Any]) -> None:
    for operation in ("knee", "hip"):
        variants = domain["responses"][f"utter_answer_about_{operation}"]
        languages = {next((c["value"] for c in v.get("condition") or []), "en") for v in variants}
        assert languages == {"en", "bn"}


async def test_topic_button_gets_that_topic(run_action) -> None:
    messages, _ = await run_action(ActionAnswerFaq(), "faq_button_dfo_types")
    assert [message["response"] for message in messages] == ["utter_faq/dfo_types"]


async def test_forged_topic_gets_the_out_of_scope_reply(run_action) -> None:
    messages, _ = await run_action(ActionAnswerFaq(), "faq_button_forged_topic")
    assert [message["response"] for message in messages] == ["utter_out_of_scope"]


def test_button_entity_wins_over_selector() -> None:
    message = {
        "entities": [{"entity": "faq_topic", "value": "hip_anatomy"}],
        "response_selector": {"faq": {"response": {"intent_response_key": "faq/vro_recovery"}}},
    }
    choice = faq_message_answer(message)
    assert choice is not None
    assert choice.key == "faq/hip_anatomy"


def test_no_topic_at_all() -> None:
    assert faq_message_answer({"text": "hello", "entities": []}) is None


def test_topic_button_uses_the_title_stored_with_the_answer(domain: Dict[str, Any]) -> None:
    button = topic_button(domain, "faq/vro_recovery")
    assert button == {"title": "Recovery after VRO", "payload": '/faq{"faq_topic": "vro_recovery"}'}
    assert topic_button(domain, "faq/not_a_topic") is None


@pytest.mark.parametrize(
    ("action", "response"),
    [(ActionOutOfScope(), "utter_out_of_scope"), (ActionBeyondSources(), "utter_beyond_sources")],
)
async def test_replies_without_an_answer_say_the_pending_language_notice_first(
    run_action, action, response
) -> None:
    messages, events = await run_action(
        action, "faq_typed_vro_recovery", slots={"language_notice_due": True}
    )
    # (The beyond-the-sources reply may offer a close answer after it.)
    assert [m["response"] for m in messages][:2] == ["utter_language_auto_bn", response]
    messages, _ = await run_action(action, "faq_typed_vro_recovery")
    assert [m["response"] for m in messages][:1] == [response]


async def test_a_follow_up_naming_no_operation_gets_the_conversations_answer(run_action) -> None:
    # After the hip's "what is it", the NLU's knee "purpose" becomes the hip's.
    messages, _ = await run_action(ActionAnswerFaq(), "faq_follow_up_after_vro")
    assert [message["response"] for message in messages] == ["utter_faq/vro_cerebral_palsy"]


async def test_a_follow_up_the_conversations_page_does_not_answer_is_said_honestly(
    run_action,
) -> None:
    latest = parse_data("What tests are needed?", "faq", 0.9, selected="faq/dfo_evaluation")
    messages, _ = await run_action(
        ActionAnswerFaq(), "faq_follow_up_after_vro", latest_message=latest
    )
    assert [message["response"] for message in messages] == ["utter_beyond_sources"]


async def test_a_follow_up_read_as_out_of_scope_is_offered_the_conversations_topics(
    run_action,
) -> None:
    # After the hip's "what is it", "How is it done?" read as out of scope:
    # the knee's "what is it" the NLU ranks first is offered as the hip's.
    latest = parse_data(
        "How is it done?",
        "out_of_scope",
        0.63,
        ranking=[("faq/dfo_what_is", 0.32), ("faq/dfo_evaluation", 0.19)],
        out_of_domain=[],
    )
    messages, _ = await run_action(
        ActionOutOfScope(), "faq_follow_up_after_vro", latest_message=latest
    )
    assert [message["response"] for message in messages] == [
        "utter_clarify",
        "utter_clarify_staff",
    ]
    assert [button["payload"] for button in messages[0]["buttons"]] == [
        '/faq{"faq_topic": "vro_what_is"}'
    ]


async def test_a_message_about_something_else_keeps_the_out_of_scope_reply(run_action) -> None:
    latest = parse_data("what is the weather today", "out_of_scope", 0.9, out_of_domain=[])
    messages, _ = await run_action(
        ActionOutOfScope(), "faq_follow_up_after_vro", latest_message=latest
    )
    assert [message["response"] for message in messages] == ["utter_out_of_scope"]


@pytest.mark.parametrize(
    ("text", "invitation"),
    [
        ("my son is 6 with cerebral palsy", "utter_greet_hip"),
        ("আমার ছেলের সেরিব্রাল পালসি", "utter_greet_hip"),
        ("my mother will have knee surgery next month", "utter_greet_knee"),
    ],
)
async def test_a_statement_about_one_operation_is_invited_to_ask_about_it(
    run_action, text, invitation
) -> None:
    # Telling whom the question is for is not a topic outside ours.
    latest = parse_data(text, "out_of_scope", 0.96, out_of_domain=[])
    messages, _ = await run_action(
        ActionOutOfScope(), "faq_follow_up_after_vro", latest_message=latest
    )
    assert [message["response"] for message in messages] == [invitation]


async def test_is_it_safe_about_the_knee_gets_the_honest_reply(run_action) -> None:
    # The knee page names no downsides; the hip's are not the knee's.
    latest = parse_data("is it safe?", "out_of_scope", 0.93, out_of_domain=[])
    messages, _ = await run_action(
        ActionOutOfScope(), "faq_follow_up_after_vro", latest_message=latest, slots={}
    )
    assert [message["response"] for message in messages] != ["utter_beyond_sources"]
    on_the_knee_page = {"page_operation": "knee"}
    knee_events = [
        {"event": "user", "text": "is it safe?", "parse_data": {}, "metadata": on_the_knee_page}
    ]
    messages, _ = await run_action(
        ActionOutOfScope(), "faq_follow_up_after_vro", latest_message=latest, events=knee_events
    )
    assert [message["response"] for message in messages] == ["utter_beyond_sources"]


async def test_a_statement_about_another_joint_keeps_the_out_of_scope_reply(run_action) -> None:
    latest = parse_data(
        "my son has CP and a bad shoulder", "out_of_scope", 0.9, out_of_domain=["shoulder"]
    )
    messages, _ = await run_action(
        ActionOutOfScope(), "faq_follow_up_after_vro", latest_message=latest
    )
    assert [message["response"] for message in messages] == ["utter_out_of_scope"]


async def test_beyond_the_sources_offers_the_close_answer_the_pages_give(run_action) -> None:
    # "When will the cast come off?": the hip page does not say, but it does
    # say how long to standing, in the spica cast.
    latest = parse_data(
        "When will my child's cast be removed?",
        "beyond_sources",
        0.98,
        ranking=[("faq/vro_recovery", 0.86), ("faq/dfo_recovery", 0.1)],
        out_of_domain=[],
    )
    messages, _ = await run_action(
        ActionBeyondSources(), "faq_typed_vro_recovery", latest_message=latest
    )
    assert [m["response"] for m in messages] == [
        "utter_beyond_sources",
        "utter_beyond_sources_related",
    ]
    assert messages[1]["buttons"] == [
        {"title": "Recovery after VRO", "payload": '/faq{"faq_topic": "vro_recovery"}'}
    ]


async def test_beyond_the_sources_offers_the_answer_its_kind_of_question_names(run_action) -> None:
    # "Will a DFO stop my arthritis?": the knee page never says so, but it
    # says what the operation aims at (unanswered_kinds.yml, cure_arthritis).
    latest = parse_data(
        "Will a DFO stop my arthritis?",
        "beyond_sources",
        1.0,
        ranking=[("faq/dfo_not_suitable", 0.89)],
        out_of_domain=[],
    )
    latest["topic_evidence"]["unanswered_kind"] = "cure_arthritis"
    messages, _ = await run_action(
        ActionBeyondSources(), "low_confidence_knee", latest_message=latest
    )
    assert [m["response"] for m in messages] == [
        "utter_beyond_sources",
        "utter_beyond_sources_related",
    ]
    assert [button["payload"] for button in messages[1]["buttons"]] == [
        '/faq{"faq_topic": "dfo_purpose"}'
    ]


async def test_beyond_the_sources_offers_nothing_when_no_answer_is_close(run_action) -> None:
    latest = parse_data(
        "Will my child have pain?",
        "beyond_sources",
        0.7,
        ranking=[("faq/knee_alignment_pain", 0.32)],
        out_of_domain=[],
    )
    messages, _ = await run_action(
        ActionBeyondSources(), "faq_typed_vro_recovery", latest_message=latest
    )
    assert [m["response"] for m in messages] == ["utter_beyond_sources"]


@pytest.mark.parametrize(
    ("page", "offered"),
    [
        ("knee", ["dfo_candidates", "dfo_purpose"]),
        ("hip", ["vro_cerebral_palsy"]),
        (None, ["dfo_candidates", "vro_cerebral_palsy"]),
    ],
)
async def test_whether_to_have_the_operation_gets_no_advice_and_whom_it_is_for(
    run_action, page: str, offered: List[str]
) -> None:
    # unanswered_kinds.yml, own_decision: never personal advice, then what
    # the pages say in general, in the operation of the page or chat.
    text = "should we go ahead with the operation?"
    latest = parse_data(
        text, "beyond_sources", 1.0, ranking=[("faq/dfo_what_is", 0.9)], out_of_domain=[]
    )
    latest["topic_evidence"]["unanswered_kind"] = "own_decision"
    metadata = {"page_operation": page} if page else {}
    messages, _ = await run_action(
        ActionBeyondSources(),
        "faq_typed_vro_recovery",
        latest_message=latest,
        events=[{"event": "user", "text": text, "metadata": metadata}],
    )
    assert [m["response"] for m in messages] == ["utter_own_decision", "utter_own_decision_general"]
    assert [button["payload"] for button in messages[1]["buttons"]] == [
        f'/faq{{"faq_topic": "{topic}"}}' for topic in offered
    ]
