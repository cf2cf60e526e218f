"""Format the dialogue states for Rasa's debug log only when debug logging is on.

Rasa 3.6's ``RulePolicy`` formats every state of the conversation into a
string (``Policy.format_tracker_states``) for a debug log line, before every
prediction, whatever the log level: work that grows with the conversation
(2.4% of the Rasa process late in a 200-message conversation, py-spy
2026-12-04), for a line that is dropped. With debug logging on, the states
are formatted as before.
"""

from __future__ import annotations

import logging
from typing import Dict, List

from rasa.core.policies.policy import Policy

RASA_FORMAT_TRACKER_STATES = Policy.format_tracker_states
RULE_POLICY_LOGGER = "rasa.core.policies.rule_policy"


def format_tracker_states(states: List[Dict]) -> str:
    """Rasa's formatted states if its policies log at debug level, else ``""``."""
    if not logging.getLogger(RULE_POLICY_LOGGER).isEnabledFor(logging.DEBUG):
        return ""
    return RASA_FORMAT_TRACKER_STATES(states)


def install() -> None:
    """Replace Rasa's static method (idempotent)."""
    Policy.format_tracker_states = staticmethod(format_tracker_states)
