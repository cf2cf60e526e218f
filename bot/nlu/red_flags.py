"""Rule-based detection of red-flag symptoms in a spaCy ``Doc``.

A statistical classifier can miss an emergency worded in a way it never saw,
so urgent symptoms are also recognised by rules over spaCy's tokens and
lemmas. The rules pair a body part or complaint with a warning sign inside one
sentence ("wound" + "leaking", "toes" + "blue"), skip signs that are negated
("no fever", "the wound is not red"), and skip general questions about warning
signs ("what are the signs of infection?") that describe nobody's symptoms.

The red flags are the ones the clinic lists: high fever, a hot, red or leaking
wound, a swollen painful calf, chest pain, breathlessness, sudden severe pain,
a limb that is cold, pale, blue or numb, and a fall on the operated leg.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Dict, FrozenSet, Iterable, List, Sequence, Set

from spacy.tokens import Doc, Span, Token

HIGH_FEVER = "high_fever"
WOUND_PROBLEM = "wound_problem"
CALF_SWELLING = "calf_swelling"
CHEST_PAIN = "chest_pain"
BREATHLESSNESS = "breathlessness"
SEVERE_PAIN = "sudden_severe_pain"
LIMB_CIRCULATION = "cold_pale_or_numb_limb"
FALL_AFTER_SURGERY = "fall_on_operated_leg"


def _words(text: str) -> FrozenSet[str]:
    return frozenset(text.split())


# Each concept is a set of lower-cased words or lemmas.
FEVER = _words("fever feverish temperature temp febrile pyrexia")
MILD = _words("mild slight low little")
HIGH = _words("high very severe bad raging burning spiking spike persistent")
SHIVERING = _words("shiver shivering chill chills rigor rigors shake shaking")
WOUND = _words(
    "wound incision stitch stitches suture sutures scar dressing dressings "
    "bandage staple staples site"
)
# Fluid coming out: a warning sign on a wound and also through a cast.
DRAINAGE_SIGN = _words(
    "leak leaking leaks ooze oozing oozes pus pussy discharge discharging drain "
    "draining fluid smell smelly smells stink stinks stinking foul bleed bleeding "
    "bleeds blood bloody bled"
)
WOUND_SIGN = DRAINAGE_SIGN | _words(
    "red redness hot warm open opened opening gape gaping split yellow green "
    "infected infection swollen swelling inflamed streak streaks burst"
)
CALF = _words("calf calves shin")
LEG = _words("leg legs thigh")
SWELLING_SIGN = _words(
    "swollen swell swelling swelled puffy puffed tender painful pain hurt hurts "
    "hurting sore red hot hard tight"
)
CLOT = _words("clot clots dvt thrombosis")
CHEST = _words("chest")
CHEST_SIGN = _words("pain painful hurt hurts hurting ache aching tight tightness pressure heavy")
BREATH = _words("breathe breathing breath breathes")
SHORT = _words("short shortness")
BREATH_TROUBLE = _words(
    "difficulty difficult trouble struggle struggling hard problem problems "
    "unable labored laboured heavy fast gasping"
)
BREATHLESS = _words("breathless breathlessness gasp gasping suffocating choking")
PAIN = _words("pain painful hurt hurts hurting ache agony")
SUDDEN = _words("sudden suddenly abrupt abruptly")
SEVERE = _words("severe unbearable terrible excruciating extreme intense worst horrible awful")
UNBEARABLE = _words("unbearable excruciating agony screaming")
LIMB = _words("leg legs foot feet toe toes limb limbs ankle ankles knee hand finger fingers")
CIRCULATION_SIGN = _words(
    "cold pale white blue bluish purple purplish grey gray numb numbness " "tingling dead lifeless"
)
FEEL_OR_MOVE = _words("feel move wiggle")
FALL = _words("fall fell fallen falling trip tripped collapse collapsed")
# "slipped on the floor" is a fall; "a slipped disc" or "the kneecap slips out" is not.
SLIP = _words("slip slipped slipping slips")
NOT_A_FALL_AFTER_SLIP = _words("disc disk out off")
CAST = _words("cast spica plaster")
TIGHT = _words("tight tighter squeeze squeezing")
OPERATION = _words("operation surgery surgical op osteotomy dfo vro vdo")
AFTER = _words("after since post following had")
# Words that on their own place a message after an operation.
POST_OP = _words(
    "operated postop post-op cast spica plate nail screw screws stitch stitches " "discharged"
)
NEGATION = _words("no not n't never without nothing none denies")
PERSONAL = _words(
    "i i'm im me my mine we our he him his she her they them their son daughter "
    "child kid baby boy girl mother mom mum father dad husband wife brother "
    "sister wife patient"
)
# A sentence opening with one of these asks about what might happen...
HYPOTHETICAL_START = _words("can could will would should may might")
ASKING_FOR_HELP = _words("you u someone somebody anyone anybody")
# ...with one of these, it is general unless it names someone ("is his wound red?").
QUESTION_START = _words("does do is are what why how when")
# Cues that a sentence asks about warning signs in general rather than
# describing someone's symptoms now.
_GENERAL_QUESTION = re.compile(
    r"\b(warning signs?|signs? of|symptoms? of|risks? of|chances? of|"
    r"complications?|what (?:are|is) the signs?)\b",
    re.IGNORECASE,
)
_LOWER_LEG = re.compile(
    r"\b(lower leg|back of (?:the |my |his |her |your )?(?:lower )?legs?)\b", re.IGNORECASE
)
_NUMBER = re.compile(r"^\d{2,3}(?:\.\d)?$")
_NEGATION_WINDOW = 3

# Misspelt symptom words ("fevr", "swolen", "breth") are matched to the words
# above at one edit. Real English words one edit away from them ("fewer",
# "calm") are listed in this table of the spaCy pipeline (see
# bot.nlu.spacy_pipeline) and never corrected.
CONFUSABLES_TABLE = "red_flag_confusables"
_MIN_FUZZY_LENGTH = 4
# Typed words this short are matched only if one letter was dropped ("clf").
_MIN_TYPED_LENGTH = 3
_CONCEPTS = (
    FEVER,
    HIGH,
    SHIVERING,
    WOUND,
    WOUND_SIGN,
    CALF,
    LEG,
    SWELLING_SIGN,
    CLOT,
    CHEST,
    CHEST_SIGN,
    BREATH,
    SHORT,
    BREATH_TROUBLE,
    BREATHLESS,
    PAIN,
    SUDDEN,
    SEVERE,
    UNBEARABLE,
    LIMB,
    CIRCULATION_SIGN,
    FEEL_OR_MOVE,
    FALL,
    CAST,
    TIGHT,
    OPERATION,
    POST_OP,
)
VOCABULARY: FrozenSet[str] = frozenset(
    word
    for concept in _CONCEPTS
    for word in concept
    if word.isalpha() and len(word) >= _MIN_FUZZY_LENGTH
)


def deletions(word: str) -> Set[str]:
    """All strings made by deleting one character of ``word``."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def one_edit_variants(word: str) -> Set[str]:
    """Every string one deletion, insertion, substitution or swap from ``word``."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in letters}
    inserts = {a + c + b for a, b in splits for c in letters}
    return (deletions(word) | swaps | replaces | inserts) - {word}


@functools.lru_cache(maxsize=1)
def _deletion_index() -> Dict[str, FrozenSet[str]]:
    index: Dict[str, Set[str]] = {}
    for word in VOCABULARY:
        for key in deletions(word) | {word}:
            index.setdefault(key, set()).add(word)
    return {key: frozenset(words) for key, words in index.items()}


def within_one_edit(a: str, b: str) -> bool:
    """Whether ``a`` becomes ``b`` by one deletion, insertion, substitution or swap."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    shorter, longer = sorted((a, b), key=len)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def spelling_matches(word: str) -> FrozenSet[str]:
    """Vocabulary words one edit away from ``word`` (empty for short words)."""
    if len(word) < _MIN_TYPED_LENGTH or not word.isalpha() or word in VOCABULARY:
        return frozenset()
    index = _deletion_index()
    candidates: Set[str] = set()
    for key in deletions(word) | {word}:
        candidates |= index.get(key, frozenset())
    return frozenset(
        candidate
        for candidate in candidates
        if within_one_edit(word, candidate)
        and (len(word) >= _MIN_FUZZY_LENGTH or len(candidate) == len(word) + 1)
    )


