"""The rule-based red-flag detector and its vocabulary file.

The parametrised English phrasings come from tests/data/red_flag_phrasings.yml,
written separately from the rules by someone who did not see them; the Bangla
and romanized Bangla ones, and the ``flagged_as``, ``near_misses`` and
``phrased_as`` sections, were written with the rules.
"""

from dataclasses import fields
from pathlib import Path
from typing import Iterator, List, Tuple

import pytest
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from spacy.language import Language

from bot.nlu import red_flags
from bot.nlu.bangla import normalise_word
from bot.nlu.red_flag_detector import RED_FLAG_QUESTION, RED_FLAGS, URGENT_INTENT, RedFlagDetector
from bot.nlu.red_flags import (
    DATA_FILE,
    Lexicon,
    VocabularyError,
    detect_red_flags,
    lexicon,
    load_lexicon,
    parse_lexicon,
    phrased_as_question,
    proper_names,
    spelling_matches,
)
from tests.conftest import TEST_DATA, load_yaml

PHRASINGS = load_yaml(TEST_DATA / "red_flag_phrasings.yml")


def _flagged_as() -> Iterator[Tuple[str, str, str]]:
    for flag, languages in PHRASINGS["flagged_as"].items():
        for language, texts in languages.items():
            for text in texts:
                yield flag, language, text


def _near_misses() -> Iterator[Tuple[str, str]]:
    for language, texts in PHRASINGS["near_misses"].items():
        for text in texts:
            yield language, text


@pytest.mark.parametrize("text", PHRASINGS["urgent"])
def test_unseen_urgent_phrasings_are_flagged(nlp: Language, text: str) -> None:
    assert detect_red_flags(nlp(text)), text


@pytest.mark.parametrize("text", PHRASINGS["not_urgent"])
def test_unseen_ordinary_questions_are_not_flagged(nlp: Language, text: str) -> None:
    assert detect_red_flags(nlp(text)) == [], text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("his wound is leaking and smells bad", [red_flags.WOUND_PROBLEM]),
        ("she has a high fever since last night", [red_flags.HIGH_FEVER]),
        ("her temperature is 39.5", [red_flags.HIGH_FEVER]),
        ("my calf is swollen and painful", [red_flags.CALF_SWELLING]),
        ("I suddenly feel a tight chest", [red_flags.CHEST_PAIN]),
        ("he cannot breathe properly", [red_flags.BREATHLESSNESS]),
        ("his foot is cold and white", [red_flags.LIMB_CIRCULATION]),
        ("she can't feel her toes", [red_flags.LIMB_CIRCULATION]),
        ("my son fell on the leg that was operated", [red_flags.FALL_AFTER_SURGERY]),
    ],
)
def test_each_red_flag_has_its_own_name(nlp: Language, text: str, expected: List[str]) -> None:
    assert detect_red_flags(nlp(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "no fever and the wound is not red",
        "the wound looks clean, without any discharge",
        "there is no swelling in his calf",
    ],
)
def test_negated_signs_are_not_flagged(nlp: Language, text: str) -> None:
    assert detect_red_flags(nlp(text)) == []


def test_a_question_about_warning_signs_after_surgery_has_its_own_flag(nlp: Language) -> None:
    assert detect_red_flags(nlp("what are the warning signs of wound infection?")) == [
        red_flags.WARNING_SIGNS_QUESTION
    ]


def test_breathing_trouble_is_flagged_even_inside_a_question(nlp: Language) -> None:
    text = "what are the signs of a problem, he is short of breath since this morning"
    assert red_flags.BREATHLESSNESS in detect_red_flags(nlp(text))


def test_red_flag_in_second_sentence_is_found(nlp: Language) -> None:
    text = "We had the VRO done last month. Today her toes are blue."
    assert detect_red_flags(nlp(text)) == [red_flags.LIMB_CIRCULATION]


