"""The question just answered, asked again of the other operation: "and for the hip?".

After the knee's recovery answer, "and for the hip?", "what about VRO?",
"হিপের ক্ষেত্রে?" or "hip er jonno?" ask the same about the hip. Read alone,
the NLU placed them anywhere: the hip's parts (0.94), knock knees, a request
for staff, or not understood. Such a message is made only of joining words
("and", "what about", "for", "আর", "ক্ষেত্রে", "jonno") and the other
operation's name. The fallback classifier leaves it to the dialogue, which
sends the same answer's counterpart for that operation
(``bot.conversation_operation.counterpart_of_last_answer``), or, with no
such answer, asks what the patient would like to know about that operation.

Plain functions: tests call them without Rasa.
"""

from __future__ import annotations

from typing import FrozenSet, Mapping, Optional

from bot.nlu.bangla import canonical_words
from bot.nlu.concepts import words
from bot.nlu.named_operation import HIP, KNEE

# Longer messages say what they ask; they are left to the NLU.
MAX_WORDS = 6
# Words that ask "the same, for this one", in English, Bangla script and
# romanized Bangla; one of them must be in the message ("hip" alone is a topic).
JOINING_WORDS: FrozenSet[str] = canonical_words(
    {
        "and",
        "about",
        "for",
        "same",
        "also",
        "আর",
        "জন্য",
        "ক্ষেত্রে",
        "বেলায়",
        "ar",
        "jonno",
        "jonne",
        "khetre",
        "belay",
    }
)
# Words that may stand beside them without asking anything else.
FILLER_WORDS: FrozenSet[str] = canonical_words(
    {
        "what",
        "how",
        "the",
        "a",
        "in",
        "case",
        "of",
        "with",
        "then",
        "one",
        "s",
        "operation",
        "surgery",
        "তাহলে",
        "কী",
        "কি",
        "এর",
        "অপারেশন",
        "অপারেশনের",
        "অপারেশনে",
        "tahole",
        "tahle",
        "ki",
        "er",
        "operationer",
    }
)
# The operations' names, as the patient writes them.
OPERATION_NAMES: Mapping[str, FrozenSet[str]] = {
    KNEE: canonical_words(
        {"knee", "knees", "dfo", "হাঁটু", "হাঁটুর", "হাটু", "হাটুর", "hatu", "hatur", "haatu", "haatur"}
    ),
    HIP: canonical_words(
        {"hip", "hips", "vro", "vdro", "vdo", "হিপ", "হিপের", "hipe", "hiper", "কোমর", "কোমরের"}
    ),
}


def other_operation_asked(text: str) -> Optional[str]:
    """The operation a "the same, for this one" message names ("and for the hip?"), if it is one.

    Returns:
        ``knee`` or ``hip``; ``None`` for any other message: a longer one, one
        that names both operations or none, one without a joining word, or
        one with any word that asks something else ("and the hip's recovery?").
    """
    message_words = words((text or "").lower())
    if not message_words or len(message_words) > MAX_WORDS:
        return None
    named = [
        operation for operation, names in OPERATION_NAMES.items() if names & set(message_words)
    ]
    if len(named) != 1 or not JOINING_WORDS & set(message_words):
        return None
    allowed = JOINING_WORDS | FILLER_WORDS | OPERATION_NAMES[named[0]]
    return named[0] if set(message_words) <= allowed else None
