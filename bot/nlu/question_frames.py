"""Short questions about one operation: "How is DFO done?" gets the answer that says how.

The questions, and the answer each gets for the knee and for the hip, live in
``question_frames.yml`` beside this module, written for a clinician to read
and extend; the operation's names are the glossary's (``glossary.yml``). A
message is such a question when it names exactly one operation and, once
that name and the filler words are set aside, what is left is exactly one of
the listed phrasings.

The same question often ends a story: "amar hatu beke geche, doctor bollo
DFO lagbe, eta keno kora hoy?", "My mother is 58 and the doctor suggested
DFO. Why is it done?". When the story names exactly one operation, asks
nothing before its last part, and that last part points back at the
operation ("it", "eta", "এটা", or the name again, not both) and is otherwise
one listed phrasing, it gets the same answer. "What is it?" is not read this
way: at a story's end, "it" and "that" as often mean what the doctor said.

A short question that names no operation may name a condition the file
lists instead ("Can knock knees be corrected?"); only the questions that
give that condition an answer read it.

Plain functions: tests call them without Rasa.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional, Sequence, Tuple

import yaml

from bot.nlu.concepts import Phrase, listed_phrases, listed_words, words
from bot.nlu.glossary import MAX_WORDS, defined_term_answer, is_the_term, load_glossary
from bot.nlu.named_operation import SURGERY_WORDS
from bot.nlu.question_focus import asks_only_at_the_end, is_question, split_sentences, story_parts

QUESTION_FRAMES_FILE = Path(__file__).with_name("question_frames.yml")
# A story longer than this is read by the models (with its question in focus).
MAX_STORY_WORDS = 80


@dataclass(frozen=True)
class QuestionFrame:
    """One kind of short question, and the answer it gets for each operation."""

    name: str
    answers: Dict[str, str]
    asks: FrozenSet[Phrase]


@dataclass(frozen=True)
class QuestionFrames:
    """The questions, the names of each operation, and the filler words."""

    questions: Tuple[QuestionFrame, ...]
    operation_names: Dict[str, Tuple[Phrase, ...]]
    filler_words: FrozenSet[str]
    # A romanized spelling and the spelling the phrasings use ("hoi" -> "hoy").
    spellings: Dict[str, str] = field(default_factory=dict)
    # The pronouns that point back at the operation a story named ("it",
    # "eta", "এটা"); words for an operation ("the surgery") do too
    # (``SURGERY_WORDS``).
    reference_words: FrozenSet[str] = frozenset()
    # "Osteotomy" alone: the word both operations share, naming neither.
    shared_operation_words: FrozenSet[str] = frozenset()
    # Phrasings that mean something else at a story's end ("how does it work").
    not_after_a_story: FrozenSet[Phrase] = frozenset()
    # Questions (by name) a story's last part may ask without pointing back
    # at the operation it named ("... doctor said DFO. how long recovery?").
    asked_alone_after_a_story: FrozenSet[str] = frozenset()
    # Conditions a short question may name instead of an operation ("knock
    # knees"): their names, and the words that leave such a message to the
    # models ("my son's knock knees").
    condition_names: Dict[str, Tuple[Phrase, ...]] = field(default_factory=dict)
    condition_not_with: Dict[str, FrozenSet[str]] = field(default_factory=dict)
    # Words that make an operation word another operation ("abar operation",
    # "a second surgery"): a story telling of one is left to the models.
    further_operation_words: FrozenSet[str] = frozenset()


def _without_fillers(
    phrase: Sequence[str], fillers: FrozenSet[str], spellings: Dict[str, str]
) -> Phrase:
    return tuple(spellings.get(word, word) for word in phrase if word not in fillers)


def _spellings(document: dict, path: Path) -> Dict[str, str]:
    listed = document.get("spellings") or {}
    if not isinstance(listed, dict):
        raise ValueError(f"{path}: expected a mapping under 'spellings'")
    return {
        str(variant).lower(): str(word).lower()
        for word, variants in listed.items()
        for variant in variants or []
        if str(variant).lower() != str(word).lower()
    }


@functools.cache
def load_question_frames(path: Path = QUESTION_FRAMES_FILE) -> QuestionFrames:
    """The question frames in ``path`` (loaded once), with the glossary's names and fillers."""
    glossary = load_glossary()
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    operations = document.get("operations")
    questions = document.get("questions")
    if not isinstance(operations, dict) or not isinstance(questions, dict):
        raise ValueError(f"{path}: expected mappings under 'operations' and 'questions'")
    fillers = glossary.filler_words | listed_words(document.get("filler_words") or [])
    spellings = _spellings(document, path)
    names = {}
    for operation, glossary_key in operations.items():
        if glossary_key not in glossary.terms:
            raise ValueError(f"{path}: {glossary_key!r} is not a glossary entry")
        names[str(operation)] = glossary.terms[glossary_key]
    condition_names, condition_not_with = _conditions(document, path, glossary.terms)
    overlap = set(names) & set(condition_names)
    if overlap:
        raise ValueError(f"{path}: {sorted(overlap)} are both operations and conditions")
    frames = []
    for name, entry in questions.items():
        answers = {str(op): str(key) for op, key in (entry.get("answers") or {}).items()}
        unknown = set(answers) - set(names) - set(condition_names)
        if unknown:
            raise ValueError(f"{path}: {name}: unknown operations {sorted(unknown)}")
        asks = frozenset(
            _without_fillers(words(str(ask).lower()), fillers, spellings)
            for ask in entry.get("asks") or []
        ) - {()}
        frames.append(QuestionFrame(str(name), answers, asks))
    return QuestionFrames(
        tuple(frames),
        names,
        fillers,
        spellings,
        reference_words=listed_words(document.get("reference_words") or []),
        shared_operation_words=listed_words(document.get("shared_operation_words") or []),
        not_after_a_story=frozenset(
            _without_fillers(words(str(ask).lower()), fillers, spellings)
            for ask in document.get("not_after_a_story") or []
        ),
        condition_names=condition_names,
        condition_not_with=condition_not_with,
        further_operation_words=listed_words(document.get("further_operation_words") or []),
        asked_alone_after_a_story=_question_names(document, "asked_alone_after_a_story", path),
    )