@pytest.mark.parametrize(
    "text",
    [
        "We are back home after his knee operation. It's his cast. And it stinks.",
        "The dressing came off today. It is oozing yellow stuff.",
        "Her spica cast was changed on Monday. Now it smells really bad.",
    ],
)
def test_a_sign_told_of_the_cast_or_wound_in_the_next_sentence_is_flagged(
    nlp: Language, text: str
) -> None:
    assert red_flags.WOUND_PROBLEM in detect_red_flags(nlp(text))


@pytest.mark.parametrize(
    "text",
    [
        # Without the sign, or with the sign about something else, nothing.
        "It's his cast. It is signed by all his classmates.",
        "The wound has healed well. The hospital food smelled bad.",
        "Her cast comes off next week. It has been six weeks.",
    ],
)
def test_the_next_sentence_without_a_sign_of_its_own_is_not_flagged(
    nlp: Language, text: str
) -> None:
    assert detect_red_flags(nlp(text)) == []


@pytest.mark.parametrize(
    "text",
    [
        "can you help my son his toes are blue and cold",
        "could someone please help her wound is leaking",
        "can u tell me what to do, he has a high fever after the VRO",
    ],
)
def test_a_plea_for_help_is_not_a_general_question(nlp: Language, text: str) -> None:
    assert detect_red_flags(nlp(text))


@pytest.mark.parametrize(
    "text",
    ["will I get a fever after the operation?", "can a fall after the operation move the plate?"],
)
def test_what_might_happen_is_not_a_report(nlp: Language, text: str) -> None:
    assert detect_red_flags(nlp(text)) == []


# --- Bangla script and romanized Bangla ------------------------------------


@pytest.mark.parametrize("text", PHRASINGS["urgent_bn"])
def test_bangla_urgent_phrasings_are_flagged(nlp: Language, text: str) -> None:
    assert detect_red_flags(nlp(text)), text


@pytest.mark.parametrize("text", PHRASINGS["not_urgent_bn"])
def test_bangla_ordinary_or_negated_phrasings_are_not_flagged(nlp: Language, text: str) -> None:
    assert detect_red_flags(nlp(text)) == [], text


@pytest.mark.parametrize("text", PHRASINGS["urgent_bn_latn"])
def test_romanized_urgent_phrasings_are_flagged(nlp: Language, text: str) -> None:
    assert detect_red_flags(nlp(text)), text


@pytest.mark.parametrize("text", PHRASINGS["not_urgent_bn_latn"])
def test_romanized_ordinary_or_negated_phrasings_are_not_flagged(nlp: Language, text: str) -> None:
    assert detect_red_flags(nlp(text)) == [], text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("অপারেশনের পর থেকে খুব জ্বর", [red_flags.HIGH_FEVER]),
        ("ছেলের ১০৩ জ্বর", [red_flags.HIGH_FEVER]),
        ("কাটা জায়গা থেকে পুঁজ বের হচ্ছে", [red_flags.WOUND_PROBLEM]),
        ("পায়ের গোছা ফুলে গেছে", [red_flags.CALF_SWELLING]),
        ("বুকে ব্যথা", [red_flags.CHEST_PAIN]),
        ("শ্বাসকষ্ট হচ্ছে", [red_flags.BREATHLESSNESS]),
        ("হঠাৎ প্রচণ্ড ব্যথা", [red_flags.SEVERE_PAIN]),
        ("পা অবশ হয়ে গেছে", [red_flags.LIMB_CIRCULATION]),
        ("অপারেশনের পর পড়ে গেছে", [red_flags.FALL_AFTER_SURGERY]),
        ("operation er por jor", [red_flags.HIGH_FEVER]),
        ("kata jaygay lal hoye geche", [red_flags.WOUND_PROBLEM]),
        ("payer gocha fule geche", [red_flags.CALF_SWELLING]),
        ("buke betha", [red_flags.CHEST_PAIN]),
        ("shas nite kosto", [red_flags.BREATHLESSNESS]),
        ("hothat khub betha", [red_flags.SEVERE_PAIN]),
        ("pa thanda", [red_flags.LIMB_CIRCULATION]),
        ("operation er por pore geche", [red_flags.FALL_AFTER_SURGERY]),
    ],
)
def test_bangla_and_romanized_red_flags_have_their_names(
    nlp: Language, text: str, expected: List[str]
) -> None:
    assert detect_red_flags(nlp(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "জ্বর নেই",
        "জ্বর নাই",
        "কাটা জায়গা লাল নয়",
        "লাল হয়নি",
        "বুকে কোনো ব্যথা নেই",
        "jor nai",
        "jor nei",
        "kata jayga lal na",
        "lal hoy nai",
        "buke betha hoyni",
        "pa thanda lagena",
    ],
)
def test_negation_after_the_sign_is_understood(nlp: Language, text: str) -> None:
    assert detect_red_flags(nlp(text)) == []


