"""Words that place a question outside the clinic's two operations.

The list lives in ``out_of_domain.yml`` beside this module, written for a
clinician to read and extend; this module only loads and matches it.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Dict, FrozenSet, List, Tuple

import yaml

from bot.nlu.bangla import has_bangla, normalise_word
from bot.nlu.concepts import concept_phrases, concepts_in

TERMS_FILE = Path(__file__).with_name("out_of_domain.yml")
_WORD = re.compile(r"[\w\u0980-\u09FF]+", re.UNICODE)
# Words naming our own operations: with one of them, the question is ours
# even if it names something else too ("DFO or HTO?", "VRO after a fracture").
# "Osteotomy" alone is not one: a high tibial osteotomy is another operation.
ANCHORS = frozenset("dfo vro vdro vdo derotation derotational varus spica ডিএফও".split())


def _phrase(text: str) -> Tuple[str, ...]:
    return tuple(normalise_word(word) for word in _WORD.findall(text.lower()))


@functools.cache
def outside_terms(path: Path = TERMS_FILE) -> FrozenSet[Tuple[str, ...]]:
    """The out-of-domain terms, each as a tuple of normalised words (loaded once)."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    terms = frozenset(_phrase(str(term)) for term in document.get("outside") or [])
    return frozenset(term for term in terms if term)


def out_of_domain_terms(text: str) -> List[str]:
    """The out-of-domain terms a message contains, unless it also names our operations.

    Args:
        text: The patient's message.

    Returns:
        The matched terms (from the list, never other message text), sorted;
        empty when there are none or the message names DFO, VRO or osteotomy
        in a way that makes it ours. A term listed under ``ours_with`` is left
        out when the message also names one of its concepts ("the ankles" of
        knock knees, "the tibia" beside the femur of a valgus knee).
    """
    words = _phrase(text)
    if any(word in ANCHORS for word in words):
        return []
    by_first_word, by_bangla_start = term_index()
    found = set()
    for start, word in enumerate(words):
        candidates = by_first_word.get(word, [])
        if by_bangla_start and has_bangla(word):
            candidates = candidates + [t for t in by_bangla_start if word.startswith(t[0])]
        for term in candidates:
            end = start + len(term)
            if end <= len(words) and _matches(words[start:end], term):
                found.add(" ".join(term))
    listed = ours_with()
    if not found & listed.keys():
        return sorted(found)
    named = set(concepts_in(text))
    return sorted(term for term in found if not listed.get(term, frozenset()) & named)


@functools.cache
def ours_with(path: Path = TERMS_FILE) -> Dict[str, FrozenSet[str]]:
    """For some terms, the concepts that make them part of a question of ours.

    Raises:
        ValueError: The section is not a mapping of listed terms to lists of
            concept names from ``concepts.yml`` (a typo would never match).
    """
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    section = document.get("ours_with") or {}
    if not isinstance(section, dict):
        raise ValueError(f"{path}: 'ours_with' must map terms to lists of concepts")
    known_terms = {" ".join(term) for term in outside_terms(path)}
    known_concepts = set(concept_phrases())
    table: Dict[str, FrozenSet[str]] = {}
    for term, concepts in section.items():
        key = " ".join(_phrase(str(term)))
        if key not in known_terms:
            raise ValueError(f"{path}: ours_with names {term!r}, which is not an outside term")
        if not isinstance(concepts, list) or not concepts:
            raise ValueError(f"{path}: ours_with.{term} must be a list of concepts")
        unknown = sorted({str(concept) for concept in concepts} - known_concepts)
        if unknown:
            raise ValueError(f"{path}: ours_with.{term} names unknown concepts {unknown}")
        table[key] = frozenset(str(concept) for concept in concepts)
    return table


@functools.cache
def term_index(
    path: Path = TERMS_FILE,
) -> Tuple[Dict[str, List[Tuple[str, ...]]], List[Tuple[str, ...]]]:
    """The terms by their first word, so a message is read once, not once per term.

    Returns:
        Terms whose first word must be matched exactly, by that word; and the
        terms whose first word is Bangla script, which may carry an ending.
    """
    by_first_word: Dict[str, List[Tuple[str, ...]]] = {}
    by_bangla_start: List[Tuple[str, ...]] = []
    for term in sorted(outside_terms(path)):
        if has_bangla(term[0]):
            by_bangla_start.append(term)
        else:
            by_first_word.setdefault(term[0], []).append(term)
    return by_first_word, by_bangla_start


def _matches(words: Tuple[str, ...], term: Tuple[str, ...]) -> bool:
    """Word by word; a Bangla-script word may carry an ending ("কাঁধে" for "কাঁধ")."""
    return all(
        word == part or (has_bangla(part) and word.startswith(part))
        for word, part in zip(words, term, strict=False)
    )