def _question_names(document: dict, section: str, path: Path) -> FrozenSet[str]:
    """A section listing questions by name; each must be a question of the file.

    Raises:
        ValueError: for a name that is not one of the ``questions``.
    """
    names = frozenset(str(name) for name in document.get(section) or [])
    unknown = names - set(document.get("questions") or {})
    if unknown:
        raise ValueError(f"{path}: {section}: unknown questions {sorted(unknown)}")
    return names


def _conditions(
    document: dict, path: Path, glossary_terms: Dict[str, Tuple[Phrase, ...]]
) -> Tuple[Dict[str, Tuple[Phrase, ...]], Dict[str, FrozenSet[str]]]:
    """The ``conditions`` section: each condition's names and its ``not_with`` words.

    A condition's names are a glossary entry's terms (``names``), or listed
    with it (``terms``) when no answer defines it ("knee pain").
    """
    listed = document.get("conditions") or {}
    if not isinstance(listed, dict):
        raise ValueError(f"{path}: expected a mapping under 'conditions'")
    names, not_with = {}, {}
    for condition, entry in listed.items():
        entry = entry if isinstance(entry, dict) else {}
        glossary_key, terms = entry.get("names"), entry.get("terms")
        if terms is not None:
            phrases = listed_phrases(terms or [])
            if glossary_key is not None or not phrases:
                raise ValueError(f"{path}: {condition}: give either 'names' or some 'terms'")
            names[str(condition)] = phrases
        elif glossary_key in glossary_terms:
            names[str(condition)] = glossary_terms[glossary_key]
        else:
            raise ValueError(f"{path}: {condition}: {glossary_key!r} is not a glossary entry")
        not_with[str(condition)] = listed_words(entry.get("not_with") or [])
    return names, not_with


def operation_mentions(
    message_words: Sequence[str], frames: QuestionFrames
) -> List[Tuple[str, int, int]]:
    """Each name of an operation in the words: ``(operation, start, length)``, in order."""
    return name_mentions(message_words, frames.operation_names)


def name_mentions(
    message_words: Sequence[str], names_of: Dict[str, Tuple[Phrase, ...]]
) -> List[Tuple[str, int, int]]:
    """Each name of ``names_of``'s entries in the words: ``(entry, start, length)``, in order."""
    found = []
    for entry, names in names_of.items():
        for start in range(len(message_words)):
            # The longest name that starts here ("varus derotational osteotomy", not "varus").
            lengths = [
                len(name)
                for name in names
                if is_the_term(name, message_words[start : start + len(name)])
            ]
            if lengths:
                found.append((entry, start, max(lengths)))
    # Names inside a longer name found at the same place are the same mention.
    return sorted(
        (entry, start, length)
        for entry, start, length in found
        if not any(
            other_start <= start
            and start + length <= other_start + other_length
            and (other_start, other_length) != (start, length)
            for _, other_start, other_length in found
        )
    )