@pytest.mark.parametrize(
    "text",
    [
        # "not going down": the negation makes it worse, not better
        "অপারেশনের পর থেকে জ্বর কমছে না",
        "jor jacche na operation er por",
        # "cannot": inability, not the absence of a sign
        "শ্বাস নিতে পারছে না",
        "pa nadate parche na",
        "পায়ে কোনো অনুভূতি নেই",
        "ব্যথা সহ্য করতে পারছে না",
    ],
)
def test_a_negation_that_reports_a_sign_is_flagged(nlp: Language, text: str) -> None:
    assert detect_red_flags(nlp(text)), text


@pytest.mark.parametrize(
    ("question", "report"),
    [
        ("অপারেশনের পর জ্বর হলে কী করব?", "অপারেশনের পর জ্বর হয়েছে, কী করব?"),
        ("operation er por jor hole ki korbo?", "operation er por jor hoise, ki korbo?"),
    ],
)
def test_a_question_about_what_if_is_not_a_report(
    nlp: Language, question: str, report: str
) -> None:
    assert detect_red_flags(nlp(question)) == []
    assert detect_red_flags(nlp(report))


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # circulation, post-op swelling and wound signs count even as "what if"
        ("jodi pa thanda hoy ki korbo?", [red_flags.LIMB_CIRCULATION]),
        ("অপারেশনের পর কি পা ফুলে যায়?", [red_flags.POST_OP_SWELLING]),
        ("what if the stitches start leaking?", [red_flags.WOUND_PROBLEM]),
        ("will the calf swell after the hip operation?", [red_flags.CALF_SWELLING]),
    ],
)
def test_a_question_about_what_if_is_urgent_for_wound_clot_swelling_and_circulation(
    nlp: Language, question: str, expected: List[str]
) -> None:
    assert detect_red_flags(nlp(question)) == expected


def test_a_stated_symptom_beside_a_what_if_question_is_flagged(nlp: Language) -> None:
    assert detect_red_flags(nlp("jor hole ki korbo, cheler jor 103")) == [red_flags.HIGH_FEVER]


def test_now_or_help_makes_a_question_a_plea(nlp: Language) -> None:
    assert detect_red_flags(nlp("operation er por jor ashle ki korbo, ekhon 102"))
    assert detect_red_flags(nlp("অপারেশনের পর জ্বর হলে কী করব? এখন ১০৪ জ্বর"))


def test_breathing_trouble_is_flagged_even_in_a_bangla_question(nlp: Language) -> None:
    assert detect_red_flags(nlp("শ্বাস নিতে কষ্ট হলে কী করব?")) == [red_flags.BREATHLESSNESS]


@pytest.mark.parametrize(
    "text",
    ["ছেলের ১০৩ জ্বর", "ছেলের 103 জ্বর", "জ্বর ১০২.৫", "১০৩ডিগ্রি জ্বর", "jor 39.5", "temperature 39C"],
)
def test_temperatures_in_bangla_or_ascii_digits_are_high(nlp: Language, text: str) -> None:
    assert detect_red_flags(nlp(text)) == [red_flags.HIGH_FEVER]


def test_ordinary_temperatures_are_not_high(nlp: Language) -> None:
    assert detect_red_flags(nlp("ছেলের ৩৭ জ্বর")) == []


