"""Short questions about one operation ("How is DFO done?") get that question's answer,
alone or at the end of a story that names the operation."""

from pathlib import Path

import pytest
import yaml

from bot.nlu.glossary import load_glossary
from bot.nlu.question_frames import (
    MAX_STORY_WORDS,
    QUESTION_FRAMES_FILE,
    first_question_answer,
    framed_question_answer,
    load_question_frames,
    story_definition_answer,
    story_question_answer,
    unnamed_operation_answer,
)
from tests.conftest import TEST_DATA, load_yaml


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("How is DFO done?", "faq/dfo_what_is"),
        ("how is a distal femoral osteotomy performed", "faq/dfo_what_is"),
        ("DFO kivabe kora hoy?", "faq/dfo_what_is"),
        ("ভিআরও কীভাবে করা হয়?", "faq/vro_what_is"),
        ("Why is DFO done?", "faq/dfo_purpose"),
        ("why a knee osteotomy?", "faq/dfo_purpose"),
        ("What is the purpose of a distal femoral osteotomy?", "faq/dfo_purpose"),
        ("হাঁটুর অস্টিওটমি কেন করা হয়?", "faq/dfo_purpose"),
        # The hip page answers "why" and "who" with why children with
        # cerebral palsy need the operation.
        ("VRO keno kora hoy?", "faq/vro_cerebral_palsy"),
        ("VDRO keno kora hoy bhai?", "faq/vro_cerebral_palsy"),
        ("ভিআরও কেন করা হয়?", "faq/vro_cerebral_palsy"),
        ("who needs a VDRO", "faq/vro_cerebral_palsy"),
        ("Who should get a DFO?", "faq/dfo_candidates"),
        ("DFO kader jonno?", "faq/dfo_candidates"),
        ("কাদের জন্য ডিএফও?", "faq/dfo_candidates"),
        ("who cannot have a knee osteotomy", "faq/dfo_not_suitable"),
        ("What happens after VRO?", "faq/vro_recovery"),
        ("VRO er por ki hoy?", "faq/vro_recovery"),
        ("ভিআরও এর পরে কী হয়?", "faq/vro_recovery"),
        ("ডিএফওর পরে কী হয়?", "faq/dfo_recovery"),
        ("recovery after a knee osteotomy", "faq/dfo_recovery"),
        ("What are the downsides of a hip osteotomy?", "faq/vro_disadvantages"),
        ("varus derotational osteotomy er osubidha", "faq/vro_disadvantages"),
        ("Can VRO fail?", "faq/vro_disadvantages"),
        ("DFO er prokar", "faq/dfo_types"),
        ("ডিএফও কত ধরনের?", "faq/dfo_types"),
        ("Who Is a Good Candidate for VDRO?", "faq/vro_cerebral_palsy"),
        ("Contraindications to Knee Osteotomy", "faq/dfo_not_suitable"),
        # A clinic page's headings: indications are for whom it is; the most
        # common type is a question about the types.
        ("Indications for a Knee Osteotomy", "faq/dfo_candidates"),
        ("When is VDRO indicated?", "faq/vro_cerebral_palsy"),
        ("Which is the most common type of DFO?", "faq/dfo_types"),
        ("DFO ki kaje lage?", "faq/dfo_purpose"),
        ("what are the benefits of a knee osteotomy", "faq/dfo_purpose"),
        ("VRO te ki labh?", "faq/vro_cerebral_palsy"),
        # Romanized spellings of one word, and plural markers.
        ("VRO keno kora hoi?", "faq/vro_cerebral_palsy"),
        ("dfo kibabe kora hoy", "faq/dfo_what_is"),
        ("DFO kemne kore", "faq/dfo_what_is"),
        ("VRO er oshubidha gula ki", "faq/vro_disadvantages"),
        # A greeting or thanks before the question.
        ("hello, how is DFO done?", "faq/dfo_what_is"),
        ("assalamualaikum, VRO keno kora hoy?", "faq/vro_cerebral_palsy"),
        ("আসসালামু আলাইকুম, ভিআরও কেন করা হয়?", "faq/vro_cerebral_palsy"),
        ("thanks, and who should get a DFO?", "faq/dfo_candidates"),
        ("ভিআরও করলে কী উপকার হয়?", "faq/vro_cerebral_palsy"),
        ("What are the different types of distal femoral osteotomies?", "faq/dfo_types"),
        ("ভিআরও কি ব্যর্থ হতে পারে?", "faq/vro_disadvantages"),
        # Naming the patients does not change the answer.
        ("why is VRO done in children?", "faq/vro_cerebral_palsy"),
        ("how does DFO help patients", "faq/dfo_purpose"),
        ("বাচ্চাদের ভিআরও কেন করা হয়?", "faq/vro_cerebral_palsy"),
        # What it is good for, whether it is worth it: what it is for.
        ("what is DFO good for exactly", "faq/dfo_purpose"),
        ("is VRO worth it?", "faq/vro_cerebral_palsy"),
        ("pros of a distal femoral osteotomy", "faq/dfo_purpose"),
        ("DFO korle ki lav?", "faq/dfo_purpose"),
        ("ভিআরও এর সুবিধা কী?", "faq/vro_cerebral_palsy"),
        ("কোন রোগীদের জন্য ডিএফও উপযুক্ত নয়?", "faq/dfo_not_suitable"),
        ("who is not a good candidate for a DFO", "faq/dfo_not_suitable"),
        ("who is generally not a good fit for DFO?", "faq/dfo_not_suitable"),
        ("who is usually a good fit for a VRO", "faq/vro_cerebral_palsy"),
        # Bangla script as people speak it.
        ("ডিএফও ক্যান করে?", "faq/dfo_purpose"),
        # A misspelt frame word.
        ("purpus of DFO operation?", "faq/dfo_purpose"),
        # Words that only stress the question.
        ("how is VRO actually done?", "faq/vro_what_is"),
        # What else could be done: the knee page names a knee replacement.
        ("what are the alternatives to DFO?", "faq/dfo_vs_replacement"),
        ("Is a knee osteotomy the only option?", "faq/dfo_vs_replacement"),
        ("what other options are there besides DFO?", "faq/dfo_vs_replacement"),
        ("DFO chara ar ki upay ache?", "faq/dfo_vs_replacement"),
        ("DFO er bikolpo ki?", "faq/dfo_vs_replacement"),
        ("ডিএফও ছাড়া আর কী বিকল্প আছে?", "faq/dfo_vs_replacement"),
    ],
)
def test_a_short_question_about_one_operation_gets_its_answer(text: str, key: str) -> None:
    assert framed_question_answer(text) == key


