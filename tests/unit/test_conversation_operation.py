"""A follow-up question that names no operation is read in the conversation's operation."""

from typing import Any, Dict, List

from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

from bot.conversation_operation import (
    COUNTERPARTS,
    answer_in_context,
    conversation_operation,
    counterpart_of_last_answer,
    keys_in_context,
    operation_to_read_in,
    page_operation,
    unstated_operation,
)
from bot.nlu.named_operation import HIP, KNEE, operation_meant, operation_of_answer
from bot.speedups.action_payload import sent_events


def user(text: str) -> Dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": {}}


def on_page(operation: Any, text: str) -> Dict[str, Any]:
    """A message sent from the widget on one operation's page."""
    return {**user(text), "metadata": {"page_operation": operation}}


def answer(key: str, part: str = "utter_faq") -> Dict[str, Any]:
    return {"event": "bot", "text": "...", "metadata": {"utter_action": f"{part}/{key}"}}


HIP_TALK: List[Dict[str, Any]] = [user("what is a vdro"), answer("vro_what_is"), user("and why?")]
KNEE_TALK: List[Dict[str, Any]] = [user("hello"), answer("dfo_recovery", "utter_faq_more")]


def test_the_last_answer_sent_sets_the_conversations_operation() -> None:
    assert conversation_operation(HIP_TALK) == HIP
    assert conversation_operation(KNEE_TALK + [user("how long?")]) == KNEE


def test_the_message_being_answered_is_not_its_own_context() -> None:
    assert conversation_operation([user("what is a DFO")]) is None


def test_an_operation_named_by_the_patient_counts_from_the_latest_turn() -> None:
    events = [answer("vro_what_is"), user("and the knee osteotomy, my mother needs one"), user("?")]
    assert conversation_operation(events) == KNEE


def test_an_operation_named_turns_ago_reaches_the_action_server() -> None:
    # "Is DFO surgery painful?", three questions the pages do not answer,
    # then "what are the risks?": read as the hip's when the action server
    # was sent the patient's messages only for the last three turns.
    events: List[Any] = []
    for text in ("Is DFO surgery painful?", "how long in hospital?", "can I drive after?"):
        events += [ActionExecuted("action_listen"), UserUttered(text)]
        events += [
            ActionExecuted("action_clarify"),
            BotUttered(metadata={"utter_action": "utter_clarify"}),
        ]
    events += [ActionExecuted("action_listen"), UserUttered("English please")]
    events += [
        ActionExecuted("utter_language_set"),
        BotUttered(metadata={"utter_action": "utter_language_set"}),
    ]
    events += [ActionExecuted("action_listen"), UserUttered("what are the risks?")]
    assert conversation_operation(sent_events(events)) == KNEE


def test_a_general_answer_or_a_joint_alone_sets_no_operation() -> None:
    events = [user("my hip hurts"), answer("osteotomy_meaning"), user("ok")]
    assert conversation_operation(events) is None


def test_a_joints_surgery_is_that_joints_operation_on_this_clinics_chat() -> None:
    assert operation_meant("my daughter will have hip surgery next month") == HIP
    assert operation_meant("আমার মেয়ের হিপের অপারেশন হবে") == HIP
    assert operation_meant("ammar hatur operation hobe") == KNEE
    # A joint alone, both joints, or no joint: no operation.
    assert operation_meant("my hip hurts") is None
    assert operation_meant("knee or hip surgery, which is harder?") is None
    assert operation_meant("when is the surgery?") is None
    events = [user("my daughter will have hip surgery"), answer("osteotomy_meaning"), user("ok")]
    assert conversation_operation(events) == HIP


def test_a_question_about_one_joints_surgery_is_read_in_that_operation() -> None:
    # In a conversation about the knee, the hip surgery's recovery is the hip's.
    text = "and my son's hip surgery, how long is the recovery?"
    assert answer_in_context("faq/dfo_recovery", text, KNEE_TALK) == "faq/vro_recovery"