@pytest.mark.parametrize(
    "text",
    [
        "পায়ের গোছা ফুলে গেছে",  # য় typed as one code point (U+09DF)
        "পা\u09af\u09bcের গোছা ফুলে গেছে",  # য + nukta
        "পা\u09dfের গোছা ফুলে গেছে",
    ],
)
def test_both_encodings_of_ya_with_nukta_are_read(nlp: Language, text: str) -> None:
    assert detect_red_flags(nlp(text)) == [red_flags.CALF_SWELLING]


def test_fall_needs_an_operation_as_in_english(nlp: Language) -> None:
    assert detect_red_flags(nlp("ছেলে খেলতে গিয়ে পড়ে গেছে")) == []
    assert detect_red_flags(nlp("ছেলে অপারেশনের পর খেলতে গিয়ে পড়ে গেছে")) == [
        red_flags.FALL_AFTER_SURGERY
    ]


def test_many_days_is_not_a_high_fever(nlp: Language) -> None:
    # "অনেক" is "very" next to a fever, and "many" in "অনেক দিন".
    assert detect_red_flags(nlp("অপারেশনের অনেক দিন পর হালকা জ্বর")) == []
    assert detect_red_flags(nlp("অনেক জ্বর")) == [red_flags.HIGH_FEVER]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("goroom", "gorom"), ("bethaa", "betha"), ("thadna", "thanda"), ("shahs", "shash")],
)
def test_romanized_words_match_at_one_edit(typed: str, meant: str) -> None:
    assert meant in spelling_matches(typed)


@pytest.mark.parametrize("typed", ["jr", "lal", "pa", "nl"])
def test_short_romanized_words_are_never_corrected(typed: str) -> None:
    assert not spelling_matches(typed) & red_flags.ROMANIZED_VOCABULARY


@pytest.mark.parametrize(
    "text",
    [
        # everyday Banglish one edit from a symptom word
        "kota din por plaster khulbe?",  # kota (how many), not kata (cut)
        "pani khawa jabe?",  # pani (water), not pain
        "operation er porer din ki khabo?",  # porer (next), not jorer (fever's)
        "matha ghuray, ki korbo?",  # matha (head), not batha (pain)
    ],
)
def test_everyday_banglish_is_not_taken_for_misspelt_symptoms(nlp: Language, text: str) -> None:
    assert detect_red_flags(nlp(text)) == []


@pytest.mark.parametrize(
    "text",
    [
        "my pa feels cold today",  # "pa" is a leg only in a Bangla sentence
        "Kate has red hair",  # not "kata" (a cut)
        "the chap at the chest clinic was kind",  # not "chap" (pressure)
    ],
)
def test_english_words_are_not_read_as_romanized_bangla(nlp: Language, text: str) -> None:
    assert detect_red_flags(nlp(text)) == []


# --- Signs asked as questions, new signs, near misses -------------------------


@pytest.mark.parametrize(("flag", "language", "text"), list(_flagged_as()))
def test_signs_told_or_asked_have_their_flag(
    nlp: Language, flag: str, language: str, text: str
) -> None:
    assert flag in detect_red_flags(nlp(text)), f"{language}: {text}"


@pytest.mark.parametrize("text", PHRASINGS["flagged_as"][red_flags.WARNING_SIGNS_QUESTION]["en"])
def test_a_warning_signs_question_is_not_also_read_as_the_signs_it_names(
    nlp: Language, text: str
) -> None:
    assert detect_red_flags(nlp(text)) == [red_flags.WARNING_SIGNS_QUESTION]


@pytest.mark.parametrize(("language", "text"), list(_near_misses()))
def test_near_misses_are_not_flagged(nlp: Language, language: str, text: str) -> None:
    assert detect_red_flags(nlp(text)) == [], f"{language}: {text}"


@pytest.mark.parametrize(
    "text",
    [
        "is it common to get a blood clot after surgery? my son's calf is swollen",
        "অপারেশনের পর পা ফুলে গেছে, রক্ত জমাট বাঁধার ঝুঁকি আছে?",
    ],
)
def test_a_risk_question_does_not_hide_a_sign_told_beside_it(nlp: Language, text: str) -> None:
    assert detect_red_flags(nlp(text))


