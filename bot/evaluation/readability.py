"""Reading grade of the assistant's English answers."""

from __future__ import annotations

import re
from typing import Dict, Mapping, Sequence

import textstat

# The closing "(From the clinic's page on ...)" names the source; it is part of
# what the patient reads, so it is kept in the measured text.
_SLOT = re.compile(r"\{[^}]*\}")


def response_grades(responses: Mapping[str, Sequence[Mapping]]) -> Dict[str, float]:
    """Flesch-Kincaid grade of the first text variation of each response."""
    grades: Dict[str, float] = {}
    for name, variations in sorted(responses.items()):
        texts = [variation.get("text") for variation in variations if variation.get("text")]
        if texts:
            grades[name] = float(textstat.flesch_kincaid_grade(_SLOT.sub("", texts[0])))
    return grades
