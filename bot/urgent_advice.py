"""Which urgent-care message a message read as urgent gets.

Every one tells the patient to seek emergency care now; they differ in how
they say it:

* a report of red-flag symptoms ("the wound is leaking pus"): the advice;
* a question about a sign ("is it normal that the wound leaks?"): the same
  urgency, worded for a question;
* a general question about warning signs: the list of signs and what to do;
* a message only the models read as urgent, the red-flag detector having
  found no sign in it: the same urgency for a problem happening now, and a
  plain word that the assistant may have misread it. On our labelled sets
  the models alone read 11 messages as urgent; one was ("his foot is turned
  right out and he cries if we try to straighten it"), ten were not ("where
  did you get these answers from?", "no pus, no fever, just want to know
  when the stitches come out"). The advice stays first and unsoftened; the
  patient who meant something else is told how to go on.

The action (``actions/urgent.py``) and the channels' refused-message path
(``bot/channels/refused_message.py``) both choose here.
"""

from __future__ import annotations

from typing import Any, FrozenSet, Mapping

# The red-flag detector's name for a general question about warning signs
# (bot.nlu.red_flags.WARNING_SIGNS_QUESTION), written here so that the action
# server, which imports this module, does not load spaCy with the detector.
WARNING_SIGNS_QUESTION = "warning_signs_question"

SYMPTOMS_RESPONSE = "utter_urgent_care"
QUESTION_RESPONSE = "utter_urgent_care_question"
WARNING_SIGNS_RESPONSE = "utter_urgent_warning_signs"
MODELS_ONLY_RESPONSE = "utter_urgent_care_unsure"
# After it, with nobody taking the conversation over: the topics the message
# may have been about, as buttons ("if you asked about one of these, tap it").
MISREAD_TOPICS_RESPONSE = "utter_urgent_unsure_topics"

# The advice itself, in each of its wordings.
URGENT_ADVICE: FrozenSet[str] = frozenset(
    {SYMPTOMS_RESPONSE, QUESTION_RESPONSE, WARNING_SIGNS_RESPONSE, MODELS_ONLY_RESPONSE}
)


def urgent_response(parse_data: Mapping[str, Any]) -> str:
    """The urgent-care response for a message read as urgent.

    Args:
        parse_data: The message's parse: ``red_flags`` (the detector's
            signs, possibly none) and ``red_flag_question``.
    """
    flags = parse_data.get("red_flags") or []
    if not flags:
        return MODELS_ONLY_RESPONSE
    if all(flag == WARNING_SIGNS_QUESTION for flag in flags):
        return WARNING_SIGNS_RESPONSE
    if parse_data.get("red_flag_question"):
        return QUESTION_RESPONSE
    return SYMPTOMS_RESPONSE
