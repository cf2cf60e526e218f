"""Kinds of question the sources never answer: causes, natural course, weight and smoking."""

from pathlib import Path

import pytest
import yaml

from bot.nlu.unanswered_kinds import question_kinds, related_key, routed_kind, unanswered_kind

DERIVATION = "faq/vro_derotation"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("what causes anteversion of the thigh bone", "cause"),
        ("Is a twisted femur hereditary?", "cause"),
        ("does it run in the family", "cause"),
        ("উরুর হাড় ঘোরানো কি বংশগত?", "cause"),
        ("eta ki jonmogoto?", "cause"),
        ("will he grow out of the inward twist", "natural_course"),
        ("At what age does the twist show?", "natural_course"),
        ("does it correct itself over time", "natural_course"),
        ("do I need to lose weight before the derotation", "lifestyle"),
        ("my son is a smoker, does that matter for the operation", "lifestyle"),
        ("অপারেশনের আগে কি ধূমপান ছাড়তে হবে", "lifestyle"),
        ("ojon beshi hole ki derotation kora jay", "lifestyle"),
    ],
)
def test_questions_about_causes_and_natural_course_are_found(text: str, kind: str) -> None:
    assert unanswered_kind(text, DERIVATION) == kind


@pytest.mark.parametrize(
    "text",
    [
        "what is femoral anteversion",
        "why is derotation done in a VRO",
        "how is the thigh bone turned back",
        "when can he bear weight after the derotation",
        "keno kora hoy derotation",
        "",
    ],
)
def test_questions_the_answer_addresses_are_left_alone(text: str) -> None:
    assert unanswered_kind(text, DERIVATION) is None


def test_an_answer_that_addresses_the_kind_keeps_the_question() -> None:
    # The knee alignment answer explains why a malaligned knee hurts.
    assert unanswered_kind("what causes pain in a crooked knee", "faq/knee_alignment_pain") is None
    assert unanswered_kind("what causes pain in a crooked knee", DERIVATION) == "cause"


@pytest.mark.parametrize(
    "text",
    [
        "Will a knee osteotomy cure my arthritis?",
        "can DFO stop the arthritis from getting worse",
        "osteotomy korle ki arthritis sere jay?",
        "অস্টিওটমি করলে কি আর্থ্রাইটিস সেরে যাবে?",
    ],
)
def test_whether_the_operation_stops_arthritis_is_not_who_it_is_not_for(text: str) -> None:
    # The knee page never says the wear stops; whom it is not for mentions
    # arthritis but does not answer it. Its aim (less pain) does address it.
    assert unanswered_kind(text, "faq/dfo_not_suitable") == "cure_arthritis"
    assert unanswered_kind(text, "faq/dfo_purpose") is None


@pytest.mark.parametrize(
    "text",
    [
        "after VRO how many weeks until my son walks again?",
        "when will my daughter walk after the hip operation",
        "VRO er por baccha kobe hatte parbe?",
        "ভিআরও-র পর বাচ্চা কবে হাঁটতে পারবে?",
    ],
)
def test_when_a_child_walks_after_the_hip_operation_the_page_does_not_say(text: str) -> None:
    # The hip page gives the time to standing, not to walking; the knee's
    # recovery answer says the page gives no timeline, which answers it.
    assert unanswered_kind(text, "faq/vro_recovery") == "walking_again"
    assert unanswered_kind(text, "faq/dfo_recovery") is None


def test_a_story_that_a_child_cannot_walk_is_not_a_walking_question() -> None:
    text = "He will never walk again, he says. What happens in this surgery?"
    assert unanswered_kind(text, "faq/vro_recovery") is None
    assert unanswered_kind("my son cannot walk, what is a VRO", "faq/vro_what_is") is None


@pytest.mark.parametrize(
    "text",
    [
        "Is VRO the only option for his hip?",
        "are there other choices than the hip operation",
        "VRO chara ar kono upay ache?",
        "হিপের অপারেশনের বিকল্প কী?",
        "operation chara ki kono upay nai?",
        "can the hip get better without surgery?",
        "অপারেশন ছাড়া কি হিপ ঠিক হয়?",
    ],
)
def test_other_choices_than_the_hip_operation_are_not_on_the_hip_page(text: str) -> None:
    assert unanswered_kind(text, "faq/vro_cerebral_palsy") == "other_choice"
    # The knee page weighs its operation against a replacement and against
    # treatment without surgery: any knee answer is left to the models.
    assert unanswered_kind(text, "faq/dfo_vs_replacement") is None
    assert unanswered_kind(text, "faq/dfo_purpose") is None


