"""The NLU's parse of one message, as action tests give it to ``tracker.latest_message``."""

from __future__ import annotations

from typing import Any, Dict, Optional, Sequence


def parse_data(
    text: str,
    intent: str,
    confidence: float,
    ranking: Sequence[tuple[str, float]] = (),
    selected: Optional[str] = None,
    out_of_domain: Optional[Sequence[str]] = None,
) -> Dict[str, Any]:
    """A parse in the shape our topic classifier writes it.

    Args:
        text: The message.
        intent: The intent understood.
        confidence: Its confidence.
        ranking: The FAQ ranking, ``(key, confidence)`` best first.
        selected: The FAQ key the ResponseSelector picked, if any.
        out_of_domain: The out-of-domain terms found (``topic_evidence``), if given.
    """
    selector: Dict[str, Any] = {
        "ranking": [
            {"id": index, "intent_response_key": key, "confidence": value}
            for index, (key, value) in enumerate(ranking)
        ]
    }
    if selected is not None:
        selector["response"] = {"intent_response_key": selected}
    parse: Dict[str, Any] = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": [],
        "response_selector": {"faq": selector},
    }
    if out_of_domain is not None:
        parse["topic_evidence"] = {"out_of_domain": list(out_of_domain)}
    return parse