def test_swelling_told_before_an_operation_is_named_is_not_after_it(nlp: Language) -> None:
    text = "My knee swells after long walks. How long is the recovery after the DFO?"
    assert detect_red_flags(nlp(text)) == []
    assert detect_red_flags(nlp("She had the DFO last week. Now her knee is swollen.")) == [
        red_flags.POST_OP_SWELLING
    ]


def test_leaving_hospital_is_no_discharge_from_the_wound(nlp: Language) -> None:
    text = (
        "After her hip surgery she will be in a spica cast, and is it safe to "
        "travel the day after discharge?"
    )
    assert detect_red_flags(nlp(text)) == []
    # A discharge from the cast is still one, whenever she left hospital.
    assert detect_red_flags(nlp("the cast has a discharge coming through since discharge")) == [
        red_flags.WOUND_PROBLEM
    ]


def test_the_bone_the_operation_cuts_is_not_a_bone_showing(nlp: Language) -> None:
    # "The ball is slowly coming out of the socket; the thigh bone must be cut
    # to fix it": an X-ray finding and the plan, not bone through the skin.
    text = "ডাক্তার বললেন বলটা সকেট থেকে আস্তে আস্তে বের হয়ে আসছে, উরুর হাড় কেটে ঠিক করতে হবে।"
    assert detect_red_flags(nlp(text)) == []
    for showing in (
        "অপারেশনের পর সেলাইয়ের জায়গা দিয়ে হাড় বের হয়ে আছে",
        "haddi kata jaygay haddi ber hoye ache",
    ):
        assert detect_red_flags(nlp(showing)) == [red_flags.WOUND_PROBLEM], showing


@pytest.mark.parametrize(
    "text",
    [
        # "pase" (side) is no misspelt "pale", "haray" (loses) no "hapay" (gasps).
        "DFO kader kora hoy? shudhu ek paser hatu betha thakle naki dui pase hoileo hoy",
        "shunsi hadd ta plate shoho position haray felay ar abar kata lage, eta ki sotti?",
        # The colour of the cast, not of a limb.
        "বাবুর কাস্ট টা নীল রঙের, এটা কি ভিজলে সমস্যা?",
        "she chose a purple cast after her VRO, can it get wet?",
        # Falls that are the child's condition, or history.
        "my son has cp, he is always up on tiptoe and falls a lot. the doctor suggested "
        "botox and then casting, no surgery for now.",
        "before the surgery he tripped over his own feet all the time. during the VDRO "
        "they turned the bone.",
        "my nana slipped in the courtyard last year and broke his hip. they did a half hip "
        "replacement and he walks with a stick now.",
        # Leaving hospital, not rushing to it.
        "DFO er por koy din hospital e thakte hoy? r hospital theke chuti dile ki sathe "
        "sathe bus e kore bari jaite parbo",
        # A fever last winter, before the operation was put off.
        "my daughter had fever and pneumonia last winter, so we postponed her hip surgery. "
        "is there a chance the hip moves out of position after the osteotomy?",
        # A recommended operation is planned, not done.
        "the pain is on the inside of my knee, worse after namaz. my surgeon recommends a "
        "high tibial osteotomy and says ill be on crutches for a while.",
        # Someone else's infection; puzzled, not confused in mind.
        "my mother is terrified of an artificial knee because our neighbour's one got "
        "infected. her surgeon offered a dfo instead.",
        "my wife had her first visit for the dfo yesterday and came back confused.",
        # How often infections happen, not one; a fever last year, now well.
        "My friend got an infection after his knee surgery. What is the infection rate "
        "for DFO here?",
        "গত বছর ছেলের নিউমোনিয়া আর খুব জ্বর হয়েছিল, এখন পুরোপুরি সুস্থ। এতে কি ভিআরও "
        "অপারেশনে কোনো সমস্যা হবে?",
        # Another joint's numbness: the neck.
        "ঘাড়ের হাড় ক্ষয় cervical spondylosis, হাত মাঝে মাঝে অবশ লাগে বহুদিন ধরে",
    ],
)
def test_harmless_words_in_stories_are_not_red_flags(nlp: Language, text: str) -> None:
    assert detect_red_flags(nlp(text)) == [], text


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("operation er por paer angul fakashe ar thanda", red_flags.LIMB_CIRCULATION),
        ("his toes are blue in the cast", red_flags.LIMB_CIRCULATION),
        ("he has a blue cast and his toes are cold", red_flags.LIMB_CIRCULATION),
        (
            "since the operation she falls a lot, today she fell on the leg",
            red_flags.FALL_AFTER_SURGERY,
        ),
        ("he falls often since the VRO", red_flags.FALL_AFTER_SURGERY),
        ("jor hole ki sathe sathe hospital e niye jabo?", red_flags.WARNING_SIGNS_QUESTION),
        (
            "after the op the wound is infected, my friend says it is normal",
            red_flags.WOUND_PROBLEM,
        ),
        ("my father is confused since the operation and very sleepy", red_flags.UNRESPONSIVE),
        ("after my DFO the wound is infected, what is the risk now?", red_flags.WOUND_PROBLEM),
        # A friend who tells of the patient's wound is no one else's wound.
        ("after my DFO my friend noticed it got infected", red_flags.WOUND_PROBLEM),
        ("my friend says my wound looks infected after the DFO", red_flags.WOUND_PROBLEM),
        ("অপারেশনের পর গত দুই দিন ধরে খুব জ্বর", red_flags.HIGH_FEVER),
    ],
)
def test_the_same_signs_said_of_the_patient_stay_red_flags(
    nlp: Language, text: str, flag: str
) -> None:
    assert flag in detect_red_flags(nlp(text)), text


