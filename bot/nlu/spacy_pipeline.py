"""Build the project's spaCy pipeline from packages PyPI ships.

spaCy's pretrained pipelines cannot be downloaded on the clinic's machines, so
`make install` builds one: a blank English tokenizer, the lookup lemmatizer
from ``spacy-lookups-data``, a rule-based sentencizer, lemma corrections
for words the general-purpose lookup table gets wrong in a clinic ("wound" is
not the past tense of "wind" here), and the list of real English words that
the red-flag detector must not mistake for misspelt symptoms.

Run as ``python -m bot.nlu.spacy_pipeline OUTPUT_DIR``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Dict

import spacy
from spacy.language import Language
from spacy.lookups import load_lookups

from bot.nlu.red_flags import CONFUSABLES_TABLE, VOCABULARY, one_edit_variants

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


def confusable_real_words() -> list:
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


def build_pipeline() -> Language:
    """Create the blank English pipeline with lemmatizer and sentencizer.

    Returns:
        An initialised ``Language`` object ready to save with ``to_disk``.
    """
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    for word, lemma in LEMMA_CORRECTIONS.items():
        table[word] = lemma
    nlp.vocab.lookups.add_table(CONFUSABLES_TABLE, {"words": confusable_real_words()})
    nlp.meta["name"] = "clinic_en"
    nlp.meta["description"] = (
        "Blank English tokenizer, lookup lemmas from spacy-lookups-data, "
        "sentencizer; built by bot.nlu.spacy_pipeline"
    )
    return nlp


def main() -> None:
    """Build the pipeline into the folder given on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="folder to write the pipeline to")
    args = parser.parse_args()
    args.output.mkdir(parents=True, exist_ok=True)
    build_pipeline().to_disk(args.output)
    print(f"spaCy pipeline written to {args.output}")


if __name__ == "__main__":
    main()
