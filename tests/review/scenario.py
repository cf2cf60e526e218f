"""A small clinic's week of conversations, written through Rasa's SQL tracker store.

Times are UTC; the clinic's days are Asia/Dhaka (UTC+6).

=============  ==========  ========  =====================================================
id             channel     language  what happens
=============  ==========  ========  =====================================================
faq-en         webchat     en        three FAQ questions (a phone number in one), thanks
urgent-bn      whatsapp    bn        red flags in Bangla, urgent slot, paused, staff reply
fallback-latn  rest        bn_latn   nlu_fallback, a clarify, a formula, low confidence,
                                     handoff; 13 March in Dhaka but 12 March in UTC
button         webchat     bn (slot) an FAQ topic button; reviewed; a clinic_handoffs row
empty          webchat     -         widget opened, nothing written (not in the log)
old            webchat     en        a greeting in January
=============  ==========  ========  =====================================================
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Dict, List

from rasa.shared.core.events import (
    ConversationPaused,
    ConversationResumed,
    Event,
    SessionStarted,
    SlotSet,
)

from tests.review.helpers import action, bot, ts, user

UTC = timezone.utc
DAY1 = datetime(2025, 3, 10, 4, 0, tzinfo=UTC)  # 10:00 in Dhaka
DAY2 = datetime(2025, 3, 11, 8, 0, tzinfo=UTC)
DAY3 = datetime(2025, 3, 12, 19, 30, tzinfo=UTC)  # 01:30 on 13 March in Dhaka
DAY4 = datetime(2025, 3, 14, 6, 0, tzinfo=UTC)
OLD = datetime(2025, 1, 5, 10, 0, tzinfo=UTC)

PHONE_TEXT = "What is a DFO? Please call me on 01712-345678"
FORMULA_TEXT = '=HYPERLINK("http://evil.example","click")'
# "হয়েছে" with the precomposed য় (U+09DF), as some Bangla keyboards type it.
BANGLA_URGENT = "অপারেশনের পর জ্বর হ\u09dfেছে আর ক্ষত থেকে পুঁজ পড়ছে"
BANGLA_STAFF = "আমি নার্স রহিমা, আপনার সাথে কথা বলছি। 01812345678 নম্বরে ফোন করুন"

ORDER_NEWEST_FIRST = ["button", "fallback-latn", "urgent-bn", "faq-en", "old"]


def _m(start: datetime, minutes: float) -> datetime:
    return start + timedelta(minutes=minutes)


def _session_start(at: datetime) -> List[Event]:
    return [
        action("action_session_start", at=at),
        SessionStarted(timestamp=ts(at)),
        action("action_listen", at=at),
    ]


def conversations() -> Dict[str, List[Event]]:
    """Every conversation's events, in the order Rasa would have logged them."""
    faq_en: List[Event] = [
        *_session_start(DAY1),
        user(PHONE_TEXT, "faq", 0.93, at=_m(DAY1, 1), language="en",
             answer=("faq/dfo_what_is", 0.88)),
        action("action_answer_faq", at=_m(DAY1, 1.1)),
        bot("A distal femoral osteotomy is an operation on the thigh bone.",
            at=_m(DAY1, 1.1), utter="utter_faq/dfo_what_is"),
        action("action_listen", at=_m(DAY1, 1.2)),
        user("how long is recovery after dfo", "faq", 0.91, at=_m(DAY1, 3), language="en",
             answer=("faq/dfo_recovery", 0.8)),
        action("action_answer_faq", at=_m(DAY1, 3.1)),
        bot("The clinic's page gives no exact timeline.", at=_m(DAY1, 3.1),
            utter="utter_faq/dfo_recovery"),
        action("action_listen", at=_m(DAY1, 3.2)),
        user("what is a dfo exactly", "faq", 0.9, at=_m(DAY1, 4), language="en",
             answer=("faq/dfo_what_is", 0.9)),
        action("action_answer_faq", at=_m(DAY1, 4.1)),
        bot("A distal femoral osteotomy is an operation on the thigh bone.",
            at=_m(DAY1, 4.1), utter="utter_faq/dfo_what_is"),
        action("action_listen", at=_m(DAY1, 4.2)),
        user("thanks", "thank", 0.98, at=_m(DAY1, 5), language="en"),
        action("utter_welcome", at=_m(DAY1, 5.1)),
        bot("You're welcome.", at=_m(DAY1, 5.1), utter="utter_welcome"),
        action("action_listen", at=_m(DAY1, 6)),
    ]  # fmt: skip
    urgent_bn: List[Event] = [
        user(BANGLA_URGENT, "urgent_symptoms", 1.0, at=DAY2, channel="whatsapp",
             language="bn", red_flags=["fever", "wound_discharge"]),
        action("action_urgent_care", at=_m(DAY2, 0.1)),
        bot("Please seek emergency care now.", at=_m(DAY2, 0.1), utter="utter_urgent_care"),
        SlotSet("urgent", True, timestamp=ts(_m(DAY2, 0.1))),
        action("action_listen", at=_m(DAY2, 0.2)),
        ConversationPaused(timestamp=ts(_m(DAY2, 2))),
        bot(BANGLA_STAFF, at=_m(DAY2, 3), staff="Rahima"),
        ConversationResumed(timestamp=ts(_m(DAY2, 10))),
        user("ধন্যবাদ", "thank", 0.95, at=_m(DAY2, 11), channel="whatsapp", language="bn"),
        action("utter_welcome", at=_m(DAY2, 11.1)),
        bot("You're welcome.", at=_m(DAY2, 11.1), utter="utter_welcome"),
        action("action_listen", at=_m(DAY2, 11.2)),
    ]  # fmt: skip
    fallback_latn: List[Event] = [
        user("hip er plate kobe khulbe", "nlu_fallback", 0.31, at=DAY3, channel="rest",
             language="bn_latn"),
        action("action_clarify", at=_m(DAY3, 0.1)),
        bot("Did you mean one of these?", at=_m(DAY3, 0.1), utter="utter_clarify",
            buttons=[{"title": "Hip: plate removal", "payload": "/faq"}]),
        action("action_listen", at=_m(DAY3, 0.2)),
        user(FORMULA_TEXT, "out_of_scope", 0.72, at=_m(DAY3, 1), channel="rest",
             language="bn_latn"),
        action("action_clarify", at=_m(DAY3, 1.1)),
        bot("Could you say that in other words?", at=_m(DAY3, 1.1), utter="utter_rephrase"),
        action("action_listen", at=_m(DAY3, 1.2)),
        user("vro te koto din hospital e thakte hobe", "faq", 0.42, at=_m(DAY3, 2),
             channel="rest", language="bn_latn", answer=("faq/vro_hospital_stay", 0.35)),
        action("action_answer_faq", at=_m(DAY3, 2.1)),
        bot("Most children stay a few days.", at=_m(DAY3, 2.1),
            utter="utter_faq/vro_hospital_stay"),
        action("action_listen", at=_m(DAY3, 2.2)),
        user("yes", "affirm", 0.99, at=_m(DAY3, 3), channel="rest", language="bn_latn"),
        action("action_handoff", at=_m(DAY3, 3.1)),
        bot("I have passed your question to the clinic's staff.", at=_m(DAY3, 3.1),
            utter="utter_handoff"),
        SlotSet("handoff_requested", True, timestamp=ts(_m(DAY3, 3.1))),
        action("action_listen", at=_m(DAY3, 3.2)),
    ]  # fmt: skip
    button: List[Event] = [
        user('/faq{"faq_topic": "vro_recovery"}', "faq", 1.0, at=DAY4,
             entities=[{"entity": "faq_topic", "value": "vro_recovery"}],
             metadata={"display_text": "Recovery after VRO"}),
        action("action_answer_faq", at=_m(DAY4, 0.1)),
        bot("Bone healing takes about 8 to 12 weeks.", at=_m(DAY4, 0.1),
            utter="utter_faq/vro_recovery"),
        SlotSet("language", "bn", timestamp=ts(_m(DAY4, 0.1))),
        action("action_listen", at=_m(DAY4, 0.2)),
    ]  # fmt: skip
    empty: List[Event] = [
        *_session_start(DAY4),
        bot("Hello! I am the clinic's automated assistant.", at=DAY4, utter="utter_intro"),
    ]
    old: List[Event] = [
        user("hello", "greet", 0.99, at=OLD, language="en"),
        action("utter_greet", at=_m(OLD, 0.1)),
        bot("What would you like to know?", at=_m(OLD, 0.1), utter="utter_greet"),
        action("action_listen", at=_m(OLD, 0.2)),
    ]
    return {
        "faq-en": faq_en,
        "urgent-bn": urgent_bn,
        "fallback-latn": fallback_latn,
        "button": button,
        "empty": empty,
        "old": old,
    }