def named_operation_and_rest(
    message_words: Sequence[str], frames: QuestionFrames
) -> Optional[Tuple[str, List[str]]]:
    """The one operation the words name, and the words around its name.

    ``None`` when no operation is named, or more than one name is found
    (the same operation twice, or both operations).
    """
    return _one_mention_and_rest(message_words, operation_mentions(message_words, frames))


def _named_condition_and_rest(
    message_words: Sequence[str], frames: QuestionFrames
) -> Optional[Tuple[str, List[str]]]:
    """The one condition words that name no operation name, and the words around it.

    ``None`` when they name no condition or more than one name, or a word
    that leaves the condition to the models (``not_with``).
    """
    found = name_mentions(message_words, frames.condition_names)
    named = _one_mention_and_rest(message_words, found)
    if named is None or frames.condition_not_with.get(named[0], frozenset()) & set(message_words):
        return None
    return named


def _one_mention_and_rest(
    message_words: Sequence[str], found: List[Tuple[str, int, int]]
) -> Optional[Tuple[str, List[str]]]:
    if len(found) != 1:
        return None
    name, start, length = found[0]
    return name, [*message_words[:start], *message_words[start + length :]]


def _answer(
    asked: Phrase,
    operation: str,
    frames: QuestionFrames,
    only: Optional[FrozenSet[str]] = None,
) -> Optional[str]:
    """The one answer a listed phrasing gets for ``operation``, if exactly one.

    ``only``: the names of the questions it may be (default: any).
    """
    answers = {
        frame.answers[operation]
        for frame in frames.questions
        if operation in frame.answers
        and asked in frame.asks
        and (only is None or frame.name in only)
    }
    return answers.pop() if len(answers) == 1 else None


def framed_question_answer(text: str, frames: Optional[QuestionFrames] = None) -> Optional[str]:
    """The FAQ key for a short question about one operation, if ``text`` is only that.

    A message naming no operation may name one condition instead ("Can knock
    knees be corrected?"), read by the questions that answer for it.

    Args:
        text: The patient's message.
        frames: The questions to look for (default: ``question_frames.yml``).

    Returns:
        ``faq/...``, or ``None`` when the message is not one listed question
        about exactly one operation that has an answer for it.
    """
    frames = frames or load_question_frames()
    message_words = words((text or "").lower())
    if not message_words or len(message_words) > MAX_WORDS:
        return None
    operations = operation_mentions(message_words, frames)
    if operations:
        named = _one_mention_and_rest(message_words, operations)
    else:
        named = _named_condition_and_rest(message_words, frames)
    if named is None:
        return None
    operation, rest = named
    asked = _without_fillers(rest, frames.filler_words, frames.spellings)
    return _answer(asked, operation, frames)


def _asked_of_the_operation(question_words: Sequence[str], frames: QuestionFrames) -> Phrase:
    """What a question asks, with "it", "the surgery" and the filler words set aside."""
    pointers = frames.reference_words | SURGERY_WORDS
    return _without_fillers(
        [word for word in question_words if word not in pointers],
        frames.filler_words,
        frames.spellings,
    )


# The operation a short question that names none is read as: the knee's
# answer where the question has one (the examples of unnamed questions carry
# the knee's answers too), else the hip's ("can it fail?").
UNNAMED_OPERATION_ORDER = ("knee", "hip")


def unnamed_operation_answer(text: str, frames: Optional[QuestionFrames] = None) -> Optional[str]:
    """The FAQ key for a short question about "the operation" or "it" that names none.

    "How is it done?", "who is this operation for?", "অপারেশনটা কেন করা
    হয়?", "how is an osteotomy done?" sent in the clinic's chat ask about the
    operation the patient came for. Such a message names no operation and no
    condition, points at one ("it", "this", "eta", a word for an operation,
    or "osteotomy", which both operations are), and is otherwise
    exactly one listed phrasing. It gets the knee's answer to that question
    (the hip's when only the hip page answers it); the dialogue reads it in
    the page's or the conversation's operation, says which operation the
    answer is about, and offers the other's (``actions/faq.py``).
    """
    frames = frames or load_question_frames()
    message_words = words((text or "").lower())
    if not message_words or len(message_words) > MAX_WORDS:
        return None
    if operation_mentions(message_words, frames) or name_mentions(
        message_words, frames.condition_names
    ):
        return None
    shared = frames.shared_operation_words
    if not (frames.reference_words | SURGERY_WORDS | shared) & set(message_words):
        # "Why?" alone may be about anything.
        return None
    # Only this reading sets "osteotomy" aside; the story reading, which
    # shares _asked_of_the_operation, leaves it in what is asked.
    asked = _asked_of_the_operation([word for word in message_words if word not in shared], frames)
    for operation in UNNAMED_OPERATION_ORDER:
        answer = _answer(asked, operation, frames)
        if answer:
            return answer
    return None