@pytest.mark.parametrize("text", PHRASINGS["phrased_as"]["question"])
def test_questions_are_recognised(text: str) -> None:
    assert phrased_as_question(text)


@pytest.mark.parametrize("text", PHRASINGS["phrased_as"]["report"])
def test_reports_are_not_questions(text: str) -> None:
    assert not phrased_as_question(text)


@pytest.mark.parametrize(
    ("typed", "other_word"),
    [("khola", "phola"), ("chola", "phola"), ("dhula", "phula")],
)
def test_a_romanized_typo_keeps_the_first_letter(typed: str, other_word: str) -> None:
    assert other_word not in spelling_matches(typed)


# --- The detector component ------------------------------------------------------


def _process(nlp: Language, text: str) -> Message:
    message = Message(data={TEXT: text})
    message.set(SPACY_DOCS[TEXT], nlp(text))
    message.set(INTENT, {"name": "faq", "confidence": 0.9})
    RedFlagDetector().process([message], SpacyModel(model=nlp, model_name="en_clinic"))
    return message


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("is yellow drainage from the incision normal?", True),
        ("সেলাইয়ে ইনফেকশন হয়েছে কিনা কিভাবে বুঝবো", True),
        ("his wound is leaking and smells bad", False),
    ],
)
def test_the_detector_says_whether_an_urgent_message_was_a_question(
    nlp: Language, text: str, question: bool
) -> None:
    message = _process(nlp, text)
    assert message.get(INTENT)["name"] == URGENT_INTENT
    assert message.get(RED_FLAG_QUESTION) is question
    assert {RED_FLAGS, RED_FLAG_QUESTION} <= set(message.output_properties)


def test_an_ordinary_question_is_not_an_urgent_question(nlp: Language) -> None:
    message = _process(nlp, "how long does bone healing take?")
    assert message.get(INTENT)["name"] == "faq"
    assert message.get(RED_FLAG_QUESTION) is False


# --- The vocabulary file ---------------------------------------------------------


def test_the_vocabulary_file_loads_and_every_list_is_well_formed() -> None:
    lex = load_lexicon()
    for field in fields(Lexicon):
        value = getattr(lex, field.name)
        if isinstance(value, frozenset):
            assert value, field.name
            for word in value:
                assert word == normalise_word(word) and word.split() == [word], (field.name, word)
        elif isinstance(value, dict):
            assert value, field.name
            assert all(glosses for glosses in value.values()), field.name
        elif isinstance(value, tuple):
            assert value, field.name
            for phrase in value:
                assert phrase.first and phrase.then and phrase.within >= 1, phrase
        else:
            assert value.pattern, field.name


