"""Find the question inside a long message.

Parents often tell the child's whole story (age, diagnosis, what the doctor
said, their fears) and ask the question only at the end. A classifier that
reads the whole story weighs every sentence alike, so the story can drown the
question. These plain functions split a message into sentences and pick the
sentences that ask something, with the sentence before each (it often names
the operation the question is about).
"""

from __future__ import annotations

import re
from typing import List, Optional, Set

# A message needs this many words before it counts as a story worth focusing.
LONG_MESSAGE_WORDS = 25
_SENTENCE_END = re.compile(r"(?<=[.?!।])\s+|\n+|(?<=\?)(?=\S)")
# The parts of a short story: sentences, and the clauses a comma or semicolon ends.
_STORY_PART_END = re.compile(r"[.?!;,\n\u0964\u0965]+")
_WORD = re.compile(r"[\w\u0980-\u09FF]+", re.UNICODE)
# Words that open an English question.
_QUESTION_OPENERS = frozenset(
    (
        "what whats why how when where which who whom whose is are was were do does did "
        "can could will would should shall may might must am isn't aren't don't doesn't "
        "please pls plz tell explain any"
    ).split()
)
# Bangla and romanized Bangla ask with a question word anywhere in the
# sentence: "এটা কেন করা হয়", "eta keno kora hoy", "koto din lagbe".
_BANGLA_QUESTION_WORDS = frozenset(
    (
        "কি কী কেন কিভাবে কীভাবে কখন কবে কোথায় কোন কত কতদিন কোনটা কারা কাদের নাকি কিনা "
        "ki kii keno kno kivabe kibhabe kokhon kobe kothay koto kotodin kara kader naki kina"
    ).split()
)


def words(text: str) -> List[str]:
    """The words of a text, lower-cased (Bangla script kept whole)."""
    return [word.lower() for word in _WORD.findall(text)]


def split_sentences(text: str) -> List[str]:
    """Split a message into sentences on ., ?, !, the Bangla danda and line breaks."""
    return [part.strip() for part in _SENTENCE_END.split(text or "") if part and part.strip()]


def story_parts(text: str) -> List[str]:
    """Split a message into sentences and clauses (on commas and semicolons too)."""
    return [part.strip() for part in _STORY_PART_END.split(text or "") if part.strip()]


def asks_only_at_the_end(parts: List[str]) -> bool:
    """Whether a story of two parts or more asks nothing before its last part."""
    return len(parts) >= 2 and not any(is_question(part) for part in parts[:-1])


def is_question(sentence: str) -> bool:
    """Whether a sentence asks: a question mark, an English question word first, or a Bangla one."""
    if "?" in sentence:
        return True
    sentence_words = words(sentence)
    if not sentence_words:
        return False
    return sentence_words[0] in _QUESTION_OPENERS or any(
        word in _BANGLA_QUESTION_WORDS for word in sentence_words
    )


# A message this long or longer that asks nothing is a story or a statement.
STATEMENT_MIN_WORDS = 8
# English words that ask wherever they stand ("... but why is my knee still
# bad"): a message with one is never taken for a story that asks nothing.
# Patients' spellings count: "wat is the benifit of this operation".
_ASKING_WORDS = frozenset(
    "what why how when where which who whether wonder wondering wat wht hw wen wich".split()
)


def asks_nothing(text: str, min_words: int = STATEMENT_MIN_WORDS) -> bool:
    """Whether a message tells something (a story, a statement) and asks nothing.

    "We saw the surgeon today and he said she needs the osteotomy. It sounds
    frightening." has no question for a topic to answer; "what is VRO" and
    short replies ("ok thanks") are not stories.
    """
    message_words = words(text)
    if len(message_words) < min_words or _ASKING_WORDS.intersection(message_words):
        return False
    return not any(is_question(sentence) for sentence in split_sentences(text))


def question_focus(text: str, min_words: int = LONG_MESSAGE_WORDS) -> Optional[str]:
    """The question part of a long message, or ``None`` when there is nothing to focus on.

    Args:
        text: The patient's message.
        min_words: Messages shorter than this are read whole.

    Returns:
        The question sentences, each with the sentence before it, in order;
        the last two sentences when no sentence reads as a question; ``None``
        for a short message or a single sentence.
    """
    if len(words(text)) < min_words:
        return None
    sentences = split_sentences(text)
    if len(sentences) < 2:
        return None
    chosen: Set[int] = set()
    for index, sentence in enumerate(sentences):
        if is_question(sentence):
            chosen.update({index - 1, index} if index else {index})
    if not chosen:
        chosen = {len(sentences) - 2, len(sentences) - 1}
    if len(chosen) >= len(sentences):
        return None
    return " ".join(sentences[index] for index in sorted(chosen))


def reading_window(text: str, max_chars: int) -> str:
    """The part of an over-long message the classifier reads, at most ``max_chars`` long.

    A parent's long story asks at the end, so the window holds the message's
    last question sentences, each with the sentence before it, then as much
    of the message's end as still fits; the chosen sentences keep their
    order. A last sentence longer than the window is read from its end, cut
    at a word.
    """
    if len(text) <= max_chars:
        return text
    sentences = split_sentences(text)
    questions = [index for index, sentence in enumerate(sentences) if is_question(sentence)]
    preferred: List[int] = []
    for index in reversed(questions):
        preferred.extend((index, index - 1) if index else (index,))
    preferred.extend(range(len(sentences) - 1, -1, -1))
    chosen: Set[int] = set()
    used = 0
    for index in preferred:
        if index in chosen:
            continue
        cost = len(sentences[index]) + (1 if chosen else 0)
        if used + cost > max_chars:
            break
        chosen.add(index)
        used += cost
    if not chosen:
        return _tail(sentences[preferred[0]], max_chars)
    return " ".join(sentences[index] for index in sorted(chosen))


def _tail(sentence: str, max_chars: int) -> str:
    """The end of a sentence, at most ``max_chars`` long, starting at a word."""
    tail = sentence[-max_chars:]
    if len(sentence) > max_chars and " " in tail:
        tail = tail.split(" ", 1)[1]
    return tail.strip()
