"""What the page does say, beside "the pages do not answer this".

A question on our topics that the two source pages do not answer ("when
will my child's cast come off?", "what causes femoral anteversion?") gets the
honest reply and the staff offer. Often a page says something close: the hip
page gives 8 to 12 weeks to standing in a spica cast, and says what
anteversion is. The assistant then offers that answer as one button, the
patient's choice to read; it never sends it as if it answered the question.

The topic offered is the one the linear model ranks first among the FAQ
answers, only when it ranks it high (``RELATED_ANSWER_CONFIDENCE``: below
it, the suggestions on the real questions we hold were often unrelated, such
as a hip answer to "how long will my new hip last?"). A kind of question
that names its own ``related`` answer (``unanswered_kinds.yml``) gets that
one instead: "does the operation stop arthritis?" is offered what the knee
operation aims at, not whom it is not for (which the ranking put first). The
answer is read in the conversation's operation, and is never about the other
operation or joint than the one the message names. Plain functions: tests call them
without Rasa.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, Mapping, Optional

from bot.conversation_operation import answer_in_context
from bot.intents import FAQ_INTENT, TOPIC_EVIDENCE, UNANSWERED_KIND
from bot.nlu.named_operation import names_only_the_hip, names_the_other_operation
from bot.nlu.unanswered_kinds import related_key

# The FAQ ranking's first answer must have at least this confidence.
RELATED_ANSWER_CONFIDENCE = 0.8


def related_answer(
    parse: Mapping[str, Any], events: Iterable[Dict[str, Any]] = ()
) -> Optional[str]:
    """The FAQ key to offer beside "the pages do not answer this", if one is close.

    Args:
        parse: The NLU's parse of the message (``tracker.latest_message``).
        events: The conversation so far, to read the answer in its operation.

    Returns:
        ``faq/...``, or ``None`` when no answer is close enough, the message
        names something outside our topics, or the close answer is about the
        other operation or joint.
    """
    evidence = parse.get(TOPIC_EVIDENCE) or {}
    if evidence.get("out_of_domain"):
        return None
    text = str(parse.get("text") or "")
    kind_key = related_key(evidence.get(UNANSWERED_KIND))
    if kind_key:
        key = kind_key
    else:
        ranking = ((parse.get("response_selector") or {}).get(FAQ_INTENT) or {}).get("ranking")
        best = max(ranking or [], key=lambda entry: entry.get("confidence", 0.0), default=None)
        if not best or best.get("confidence", 0.0) < RELATED_ANSWER_CONFIDENCE:
            return None
        key = str(best.get("intent_response_key") or "")
    if not key.startswith(f"{FAQ_INTENT}/"):
        return None
    if names_the_other_operation(text, key) or names_only_the_hip(text, key):
        return None
    in_context = answer_in_context(key, text, events)
    if kind_key and in_context != kind_key:
        # The kind's answer is close only as it stands: its counterpart for
        # the other operation says nothing about that kind of question.
        return None
    return in_context
