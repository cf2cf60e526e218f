"""Short replies read by rule: "nothing else" closes, "got it" acknowledges."""

from pathlib import Path

import pytest
import yaml

from bot.nlu.short_replies import SHORT_REPLIES_FILE, load_short_replies, short_reply_intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # Share their words with "tell me more" / "আর কিছু আছে?".
        ("nothing else", "goodbye"),
        ("Nothing more, thanks!", "goodbye"),
        ("no more questions", "goodbye"),
        ("আর কিছু না", "goodbye"),
        ("আর কিছু জানার নেই", "goodbye"),
        ("ar kichu na vai", "goodbye"),
        ("ঠিক আছে, আর কিছু লাগবে না", "goodbye"),
        # Thanks, then goodbye: the models read it as thanks and asked "anything else?".
        ("ok thanks bye", "goodbye"),
        ("thank you, goodbye", "goodbye"),
        ("ধন্যবাদ, আল্লাহ হাফেজ", "goodbye"),
        ("got it", "thank"),
        ("ok understood", "thank"),
        ("বুঝেছি", "thank"),
        ("আচ্ছা বুঝলাম, ধন্যবাদ", "thank"),
        ("bujhchi apu", "thank"),
        # Thanks among filler words only: the models were unsure (0.43).
        ("thik ache dhonnobad", "thank"),
        ("ঠিক আছে, ধন্যবাদ", "thank"),
        ("ok thanks apu", "thank"),
        ("thank you", "thank"),
        # Often the first message; the models said "sorry, I can't help".
        ("What can you do?", "greet"),
        ("how can you help me?", "greet"),
        ("help", "greet"),
        ("আপনি কী কী বলতে পারেন?", "greet"),
        # A question announced, perhaps with its operation: the reply invites it.
        ("I have a question", "greet"),
        ("Hello, I have a question about the knee operation (DFO).", "greet"),
        ("Assalamu alaikum, can I ask something about my daughter's hip surgery?", "greet"),
        ("হ্যালো, হাঁটুর অপারেশন (DFO) নিয়ে আমার একটি প্রশ্ন আছে।", "greet"),
        ("VRO niye amar ekta prosno chilo", "greet"),
    ],
)
def test_a_short_reply_is_read_as_what_it_says(text: str, intent: str) -> None:
    assert short_reply_intent(text) == intent


@pytest.mark.parametrize(
    "text",
    [
        # Asking for more is not saying there is nothing more.
        "আর কিছু?",
        "আর কিছু আছে?",
        "tell me more",
        "anything else?",
        # Saying something more.
        "got it, but what about the cast?",
        "nothing else hurts, only the knee",
        "bujhlam na",
        # "Yes" accepts what was offered; filler words alone say nothing.
        "yes thanks",
        "ji dhonnobad",
        "ok",
        "thik ache",
        "help me please, my son is not breathing properly after the operation",
        "",
        # A question announced with what it is about: the models read that.
        "I have a question about the recovery after DFO",
        "I have a question about my son's hip, it hurts",
        "হিপের অপারেশনের পর হাঁটা নিয়ে আমার একটা প্রশ্ন আছে",
        # A question for a person: the models send it to staff.
        "I have a question for the doctor",
        # Long: more than a question announced.
        "hello doctor, I have a question about my son's hip operation, "
        "he is six and he has CP and the doctor said VRO",
    ],
)
def test_anything_else_is_left_to_the_models(text: str) -> None:
    assert short_reply_intent(text) is None


def test_no_or_na_is_never_set_aside() -> None:
    # Without its "না", "আর কিছু না" (nothing more) is "আর কিছু" (anything more?).
    fillers = load_short_replies().filler_words
    assert not {"no", "না", "na", "nai"} & fillers


def test_every_phrasing_is_a_conversation_intent() -> None:
    intents = set(load_short_replies().intents.values())
    assert intents == {"goodbye", "thank", "greet"}


def test_no_announcement_word_is_a_word_of_our_topics() -> None:
    # Set aside around "I have a question", a topic word would let a real
    # question ("I have a question about recovery") pass as a greeting.
    replies = load_short_replies()
    topic_words = {"recovery", "pain", "cast", "risk", "walk", "plate"}
    assert not topic_words & replies.set_aside_in_announcements
    assert short_reply_intent("I have a question about the cast") is None


def test_a_phrasing_under_two_intents_is_refused(tmp_path: Path) -> None:
    document = yaml.safe_load(SHORT_REPLIES_FILE.read_text(encoding="utf-8"))
    document["replies"]["thank"].append("nothing else")
    broken = tmp_path / "short_replies.yml"
    broken.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match="two intents"):
        load_short_replies(broken)
