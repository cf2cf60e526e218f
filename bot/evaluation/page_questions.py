"""Questions that name no operation, scored as asked on their operation's page.

A set's ``context_free`` items ("How is it done?", "Why is it necessary?")
cannot be scored one message at a time: which operation they are about is
not in them. On the clinic's site it is in the page: the widget sends the
page's operation, and the dialogue reads such a question in it
(``bot.conversation_operation``). Here each such item whose label belongs to
one operation is read as the dialogue reads it, twice: as the first message
of a chat opened on the page of its label's operation, and with no page
(WhatsApp, a general page).

"Right" is an acceptable answer sent; "offered" is the clarifying turn (the
NLU unsure, or a follow-up it read as out of scope) with an acceptable topic
among its buttons; "wrong" is an FAQ answer that is not acceptable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from bot.conversation_operation import PAGE_OPERATION_KEY, answer_in_context, keys_in_context
from bot.evaluation.metrics import FALLBACK, FAQ_PREFIX, OUT_OF_SCOPE, predicted_key, share
from bot.faq_choice import likely_faq_keys
from bot.follow_up import offered_topics, read_follow_up, safety_follow_up
from bot.nlu.named_operation import operation_of_answer

# The two ways a question is asked: on its operation's page, and on no page.
ON_ITS_PAGE = "on its operation's page"
NO_PAGE = "with no page"


@dataclass(frozen=True)
class DialogueReading:
    """What the assistant does with a first message: the answer sent, or the topics offered."""

    answer: Optional[str]
    offered: Tuple[str, ...] = ()


def first_message(text: str, page: Optional[str]) -> List[Dict[str, Any]]:
    """The events of a conversation whose only message is ``text``, sent from ``page``."""
    metadata = {PAGE_OPERATION_KEY: page} if page else {}
    return [{"event": "user", "text": text, "metadata": metadata}]


def dialogue_reading(parse: Mapping[str, Any], page: Optional[str]) -> DialogueReading:
    """How the actions answer a first message the NLU parsed as ``parse``, sent from ``page``.

    An FAQ reading is answered in the operation the message is read in
    (``action_answer_faq``; ``None``: "the page does not say"); an unsure
    one offers the likeliest topics read in it, or for "is it safe?" what the
    out-of-scope reading of it offers (``action_clarify``); an
    out-of-scope one that reads as a follow-up offers its topics, or none
    when it asks whether an operation is safe whose page names no downsides
    (``action_out_of_scope``).
    """
    text = str(parse.get("text") or "")
    events = first_message(text, page)
    predicted = predicted_key(parse)
    if predicted.startswith(FAQ_PREFIX):
        return DialogueReading(answer_in_context(predicted, text, events))
    if predicted == FALLBACK:
        safety = safety_follow_up(parse, events)
        if safety is not None:
            if safety.safety_unanswered:
                return DialogueReading(None)
            return DialogueReading(None, tuple(offered_topics(parse, safety)))
        return DialogueReading(None, tuple(keys_in_context(likely_faq_keys(parse), text, events)))
    if predicted == OUT_OF_SCOPE:
        follow_up = read_follow_up(parse, events)
        if follow_up is not None and follow_up.unanswered:
            return DialogueReading(None)
        return DialogueReading(None, tuple(offered_topics(parse, follow_up)))
    return DialogueReading(None)


def page_figures(
    labelled: Sequence[Tuple[Tuple[str, ...], Mapping[str, Any]]],
) -> Dict[str, Dict[str, Any]]:
    """Right, right-or-offered and wrong, on the label's page and with no page.

    Args:
        labelled: Each question's acceptable keys (its label first) and its
            parse. Labels that belong to no single operation are left out.
    """
    counted = [(keys, parse) for keys, parse in labelled if operation_of_answer(keys[0])]
    result = {}
    for way in (ON_ITS_PAGE, NO_PAGE):
        right = offered = wrong = 0
        for keys, parse in counted:
            page = operation_of_answer(keys[0]) if way == ON_ITS_PAGE else None
            reading = dialogue_reading(parse, page)
            is_right = reading.answer in keys
            right += is_right
            offered += is_right or bool(set(keys) & set(reading.offered))
            wrong += reading.answer is not None and not is_right
        result[way] = {
            "messages": len(counted),
            "right": share(right, len(counted)),
            "right_or_offered": share(offered, len(counted)),
            "wrong_answers": share(wrong, len(counted)),
        }
    return result
