"""action_clarify: the clarifying turn, and bad input."""

import pytest

from actions.fallback import ActionClarify, likely_faq_keys
from tests.actions.conftest import load_tracker
from tests.utils.parse_data import parse_data

OFFERED = {"event": "slot", "timestamp": None, "name": "staff_offered", "value": True}
NOT_OFFERED = {**OFFERED, "value": False}


async def test_clarify_offers_the_likeliest_topics_best_first(run_action) -> None:
    messages, events = await run_action(ActionClarify(), "low_confidence_knee")
    assert [message["response"] for message in messages] == ["utter_clarify", "utter_clarify_staff"]
    # Staff are offered only after a second unclear message.
    assert events == [NOT_OFFERED]
    payloads = [button["payload"] for button in messages[0]["buttons"]]
    assert payloads == [
        '/faq{"faq_topic": "dfo_what_is"}',
        '/faq{"faq_topic": "knee_alignment_pain"}',
        '/faq{"faq_topic": "knee_valgus"}',
    ]


def test_unlikely_topics_are_not_offered() -> None:
    keys = likely_faq_keys(load_tracker("low_confidence_knee").latest_message)
    assert "faq/hip_anatomy" not in keys
    assert len(keys) == 3


async def test_empty_message_is_explained_not_clarified(run_action) -> None:
    messages, events = await run_action(ActionClarify(), "empty_message")
    assert [message["response"] for message in messages] == ["utter_input_empty"]
    assert events == [NOT_OFFERED]


async def test_too_long_message_is_refused_clearly(run_action) -> None:
    messages, _ = await run_action(ActionClarify(), "too_long_message")
    assert [message["response"] for message in messages] == ["utter_input_too_long"]


async def test_without_any_likely_topic_the_patient_is_asked_to_rephrase(run_action) -> None:
    messages, _ = await run_action(ActionClarify(), "urgent_leaking_wound")
    assert [message["response"] for message in messages] == [
        "utter_rephrase",
        "utter_clarify_staff",
    ]


async def test_clarify_offers_the_conversations_operation_topics(run_action) -> None:
    # After the hip's "what is it": the knee's purpose becomes the hip's, and
    # the knee's types (no hip counterpart) are not offered.
    latest = parse_data(
        "What is its purpose?",
        "nlu_fallback",
        0.3,
        ranking=[("faq/dfo_purpose", 0.5), ("faq/dfo_types", 0.3), ("faq/vro_derotation", 0.2)],
    )
    messages, _ = await run_action(
        ActionClarify(), "faq_follow_up_after_vro", latest_message=latest
    )
    payloads = [button["payload"] for button in messages[0]["buttons"]]
    assert payloads == [
        '/faq{"faq_topic": "vro_cerebral_palsy"}',
        '/faq{"faq_topic": "vro_derotation"}',
    ]


async def test_a_story_without_a_question_is_thanked_and_asked_what_to_know(run_action) -> None:
    # A parent tells what the surgeon said and asks nothing: "not sure I
    # understood" would be wrong; the closest topics are still offered.
    latest = parse_data(
        "We saw the surgeon today and he said our daughter needs the osteotomy on her hip."
        " It sounds frightening and I am not looking forward to it.",
        "nlu_fallback",
        0.3,
        ranking=[("faq/vro_what_is", 0.5), ("faq/hip_anatomy", 0.3)],
    )
    messages, _ = await run_action(ActionClarify(), "low_confidence_knee", latest_message=latest)
    assert [message["response"] for message in messages] == [
        "utter_clarify_story",
        "utter_clarify_staff",
    ]
    assert messages[0]["buttons"][0]["payload"] == '/faq{"faq_topic": "vro_what_is"}'


async def test_is_it_safe_unsure_offers_the_hips_downsides_first(run_action) -> None:
    # "এটা কি নিরাপদ?" after the hip's answer: the models were unsure (their
    # best guess, "are you a bot?", named nobody); the ranking knows nothing
    # of safety, the hip page's downsides are what it says about it.
    latest = parse_data(
        "এটা কি নিরাপদ?",
        "nlu_fallback",
        0.3,
        ranking=[("faq/osteotomy_meaning", 0.4), ("faq/hip_anatomy", 0.3)],
    )
    messages, _ = await run_action(
        ActionClarify(), "faq_follow_up_after_vro", latest_message=latest
    )
    assert [message["response"] for message in messages] == ["utter_clarify", "utter_clarify_staff"]
    assert messages[0]["buttons"][0]["payload"] == '/faq{"faq_topic": "vro_disadvantages"}'


async def test_is_it_safe_unsure_about_the_knee_gets_the_honest_reply(run_action) -> None:
    # The knee page names no downsides: "the pages do not say", and staff.
    latest = parse_data(
        "is this operation safe?",
        "nlu_fallback",
        0.3,
        ranking=[("faq/osteotomy_meaning", 0.4), ("faq/vro_disadvantages", 0.3)],
    )
    on_the_knee_page = {"page_operation": "knee"}
    knee_events = [
        {
            "event": "user",
            "text": "is this operation safe?",
            "parse_data": {},
            "metadata": on_the_knee_page,
        }
    ]
    messages, events = await run_action(
        ActionClarify(), "faq_follow_up_after_vro", latest_message=latest, events=knee_events
    )
    assert [message["response"] for message in messages] == ["utter_beyond_sources"]
    # Answered honestly: a second unclear message is not "still" not understood.
    assert events == [NOT_OFFERED]