def test_a_follow_up_gets_the_conversations_counterpart() -> None:
    assert answer_in_context("faq/dfo_purpose", "What is its purpose?", HIP_TALK) == (
        "faq/vro_cerebral_palsy"
    )
    assert answer_in_context("faq/dfo_what_is", "How is it done?", HIP_TALK) == "faq/vro_what_is"


def test_a_follow_up_with_no_counterpart_gets_no_answer() -> None:
    # The hip page has no tests-before-surgery answer: say so, never the knee's.
    assert answer_in_context("faq/dfo_evaluation", "What tests are needed?", HIP_TALK) is None


def test_an_answer_about_a_condition_or_the_body_stands_in_any_conversation() -> None:
    knee_talk = KNEE_TALK + [user("what is the neck of the femur?")]
    assert answer_in_context("faq/hip_anatomy", "what is the neck of the femur?", knee_talk) == (
        "faq/hip_anatomy"
    )
    assert answer_in_context("faq/vro_derotation", "what is anteversion?", knee_talk) == (
        "faq/vro_derotation"
    )
    # The hip operation's own answers are not the knee's.
    assert answer_in_context("faq/vro_hardware", "will the plate come out?", knee_talk) is None


def test_the_answer_stands_when_context_agrees_is_missing_or_the_message_names_one() -> None:
    assert answer_in_context("faq/vro_recovery", "how long?", HIP_TALK) == "faq/vro_recovery"
    assert answer_in_context("faq/dfo_purpose", "why?", [user("why?")]) == "faq/dfo_purpose"
    assert answer_in_context("faq/dfo_purpose", "why is DFO done?", HIP_TALK) == "faq/dfo_purpose"
    assert answer_in_context("faq/osteotomy_meaning", "meaning?", HIP_TALK) == (
        "faq/osteotomy_meaning"
    )


def test_the_clarifying_topics_are_read_in_context_once_each() -> None:
    keys = ["faq/dfo_what_is", "faq/vro_what_is", "faq/dfo_evaluation", "faq/osteotomy_meaning"]
    assert keys_in_context(keys, "How is it done?", HIP_TALK) == [
        "faq/vro_what_is",
        "faq/osteotomy_meaning",
    ]


def test_the_other_joints_body_topics_are_offered_on_a_page_not_in_a_conversation() -> None:
    keys = ["faq/dfo_types", "faq/hip_anatomy", "faq/knee_alignment_pain"]
    page_only = [on_page("knee", "which one is better?")]
    assert keys_in_context(keys, "which one is better?", page_only) == keys
    talked = [on_page("knee", "opening or closing wedge?"), answer("dfo_types")]
    talked.append(on_page("knee", "which one is better?"))
    assert keys_in_context(keys, "which one is better?", talked) == [
        "faq/dfo_types",
        "faq/knee_alignment_pain",
    ]
    assert keys_in_context(keys, "which one is better?", HIP_TALK) == ["faq/hip_anatomy"]


def test_each_counterpart_belongs_to_the_other_operation() -> None:
    for key, counterpart in COUNTERPARTS.items():
        assert {operation_of_answer(key), operation_of_answer(counterpart)} == {KNEE, HIP}


def test_an_answer_about_one_operation_says_which_when_nothing_named_one() -> None:
    first = [user("What are the risks of the surgery?")]
    assert unstated_operation("faq/vro_disadvantages", first[0]["text"], first) == HIP
    assert unstated_operation("faq/dfo_candidates", "Who is it for?", [user("Who is it for?")]) == (
        KNEE
    )


