"""Build the project's spaCy pipeline from packages PyPI ships.

spaCy's pretrained pipelines cannot be downloaded on the clinic's machines, so
`make install` builds one: a blank English tokenizer that also splits Bangla
punctuation (the danda "।" is not punctuation to spaCy's English rules, so
"হবে।আমার" stayed one token), the lookup lemmatizer
from ``spacy-lookups-data``, a rule-based sentencizer, lemma corrections
for words the general-purpose lookup table gets wrong in a clinic ("wound" is
not the past tense of "wind" here), and the list of real English words that
the red-flag detector must not mistake for misspelt symptoms.

Run as ``python -m bot.nlu.spacy_pipeline [OUTPUT_DIR]`` (default build/spacy/en_clinic).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Dict, List, Pattern, Union, cast

import spacy
from spacy.attrs import ORTH
from spacy.lang.tokenizer_exceptions import URL_PATTERN
from spacy.language import Language
from spacy.lookups import load_lookups
from spacy.pipeline import Lemmatizer
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

from bot.digits import BANGLA_DIGIT_CLASS
from bot.nlu.bangla import BANGLA_LETTER_CLASS, DANDA, DOUBLE_DANDA
from bot.nlu.red_flags import CONFUSABLES_TABLE, VOCABULARY, one_edit_variants

# Where `make install` puts the pipeline and config.yml's SpacyNLP reads it.
DEFAULT_OUTPUT = Path("build/spacy/en_clinic")

# Lemmas the lookup table maps to an unrelated word in a medical conversation.
LEMMA_CORRECTIONS: Dict[str, str] = {
    "wound": "wound",
    "wounds": "wound",
    "stitches": "stitch",
    "calves": "calf",
    "osteotomies": "osteotomy",
    "x-rays": "x-ray",
    "xrays": "x-ray",
    "feet": "foot",
    "toes": "toe",
    "numbness": "numbness",
    "swollen": "swollen",
    "leaking": "leak",
    "oozing": "ooze",
    # "number" is not "more numb" in a chat about phone numbers.
    "number": "number",
    "numbers": "number",
}


# Words at least this frequent in spaCy's English word-probability table are
# real words ("fewer"), not misspellings of a symptom word ("fever").
KNOWN_WORD_LOG_PROB = -15.5


def confusable_real_words() -> List[str]:
    """Real English words one edit from a red-flag word, which must not be corrected."""
    probabilities = load_lookups("en", ["lexeme_prob"]).get_table("lexeme_prob")
    confusables = set()
    for word in VOCABULARY:
        for variant in one_edit_variants(word):
            if variant in VOCABULARY:
                continue
            probability = probabilities.get(variant)
            if probability is not None and probability >= KNOWN_WORD_LOG_PROB:
                confusables.add(variant)
    return sorted(confusables)


_DANDAS = f"[{DANDA}{DOUBLE_DANDA}]"
_BN = BANGLA_LETTER_CLASS
_BN_DIGIT = BANGLA_DIGIT_CLASS
# spaCy's English rules count the Bangla block, and the danda (in the
# Devanagari block), as letters. These rules only ever match next to Bangla
# characters or a danda, so English text is tokenized exactly as before.
# An affix rule as spaCy takes it: a regular expression, as text or compiled.
Affixes = List[Union[str, Pattern[str]]]

BANGLA_PREFIXES: Affixes = [_DANDAS, "৳"]
BANGLA_SUFFIXES: Affixes = [
    _DANDAS,
    # "|" typed for a danda on keyboards without one: "জ্বর|"
    rf"(?<=[{_BN}])\|",
]
BANGLA_INFIXES: Affixes = [
    # "হবে।আমার": a danda never belongs to a word.
    _DANDAS,
    # "কতদিন?আমার", "জ্বর!!আমার", "হবে.আমার", "জ্বর;ব্যথা", "জ্বর|আমার"
    rf"(?<=[{_BN}])(?:[?!]+|[.;|])(?=[{_BN}])",
    # "১০৩ডিগ্রি": a Bangla number glued to the word after it.
    rf"(?<=[{_BN_DIGIT}])(?=[{_BN}])",
]
# A Bangla decimal or grouped number ("১০৩.৫", "১,০০০") is one token; spaCy's
# English infix rule for "." between letters would split it otherwise.
BANGLA_NUMBER = re.compile(rf"^[{_BN_DIGIT}]+(?:[.,][{_BN_DIGIT}]+)+$")
# spaCy's URL pattern accepts any letters around a dot, so "হবে.আমার" (a full
# stop typed without a space) was kept whole as a "domain name".
URL_NOT_BANGLA_SENTENCES = re.compile(rf"(?u)(?!\S*[{_BN}]\.[{_BN}])" + URL_PATTERN)

# Title abbreviations that end in a full stop but end no sentence:
# ডা. (doctor), ড. (Dr., PhD), মো. (Mohammad), মোসা. (Mosammat).
BANGLA_ABBREVIATIONS = ["ডা.", "ড.", "মো.", "মোসা.", "মোছা."]


def add_bangla_punctuation(nlp: Language) -> None:
    """Teach the English tokenizer Bangla punctuation (see the rules above)."""
    tokenizer = cast(Tokenizer, nlp.tokenizer)
    tokenizer.prefix_search = compile_prefix_regex(
        BANGLA_PREFIXES + list(nlp.Defaults.prefixes or ())
    ).search
    tokenizer.suffix_search = compile_suffix_regex(
        BANGLA_SUFFIXES + list(nlp.Defaults.suffixes or ())
    ).search
    tokenizer.infix_finditer = compile_infix_regex(
        list(nlp.Defaults.infixes or ()) + BANGLA_INFIXES
    ).finditer
    tokenizer.token_match = BANGLA_NUMBER.match
    tokenizer.url_match = URL_NOT_BANGLA_SENTENCES.match
    for abbreviation in BANGLA_ABBREVIATIONS:
        tokenizer.add_special_case(abbreviation, [{ORTH: abbreviation}])


def build_pipeline() -> Language:
    """Create the blank English pipeline with lemmatizer and sentencizer.

    Returns:
        An initialised ``Language`` object ready to save with ``to_disk``.
    """
    nlp = spacy.blank("en")
    add_bangla_punctuation(nlp)
    # spaCy's default sentence-final characters include "।" and "॥".
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    lemmatizer = cast(Lemmatizer, nlp.get_pipe("lemmatizer"))
    table = lemmatizer.lookups.get_table("lemma_lookup")
    for word, lemma in LEMMA_CORRECTIONS.items():
        table[word] = lemma
    nlp.vocab.lookups.add_table(CONFUSABLES_TABLE, {"words": confusable_real_words()})
    nlp.meta["name"] = "clinic_en"
    nlp.meta["description"] = (
        "Blank English tokenizer with Bangla punctuation rules, lookup lemmas "
        "from spacy-lookups-data, sentencizer; built by bot.nlu.spacy_pipeline"
    )
    return nlp


def main() -> None:
    """Build the pipeline into the folder given on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "output",
        type=Path,
        nargs="?",
        default=DEFAULT_OUTPUT,
        help=f"folder to write the pipeline to (default: {DEFAULT_OUTPUT})",
    )
    args = parser.parse_args()
    args.output.mkdir(parents=True, exist_ok=True)
    build_pipeline().to_disk(args.output)
    print(f"spaCy pipeline written to {args.output}")


if __name__ == "__main__":
    main()
