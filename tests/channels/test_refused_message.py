"""A refused message's red flags: which urgent text, in which language, from the domain."""

from __future__ import annotations

from typing import Any, Dict, List

from bot.channels.refused_message import (
    reply_language,
    response_text,
    urgent_response_name,
)
from bot.urgent_advice import URGENT_ADVICE


def parsed(intent: str, **extra: Any) -> Dict[str, Any]:
    return {"intent": {"name": intent}, **extra}


def test_only_urgent_messages_get_an_urgent_response() -> None:
    assert urgent_response_name(parsed("faq")) is None
    assert urgent_response_name({}) is None
    assert (
        urgent_response_name(parsed("urgent_symptoms", red_flags=["wound_problem"]))
        == "utter_urgent_care"
    )
    assert (
        urgent_response_name(
            parsed("urgent_symptoms", red_flags=["wound_problem"], red_flag_question=True)
        )
        == "utter_urgent_care_question"
    )
    assert urgent_response_name(parsed("urgent_symptoms")) == "utter_urgent_care_unsure"
    assert (
        urgent_response_name(parsed("urgent_symptoms", red_flags=["warning_signs_question"]))
        == "utter_urgent_warning_signs"
    )


def test_the_urgent_text_follows_the_patients_language(
    responses: Dict[str, List[Dict[str, Any]]],
) -> None:
    variants = responses["utter_urgent_care"]
    english = response_text(variants, reply_language("my toes are blue and I cant feel them"))
    bangla = response_text(variants, reply_language("অপারেশনের পর থেকে ওর খুব জ্বর"))
    assert english == variants[0]["text"] and "999" in english
    assert bangla != english and "৯৯৯" in bangla


def test_every_urgent_response_has_english_and_bangla(
    responses: Dict[str, List[Dict[str, Any]]],
) -> None:
    for name in sorted(URGENT_ADVICE):
        english, bangla = response_text(responses[name], "en"), response_text(responses[name], "bn")
        assert english and bangla and english != bangla, name