@pytest.mark.parametrize(
    "text",
    [
        # A definition question is the glossary's.
        "What is DFO?",
        # Asks something more.
        "How is DFO done and how long is the hospital stay?",
        "How long is recovery after DFO?",
        "why is dfo done after a fracture",
        # Both operations, or none.
        "how is dfo or vro done",
        "how is it done?",
        "why is the operation done",
        # The knee page lists no risks: the models (and the rule that a
        # question naming one operation never gets the other's answer) decide.
        "what are the risks of DFO?",
        "DFO er osubidha ki?",
        "can DFO fail?",
        # The hip page names no kinds of its operation.
        "types of VRO",
        # A definition is the glossary's: "what is it for" asks why, "what is it" what.
        "what is VRO",
        # Another operation that shares a word.
        "how is a high tibial osteotomy done",
        "how is hip replacement done",
        # Worth it for one patient, or worth its cost: not what it is for.
        "is DFO worth it for my mother at 70",
        "is VRO worth the money",
        # The hip page names no other choice (unanswered_kinds.yml says so);
        # one patient's knee is the models' to read.
        "what are the alternatives to VRO?",
        "is there an alternative to DFO for my knee?",
        "",
    ],
)
def test_anything_else_is_left_to_the_models(text: str) -> None:
    assert framed_question_answer(text) is None