@pytest.mark.parametrize(
    "text", ["duita hatur DFO ki ek sathe kora jay?", "can both knees be done together"]
)
def test_both_knees_at_once_is_not_the_combined_procedures_answer(text: str) -> None:
    assert unanswered_kind(text, "faq/dfo_combined_procedures") == "both_sides"
    # Who it is for, with pain in both knees; the hip cast over both legs.
    assert unanswered_kind(text, "faq/dfo_candidates") is None
    assert unanswered_kind("does the cast cover both legs", "faq/vro_recovery") is None


def test_short_phrase_words_match_whole_words_only() -> None:
    # "inherit" starts "inherited"; nothing in "causeway" is a kind.
    assert unanswered_kind("is it inherited", DERIVATION) == "cause"
    assert unanswered_kind("we live near the causeway", DERIVATION) is None


def test_every_listed_answer_is_a_contract_topic() -> None:
    contract = yaml.safe_load(
        (Path(__file__).parents[1] / "data" / "contract_keys.yml").read_text(encoding="utf-8")
    )
    keys = set(contract["faq"])
    for kind in question_kinds():
        assert kind.phrases, kind.name
        assert kind.answered_by <= keys, kind.name
        assert kind.asked_of <= keys, kind.name
        assert not kind.answered_by & kind.asked_of, kind.name
        assert kind.related is None or kind.related in keys, kind.name


def test_a_list_without_kinds_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "kinds.yml"
    path.write_text("other: []\n", encoding="utf-8")
    with pytest.raises(ValueError, match="kinds"):
        question_kinds(path)


def test_the_kinds_are_named() -> None:
    assert {kind.name for kind in question_kinds()} == {
        "cause",
        "natural_course",
        "lifestyle",
        "physio_schedule",
        "risks",
        "cost",
        "clinic_visit",
        "operation_length",
        "back_to_activities",
        "other_treatment",
        "other_choice",
        "walking_again",
        "both_sides",
        "pelvic_osteotomy",
        "hospital_stay",
        "durability",
        "scar",
        "operation_size",
        "pain_amount",
        "cure_arthritis",
        "diet",
        "success_rate",
        "care_after_operation",
        "how_long_it_lasts",
        "anaesthesia",
        "own_decision",
        "about_sources",
        "incision_size",
    }


