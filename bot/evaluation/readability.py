"""Reading measures of the assistant's answers: length and reading grade.

English: words and the Flesch-Kincaid grade. Bangla: words and the average
sentence length in words (Flesch-Kincaid is defined for English only).
The closing "(From the surgeon's page on ...)" names the source; it is part of
what the patient reads, so it is kept in every measured text.

Run ``python -m bot.evaluation.readability`` for a table of every FAQ answer.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Sequence

import textstat

from bot.nlu.bangla import has_bangla
from bot.responses import load_responses

_SLOT = re.compile(r"\{[^}]*\}")
# A Bangla sentence ends with the dari (।), ? or !, or a full stop, perhaps
# followed by the closing bracket of the source note.
_BANGLA_SENTENCE_END = re.compile(r"(?<=[।?!.])[)\"'’”]*\s+")
BANGLA_CONDITION = [{"type": "slot", "name": "language", "value": "bn"}]

FIRST_ANSWER_PREFIX = "utter_faq/"
MORE_PREFIX = "utter_faq_more/"


def plain(text: str) -> str:
    """The text without ``{slot}`` placeholders."""
    return _SLOT.sub("", text)


def word_count(text: str) -> int:
    """Words as the patient sees them: runs of non-space characters."""
    return len(plain(text).split())


def english_grade(text: str) -> float:
    """Flesch-Kincaid grade of an English text."""
    return float(textstat.flesch_kincaid_grade(plain(text)))


def bangla_sentences(text: str) -> List[str]:
    """The sentences of a Bangla text (the source note is one of them)."""
    return [part for part in _BANGLA_SENTENCE_END.split(plain(text).strip()) if part.strip()]


def bangla_sentence_length(text: str) -> float:
    """Average words per sentence of a Bangla text."""
    sentences = bangla_sentences(text)
    return sum(word_count(sentence) for sentence in sentences) / max(1, len(sentences))


def english_text(variations: Sequence[Mapping]) -> Optional[str]:
    """The text of the first variation that has no condition (the English one)."""
    for variation in variations:
        if variation.get("text") and not variation.get("condition"):
            return variation["text"]
    return None


def bangla_text(variations: Sequence[Mapping]) -> Optional[str]:
    """The text of the variation conditioned on ``language: bn``."""
    for variation in variations:
        if variation.get("text") and variation.get("condition") == BANGLA_CONDITION:
            return variation["text"]
    return None


def response_grades(responses: Mapping[str, Sequence[Mapping]]) -> Dict[str, float]:
    """Flesch-Kincaid grade of the first text variation of each response.

    A response whose first text is in Bangla script (one sent only in
    Bangla, such as the automatic switch's notice) has no English to grade.
    """
    grades: Dict[str, float] = {}
    for name, variations in sorted(responses.items()):
        texts = [variation["text"] for variation in variations if variation.get("text")]
        if texts and not has_bangla(texts[0]):
            grades[name] = english_grade(texts[0])
    return grades


@dataclass(frozen=True)
class AnswerMeasures:
    """One response's reading measures in both languages."""

    name: str
    words_en: int
    grade_en: float
    words_bn: int
    sentence_length_bn: float


def answer_measures(responses: Mapping[str, Sequence[Mapping]]) -> List[AnswerMeasures]:
    """Measures of every FAQ first answer and "more" part, by name."""
    measures: List[AnswerMeasures] = []
    for name, variations in sorted(responses.items()):
        if not name.startswith((FIRST_ANSWER_PREFIX, MORE_PREFIX)):
            continue
        text_en = english_text(variations) or ""
        text_bn = bangla_text(variations) or ""
        measures.append(
            AnswerMeasures(
                name=name,
                words_en=word_count(text_en),
                grade_en=english_grade(text_en),
                words_bn=word_count(text_bn),
                sentence_length_bn=bangla_sentence_length(text_bn),
            )
        )
    return measures


def summary_lines(measures: Sequence[AnswerMeasures]) -> List[str]:
    """Median and maximum of each measure, for first answers and "more" parts apart."""
    lines: List[str] = []
    for label, prefix in (("first answers", FIRST_ANSWER_PREFIX), ("more parts", MORE_PREFIX)):
        group = [m for m in measures if m.name.startswith(prefix)]
        if not group:
            continue
        columns: Dict[str, List[float]] = {
            "EN words": [m.words_en for m in group],
            "EN FK grade": [m.grade_en for m in group],
            "BN words": [m.words_bn for m in group],
            "BN words/sentence": [m.sentence_length_bn for m in group],
        }
        figures = ", ".join(
            f"{column} median {statistics.median(values):.1f} max {max(values):.1f}"
            for column, values in columns.items()
        )
        lines.append(f"FAQ {label} ({len(group)}): {figures}")
    return lines


def render_table(measures: Sequence[AnswerMeasures]) -> str:
    """One line per answer, then the summary."""
    lines = [f"{'response':44} {'EN words':>8} {'FK':>5} {'BN words':>8} {'BN w/s':>6}"]
    for m in measures:
        lines.append(
            f"{m.name:44} {m.words_en:8d} {m.grade_en:5.1f} {m.words_bn:8d} "
            f"{m.sentence_length_bn:6.1f}"
        )
    return "\n".join(lines + [""] + summary_lines(measures))


def main() -> None:
    """Print the table of every FAQ answer in data/responses/."""
    from bot.settings import PROJECT_ROOT

    print(render_table(answer_measures(load_responses(PROJECT_ROOT))))


if __name__ == "__main__":
    main()