def test_every_answer_is_a_contract_answer_of_its_operation() -> None:
    contract = set(load_yaml(TEST_DATA / "contract_keys.yml")["faq"])
    prefixes = {
        "knee": ("faq/dfo_", "faq/knee_"),
        "hip": ("faq/vro_", "faq/hip_"),
        # A knock knee and knee pain are the knee page's subjects.
        "knock_knee": ("faq/dfo_", "faq/knee_"),
        "knee_pain": ("faq/dfo_", "faq/knee_"),
    }
    frames = load_question_frames()
    assert frames.questions
    for frame in frames.questions:
        assert frame.asks, frame.name
        for operation, key in frame.answers.items():
            assert key in contract
            assert key.startswith(prefixes[operation]), (frame.name, key)


def test_no_phrasing_is_listed_under_two_questions() -> None:
    seen = {}
    for frame in load_question_frames().questions:
        for ask in frame.asks:
            assert seen.setdefault(ask, frame.name) == frame.name, ask


@pytest.mark.parametrize(
    "text",
    [
        "Can knock knees be corrected?",
        "can a knock knee be fixed in adults",
        "is genu valgum correctable",
        "how do doctors correct a valgus knee",
        "knock knee correction surgery",
        "নক নি কি ঠিক করা যায়?",
    ],
)
def test_a_short_question_whether_a_knock_knee_can_be_corrected_gets_the_operation(
    text: str,
) -> None:
    assert framed_question_answer(text) == "faq/dfo_what_is"


@pytest.mark.parametrize(
    "text",
    [
        "is it worth fixing knock knees?",
        "what is the benefit of straightening knock knees?",
        "benefits of correcting genu valgum",
        "why should I get my knock knee fixed?",
        "knock knee thik korle ki labh?",
        "নক নি ঠিক করলে কী লাভ?",
    ],
)
def test_a_short_question_what_correcting_a_knock_knee_gains_gets_what_the_operation_aims_at(
    text: str,
) -> None:
    assert framed_question_answer(text) == "faq/dfo_purpose"


@pytest.mark.parametrize(
    "text",
    [
        # A child's, and why correct at all (the definition answers that too).
        "is it worth fixing my son's knock knees?",
        "why correct knock knees at all?",
        # An operation named: the operation's own questions read it.
        "is it worth fixing knock knees with a DFO at 60?",
    ],
)
def test_other_questions_about_correcting_a_knock_knee_are_left_to_the_models(text: str) -> None:
    assert framed_question_answer(text) is None


@pytest.mark.parametrize(
    "text",
    [
        # A child's knock knees: whether they straighten with growth is not on the pages.
        "can my daughter's knock knees be corrected?",
        "can knock knees be fixed in children",
        # Not the operation: the models give "not the first treatment".
        "can knock knees be fixed without surgery",
        # An operation named: the operation's own questions read it.
        "can knock knees be fixed with a DFO",
        # Asked about the condition, not its correction.
        "why do I have knock knees",
        "what is a knock knee",
    ],
)
def test_other_questions_about_a_knock_knee_are_left_to_the_models(text: str) -> None:
    assert framed_question_answer(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "What causes knee pain?",
        "what are the causes of pain in my knees",
        "why does knee pain happen",
        "হাঁটু ব্যথার কারণ কি?",
        "হাঁটুতে ব্যথা কেন হয়?",
        "hatu betha keno hoy?",
    ],
)
def test_a_short_question_what_causes_knee_pain_gets_why_a_leg_out_of_line_hurts(
    text: str,
) -> None:
    assert framed_question_answer(text) == "faq/knee_alignment_pain"