def test_no_faq_training_example_asks_a_kind_its_answer_does_not_address() -> None:
    # The list and the data must agree: an example labelled with an answer is
    # a question that answer addresses, read as the pipeline reads it (the
    # question sentences of a long message).
    from bot.nlu.question_focus import question_focus

    data = Path(__file__).parents[2] / "data" / "nlu"
    clashes = []
    for path in sorted(data.rglob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            if not str(block.get("intent", "")).startswith("faq/"):
                continue
            for line in str(block.get("examples", "")).splitlines():
                text = line.strip()[2:]
                kind = unanswered_kind(question_focus(text) or text, block["intent"])
                staff = routed_kind(question_focus(text) or text)
                if kind or staff:
                    clashes.append((path.name, block["intent"], kind or staff, text[:60]))
    assert clashes == []


@pytest.mark.parametrize(
    "text",
    [
        "should we come immediately after the operation for the first physio?",
        "when is the first physiotherapy session after the knee operation",
        "অপারেশনের পর প্রথম ফিজিও কবে?",
        "operation er por prothom physio kobe hobe",
    ],
)
def test_when_physio_happens_after_the_operation_is_not_on_the_pages(text: str) -> None:
    # "first" and "physio" had the knee's "not the first treatment" answer.
    # Whatever topic the models read: the honest reply.
    routed = routed_kind(text)
    assert routed is not None
    assert (routed.name, routed.intent) == ("physio_schedule", "beyond_sources")


@pytest.mark.parametrize(
    "text",
    [
        "how many times a week is physio after the knee operation",
        "DFO er por physio sopthahe koybar korte hobe?",
        "অপারেশনের পর সপ্তাহে কয়বার ফিজিও করতে হবে?",
    ],
)
def test_how_often_physio_happens_is_not_on_the_pages(text: str) -> None:
    # Whatever topic the models read: the honest reply.
    routed = routed_kind(text)
    assert routed is not None
    assert (routed.name, routed.intent) == ("physio_schedule", "beyond_sources")


@pytest.mark.parametrize(
    "text",
    [
        # The knee recovery answer names bone healing, never food.
        "what food should she eat after the knee operation so the bone joins quickly",
        "is there a special diet after VRO",
        "dfo er por ki khabo, calcium lagbe?",
        "অপারেশনের পর হাড় জোড়া লাগতে কী খাবার খাওয়া উচিত?",
        # Which foods help, in romanized Bangla and in Bangla script.
        "VRO er por ki khabar dile baccha taratari sere uthbe?",
        "DFO er por kon khabar khaile valo hoy",
        "অপারেশনের পর কোন খাবার খেলে তাড়াতাড়ি সুস্থ হব?",
    ],
)
def test_what_to_eat_after_the_operation_is_not_on_the_pages(text: str) -> None:
    assert unanswered_kind(text, "faq/dfo_recovery") == "diet"


@pytest.mark.parametrize(
    "text",
    [
        "what percentage of DFO patients get a good result",
        "how successful is the hip operation for children with CP",
        "DFO koto percent sofol hoy?",
        "ভিআরও অপারেশনের সফলতার হার কত?",
    ],
)
def test_how_often_the_operation_succeeds_is_not_on_the_pages(text: str) -> None:
    # Whatever topic the models read: the honest reply.
    routed = routed_kind(text)
    assert routed is not None
    assert (routed.name, routed.intent) == ("success_rate", "beyond_sources")


def test_leaving_hospital_told_is_not_a_question_about_the_stay() -> None:
    told = "We were discharged yesterday after my son's VRO. How long until the bone heals?"
    assert unanswered_kind(told, "faq/vro_recovery") is None
    assert unanswered_kind("when will he be discharged after VRO?", "faq/vro_recovery") == (
        "hospital_stay"
    )


def test_food_told_in_a_story_is_not_asked() -> None:
    # A rickshaw puller's story: "no food at home if I do not drive".
    story = (
        "ami rickshaw chalai, din e na chalale ghore khabar nai. "
        "dfo er por kobe kaj korte parbo?"
    )
    assert unanswered_kind(story, "faq/dfo_recovery") is None


def test_trying_physio_before_any_operation_keeps_its_answer() -> None:
    text = "should i try physio first before the operation?"
    assert unanswered_kind(text, "faq/dfo_first_treatment") is None


@pytest.mark.parametrize(
    ("text", "kind", "intent"),
    [
        # What the operation costs: only staff can say. "ভিআরও অপারেশনের
        # খরচ কেমন?" had what a VRO is (0.79).
        ("How much does DFO cost?", "cost", "request_human"),
        ("what is the price of a knee osteotomy", "cost", "request_human"),
        ("how much money is needed for the knee surgery", "cost", "request_human"),
        ("is the hip surgery expensive", "cost", "request_human"),
        ("VRO operation er dam koto?", "cost", "request_human"),
        ("DFO korte koto taka lagbe?", "cost", "request_human"),
        ("ভিআরও অপারেশনের খরচ কেমন?", "cost", "request_human"),
        ("হাঁটুর অপারেশনে কত টাকা লাগবে?", "cost", "request_human"),
        # When and where the doctor sits, serials: the clinic's business.
        ("doctor kobe boshen?", "clinic_visit", "request_human"),
        ("ডাক্তার সাহেব কবে বসেন?", "clinic_visit", "request_human"),
        ("what are your opening hours?", "clinic_visit", "request_human"),
        ("where is the clinic?", "clinic_visit", "request_human"),
        ("সিরিয়াল কিভাবে দিব?", "clinic_visit", "request_human"),
        ("sir er serial kivabe pabo", "clinic_visit", "request_human"),
        ("osteotomy ki sorkari hospital e hoy?", "clinic_visit", "request_human"),
        ("VDO apnara kothay koren?", "clinic_visit", "request_human"),
        ("where can I get a DFO done in Dhaka", "clinic_visit", "request_human"),
        ("ডিএফও আপনারা কোথায় করেন?", "clinic_visit", "request_human"),
        ("অস্টিওটমি কি সরকারি হাসপাতালে হয়?", "clinic_visit", "request_human"),
        # Visiting hours, in the three ways patients write them.
        ("hospital e visiting time koyta?", "clinic_visit", "request_human"),
        ("ওয়ার্ডে রোগী দেখার ভিজিটিং টাইম কয়টা থেকে?", "clinic_visit", "request_human"),
        ("what is the visiting hour for the children's ward", "clinic_visit", "request_human"),
        # How long the operation takes: neither page says.
        ("অপারেশনে কতক্ষণ লাগে?", "operation_length", "beyond_sources"),
        ("how long does the operation take?", "operation_length", "beyond_sources"),
        ("How long is the surgery for a VRO?", "operation_length", "beyond_sources"),
        ("DFO operation e koto khon lage?", "operation_length", "beyond_sources"),
        # Driving and going back to work: neither page says.
        ("when can I drive?", "back_to_activities", "beyond_sources"),
        ("when can I go back to work after DFO", "back_to_activities", "beyond_sources"),
        ("kobe theke gari chalate parbo?", "back_to_activities", "beyond_sources"),
        ("অপারেশনের পর কবে কাজে ফিরতে পারব?", "back_to_activities", "beyond_sources"),
        # Whether it is a major operation: neither page says.
        ("is osteotomy a major surgery?", "operation_size", "beyond_sources"),
        ("VRO ki boro operation?", "operation_size", "beyond_sources"),
        ("হাঁটুর অস্টিওটমি কি বড় অপারেশন?", "operation_size", "beyond_sources"),
        # How much it will hurt: neither page says.
        ("ওর কি ব্যথা হবে?", "pain_amount", "beyond_sources"),
        ("will it hurt a lot after the VRO?", "pain_amount", "beyond_sources"),
        ("how much pain will my mother have after DFO", "pain_amount", "beyond_sources"),
        ("operation er por koto betha hobe?", "pain_amount", "beyond_sources"),
        ("Is the surgery painful for children?", "pain_amount", "beyond_sources"),
        ("does the surgery hurt much, like after a DFO?", "pain_amount", "beyond_sources"),
        ("VRO operation e ki betha hoy?", "pain_amount", "beyond_sources"),
        ("হাঁটুর অপারেশনে কি ব্যথা হয়?", "pain_amount", "beyond_sources"),
        ("is it a painful operation for a child?", "pain_amount", "beyond_sources"),
        ("Is DFO surgery painful?", "pain_amount", "beyond_sources"),
        ("is the hip surgery painful for a small child?", "pain_amount", "beyond_sources"),
        ("DFO te ki onek betha hoy?", "pain_amount", "beyond_sources"),
        ("can I carry her after the operation?", "care_after_operation", "beyond_sources"),
        ("can I hold him?", "care_after_operation", "beyond_sources"),
        ("how soon can I run again?", "back_to_activities", "beyond_sources"),
        ("can he go to school with it?", "back_to_activities", "beyond_sources"),
        ("ও কবে স্কুলে যেতে পারবে?", "back_to_activities", "beyond_sources"),
        ("cast obosthay ki school e jete parbe?", "back_to_activities", "beyond_sources"),
        ("ar school e kobe jete parbe", "back_to_activities", "beyond_sources"),
        ("how big is the cut?", "incision_size", "beyond_sources"),
        ("who will do the surgery?", "clinic_visit", "request_human"),
        ("VRO ke operation korben?", "clinic_visit", "request_human"),
        ("DFO te kata koto boro hoy?", "incision_size", "beyond_sources"),
        # Everyday care after the operation: neither page says.
        (
            "what exercises should I do after the operation?",
            "care_after_operation",
            "beyond_sources",
        ),
        (
            "can I eat after the operation like normal?",
            "care_after_operation",
            "beyond_sources",
        ),
        ("when are the stitches taken out?", "care_after_operation", "beyond_sources"),
        ("can I bathe after the operation?", "care_after_operation", "beyond_sources"),
        ("spica cast thakle kobe gosol korabo?", "care_after_operation", "beyond_sources"),
        ("অপারেশনের পর কবে গোসল করা যাবে?", "care_after_operation", "beyond_sources"),
        ("অপারেশনের পর কী ব্যায়াম করতে হবে?", "care_after_operation", "beyond_sources"),
        # How long the correction lasts, and the anaesthesia: neither page says.
        ("how long does the correction last?", "how_long_it_lasts", "beyond_sources"),
        ("how long does the osteotomy last?", "how_long_it_lasts", "beyond_sources"),
        ("DFO koto bochor tikbe?", "how_long_it_lasts", "beyond_sources"),
        ("what anaesthesia is used?", "anaesthesia", "beyond_sources"),
        ("is general anaesthesia needed for VRO?", "anaesthesia", "beyond_sources"),
        ("will my child be asleep during the operation?", "anaesthesia", "beyond_sources"),
        ("what are the chances it fails?", "success_rate", "beyond_sources"),
        ("what is the failure rate of VRO?", "success_rate", "beyond_sources"),
        # Whether this patient should have it: no personal advice.
        ("should I have the operation?", "own_decision", "beyond_sources"),
        ("what would you do if it was your child?", "own_decision", "beyond_sources"),
        ("we are confused whether to go ahead", "own_decision", "beyond_sources"),
        ("should we go ahead with the VRO for our son?", "own_decision", "beyond_sources"),
        ("অপারেশন করাবো কি না বুঝতে পারছি না", "own_decision", "beyond_sources"),
        ("ami ki operation korbo?", "own_decision", "beyond_sources"),
        # Where the answers come from: the reply to "are you a bot?" says.
        ("what are your sources?", "about_sources", "bot_challenge"),
        ("where does this information come from?", "about_sources", "bot_challenge"),
        ("who wrote these answers?", "about_sources", "bot_challenge"),
        ("এই তথ্য কোথা থেকে পাওয়া?", "about_sources", "bot_challenge"),
        ("uttor kotha theke pelen?", "about_sources", "bot_challenge"),
    ],
)
def test_some_kinds_go_to_their_own_intent_whatever_the_topic(
    text: str, kind: str, intent: str
) -> None:
    routed = routed_kind(text)
    assert routed is not None and (routed.name, routed.intent) == (kind, intent)
    # Not one of the kinds that turn an answer into "the page does not say".
    assert unanswered_kind(text, "faq/vro_what_is") is None


@pytest.mark.parametrize(
    "text",
    [
        "how much weight can he put on the leg after the operation",
        "how much does the leg get shorter after VRO",
        "he cannot afford to stop working for long",
        "what is the recovery after DFO",
        # Pain relief is what DFO is for; why a knee hurts is answered.
        "how much pain relief can I expect from DFO",
        "why does my knee hurt on the outer side",
        # Pain told, not asked about the operation, is left to the models.
        "my knee is painful on the outer side, am I a candidate?",
        "why does it hurt on the outside of a knock knee?",
        "my son had a painful operation on his foot last year, is the VRO similar?",
        # Exercises and food not tied to the operation.
        "my heel hurts every morning, what exercises can I do at home?",
        "ঘাড়ে ব্যথা, কী ব্যায়াম করব?",
        # Procedures combined in one anaesthetic: the knee's answer says so.
        "can several knee procedures be done in the same anaesthetic as the osteotomy",
        # How long the cast stays: the hip's recovery answer.
        "how long does it last, the cast?",
        # One anaesthetic for two procedures: whether they are combined.
        "একবার অজ্ঞান করে দুটো কাজ কি একসাথে করা যায়?",
        # Where things come from, not the answers.
        "where do you get the x-ray done?",
        "what is the source of the pain in my knee?",
        "babur ei betha kotha theke holo?",
    ],
)
def test_other_how_much_questions_are_not_about_cost(text: str) -> None:
    assert routed_kind(text) is None


def test_a_story_telling_what_a_patient_does_for_a_living_is_not_asking_when() -> None:
    told = "I drive a CNG for a living and my knee hurts on the outer side, am I a candidate?"
    assert routed_kind(told) is None


def test_serial_casts_are_a_treatment_not_an_appointment() -> None:
    assert routed_kind("how long do serial casts for tight calves last?") is None


def test_how_long_recovery_and_the_cast_take_are_left_to_the_models() -> None:
    # The hip page gives the weeks to standing (vro_recovery), and our
    # examples answer how long the cast stays with it.
    assert routed_kind("how long until he can stand after VRO?") is None
    assert routed_kind("how long is the recovery after the operation?") is None
    assert routed_kind("প্লাস্টার কত দিন থাকবে?") is None


@pytest.mark.parametrize(
    "text",
    [
        "amar ma er boyosh 58, hatu X er moto, doctor DFO bolse, risk ki ki?",
        "what are the complications of a knee osteotomy?",
        "ডিএফও অপারেশনের ঝুঁকি কী?",
    ],
)
def test_risks_are_not_what_the_knee_answers_say(text: str) -> None:
    # The knee page names no risks of the operation.
    assert unanswered_kind(text, "faq/dfo_candidates") == "risks"
    assert unanswered_kind(text, "faq/dfo_what_is") == "risks"


@pytest.mark.parametrize(
    "text", ["is osteotomy safe?", "is a knee osteotomy dangerous", "অস্টিওটমি কি নিরাপদ?"]
)
def test_whether_it_is_safe_is_not_what_the_word_osteotomy_means(text: str) -> None:
    assert unanswered_kind(text, "faq/osteotomy_meaning") == "risks"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("will a Dega pelvic osteotomy be done with the VDRO too?", "pelvic_osteotomy"),
        ("will botox stop the hip from dislocating?", "other_treatment"),
        ("is VRO a day surgery?", "hospital_stay"),
        ("is DFO an outpatient operation", "hospital_stay"),
        ("is osteotomy permanent?", "durability"),
        ("how long will it last after DFO", "durability"),
        ("অস্টিওটমি কি স্থায়ী?", "durability"),
        ("does osteotomy leave a scar", "scar"),
        ("অপারেশনের পর কাটা দাগ থাকবে?", "scar"),
    ],
)
def test_kinds_the_pages_never_mention(text: str, kind: str) -> None:
    assert unanswered_kind(text, "faq/vro_cerebral_palsy") == kind