def knee_recovery_answered(then: str) -> list:
    """The knee's recovery answer, then the patient's message."""
    return [
        {"event": "user", "text": "how long is recovery after DFO", "parse_data": {}},
        {"event": "bot", "text": "...", "metadata": {"utter_action": "utter_faq/dfo_recovery"}},
        {"event": "user", "text": then, "parse_data": {}},
    ]


@pytest.mark.parametrize("text", ["and for the hip?", "আর হিপের ক্ষেত্রে?"])
async def test_the_same_question_of_the_other_operation_gets_its_answer(run_action, text) -> None:
    latest = parse_data(text, "nlu_fallback", 0.3, ranking=[("faq/hip_anatomy", 0.94)])
    messages, events = await run_action(
        ActionClarify(),
        "faq_follow_up_after_vro",
        latest_message=latest,
        events=knee_recovery_answered(text),
    )
    assert [message["response"] for message in messages] == ["utter_faq/vro_recovery"]
    assert events == [NOT_OFFERED]


async def test_the_other_operation_with_no_answer_to_mirror_gets_its_topics(run_action) -> None:
    text = "what about the hip?"
    latest = parse_data(text, "nlu_fallback", 0.3, ranking=[("faq/hip_anatomy", 0.94)])
    messages, _ = await run_action(
        ActionClarify(),
        "faq_follow_up_after_vro",
        latest_message=latest,
        events=[{"event": "user", "text": text, "parse_data": {}}],
    )
    assert [message["response"] for message in messages] == ["utter_greet_hip"]


def after_a_clarifying_question(then: str) -> list:
    """A clarifying question, then the patient's message."""
    return [
        {"event": "user", "text": "hmm knee thing", "parse_data": {}},
        {"event": "bot", "text": "...", "metadata": {"utter_action": "utter_clarify"}},
        {"event": "bot", "text": "...", "metadata": {"utter_action": "utter_clarify_staff"}},
        {"event": "user", "text": then, "parse_data": {}},
    ]


async def test_a_second_unclear_message_after_a_clarifying_question_is_offered_staff(
    run_action,
) -> None:
    text = "the thing with the bone"
    latest = parse_data(text, "nlu_fallback", 0.3, ranking=[("faq/dfo_what_is", 0.3)])
    messages, events = await run_action(
        ActionClarify(),
        "low_confidence_knee",
        latest_message=latest,
        events=after_a_clarifying_question(text),
    )
    assert [message["response"] for message in messages] == ["utter_offer_staff"]
    assert events == [OFFERED]


async def test_after_a_clarifying_question_the_other_operation_is_still_read(run_action) -> None:
    # "And for the hip?" after "did you mean one of these?" was "Sorry, I
    # still don't understand" when a rule decided before the action.
    text = "and for the hip?"
    latest = parse_data(text, "nlu_fallback", 0.3, ranking=[("faq/hip_anatomy", 0.9)])
    messages, events = await run_action(
        ActionClarify(),
        "low_confidence_knee",
        latest_message=latest,
        events=after_a_clarifying_question(text),
    )
    assert [message["response"] for message in messages] == ["utter_greet_hip"]
    assert events == [NOT_OFFERED]


async def test_after_a_clarifying_question_is_it_safe_about_the_knee_is_answered_honestly(
    run_action,
) -> None:
    text = "is this operation safe?"
    latest = parse_data(text, "nlu_fallback", 0.3, ranking=[("faq/osteotomy_meaning", 0.4)])
    events_so_far = after_a_clarifying_question(text)
    events_so_far[-1]["metadata"] = {"page_operation": "knee"}
    messages, events = await run_action(
        ActionClarify(), "low_confidence_knee", latest_message=latest, events=events_so_far
    )
    assert [message["response"] for message in messages] == ["utter_beyond_sources"]
    assert events == [NOT_OFFERED]


async def test_after_thanks_for_a_story_a_first_unclear_question_is_not_still_unclear(
    run_action,
) -> None:
    # A story ("vai amar haatu te betha...") is thanked and asked what the
    # patient would like to know; the question after it was offered staff
    # with "Sorry, I still don't understand".
    text = "eta ki DFO lagbe?"
    latest = parse_data(text, "nlu_fallback", 0.3, ranking=[("faq/dfo_what_is", 0.4)])
    events_so_far = after_a_clarifying_question(text)
    events_so_far[1]["metadata"]["utter_action"] = "utter_clarify_story"
    messages, events = await run_action(
        ActionClarify(), "low_confidence_knee", latest_message=latest, events=events_so_far
    )
    assert [message["response"] for message in messages] == ["utter_clarify", "utter_clarify_staff"]
    assert events == [NOT_OFFERED]
