"""A question that names one operation never gets the other operation's answer.

The clinic's answers belong to two operations: the knee (distal femoral
osteotomy: ``dfo_*`` and ``knee_*`` keys) and the hip in cerebral palsy
(varus derotational osteotomy: ``vro_*`` and ``hip_*`` keys). Some kinds of
answer exist for one only: the hip page lists the operation's downsides, the
knee page does not. "What are the risks of DFO?" then read, to the models,
as the nearest risks answer there is, the hip's (0.95), and "is a cast needed
after DFO" as the hip's recovery in a spica cast. A message that names one
operation and no other is never answered with the other's: it gets the
honest "the page does not say" and the staff offer instead.

"Names the operation": its short name (``dfo``, ``vro`` and their spellings
in ``concepts.yml``), or an osteotomy together with its joint ("knee
osteotomy", "হিপ osteotomy"). A joint alone is not enough: a child whose
knees point inwards is asked about the hip's derotation.

The other way round it is: a message about the hip, or a child with cerebral
palsy, that names neither the knee nor the leg's alignment ("what is
arthritis and why does my hip hurt?") is never answered with a knee answer;
no knee answer is about the hip.
"""

from __future__ import annotations

from typing import Optional, Set

from bot.nlu.concepts import concepts_in, listed_words, words

KNEE = "knee"
HIP = "hip"
_ANSWER_PREFIXES = {KNEE: ("faq/dfo_", "faq/knee_"), HIP: ("faq/vro_", "faq/hip_")}
# The concept naming each operation outright, and the concept of its joint.
_OPERATION_CONCEPT = {KNEE: "dfo", HIP: "vro"}
_JOINT_CONCEPT = {KNEE: "knee", HIP: "hip"}
_OSTEOTOMY_CONCEPT = "osteotomy"
_CEREBRAL_PALSY_CONCEPT = "cerebral_palsy"
# Concepts that bring the knee into a message about the hip: the knee
# itself, knock knees, the knee operation, the leg's alignment ("an x-ray
# from hip to ankle").
_KNEE_CONCEPTS = frozenset({"knee", "knock_knee", "dfo", "alignment"})
# What only the hip page is about: a child with cerebral palsy, the hip's
# socket (a hip moving out of it), dysplasia; its spica cast, the upper
# ("proximal") femur and the hip's valgus or varus ("coxa valga"); an
# osteotomy that turns the bone (varus, rotation).
_HIP_ONLY_CONCEPTS = frozenset({_CEREBRAL_PALSY_CONCEPT, "socket", "dysplasia"})
_HIP_ONLY_WORDS = listed_words(["spica", "স্পাইকা", "proximal", "coxa", "কক্সা"])
_HIP_OSTEOTOMY_CONCEPTS = ("varus", "rotation")
# What only the knee page is about: knock knees (genu valgum, a valgus
# knee), or valgus together with the knee ("ভ্যালগাস হাঁটু", "valgus hatu").
# The hip page speaks of valgus too, of the hip's neck, so the word alone is
# not the knee.
_KNEE_ONLY_CONCEPTS = frozenset({"knock_knee"})
_VALGUS_CONCEPT = "valgus"
# What brings the hip into a message about knock knees.
_HIP_CONCEPTS = _HIP_ONLY_CONCEPTS | {_JOINT_CONCEPT[HIP], "vro"}
# Words for an operation in general, the one list every rule reads. On this
# clinic's chat, one joint's operation is that joint's osteotomy: "my
# daughter will have hip surgery", "আম্মার হাঁটুর অপারেশন হবে". A story's
# closing question points back at the operation with them ("is the surgery
# painful?", bot.nlu.question_frames), and so does a short follow-up
# (bot.follow_up). Normalised as ``words`` reads a message.
SURGERY_WORDS = listed_words(
    [
        "operation",
        "operations",
        "operated",
        "surgery",
        "surgeries",
        "op",
        "procedure",
        "oparesan",
        "oporeshon",
        "operashon",
        "অপারেশন",
        "অপারেশনের",
        "অপারেশনে",
        "অপারেশনটা",
        "সার্জারি",
        "সার্জারির",
    ]
)


def operation_of_answer(faq_key: str) -> Optional[str]:
    """The operation an FAQ answer belongs to (``knee`` or ``hip``), or ``None`` for both."""
    for operation, prefixes in _ANSWER_PREFIXES.items():
        if faq_key.startswith(prefixes):
            return operation
    return None


def operation_named(text: str) -> Optional[str]:
    """The one operation a message names, or ``None`` when it names none or both."""
    concepts = set(concepts_in(text))
    named = [
        operation
        for operation in (KNEE, HIP)
        if _OPERATION_CONCEPT[operation] in concepts
        or {_OSTEOTOMY_CONCEPT, _JOINT_CONCEPT[operation]} <= concepts
    ]
    return named[0] if len(named) == 1 else None