def test_no_operation_is_stated_when_the_message_or_the_conversation_chose_it() -> None:
    # The message names the operation, or a joint's surgery.
    assert unstated_operation("faq/vro_disadvantages", "risks of VRO?", []) is None
    assert unstated_operation("faq/dfo_recovery", "recovery after knee surgery?", []) is None
    # The conversation was about one operation already.
    assert unstated_operation("faq/vro_cerebral_palsy", "and why?", HIP_TALK) is None
    assert unstated_operation("faq/dfo_recovery", "how long?", KNEE_TALK + [user("how long?")]) is (
        None
    )


def test_answers_about_a_condition_the_body_or_both_operations_need_no_operation() -> None:
    keys = ("faq/knee_valgus", "faq/hip_anatomy", "faq/vro_derotation", "faq/osteotomy_meaning")
    for key in keys:
        assert unstated_operation(key, "what is it?", [user("what is it?")]) is None


def test_what_only_the_hip_page_is_about_is_the_hips_operation() -> None:
    assert operation_meant("my son has CP, how long is the recovery?") == HIP
    assert operation_meant("her hip is coming out of the socket, what can be done?") == HIP
    assert operation_meant("how long is the recovery for dysplasia?") == HIP
    assert operation_meant("how long in the spica cast?") == HIP
    assert operation_meant("what is a proximal femoral varus osteotomy") == HIP
    assert operation_meant("what is coxa valga") == HIP
    assert operation_meant("healing time for varus osteotomy") == HIP
    assert operation_meant("আমার ছেলের সেরিব্রাল পালসি, অপারেশনের পর কতদিন লাগে?") == HIP
    # Unless the knee comes into it.
    assert operation_meant("my daughter with cerebral palsy has knock knees") is None
    # In a conversation about the knee, the hip's valgus is still the hip's.
    text = "what is coxa valga"
    assert answer_in_context("faq/hip_valgus_varus", text, KNEE_TALK + [user(text)]) == (
        "faq/hip_valgus_varus"
    )
    # In a conversation about the knee, the child's recovery is the hip's.
    text = "my son has cerebral palsy, how long is the recovery?"
    assert answer_in_context("faq/vro_recovery", text, KNEE_TALK + [user(text)]) == (
        "faq/vro_recovery"
    )


def test_knock_knees_are_the_knees_operation_even_in_a_talk_about_the_hip() -> None:
    assert operation_meant("Overall, how advantageous is it to correct knock-knees?") == KNEE
    assert operation_meant("what causes genu valgum in adults") == KNEE
    # A valgus knee, in any of the three languages, is the knee's.
    assert operation_meant("doctor said my knee is valgus, what does that mean") == KNEE
    assert operation_meant("ভ্যালগাস হাঁটু মানে কি?") == KNEE
    assert operation_meant("valgus hatu mane ki") == KNEE
    # The hip page speaks of valgus too: the word alone is neither.
    assert operation_meant("what does valgus mean") is None
    assert operation_meant("valgus of the hip and the knee, what is it") is None
    # Unless the hip comes into it.
    assert operation_meant("my daughter with cerebral palsy has knock knees") is None
    assert operation_meant("knock knees and a hip coming out of its socket") is None
    assert operation_meant("knock knees after the spica cast?") is None
    # After the hip's answers, why knock knees are corrected is the knee's purpose.
    hip_page = [user("what hip problems are common in babies?"), answer("hip_dysplasia")]
    text = "Overall, how advantageous is it to correct knock-knees?"
    events = hip_page + [on_page("hip", text)]
    assert operation_to_read_in(text, events) == KNEE
    assert answer_in_context("faq/dfo_purpose", text, events) == "faq/dfo_purpose"
    # And it sets the conversation's operation for the follow-up.
    assert conversation_operation(events + [user("how long is the recovery?")]) == KNEE