@dataclass(frozen=True)
class _Sentence:
    """The normalised word forms of one sentence, in order."""

    forms: Sequence[FrozenSet[str]]
    text: str

    def positions(self, concept: FrozenSet[str]) -> List[int]:
        return [i for i, forms in enumerate(self.forms) if forms & concept]

    def has(self, concept: FrozenSet[str]) -> bool:
        return bool(self.positions(concept))

    def negated(self, index: int) -> bool:
        start = max(0, index - _NEGATION_WINDOW)
        return any(self.forms[i] & NEGATION for i in range(start, index))

    def has_affirmed(self, concept: FrozenSet[str]) -> bool:
        """Whether a word of the concept occurs without a negation just before it."""
        return any(not self.negated(i) for i in self.positions(concept))

    def has_sequence(self, *concepts: FrozenSet[str]) -> bool:
        """Whether consecutive words match the concepts in order."""
        span = len(concepts)
        return any(
            all(self.forms[start + k] & concepts[k] for k in range(span))
            for start in range(len(self.forms) - span + 1)
        )

    def after_operation(self) -> bool:
        """'after the op', 'since surgery', 'operated', 'the cast': after an operation."""
        if self.has(POST_OP):
            return True
        for index in self.positions(OPERATION):
            start = max(0, index - _NEGATION_WINDOW)
            if any(self.forms[i] & AFTER for i in range(start, index)):
                return True
        return False

    def fall(self) -> bool:
        """A fall, trip or slip of the patient (not a slipped disc)."""
        if self.has_affirmed(FALL):
            return True
        for index in self.positions(SLIP):
            following = self.forms[index + 1] if index + 1 < len(self.forms) else frozenset()
            if not self.negated(index) and not following & NOT_A_FALL_AFTER_SLIP:
                return True
        return False

    def general_question(self) -> bool:
        """A question about people in general, not a report about someone now."""
        if _GENERAL_QUESTION.search(self.text):
            return True
        first = self.forms[0] if self.forms else frozenset()
        second = self.forms[1] if len(self.forms) > 1 else frozenset()
        # "can't feel my leg" opens with a modal too, but reports a symptom, and
        # "can you help, his toes are blue" asks for help with one.
        if (
            first & HYPOTHETICAL_START
            and not second & (NEGATION | ASKING_FOR_HELP)
            and "n't" not in first
        ):
            return True
        return bool(first & QUESTION_START) and not self.has(PERSONAL)

    def negated_verb(self, verbs: FrozenSet[str]) -> bool:
        """'can't feel', 'cannot move', 'unable to breathe': inability, not denial."""
        for index in self.positions(verbs):
            start = max(0, index - _NEGATION_WINDOW)
            window = set().union(*self.forms[start:index]) if index else set()
            if window & (NEGATION | {"unable", "cannot"}):
                return True
        return False


