"""Intent names that several modules act on, written once.

Plain strings, no imports: the NLU components, the channels, the actions, the
review and the evaluation all read them from here.
"""

from __future__ import annotations

# The retrieval intent of every FAQ answer; its keys are ``faq/<topic>``.
FAQ_INTENT = "faq"
# What the fallback classifier gives a message it is not sure about.
FALLBACK_INTENT = "nlu_fallback"
OUT_OF_SCOPE_INTENT = "out_of_scope"
# On our topics, but asking what the sources do not say: the honest answer and
# staff. The classifier's label; reported as ``request_human`` (the contract's).
BEYOND_SOURCES_INTENT = "beyond_sources"
# Red flags: the urgent path, whatever else the message says.
URGENT_INTENT = "urgent_symptoms"
REQUEST_HUMAN_INTENT = "request_human"
# Marks a ``request_human`` message that is a question the pages do not answer
# (the classifier's ``beyond_sources``), set by ``bot.nlu.contract_names``.
UNANSWERED_QUESTION_ENTITY = "unanswered_question"

# The parse data's property with both topic models' verdicts (labels and
# scores, never text), set by ``bot.nlu.topic_classifier``.
TOPIC_EVIDENCE = "topic_evidence"
# Its property with the kind of question the pages do not answer that a rule
# recognised (``pain_amount``), or ``None``; read for the related answer and
# the ``unanswered_question`` entity's value.
UNANSWERED_KIND = "unanswered_kind"