def test_the_hip_nail_answers_whether_the_metal_is_permanent() -> None:
    assert unanswered_kind("metal implant after VDO, is it permanent", "faq/vro_hardware") is None


def test_a_big_operation_told_in_a_story_is_not_asked() -> None:
    assert routed_kind("he fears it is just a big operation for nothing") is None


def test_the_hip_downsides_and_who_is_too_risky_keep_their_answers() -> None:
    assert unanswered_kind("what are the risks of VRO?", "faq/vro_disadvantages") is None
    assert unanswered_kind("who is too risky for DFO?", "faq/dfo_not_suitable") is None


def test_a_kinds_close_answer_is_read_from_the_list(tmp_path: Path) -> None:
    path = tmp_path / "kinds.yml"
    path.write_text(
        "kinds:\n  cure:\n    phrases: [cure it]\n    related: faq/dfo_purpose\n"
        "  cause:\n    phrases: [what causes]\n",
        encoding="utf-8",
    )
    kinds = question_kinds(path)
    assert related_key("cure", kinds) == "faq/dfo_purpose"
    assert related_key("cause", kinds) is None
    assert related_key(None, kinds) is None


@pytest.mark.parametrize(
    "text",
    ["DFO te kothay kata hoy?", "where is the cut made in a VRO", "VRO kothay kora hoy hip e?"],
)
def test_where_on_the_bone_is_not_where_the_clinic_is(text: str) -> None:
    assert routed_kind(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "DFO er por physiotherapy koyta session lagbe?",
        "how many sessions of physio after the DFO",
        "ফিজিওথেরাপি সপ্তাহে কয় দিন করতে হবে?",
    ],
)
def test_how_many_physio_sessions_is_not_on_the_pages(text: str) -> None:
    # Whatever topic the models read: the honest reply.
    routed = routed_kind(text)
    assert routed is not None
    assert (routed.name, routed.intent) == ("physio_schedule", "beyond_sources")