@pytest.mark.parametrize(
    "text",
    [
        # A child's knee pain: growing children's knees are not on the pages.
        "what causes knee pain in my son",
        "বাচ্চাদের হাঁটু ব্যথা কেন হয়?",
        # More than the cause: pain after the operation, what to do about it.
        "knee pain after the operation, why?",
        "what causes knee pain and how is it treated",
        # Not the cause: no answer defines knee pain.
        "what is knee pain",
        "can knee pain be fixed",
    ],
)
def test_other_questions_about_knee_pain_are_left_to_the_models(text: str) -> None:
    assert framed_question_answer(text) is None


def test_the_operations_are_named_as_the_glossary_names_them() -> None:
    glossary = load_glossary()
    names = load_question_frames().operation_names
    assert names["knee"] == glossary.terms["faq/dfo_what_is"]
    assert names["hip"] == glossary.terms["faq/vro_what_is"]


def test_a_clinician_can_extend_the_list(tmp_path: Path) -> None:
    document = yaml.safe_load(QUESTION_FRAMES_FILE.read_text(encoding="utf-8"))
    document["questions"]["how_it_is_done"]["asks"].append("how do surgeons carry out")
    extended = tmp_path / "question_frames.yml"
    extended.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    question = "how do surgeons carry out a VRO"
    assert framed_question_answer(question) is None
    frames = load_question_frames(extended)
    assert framed_question_answer(question, frames) == "faq/vro_what_is"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("operations: [knee]\nquestions: {}\n", "operations"),
        ("operations: {knee: faq/no_such_entry}\nquestions: {}\n", "glossary"),
        (
            "operations: {knee: faq/dfo_what_is}\n"
            "questions: {why: {answers: {elbow: faq/dfo_purpose}, asks: [why]}}\n",
            "unknown operations",
        ),
        (
            "operations: {knee: faq/dfo_what_is}\nquestions: {}\nspellings: [hoi]\n",
            "spellings",
        ),
        (
            "operations: {knee: faq/dfo_what_is}\nquestions: {}\n"
            "conditions: {knock_knee: {names: faq/no_such_entry}}\n",
            "glossary",
        ),
        (
            "operations: {knee: faq/dfo_what_is}\nquestions: {}\n"
            "conditions: {knee: {names: faq/knee_valgus}}\n",
            "both operations and conditions",
        ),
        (
            "operations: {knee: faq/dfo_what_is}\nquestions: {}\n"
            "conditions: {knee_pain: {names: faq/knee_valgus, terms: [knee pain]}}\n",
            "either 'names' or some 'terms'",
        ),
        (
            "operations: {knee: faq/dfo_what_is}\nquestions: {}\n"
            "conditions: {knee_pain: {terms: []}}\n",
            "either 'names' or some 'terms'",
        ),
        (
            "operations: {knee: faq/dfo_what_is}\nquestions: {}\n"
            "asked_alone_after_a_story: [recovery]\n",
            "unknown questions",
        ),
    ],
)
def test_a_malformed_file_is_refused(tmp_path: Path, content: str, message: str) -> None:
    broken = tmp_path / "question_frames.yml"
    broken.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_question_frames(broken)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (
            "my father is 52, his left knee bends inward and the outside hurts. "
            "the surgeon suggested a distal femoral osteotomy. why is it needed?",
            "faq/dfo_purpose",
        ),
        (
            "My daughter has CP and her hip x-ray was bad, so they want to do a VRO "
            "next month. How is it done?",
            "faq/vro_what_is",
        ),
        (
            "Amar chele CP, hip sore jacche, doctor VDRO korte bolse. eta kivabe kora hoy?",
            "faq/vro_what_is",
        ),
        ("ammur hatu beka, daktar DFO korte bollo, eta ki jonno kora hoy", "faq/dfo_purpose"),
        ("আমার মেয়ের সিপি, ডাক্তার ভিআরও করতে বলেছেন। এটা কীভাবে করা হয়?", "faq/vro_what_is"),
        ("আম্মার হাঁটু বাঁকা, ডাক্তার ডিএফও করতে বলেছেন, এটা কেন করা হয়?", "faq/dfo_purpose"),
        (
            "I'm 45 and a runner. My doctor mentioned DFO as an option. Who is it for?",
            "faq/dfo_candidates",
        ),
        ("My son is 7 and the team recommends VDRO. Can it fail?", "faq/vro_disadvantages"),
        # The operation named again instead of "it", or "the operation".
        (
            "My knee bends in and the doctor talked about surgery. Why is DFO done?",
            "faq/dfo_purpose",
        ),
        ("Our son has CP and needs a VRO. Why is the operation needed?", "faq/vro_cerebral_palsy"),
        # Every word for the operation points back, in any script.
        (
            "Amar meye CP, doctor VRO korte bolse. operashon keno kora hoy?",
            "faq/vro_cerebral_palsy",
        ),
        # The same operation named in the story and in the question.
        ("The doctor suggested DFO for my mother. Why is DFO done?", "faq/dfo_purpose"),
        # Its recovery can only be the operation's: no pointer needed. The
        # story's knock knee and outer pain had their own answer.
        (
            "my husband 48 knock knee outer knee pain 3 years, doctor said DFO. how long recovery?",
            "faq/dfo_recovery",
        ),
        ("amar chele CP, daktar VDRO korte bolse. recovery time?", "faq/vro_recovery"),
    ],
)
def test_a_story_ending_with_a_short_question_about_its_operation_gets_the_answer(
    text: str, key: str
) -> None:
    assert story_question_answer(text) == key