def _short_story_parts(text: Optional[str]) -> Optional[List[str]]:
    """A story's parts when it is short enough and asks only in its last part, else ``None``."""
    parts = story_parts(text or "")
    if not asks_only_at_the_end(parts) or len(words((text or "").lower())) > MAX_STORY_WORDS:
        return None
    return parts


def _tells_of_another_operation(parts: Sequence[str], frames: QuestionFrames) -> bool:
    """Whether the story's parts tell of a further operation: "abar operation", "revision"."""
    for part in parts:
        part_words = words(part.lower())
        for index, word in enumerate(part_words):
            if word == "revision" or (
                word in frames.further_operation_words
                and SURGERY_WORDS & set(part_words[index + 1 : index + 3])
            ):
                return True
    return False


def story_question_answer(text: str, frames: Optional[QuestionFrames] = None) -> Optional[str]:
    """The FAQ key for a story that ends with a short question about the one operation it names.

    Args:
        text: The patient's message.
        frames: The questions to look for (default: ``question_frames.yml``).

    Returns:
        ``faq/...``, or ``None`` when the message is not such a story: it
        names no operation or more than one, asks something before its last
        part, or its last part does not point back at the operation, or is
        not exactly one listed question.
    """
    frames = frames or load_question_frames()
    parts = _short_story_parts(text)
    if parts is None:
        return None
    message_words = words(text.lower())
    operations = {operation for operation, _, _ in operation_mentions(message_words, frames)}
    if len(operations) != 1:
        return None
    operation = operations.pop()
    if _tells_of_another_operation(parts[:-1], frames):
        return None
    question_words = words(parts[-1].lower())
    in_question = named_operation_and_rest(question_words, frames)
    rest = in_question[1] if in_question else question_words
    pronouns = frames.reference_words & set(rest)
    if in_question is not None and pronouns:
        # The operation named again and "it" too: "এটা VRO তে কিভাবে হয়?"
        # asks how something else happens in a VRO.
        return None
    asked = _asked_of_the_operation(rest, frames)
    if in_question is None and not (pronouns or SURGERY_WORDS & set(rest)):
        # "Why?" may be about anything the story told; "how long recovery?"
        # only about the operation.
        return _answer(asked, operation, frames, frames.asked_alone_after_a_story)
    if asked in frames.not_after_a_story:
        return None
    return _answer(asked, operation, frames)


def story_definition_answer(text: str, frames: Optional[QuestionFrames] = None) -> Optional[str]:
    """The FAQ key for a story that ends by asking what one named term means.

    "doctor told osteotomy for my knee, what is meant by osteotomy": the story
    asks nothing before its last part, and that part alone is a definition
    question of one glossary term (``bot.nlu.glossary.defined_term_answer``).
    A last part that points back ("does that mean DFO?", "is that what DFO
    does?") asks about the story, and is left to the models.
    """
    frames = frames or load_question_frames()
    parts = _short_story_parts(text)
    if parts is None or frames.reference_words & set(words(parts[-1].lower())):
        return None
    return defined_term_answer(parts[-1])


# A message of several short questions is read by its first only when it is
# this short in all.
MAX_QUESTIONS_WORDS = 16


def first_question_answer(text: str, frames: Optional[QuestionFrames] = None) -> Optional[str]:
    """The FAQ key for two or three short questions whose first is a definition or a short question.

    "spica cast ki? koto din thakbe?", "derotation mane ki? anteversion ki
    jinish?": patients send one question after another, and the first often
    asks what a term means or why an operation is done. Its answer is given;
    what the later questions ask is checked as for any answer (another
    operation named, a kind the answer does not address, a red flag).
    """
    sentences = split_sentences(text or "")
    if not 2 <= len(sentences) <= 3 or len(words((text or "").lower())) > MAX_QUESTIONS_WORDS:
        return None
    if not all(is_question(sentence) for sentence in sentences):
        return None
    return defined_term_answer(sentences[0]) or framed_question_answer(sentences[0], frames)