def test_a_question_about_the_hip_alone_is_never_read_in_the_knee() -> None:
    # The NLU never answers it with a knee answer; nor may the conversation.
    text = "will the hip nail be taken out?"
    assert answer_in_context("faq/vro_hardware", text, KNEE_TALK + [user(text)]) == (
        "faq/vro_hardware"
    )
    # The hip alone is not an operation the conversation is about ...
    assert conversation_operation([user("my hip hurts"), user("ok")]) is None
    # ... and the knee with it is not the hip alone.
    text = "my knee and hip hurt, how long is the recovery?"
    assert answer_in_context("faq/vro_recovery", text, KNEE_TALK + [user(text)]) == (
        "faq/dfo_recovery"
    )


def test_the_page_the_latest_message_came_from_is_the_pages_operation() -> None:
    assert page_operation([on_page("knee", "hello")]) == KNEE
    assert page_operation([on_page("knee", "hello"), on_page("hip", "how long?")]) == HIP
    # A message from elsewhere (WhatsApp, the REST channel) has no page.
    assert page_operation([on_page("knee", "hello"), user("how long?")]) is None
    for forged in ("shoulder", "", None, ["knee"], 1):
        assert page_operation([on_page(forged, "how long?")]) is None
    assert page_operation([{**user("hi"), "metadata": "knee"}]) is None


def test_a_question_naming_no_operation_is_read_in_the_pages_operation() -> None:
    first = [on_page("knee", "how long is the recovery?")]
    assert operation_to_read_in(first[0]["text"], first) == KNEE
    assert answer_in_context("faq/vro_recovery", first[0]["text"], first) == "faq/dfo_recovery"
    # The knee's page says nothing of the downsides: the honest "does not say".
    risks = [on_page("knee", "what are the risks of the surgery?")]
    assert answer_in_context("faq/vro_disadvantages", risks[0]["text"], risks) is None
    assert keys_in_context(["faq/vro_recovery", "faq/hip_anatomy"], "how long?", first) == [
        "faq/dfo_recovery",
        "faq/hip_anatomy",
    ]


def test_what_the_patient_or_the_conversation_named_comes_before_the_page() -> None:
    named = [on_page("knee", "how long is the recovery after a VRO?")]
    assert answer_in_context("faq/vro_recovery", named[0]["text"], named) == "faq/vro_recovery"
    child = [on_page("knee", "my son has CP, how long is the recovery?")]
    assert answer_in_context("faq/vro_recovery", child[0]["text"], child) == "faq/vro_recovery"
    hip_talk = HIP_TALK[:-1] + [on_page("knee", "how long?")]
    assert operation_to_read_in("how long?", hip_talk) == HIP


def test_an_answer_read_in_the_pages_operation_still_says_which_it_is() -> None:
    first = [on_page("knee", "how long is the recovery?")]
    assert unstated_operation("faq/dfo_recovery", first[0]["text"], first) == KNEE


def test_the_same_question_for_the_other_operation_gets_the_last_answers_counterpart() -> None:
    after_knee_recovery = KNEE_TALK + [user("and for the hip?")]
    assert counterpart_of_last_answer(HIP, after_knee_recovery) == "faq/vro_recovery"
    assert counterpart_of_last_answer(KNEE, HIP_TALK) == "faq/dfo_what_is"


def test_no_counterpart_when_nothing_was_answered_or_it_is_the_same_operation() -> None:
    assert counterpart_of_last_answer(HIP, [user("hello"), user("and for the hip?")]) is None
    assert counterpart_of_last_answer(HIP, HIP_TALK) is None
    # The knee's types of DFO have no hip counterpart; the hip's parts are the body's.
    assert counterpart_of_last_answer(HIP, [answer("dfo_types"), user("and the hip?")]) is None
    assert counterpart_of_last_answer(KNEE, [answer("hip_anatomy"), user("and the knee?")]) is None


def test_the_counterpart_is_of_the_last_answer_not_an_earlier_one() -> None:
    events = [answer("dfo_recovery"), user("what is a vro"), answer("vro_what_is")]
    assert counterpart_of_last_answer(KNEE, events + [user("and the knee?")]) == "faq/dfo_what_is"