def test_a_kind_asked_of_some_answers_leaves_every_other_answer_alone(tmp_path: Path) -> None:
    path = tmp_path / "kinds.yml"
    path.write_text(
        "kinds:\n"
        "  both_sides:\n"
        "    phrases: [both knees]\n"
        "    answered_by: []\n"
        "    asked_of: [faq/dfo_combined_procedures]\n",
        encoding="utf-8",
    )
    kinds = question_kinds(path)
    text = "can both knees be done together"
    assert unanswered_kind(text, "faq/dfo_combined_procedures", kinds) == "both_sides"
    assert unanswered_kind(text, "faq/dfo_candidates", kinds) is None


@pytest.mark.parametrize(
    "text",
    [
        # Why the operation is needed is answered; whether to have it is not asked.
        "Why does my child need this surgery?",
        "amar chele keno operation korbo ki na bujhchi na, keno dorkar?",
        "should i have physio after the operation",
        "what would you do if the bone does not heal?",
        # Surgery is not the first step: the knee page answers that.
        "do i need surgery for my knee pain?",
    ],
)
def test_why_and_other_should_questions_are_not_asking_whether_to_have_it(text: str) -> None:
    assert routed_kind(text) is None


def test_a_kinds_excluding_words_are_read_from_the_list(tmp_path: Path) -> None:
    listed = tmp_path / "kinds.yml"
    listed.write_text(
        "kinds:\n  whether:\n    intent: beyond_sources\n    phrases: [do i need it]\n"
        "    not_with: [why]\n",
        encoding="utf-8",
    )
    kinds = question_kinds(listed)
    assert routed_kind("do i need it?", kinds) is not None
    assert routed_kind("why do i need it?", kinds) is None
