"""Names of responses that more than one action sends."""

OUT_OF_SCOPE_RESPONSE = "utter_out_of_scope"
BEYOND_SOURCES_RESPONSE = "utter_beyond_sources"
OWN_DECISION_RESPONSE = "utter_own_decision"
