"""A follow-up question that names no operation is read in the conversation's.

Patients ask "What is its purpose?" or "How is it done?" after talking about
one operation; hospital pages head their sections the same way. The NLU reads
one message at a time, and with no operation named it picks the knee
operation's answer, the one with more examples. Here the dialogue corrects
that: when the message names no operation and the conversation's last
operation (named by the patient, or of the last answer sent) is the other
one, the answer becomes that operation's counterpart ("what is it" of the
hip instead of the knee), or, when that operation's page has no such answer,
the honest "the page does not say".

A chat opened on one operation's page of the clinic's site starts about
that operation: the widget sends the page's operation with every message
(``metadata.page_operation``, ``bot/channels/webchat.py``), and a question
that names none, in a conversation that has named none, is read in it.

Plain functions over Rasa's event dicts: tests call them without a server.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, Optional

from bot.faq_choice import answer_part_sent, last_faq_part
from bot.intents import FAQ_INTENT
from bot.nlu.named_operation import (
    HIP,
    KNEE,
    about_the_hip_alone,
    operation_meant,
    operation_named,
    operation_of_answer,
)
from bot.tracker_events import before_latest_message

# The same question asked of the other operation. Only pairs whose answers
# answer the same question; the rest have no counterpart.
COUNTERPARTS: Mapping[str, str] = {
    "faq/dfo_what_is": "faq/vro_what_is",
    "faq/vro_what_is": "faq/dfo_what_is",
    "faq/dfo_recovery": "faq/vro_recovery",
    "faq/vro_recovery": "faq/dfo_recovery",
    # Why the operation is done, and for whom: the hip page answers both
    # with why the hip needs surgery in cerebral palsy.
    "faq/dfo_purpose": "faq/vro_cerebral_palsy",
    "faq/dfo_candidates": "faq/vro_cerebral_palsy",
    "faq/vro_cerebral_palsy": "faq/dfo_purpose",
    "faq/knee_valgus": "faq/hip_valgus_varus",
    "faq/hip_valgus_varus": "faq/knee_valgus",
}
# Answers about a condition or the body rather than an operation: right
# whichever operation the conversation is about ("what is the femoral neck?"
# after the knee's answers still gets the hip anatomy answer).
CONDITION_ANSWERS = frozenset(
    {"faq/knee_alignment_pain", "faq/hip_anatomy", "faq/hip_dysplasia", "faq/vro_derotation"}
)
_OPERATIONS = (KNEE, HIP)
# Where the widget puts the operation of the page it sits on, in a message's metadata.
PAGE_OPERATION_KEY = "page_operation"
# Answers about an operation itself (the others are about a condition or the
# body: knock knees, valgus and varus, the hip's parts).
_OPERATION_ANSWER_PREFIXES = ("faq/dfo_", "faq/vro_")


def answer_key_of(bot_event: Mapping[str, Any]) -> Optional[str]:
    """The FAQ key (``faq/vro_recovery``) of an FAQ answer the assistant sent, if it is one."""
    part = answer_part_sent(bot_event)
    return f"{FAQ_INTENT}/{part[0]}" if part else None


def conversation_operation(events: Iterable[Dict[str, Any]]) -> Optional[str]:
    """The operation the conversation was last about, before the message being answered.

    The latest of: an operation a patient's message named, or the operation
    of an FAQ answer sent. The last ``user`` event (the message being
    answered) is not read.

    Args:
        events: The tracker's events, oldest first.
    """
    for event in reversed(before_latest_message(events)):
        kind = event.get("event")
        if kind == "user":
            named = operation_meant(str(event.get("text") or ""))
            if named in _OPERATIONS:
                return named
        elif kind == "bot":
            key = answer_key_of(event)
            operation = operation_of_answer(key) if key else None
            if operation in _OPERATIONS:
                return operation
    return None


def page_operation(events: Iterable[Dict[str, Any]]) -> Optional[str]:
    """The operation of the page the patient's latest message was sent from, if any.

    Only ``knee`` or ``hip`` count: the metadata comes from a browser, and
    any other value is no page operation.
    """
    for event in reversed(list(events)):
        if event.get("event") == "user":
            return page_operation_of(event.get("metadata"))
    return None


def page_operation_of(metadata: Any) -> Optional[str]:
    """The page operation (``knee`` or ``hip``) a message's metadata carries, if any."""
    value = metadata.get(PAGE_OPERATION_KEY) if isinstance(metadata, dict) else None
    return value if value in _OPERATIONS else None


def operation_to_read_in(message_text: str, events: Iterable[Dict[str, Any]]) -> Optional[str]:
    """The operation a typed question is read in.

    ``None`` when it names one itself (the NLU already keeps the other's
    answers away); the hip when it is about the hip and not the knee ("will
    the hip nail come out?": never a knee answer, as the NLU's guard has
    it); the joint's operation when it names a joint's surgery ("how long
    after my son's knee surgery?"); else the conversation's; else the
    page's the chat was opened on.
    """
    if operation_named(message_text) is not None:
        return None
    if about_the_hip_alone(message_text):
        return HIP
    events = list(events)
    return operation_meant(message_text) or conversation_operation(events) or page_operation(events)