def _token_forms(token: Token, confusables: FrozenSet[str]) -> FrozenSet[str]:
    lower = token.lower_
    forms = {lower, token.lemma_.lower(), token.norm_.lower()}
    if lower.endswith("n't") or lower in {"cannot", "cant", "dont", "didnt", "wont", "isnt"}:
        forms.add("n't")
    if lower not in confusables:
        forms |= spelling_matches(lower)
    return frozenset(form for form in forms if form)


def _confusables(doc: Doc) -> FrozenSet[str]:
    lookups = doc.vocab.lookups
    if not lookups.has_table(CONFUSABLES_TABLE):
        return frozenset()
    table = lookups.get_table(CONFUSABLES_TABLE)
    words = table.get("words", [])
    return frozenset(words)


def _sentences(doc: Doc) -> Iterable[_Sentence]:
    confusables = _confusables(doc)
    spans: Iterable[Span] = doc.sents if doc.has_annotation("SENT_START") else [doc[:]]
    for span in spans:
        yield _Sentence([_token_forms(token, confusables) for token in span], span.text)


def _high_temperature(sentence: _Sentence) -> bool:
    for forms in sentence.forms:
        for form in forms:
            if _NUMBER.match(form):
                value = float(form)
                if 38.0 <= value <= 43.0 or 100.4 <= value <= 110.0:
                    return True
    return False


