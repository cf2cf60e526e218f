"""Questions beyond the pages are reported as the contract's ``request_human``."""

from typing import Any, Dict, List, Optional

from rasa.shared.nlu.training_data.message import Message

from bot.nlu.contract_names import ContractIntentNames, report_in_contract_names


def message(
    intent: str,
    confidence: float = 0.8,
    kind: Optional[str] = None,
    entities: Optional[List[Dict[str, Any]]] = None,
) -> Message:
    """A parsed message as the fallback classifier leaves it."""
    ranking = [{"name": intent, "confidence": confidence}, {"name": "faq", "confidence": 0.1}]
    return Message(
        data={
            "text": "how much pain will he have after the VRO?",
            "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": ranking,
            "entities": list(entities or []),
            "topic_evidence": {"unanswered_kind": kind, "linear_label": intent},
        }
    )


def unanswered(parsed: Message) -> List[Dict[str, Any]]:
    """The message's ``unanswered_question`` entities."""
    return [e for e in parsed.get("entities") if e["entity"] == "unanswered_question"]


def test_a_question_beyond_the_pages_is_reported_as_request_human_with_its_kind() -> None:
    parsed = message("beyond_sources", 1.0, kind="pain_amount")
    report_in_contract_names(parsed)
    assert parsed.get("intent") == {"name": "request_human", "confidence": 1.0}
    assert [e["value"] for e in unanswered(parsed)] == ["pain_amount"]
    mark = unanswered(parsed)[0]
    assert mark["extractor"] == "ContractIntentNames"
    # The whole message is the question; the value is a kind, never its text.
    assert (mark["start"], mark["end"]) == (0, len(parsed.get("text")))


def test_the_models_own_verdict_keeps_its_confidence_and_says_beyond_sources() -> None:
    parsed = message("beyond_sources", 0.64)
    report_in_contract_names(parsed)
    assert parsed.get("intent") == {"name": "request_human", "confidence": 0.64}
    assert [e["value"] for e in unanswered(parsed)] == ["beyond_sources"]


def test_the_ranking_keeps_the_classifiers_labels_for_review() -> None:
    parsed = message("beyond_sources", 0.64)
    report_in_contract_names(parsed)
    assert parsed.get("intent_ranking")[0]["name"] == "beyond_sources"


def test_other_entities_stay_and_the_mark_is_never_doubled() -> None:
    button = {"entity": "faq_topic", "value": "vro_recovery", "start": 0, "end": 5}
    parsed = message("beyond_sources", entities=[button])
    report_in_contract_names(parsed)
    parsed.set("intent", {"name": "beyond_sources", "confidence": 0.64})
    report_in_contract_names(parsed)
    assert parsed.get("entities")[0] == button
    assert len(unanswered(parsed)) == 1


def test_every_other_verdict_is_left_as_it_is() -> None:
    for intent in ("request_human", "faq", "out_of_scope", "nlu_fallback", "urgent_symptoms"):
        parsed = message(intent, kind="cost")
        report_in_contract_names(parsed)
        assert parsed.get("intent")["name"] == intent
        assert unanswered(parsed) == []


def test_the_component_renames_every_message_it_processes() -> None:
    component = ContractIntentNames()
    plain, beyond = message("request_human"), message("beyond_sources")
    assert component.process([plain, beyond]) == [plain, beyond]
    assert unanswered(plain) == [] and len(unanswered(beyond)) == 1