def operation_in_view(message_text: str, events: Iterable[Dict[str, Any]]) -> Optional[str]:
    """The operation a message, or else the chat, is about: for choosing what to offer.

    The one the message names or means ("I have a question about the hip
    operation"), else the one a question naming none is read in
    (``operation_to_read_in``: the conversation's, then the page's).
    """
    return operation_meant(message_text) or operation_to_read_in(message_text, events)


def answer_for_operation(faq_key: str, operation: Optional[str]) -> Optional[str]:
    """The answer to send for ``faq_key`` in a conversation about ``operation``.

    Returns:
        ``faq_key`` itself when there is no operation to read it in, when the
        answer is of that operation (or of both), or about a condition or the
        body (``CONDITION_ANSWERS``); its counterpart for that operation
        otherwise; ``None`` when that operation's page has no such answer.
    """
    answer = operation_of_answer(faq_key)
    if answer is None or operation is None or operation == answer:
        return faq_key
    counterpart = COUNTERPARTS.get(faq_key)
    if counterpart and operation_of_answer(counterpart) == operation:
        return counterpart
    return faq_key if faq_key in CONDITION_ANSWERS else None


def answer_in_context(
    faq_key: str, message_text: str, events: Iterable[Dict[str, Any]]
) -> Optional[str]:
    """The answer to send for a typed question, given the conversation so far."""
    return answer_for_operation(faq_key, operation_to_read_in(message_text, events))


def keys_in_context(
    faq_keys: Iterable[str], message_text: str, events: Iterable[Dict[str, Any]]
) -> List[str]:
    """The clarifying turn's topics, read in the operation of the conversation so far."""
    events = list(events)
    return keys_for_operation(
        faq_keys,
        operation_to_read_in(message_text, events),
        operation_talked_about(message_text, events),
    )


def operation_talked_about(message_text: str, events: Iterable[Dict[str, Any]]) -> Optional[str]:
    """The operation the message or the conversation so far is about; not the page's."""
    return operation_meant(message_text) or conversation_operation(events)


def keys_for_operation(
    faq_keys: Iterable[str], operation: Optional[str], talked_about: Optional[str] = None
) -> List[str]:
    """Topics to offer in a conversation about ``operation``.

    Each key becomes its answer for that operation (``answer_for_operation``);
    keys with no answer for it are left out, and a topic offered twice is
    offered once, in the order given.

    Answers about a condition or the body of the other joint (the hip's
    parts, alignment and knee pain) stay on offer on a page alone, where a
    parent may have come with the other operation's question; not once the
    patient or the answers have been about one operation (``talked_about``):
    "which one is better?" after the knee's wedges was offered the parts of
    the hip.
    """
    chosen: List[str] = []
    for key in faq_keys:
        in_context = answer_for_operation(key, operation)
        if not in_context or in_context in chosen:
            continue
        if (
            talked_about is not None
            and in_context in CONDITION_ANSWERS
            and operation_of_answer(in_context) not in (None, talked_about)
        ):
            continue
        chosen.append(in_context)
    return chosen


def unstated_operation(
    faq_key: str, message_text: str, events: Iterable[Dict[str, Any]]
) -> Optional[str]:
    """The operation an answer is about, when nothing the patient said chose it.

    "What are the risks of the surgery?" as the first message names no
    operation, and the models answer with the one page that lists downsides,
    the hip's. The answer is right for a parent of a child with cerebral
    palsy and wrong for a knee patient, and its text says "this thigh bone
    surgery", true of both. The patient is then told which operation the
    answer is about. On an operation's page the answer is that operation's
    (``operation_to_read_in``), and the line still says so: the patient did
    not, and may have come to the knee's page with a child's hip question.

    Returns:
        ``knee`` or ``hip`` for an answer about one operation (not about a
        condition or the body, ``CONDITION_ANSWERS``), when neither the
        message (``operation_meant``) nor the conversation so far
        (``conversation_operation``) names an operation; ``None`` otherwise.
    """
    if not faq_key.startswith(_OPERATION_ANSWER_PREFIXES) or faq_key in CONDITION_ANSWERS:
        return None
    if operation_meant(message_text) is not None or conversation_operation(events) is not None:
        return None
    return operation_of_answer(faq_key)


def counterpart_of_last_answer(operation: str, events: Iterable[Dict[str, Any]]) -> Optional[str]:
    """The last answer's counterpart for ``operation``: "and for the hip?" after the knee's.

    Args:
        operation: ``knee`` or ``hip`` (``bot.nlu.other_operation``).
        events: The tracker's events, oldest first; the last ``user`` event is
            the message being answered.

    Returns:
        The FAQ key to send, or ``None`` when no answer was sent yet, the
        last one is already about that operation (or about both), or that
        operation's page has no such answer.
    """
    part = last_faq_part(before_latest_message(events))
    if part is None:
        return None
    last = f"{FAQ_INTENT}/{part[0]}"
    key = answer_for_operation(last, operation)
    return key if key and key != last else None