@pytest.mark.parametrize(
    "text",
    [
        # A short question alone is the whole-message rule's.
        "How is DFO done?",
        # Nothing points back at the operation: "why?" may be about anything.
        "My son had a VRO last week. Why?",
        "My son had a VRO last week. Why is the cast so heavy?",
        "The doctor suggested DFO for my mother. Who is it for? how long recovery?",
        "my knee hurts on the outside and the doctor said DFO. how many types?",
        # Something asked before the last part.
        "What is DFO? Why is it done?",
        "Is DFO safe, and why is it done?",
        # "It" and the name together ask about something else in the operation.
        "মাংসপেশি বলটাকে সকেটের মাঝখানে টানবে, এটা VRO তে কিভাবে হয়?",
        # "What is it?" at a story's end as often means what the doctor said.
        "The surgeon said he will derotate the femur during the VDO. What does that mean?",
        "my nephew's xray shows metal in the hip after VDO, what is that",
        # After the operation's mechanism, "how does it work" asks how that helps.
        "doctor says dfo will take pressure off the outer side of my knee, how does it work",
        # Both operations, or none.
        "My mother needs a DFO and my son a VRO. Why is it done?",
        "The doctor suggested an osteotomy. Why is it done?",
        # The last part asks more than one listed question.
        "The doctor suggested DFO. Why is it done and how long is the stay?",
        # A further operation told before: "it" may be that one.
        "VRO er por abar operation lagte pare shunlam, eta keno?",
        "After the VRO he may need a second operation, why is it done?",
    ],
)
def test_any_other_story_is_left_to_the_models(text: str) -> None:
    assert story_question_answer(text) is None


def test_a_very_long_story_is_left_to_the_models() -> None:
    story = "My mother is 58 and the doctor suggested DFO. " + "She walks a lot. " * 30
    assert len(story.split()) > MAX_STORY_WORDS
    assert story_question_answer(story + "Why is it done?") is None
    short_story = "My mother is 58 and the doctor suggested DFO. Why is it done?"
    assert story_question_answer(short_story) == "faq/dfo_purpose"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("doctor wrote osteotomy for my knee, what is meant by osteotomy", "faq/osteotomy_meaning"),
        ("The X-ray report says coxa valga. What does coxa valga mean?", "faq/hip_valgus_varus"),
        ("ছেলের হিপের অপারেশন হবে। ভিআরও বলতে কী বোঝায়?", "faq/vro_what_is"),
        ("meye r CP, doctor bollo hip dysplasia, hip dysplasia mane ki?", "faq/hip_dysplasia"),
    ],
)
def test_a_story_ending_by_asking_what_a_term_means_gets_its_definition(
    text: str, key: str
) -> None:
    assert story_definition_answer(text) == key


