"""Word n-gram features that keep Bangla words whole.

Rasa's ``CountVectorsFeaturizer`` splits the text into words with the pattern
``\\b\\w+\\b``. Bangla vowel signs, the hasant, the nukta and the joiners are
combining marks, not ``\\w``, so "আমার" became "আম" + "র" and Bangla word
features were fragments. This featurizer uses the same pattern plus those
marks: on text without them (English, romanized Bangla) it finds exactly the
same words as Rasa's.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from sklearn.feature_extraction.text import CountVectorizer

# \w, or a Bangla sign (candrabindu..visarga, nukta, vowel signs, hasant,
# au length mark, vocalic vowel signs), or ZWNJ/ZWJ.
BANGLA_AWARE_WORD_PATTERN = (
    r"(?u)(?:\w|[\u0981-\u0983\u09bc\u09be-\u09cd\u09d7\u09e2\u09e3\u200c\u200d])+"
)


def _keep_bangla_words(
    vectorizers: Dict[str, CountVectorizer], parameters: Dict[str, Any]
) -> Dict[str, CountVectorizer]:
    if parameters["analyzer"] == "word":
        for vectorizer in vectorizers.values():
            vectorizer.token_pattern = BANGLA_AWARE_WORD_PATTERN
    return vectorizers


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=True)
class BanglaAwareCountVectorsFeaturizer(CountVectorsFeaturizer):
    """``CountVectorsFeaturizer`` whose word analyzer keeps Bangla words whole."""

    @classmethod
    def _create_independent_vocab_vectorizers(
        cls, parameters: Dict[str, Any], vocabulary: Optional[Any] = None
    ) -> Dict[str, CountVectorizer]:
        vectorizers = super()._create_independent_vocab_vectorizers(parameters, vocabulary)
        return _keep_bangla_words(vectorizers, parameters)

    @classmethod
    def _create_shared_vocab_vectorizers(
        cls, parameters: Dict[str, Any], vocabulary: Optional[Any] = None
    ) -> Dict[str, CountVectorizer]:
        vectorizers = super()._create_shared_vocab_vectorizers(parameters, vocabulary)
        return _keep_bangla_words(vectorizers, parameters)