def test_every_gloss_means_a_listed_english_word() -> None:
    lex = load_lexicon()
    english = frozenset().union(*(getattr(lex, name) for name in load_yaml(DATA_FILE)["english"]))
    for table in (lex.bangla_script, lex.romanized, lex.romanized_also_english):
        for form, glosses in table.items():
            assert glosses <= english | red_flags.INTENSELY | red_flags.BEAR, form


def test_the_vocabulary_is_read_once() -> None:
    assert lexicon() is lexicon()
    assert lexicon().vocabulary == red_flags.VOCABULARY


def _broken(old: str, new: str) -> str:
    text = DATA_FILE.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("  mild: mild slight low little\n", "  mild:\n", "empty"),
        ("  mild: mild slight low little\n", "  mild: mild low low\n", "twice"),
        ("  chest: chest\n", "  chest: chest\n  chest: breast\n", "twice"),
        ("  chest: chest\n", "", "missing"),
        ("  chest: chest\n", "  chest: chest\n  chestt: chest\n", "unknown"),
        ("  fever: জ্বর", "  fevr: জ্বর", "no English list"),
        ("version: 1", "version: 2", "version"),
        ("    within: 1\n", "    within: one\n", "within"),
        ("    cancels: drainage_sign\n", "    cancels: drainage_signs\n", "English list"),
        ("    within: 1\n    cancels: bone_or_metal\n", "    within: 1\n", "means or cancels"),
    ],
)
def test_a_malformed_vocabulary_file_is_rejected(old: str, new: str, message: str) -> None:
    with pytest.raises(VocabularyError, match=message):
        parse_lexicon(_broken(old, new))


def test_the_makefile_rebuilds_the_pipeline_when_the_vocabulary_changes() -> None:
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text(encoding="utf-8")
    assert "bot/nlu/red_flags.yml" in makefile


def test_a_bangla_phrase_ending_in_a_vowel_sign_matches_as_a_whole_word() -> None:
    # "\b" never follows a vowel sign ("া" is not a word character to re), so
    # a phrase like "কাজ করে না" used to need no boundary at all, and then
    # also matched the question "কাজ করে নাকি?" ("does it work?").
    lex = parse_lexicon(_broken("  - no relief\n", "  - no relief\n  - ভয় লাগে\n"))
    assert lex.not_helping_phrases.search("রাতে খুব ভয় লাগে, কী করব")
    assert lex.not_helping_phrases.search("ভয় লাগে")
    assert not lex.not_helping_phrases.search("ভয় লাগেনি")
    assert lex.not_helping_phrases.search("ওষুধে কাজ করে না, ব্যথা")
    assert not lex.not_helping_phrases.search("ওষুধে কাজ করে নাকি?")


def test_names_are_the_capitalised_words_inside_a_sentence() -> None:
    assert proper_names("I am a mother in Leeds, and Dr Pusan said so") == {"leeds", "dr", "pusan"}
    # A sentence's first word, or a word in capitals, is no name.
    assert proper_names("my wound. Bleeding since morning. PUS too") == frozenset()


def test_a_name_is_read_as_typed_though_the_pipeline_lowercases_the_doc(nlp: Language) -> None:
    typed = "after the DFO I will be at home in Leeds with the kids, how do I rest the leg?"
    message = Message(data={TEXT: typed})
    # SpacyNLP lower-cases the text it parses: only the typed text shows the name.
    message.set(SPACY_DOCS[TEXT], nlp(typed.lower()))
    message.set(INTENT, {"name": "faq", "confidence": 0.9})
    RedFlagDetector().process([message], SpacyModel(model=nlp, model_name="en_clinic"))
    assert message.get(INTENT)["name"] == "faq"
    assert detect_red_flags(nlp(typed.lower()), typed.lower()) == ["wound_problem"]