def _sentence_flags(s: _Sentence, operation_mentioned: bool) -> Set[str]:
    """Red flags in one sentence.

    Args:
        s: The sentence.
        operation_mentioned: Whether any sentence of the message places it
            after an operation ("She had the VRO last month. Today she fell.").
    """
    flags: Set[str] = set()
    after_operation = operation_mentioned or s.after_operation()
    text = s.text.lower()

    # Breathing and chest pain are flagged even inside general questions:
    # a missed emergency costs more than an unnecessary warning.
    if (
        s.has_affirmed(BREATHLESS)
        or s.has_sequence(SHORT, _words("of"), BREATH)
        or s.negated_verb(BREATH)
        or (s.has_affirmed(BREATH) and s.has(BREATH_TROUBLE))
    ):
        flags.add(BREATHLESSNESS)
    if s.has(CHEST) and s.has_affirmed(CHEST_SIGN):
        flags.add(CHEST_PAIN)
    if s.general_question():
        return flags

    mild_only = s.has(MILD) and not s.has(HIGH)
    if s.has_affirmed(FEVER) and (
        s.has(HIGH)
        or s.has(SHIVERING)
        or _high_temperature(s)
        or (after_operation and not mild_only)
    ):
        flags.add(HIGH_FEVER)
    if "burning up" in text:
        flags.add(HIGH_FEVER)
    if (s.has(WOUND) and s.has_affirmed(WOUND_SIGN)) or (
        s.has(CAST) and s.has_affirmed(DRAINAGE_SIGN)
    ):
        flags.add(WOUND_PROBLEM)
    calf = s.has(CALF) or bool(_LOWER_LEG.search(text))
    if (calf and s.has_affirmed(SWELLING_SIGN)) or (s.has_affirmed(CLOT) and (s.has(LEG) or calf)):
        flags.add(CALF_SWELLING)
    if s.has_affirmed(PAIN) and (s.has(SUDDEN) or (s.has(SEVERE) and after_operation)):
        flags.add(SEVERE_PAIN)
    if s.has_affirmed(UNBEARABLE):
        flags.add(SEVERE_PAIN)
    limb = s.has(LIMB) or s.has(CAST)
    if limb and (s.has_affirmed(CIRCULATION_SIGN) or s.negated_verb(FEEL_OR_MOVE)):
        flags.add(LIMB_CIRCULATION)
    if "pins and needles" in text and limb:
        flags.add(LIMB_CIRCULATION)
    if s.has(CAST) and s.has_affirmed(TIGHT) and (s.has(PAIN) or s.has(SWELLING_SIGN)):
        flags.add(LIMB_CIRCULATION)
    if s.fall() and (s.has(OPERATION) or after_operation):
        flags.add(FALL_AFTER_SURGERY)
    return flags


def detect_red_flags(doc: Doc) -> List[str]:
    """Return the names of the red flags a message describes, in a fixed order.

    Args:
        doc: The message processed by the project's spaCy pipeline (tokenizer,
            lookup lemmatizer and sentencizer).

    Returns:
        Sorted red-flag names; empty when the message describes none.
    """
    sentences = list(_sentences(doc))
    operation_mentioned = any(sentence.after_operation() for sentence in sentences)
    found: Set[str] = set()
    for sentence in sentences:
        found |= _sentence_flags(sentence, operation_mentioned)
    return sorted(found)