def names_the_other_operation(text: str, faq_key: str) -> bool:
    """Whether the message names one operation and the answer belongs to the other."""
    answer = operation_of_answer(faq_key)
    if answer is None:
        return False
    named = operation_named(text)
    return named is not None and named != answer


def names_only_the_hip(text: str, faq_key: str) -> bool:
    """Whether the message is about the hip alone and the answer is a knee answer.

    A child with cerebral palsy counts as the hip: the clinic's operation for
    them is the hip's ("Postoperative Care After Femoral Osteotomy in CP"
    had the knee's recovery answer, 0.93).
    """
    if operation_of_answer(faq_key) != KNEE:
        return False
    concepts = set(concepts_in(text))
    about_the_hip = _JOINT_CONCEPT[HIP] in concepts or _CEREBRAL_PALSY_CONCEPT in concepts
    return about_the_hip and not concepts & _KNEE_CONCEPTS


def has_hip_only_word(text: str) -> bool:
    """Whether the message has a word only the hip page uses ("spica", "proximal", "coxa")."""
    return bool(_HIP_ONLY_WORDS & set(words(text.lower())))


def speaks_of_the_hip_page_alone(text: str, concepts: Set[str]) -> bool:
    """Whether a message speaks of what only the hip page is about, and not of the knee.

    Args:
        text: The message.
        concepts: Its concepts (``concepts_in``).
    """
    if concepts & _KNEE_CONCEPTS:
        return False
    turning_cut = _OSTEOTOMY_CONCEPT in concepts and any(
        concept in concepts for concept in _HIP_OSTEOTOMY_CONCEPTS
    )
    return bool(concepts & _HIP_ONLY_CONCEPTS or has_hip_only_word(text) or turning_cut)


def speaks_of_the_knee_page_alone(text: str, concepts: Set[str]) -> bool:
    """Whether a message speaks of what only the knee page is about, and not of the hip.

    Knock knees ("how advantageous is it to correct knock-knees?"), or a
    valgus knee ("ভ্যালগাস হাঁটু মানে কি?"), with nothing of the hip: the
    hip itself, a child with cerebral palsy, the hip's socket or dysplasia,
    its spica cast.

    Args:
        text: The message.
        concepts: Its concepts (``concepts_in``).
    """
    valgus_knee = {_VALGUS_CONCEPT, _JOINT_CONCEPT[KNEE]} <= concepts
    if not (concepts & _KNEE_ONLY_CONCEPTS or valgus_knee) or concepts & _HIP_CONCEPTS:
        return False
    return not has_hip_only_word(text)


def about_the_hip_alone(text: str) -> bool:
    """Whether a message is about the hip and not the knee: a knee answer is never its answer.

    The hip itself ("will the hip nail come out?") or what only the hip page
    is about (``speaks_of_the_hip_page_alone``), and nothing of the knee.
    Wider than the NLU's guard (``names_only_the_hip``: the hip or cerebral
    palsy), which the real-question figures were measured with; the
    dialogue uses this one to choose the operation a question is read in.
    """
    concepts = set(concepts_in(text))
    if concepts & _KNEE_CONCEPTS:
        return False
    return _JOINT_CONCEPT[HIP] in concepts or speaks_of_the_hip_page_alone(text, concepts)


def operation_meant(text: str) -> Optional[str]:
    """The operation a message is about, for reading the conversation in (not for the guards).

    The one operation it names (``operation_named``), or the joint it names
    with a word for surgery ("hip surgery", "হিপের অপারেশন"): only one joint;
    or the hip when the message speaks of what only the hip page is about
    (``speaks_of_the_hip_page_alone``) and nothing brings in the knee ("my son has CP,
    how long is the recovery?"): the clinic's operation for a child with
    cerebral palsy is the hip's, even in a conversation, or on a page, about
    the knee; or the knee when the message speaks of what only the knee page
    is about (``speaks_of_the_knee_page_alone``: knock knees) and nothing of
    the hip, even in a conversation about the hip.
    """
    named = operation_named(text)
    if named is not None:
        return named
    concepts = set(concepts_in(text))
    if speaks_of_the_hip_page_alone(text, concepts):
        return HIP
    if speaks_of_the_knee_page_alone(text, concepts):
        return KNEE
    joints = [operation for operation in (KNEE, HIP) if _JOINT_CONCEPT[operation] in concepts]
    if len(joints) == 1 and SURGERY_WORDS & set(words(text.lower())):
        return joints[0]
    return None
