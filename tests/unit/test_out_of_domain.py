"""The list of other joints, operations and illnesses."""

from pathlib import Path

import pytest

from bot.nlu.out_of_domain import ours_with, out_of_domain_terms, outside_terms


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("What is a rotator cuff tear?", ["rotator cuff"]),
        ("high tibial osteotomy recovery", ["high tibial", "tibial osteotomy"]),
        ("plates after my son's fracture, must they come out?", ["fracture"]),
        ("আমার কাঁধে ব্যথা", ["কাঁধ"]),
        # a pelvic osteotomy by name, another limb, an animal
        ("what is a Salter osteotomy", ["salter osteotomy"]),
        ("what is a rotational osteotomy of the forearm", ["forearm"]),
        ("valgus deformity of the big toe", ["big toe"]),
        ("my dog needs a TPLO osteotomy", ["dog", "my dog", "tplo"]),
        ("har venge geche, plate lagbe?", ["har venge", "venge geche"]),
        # a broken leg or arm in Bangla and romanized Bangla, and the jaw
        ("pa bhanga, plate bosano hoyeche, plate ki khulte hobe?", ["pa bhanga"]),
        ("baccha r haddi venge gese, plate ki pore khulte hoy?", ["haddi venge", "venge gese"]),
        ("cervical spondylosis, hat obosh lage", ["cervical", "spondylosis"]),
        (
            "my German shepherd has hip dysplasia, do you operate on dogs?",
            ["dogs", "german shepherd"],
        ),
        ("wheel alignment shop near Mirpur", ["wheel alignment"]),
        ("ingrown toe nail removal, does it hurt", ["ingrown", "toe nail"]),
        ("আমার ছেলের হাত ভেঙ্গে গেছে, প্লাস্টার কত দিন?", ["ভেঙ্গে গেছে", "হাত ভেঙ্গে"]),
        ("থুতনির হাড় কেটে সামনে আনার অপারেশনের খরচ কত?", ["থুতনি"]),
        # a knee already replaced
        ("হাঁটু প্রতিস্থাপন (নি রিপ্লেসমেন্ট) করেছি, কবে নামাজে বসতে পারব?", ["রিপ্লেসমেন্ট করেছি"]),
        ("abbur knee replacement hoise, siri bhangte parben kobe", ["replacement hoise"]),
    ],
)
def test_other_joints_and_operations_are_found(text: str, terms: list) -> None:
    assert out_of_domain_terms(text) == terms


@pytest.mark.parametrize(
    "text",
    [
        "DFO or HTO, which is better for me?",
        "is a VRO done after a femur fracture?",
        "what is the femoral neck",
        "is DFO an alternative to knee replacement",
        "hadd kete soja kora hoy, eta ki hadd bhanga?",
        "পাশের বাড়ির ভাবির হাঁটুর DFO হয়েছে",
        "DFO করলে কি পরে রিপ্লেসমেন্ট করা লাগে?",
        "knee replacement na kore ki onno upay ache?",
        "",
    ],
)
def test_our_own_topics_are_not_outside(text: str) -> None:
    assert out_of_domain_terms(text) == []


def test_the_list_loads_and_every_term_is_words() -> None:
    terms = outside_terms()
    assert len(terms) > 50
    assert all(term and all(term) for term in terms)


def every_term_at_every_position(text: str) -> list:
    """The matching rule spelled out: each term tried at each word of the message."""
    from bot.nlu.out_of_domain import ANCHORS, _matches, _phrase, outside_terms

    words = _phrase(text)
    if any(word in ANCHORS for word in words):
        return []
    found = set()
    for term in outside_terms():
        size = len(term)
        if any(_matches(words[i : i + size], term) for i in range(len(words) - size + 1)):
            found.add(" ".join(term))
    return sorted(found)


def test_the_indexed_search_finds_what_trying_every_term_finds() -> None:
    from bot.nlu.out_of_domain import outside_terms

    terms = [" ".join(term) for term in sorted(outside_terms())]
    messages = [
        *terms,
        *(f"my mother asked about {term} after her knee pain" for term in terms[::3]),
        *(f"{term}ে কী হয়" for term in terms if term and "\u0980" <= term[0] <= "\u09ff"),
        "what is a rotator cuff tear and a hip replacement",
        "knee knee knee",
        "",
    ]
    for message in messages:
        assert out_of_domain_terms(message) == every_term_at_every_position(message), message


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        # knock knees: the knees touch, the ankles do not
        ("my knees touch when I stand but my ankle bones don't", []),
        ("দাঁড়ালে দুই হাঁটু লেগে যায়, কিন্তু গোড়ালির মাঝে ফাঁক থাকে", []),
        # the knee page's standing X-ray of the whole leg
        ("why do I need standing x-rays from hip to ankle before an osteotomy?", []),
        # a valgus knee that comes from the femur, not the tibia
        ("is my valgus from the femur or the tibia?", []),
        # ...said the lay way: the shin bone beside the thigh bone
        ("does a knock knee come from the thigh bone or the shin bone?", []),
        # a family afraid that dysplasia is a tumour
        ("my mother thinks dysplasia means a tumour", []),
        ("হিপ ডিসপ্লাসিয়া কি ক্যান্সার?", []),
        # diabetes beside an osteotomy: the knee page's "uncontrolled medical illness"
        ("will they refuse my knee osteotomy because my diabetes is not controlled?", []),
        # "is an osteotomy like breaking the bone?": what the word means
        ("osteotomy mane ki haddi venge fela?", []),
        ("অস্টিওটমি মানে কি হাড় ভেঙে ফেলা?", []),
        ("ডায়াবেটিস কন্ট্রোলে না থাকলে কি হাঁটুর অস্টিওটমি করা যায়?", []),
        # without those concepts the terms stay outside
        ("bone tumour near the hip", ["tumour"]),
        # an old fracture that healed into a knock knee; a fracture's plate
        ("knock kneed since an old fracture, how does it wear the cartilage?", []),
        ("plates after my son's fracture, must they come out?", ["fracture"]),
        ("my ankle hurts after a sprain", ["ankle"]),
        ("tibia fracture plate removal", ["fracture", "tibia"]),
        ("my shin bone was broken, will the plate come out?", ["shin bone"]),
        ("ডায়াবেটিস কাদের হতে পারে?", ["ডায়াবেটিস"]),
        ("what should a person with diabetes eat?", ["diabetes"]),
    ],
)
def test_some_terms_are_ours_beside_our_own_concepts(text: str, terms: list) -> None:
    assert out_of_domain_terms(text) == terms


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ("ours_with:\n  tibia: thigh_bone\n", "must be a list"),
        ("ours_with:\n  tibia: [thigh_bones]\n", "unknown concepts"),
        ("ours_with:\n  femur: [thigh_bone]\n", "not an outside term"),
        ("ours_with: [tibia]\n", "must map terms"),
    ],
)
def test_a_mistyped_ours_with_section_is_refused(
    tmp_path: Path, section: str, message: str
) -> None:
    terms = tmp_path / "out_of_domain.yml"
    terms.write_text("outside:\n  - tibia\n" + section, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        ours_with(terms)


def test_the_shipped_ours_with_section_loads() -> None:
    assert ours_with()["tibia"] == {"thigh_bone", "knock_knee", "valgus"}