@pytest.mark.parametrize(
    "text",
    [
        # A definition question alone is the glossary's rule.
        "what is meant by osteotomy",
        # Pointing back: a question about the story, not about the word.
        "cartilage worn on the outer side of the knee, does that mean dfo",
        "doctor wants to keep my own knee instead of replacing it, is that what dfo does?",
        # No term named.
        "My son needs VRO. What is it?",
        # Something asked before.
        "What is VRO? What is DFO?",
    ],
)
def test_any_other_story_ending_is_not_read_as_a_definition(text: str) -> None:
    assert story_definition_answer(text) is None


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("spica cast ki? koto din thakbe?", "faq/vro_recovery"),
        ("derotation mane ki? anteversion ki jinish?", "faq/vro_derotation"),
        ("DFO keno kora hoy? koto din lage?", "faq/dfo_purpose"),
        ("What is a VRO? Is it painful?", "faq/vro_what_is"),
    ],
)
def test_the_first_of_a_few_short_questions_gets_its_answer(text: str, key: str) -> None:
    assert first_question_answer(text) == key


@pytest.mark.parametrize(
    "text",
    [
        # One question: the other rules' and the models'.
        "what is a VRO?",
        # The first is not a definition or a short question.
        "my son has CP? what is a VRO?",
        "how much does it cost? what is DFO?",
        # A story, not a few short questions.
        "The doctor said DFO. What is it? I am scared. Will it hurt? What should I do now "
        "before the day of the operation?",
    ],
)
def test_other_runs_of_questions_are_left_to_the_models(text: str) -> None:
    assert first_question_answer(text) is None


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("how is it done?", "faq/dfo_what_is"),
        ("How is the operation performed?", "faq/dfo_what_is"),
        ("who is this surgery for?", "faq/dfo_candidates"),
        ("why is it needed", "faq/dfo_purpose"),
        ("what are the benefits of the operation?", "faq/dfo_purpose"),
        ("অপারেশনটা কেন করা হয়?", "faq/dfo_purpose"),
        ("eta kivabe kora hoy?", "faq/dfo_what_is"),
        # Only the hip page says it can fail: the hip's answer.
        ("can it fail?", "faq/vro_disadvantages"),
        # "Osteotomy" alone is both operations: the same as "the operation".
        ("How is an osteotomy done?", "faq/dfo_what_is"),
        ("who needs an osteotomy?", "faq/dfo_candidates"),
        ("osteotomy keno kora hoy?", "faq/dfo_purpose"),
        ("অস্টিওটমি কিভাবে করা হয়?", "faq/dfo_what_is"),
        ("can an osteotomy fail?", "faq/vro_disadvantages"),
    ],
)
def test_a_short_question_about_the_operation_naming_none_gets_the_knees_answer(
    text: str, key: str
) -> None:
    # The dialogue reads it in the page's or the conversation's operation.
    assert unnamed_operation_answer(text) == key
    assert framed_question_answer(text) is None


@pytest.mark.parametrize(
    "text",
    [
        # Nothing points at an operation: "why?" may be about anything.
        "why?",
        "how is that done with the cast?",
        # An operation or a condition named: the other readings, or the models.
        "how is DFO done?",
        "how is the hip surgery done?",
        "can knock knees be fixed?",
        # More than one listed phrasing.
        "why does my son need the operation?",
        "why is the operation delayed?",
        "what is it?",
        # Another osteotomy named: its other words are left over.
        "how is a high tibial osteotomy done?",
        "how is an osteotomy of the jaw done?",
        # What the word means is the definition's answer, read before this rule.
        "what is an osteotomy?",
    ],
)
def test_other_questions_naming_no_operation_are_left_to_the_models(text: str) -> None:
    assert unnamed_operation_answer(text) is None
