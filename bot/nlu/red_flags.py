"""Rule-based detection of red-flag symptoms in a spaCy ``Doc``.

A statistical classifier can miss an emergency worded in a way it never saw,
so urgent symptoms are also recognised by rules over spaCy's tokens and
lemmas. The rules pair a body part or complaint with a warning sign inside one
sentence ("wound" + "leaking", "toes" + "blue") and skip signs that are
negated ("no fever", "the wound is not red").

The red flags are the ones the clinic lists: high fever, or chills after the
operation; a hot, red, leaking, smelly or open wound, a dressing that keeps
getting wet, or bone or metal showing; signs of a blood clot (a swollen,
painful or warm calf, "DVT", blood coughed up); swelling after the
operation, or swelling that came on suddenly or keeps growing; chest pain;
breathlessness; sudden or severe pain, pain growing under a cast or that the
medicine does not help; a limb that is cold, pale, blue or numb, or a cast
too tight; a child (in a cast, after the operation) not passing urine, or
floppy and hard to wake; a fall on the operated leg.

Questions: wound, clot, swelling, cast and circulation signs count even when
asked about ("is yellow drainage from the incision normal?", "should I worry
if his toes are blue?"), except how to prevent them or their risk ("how can I
avoid an infection?"). A question about the warning signs after an operation
("what signs of infection should I look for?") is urgent too, with its own
flag so that the reply can be worded for it. Fever, pain and falls asked
about in general ("will I get a fever after the operation?") describe
nobody's symptoms and are not flagged. :func:`phrased_as_question` tells the
urgent reply whether the patient asked or told.

Bangla script and romanized Bangla go through the same rules: their words are
glossed with the English concept words ("জ্বর", "jor" -> "fever"; "পড়ে গেছে",
"pore geche" -> "fell"), after the stem of an inflected Bangla word is found
("সেলাইয়ের" -> "সেলাই"). What English does not have is handled on top: negation
that follows the word ("জ্বর নেই", "lal na", "fule nai"), inability ("শ্বাস
নিতে পারছে না": cannot breathe), and Bangla ways of asking in general
("জ্বর হলে কী করব?") rather than reporting. Romanized words that are also
English ("pa", "hat", "hole") count only in a sentence that is otherwise
Bangla.

The words themselves (English concept lists, Bangla and romanized glosses,
two-word phrases, negation, reporting and question words) live in
``red_flags.yml`` next to this module, where a clinician can read and extend
them; they are read once, at first use (:func:`lexicon`). The logic stays
here.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import (
    Any,
    Dict,
    FrozenSet,
    Iterable,
    List,
    Mapping,
    Optional,
    Pattern,
    Sequence,
    Set,
    Tuple,
)

import yaml
from spacy.tokens import Doc, Span, Token

from bot.digits import to_ascii_digits
from bot.nlu.bangla import bangla_stems, has_bangla, normalise_word
from bot.nlu.language import ROMANIZED_STRONG, ROMANIZED_WORDS
from bot.nlu.out_of_domain import out_of_domain_terms

# "The hips fall out" or "it falls apart" is no fall of the patient ("he fell
# out of bed" is).
_FALLS_OUT_OF_PLACE = frozenset({"out", "apart"})

HIGH_FEVER = "high_fever"
WOUND_PROBLEM = "wound_problem"
CALF_SWELLING = "calf_swelling"
CHEST_PAIN = "chest_pain"
BREATHLESSNESS = "breathlessness"
SEVERE_PAIN = "sudden_severe_pain"
LIMB_CIRCULATION = "cold_pale_or_numb_limb"
FALL_AFTER_SURGERY = "fall_on_operated_leg"
POST_OP_SWELLING = "swelling_after_surgery"
COUGHING_BLOOD = "coughing_blood"
UNRESPONSIVE = "drowsy_or_unresponsive"
OUT_OF_SHAPE = "leg_suddenly_out_of_shape"
VOMITING_IN_CAST = "vomiting_in_cast"
RACING_HEART = "racing_heart"
SEIZURE = "seizure"
ALLERGIC_REACTION = "allergic_reaction"
BLEEDING_INSIDE = "vomiting_blood_or_black_stools"
KEEPS_VOMITING = "vomiting_everything"
STROKE_SIGNS = "face_drooping_or_speech_slurred"
NO_URINE = "not_passing_urine"
NOT_DRINKING = "not_drinking"
CANNOT_BEAR_WEIGHT = "cannot_bear_weight_since"
# A question about the warning signs after an operation ("what signs of
# infection should I look for?"): urgent too, answered with its own wording.
WARNING_SIGNS_QUESTION = "warning_signs_question"

# The vocabulary: see red_flags.yml for what each list means.
DATA_FILE = Path(__file__).with_name("red_flags.yml")
DATA_VERSION = "1"
# Concept words that glosses may point to without being in an English list:
# markers the rules read directly ("খুব" is "intensely": very, next to a fever).
INTENSELY = frozenset({"intensely"})
# "অনেক বেশি ফুলে গেছে", "more swollen than yesterday": more swelling than before.
MORE = INTENSELY | frozenset({"more"})
_TO_BE = frozenset({"is", "are", "'s", "be"})
# Blood coughed up ("রক্ত" and "rokto" are glossed "blood").
_BLOOD = frozenset({"blood", "bloody"})
# "kalche" (blackish) is read as "blackened": vomit that colour is blood.
_BLACKENED = frozenset({"blackened"})
BEAR = frozenset({"bear"})
SUBSIDING = frozenset({"subsiding"})  # "কমছে": with a negation, a persistent fever
_MARKER_GLOSSES = INTENSELY | BEAR | SUBSIDING

# Marks added to a word's forms (never words themselves).
FUSED_NEGATION = "__negated__"  # "fuleni", "ফোলেনি": the word carries its negation
REPORT_MARK = "__reports__"  # a verb that reports ("hoyeche")
_REPORTED = frozenset({REPORT_MARK})
_ABLE = "__able__"

# The calf by another name: "lower leg", "back of the leg", "behind the knee".
_LOWER_LEG = re.compile(
    r"\b(lower leg|back of (?:the |my |his |her |your )?(?:lower )?(?:legs?|knees?)"
    r"|behind (?:the |my |his |her |your )?knees?)\b",
    re.IGNORECASE,
)
# "পারছে না", "parche na": cannot.
_ABLE_BANGLA_PREFIX = "পার"
# parche, parchi, parse, partese, parteche, parbe, pari, pare, parchen... and
# the same with the negation written on: parchena, parina, partesena.
_ABLE_ROMANIZED = re.compile(
    r"^par(?:[cs]h?h?[ie]n?|t[ae](?:[cs]h?h?|chh?)[ie]n?|tich[ie]|b[eo]n?|i|e|en|lam|lo)"
    r"(na|ni)?$"
)
_BANGLA_NEGATION_SUFFIXES = tuple(normalise_word(s) for s in ("না", "নি"))
_ROMANIZED_NEGATION_SUFFIXES = ("na", "ni")

_NEGATION_WINDOW = 3
_INTENSIFIER_WINDOW = 2
# "the swelling around my knee is going down": swelling and its easing this near.
_GOING_DOWN_WINDOW = 6
# "kalo dag", "the blue mark": a colour this near a mark word is the mark's.
_MARK_COLOUR_WINDOW = 3
_POST_NEGATION_WINDOW = 6
# A clot sign said of calves named only for their tone ("tight calves"): at
# most this many words from them ("his tight calves are now red and hot").
_CALF_SIGN_WINDOW = 4
# "অপারেশনের ৩ দিন পর": how far after the operation word "after" may come.
_AFTER_OPERATION_WINDOW = 4
# "after my husband's thigh bone operation": 'after' up to six words before.
_AFTER_WINDOW = 6

# Misspelt symptom words ("fevr", "swolen", "breth") are matched to the
# vocabulary at one edit. Real English words one edit away from them ("fewer",
# "calm") are listed in this table of the spaCy pipeline (see
# bot.nlu.spacy_pipeline) and never corrected.
CONFUSABLES_TABLE = "red_flag_confusables"
_MIN_FUZZY_LENGTH = 4
# Typed words this short are matched only if one letter was dropped ("clf").
_MIN_TYPED_LENGTH = 3


# --- The vocabulary file ------------------------------------------------------


class VocabularyError(ValueError):
    """``red_flags.yml`` is malformed (the message says where)."""


class _StrictLoader(getattr(yaml, "CBaseLoader", yaml.BaseLoader)):  # type: ignore[misc]
    """Every scalar is a string ("no" stays "no"), and a repeated key is an error."""


def _no_duplicate_keys(loader: yaml.BaseLoader, node: yaml.MappingNode) -> Dict[str, Any]:
    mapping: Dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise VocabularyError(f"{key_node.start_mark}: '{key}' is listed twice")
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicate_keys)


@dataclass(frozen=True)
class Phrase:
    """A two-word expression read as one sign.

    A word of ``then`` within ``within`` words after a word of ``first`` also
    means ``means`` ("বের হচ্ছে" -> discharge), and neither word is read as
    a word of ``cancels`` ("after discharge" is no discharge from the wound).
    """

    first: FrozenSet[str]
    then: FrozenSet[str]
    within: int
    means: Optional[str] = None
    cancels: FrozenSet[str] = frozenset()


@dataclass(frozen=True)
class Lexicon:
    """Every word list of ``red_flags.yml``, normalised (see the file for meanings).

    Glosses map a (normalised) Bangla or romanized word to the English concept
    words it means.
    """

    # english: signs and body parts
    fever: FrozenSet[str]
    mild: FrozenSet[str]
    high: FrozenSet[str]
    shivering: FrozenSet[str]
    wound: FrozenSet[str]
    drainage_sign: FrozenSet[str]
    blood_compound: FrozenSet[str]
    wound_sign: FrozenSet[str]
    opening: FrozenSet[str]
    stain: FrozenSet[str]
    spreading: FrozenSet[str]
    someone_opens: FrozenSet[str]
    infection: FrozenSet[str]
    bone_or_metal: FrozenSet[str]
    exposed: FrozenSet[str]
    imaging: FrozenSet[str]
    hip: FrozenSet[str]
    hot_sign: FrozenSet[str]
    swelling: FrozenSet[str]
    calf: FrozenSet[str]
    leg: FrozenSet[str]
    thigh: FrozenSet[str]
    swelling_sign: FrozenSet[str]
    tone_sign: FrozenSet[str]
    muscles: FrozenSet[str]
    muscle: FrozenSet[str]
    clot: FrozenSet[str]
    cough: FrozenSet[str]
    definition: FrozenSet[str]
    prevention: FrozenSet[str]
    chest: FrozenSet[str]
    chest_sign: FrozenSet[str]
    breath: FrozenSet[str]
    short: FrozenSet[str]
    breath_trouble: FrozenSet[str]
    breathless: FrozenSet[str]
    pain: FrozenSet[str]
    sudden: FrozenSet[str]
    severe: FrozenSet[str]
    unbearable: FrozenSet[str]
    screams: FrozenSet[str]
    cries: FrozenSet[str]
    settle: FrozenSet[str]
    hours: FrozenSet[str]
    seizure: FrozenSet[str]
    face: FrozenSet[str]
    rash: FrozenSet[str]
    all_over: FrozenSet[str]
    stool: FrozenSet[str]
    black: FrozenSet[str]
    everything: FrozenSet[str]
    droop: FrozenSet[str]
    touch: FrozenSet[str]
    pus: FrozenSet[str]
    deformed: FrozenSet[str]
    leg_shape: FrozenSet[str]
    lately_or_disabling: FrozenSet[str]
    snap: FrozenSet[str]
    twist: FrozenSet[str]
    lips: FrozenSet[str]
    lift: FrozenSet[str]
    seek_care: FrozenSet[str]
    call: FrozenSet[str]
    hurry: FrozenSet[str]
    problem: FrozenSet[str]
    worry: FrozenSet[str]
    watch: FrozenSet[str]
    know_how: FrozenSet[str]
    how: FrozenSet[str]
    doctor: FrozenSet[str]
    emergency: FrozenSet[str]
    confused: FrozenSet[str]
    recognise: FrozenSet[str]
    heart: FrozenSet[str]
    racing: FrozenSet[str]
    respond: FrozenSet[str]
    recovered: FrozenSet[str]
    compartment: FrozenSet[str]
    now: FrozenSet[str]
    excessive: FrozenSet[str]
    vomit: FrozenSet[str]
    drink: FrozenSet[str]
    before: FrozenSet[str]
    why: FrozenSet[str]
    medicine: FrozenSet[str]
    contact_channel: FrozenSet[str]
    unresponsive: FrozenSet[str]
    limb: FrozenSet[str]
    circulation_sign: FrozenSet[str]
    sensory_sign: FrozenSet[str]
    feel_or_move: FrozenSet[str]
    fall: FrozenSet[str]
    slip: FrozenSet[str]
    not_a_fall_after_slip: FrozenSet[str]
    slips_by_itself: FrozenSet[str]
    slipping_joint: FrozenSet[str]
    found: FrozenSet[str]
    puzzled_by: FrozenSet[str]
    reason_given: FrozenSet[str]
    visit: FrozenSet[str]
    others: FrozenSet[str]
    own: FrozenSet[str]
    others_genitive: FrozenSet[str]
    theirs: FrozenSet[str]
    statistic: FrozenSet[str]
    habitually: FrozenSet[str]
    last: FrozenSet[str]
    long_ago: FrozenSet[str]
    last_year: FrozenSet[str]
    journey_before_trip: FrozenSet[str]
    cast: FrozenSet[str]
    tight: FrozenSet[str]
    urine: FrozenSet[str]
    nappy: FrozenSet[str]
    fading: FrozenSet[str]
    mark: FrozenSet[str]
    mark_colour: FrozenSet[str]
    colour_noun: FrozenSet[str]
    thing_colour: FrozenSet[str]
    colour_choice: FrozenSet[str]
    contrast: FrozenSet[str]
    pink: FrozenSet[str]
    dry: FrozenSet[str]
    wet: FrozenSet[str]
    again: FrozenSet[str]
    stopped: FrozenSet[str]
    child: FrozenSet[str]
    operation: FrozenSet[str]
    after: FrozenSet[str]
    had_done: FrozenSet[str]
    operation_past: FrozenSet[str]
    time_unit: FrozenSet[str]
    time_past: FrozenSet[str]
    lessening: FrozenSet[str]
    post_op: FrozenSet[str]
    planned: FrozenSet[str]
    next: FrozenSet[str]
    ahead_unit: FrozenSet[str]
    sign: FrozenSet[str]
    warning: FrozenSet[str]
    progress: FrozenSet[str]
    past: FrozenSet[str]
    negation: FrozenSet[str]
    first_person: FrozenSet[str]
    bigger: FrozenSet[str]
    years: FrozenSet[str]
    ago: FrozenSet[str]
    weight_bearing: FrozenSet[str]
    onset: FrozenSet[str]
    headache: FrozenSet[str]
    neck: FrozenSet[str]
    stiff: FrozenSet[str]
    thicker: FrozenSet[str]
    than: FrozenSet[str]
    digit: FrozenSet[str]
    upper_limb: FrozenSet[str]
    delay: FrozenSet[str]
    asked_anywhere: FrozenSet[str]
    slurred: FrozenSet[str]
    personal: FrozenSet[str]
    hypothetical_start: FrozenSet[str]
    asking_for_help: FrozenSet[str]
    question_start: FrozenSet[str]
    # grammar
    negation_after: FrozenSet[str]
    negation_transparent: FrozenSet[str]
    reporting: FrozenSet[str]
    reporting_endings_bangla: FrozenSet[str]
    not_verbs: FrozenSet[str]
    not_negations: FrozenSet[str]
    reporting_endings_romanized: FrozenSet[str]
    future_endings: FrozenSet[str]
    english_with_reporting_endings: FrozenSet[str]
    urgency: FrozenSet[str]
    general_cue: FrozenSet[str]
    conditional_after: FrozenSet[str]
    conditional_before: FrozenSet[str]
    habitual: FrozenSet[str]
    question_particle: FrozenSet[str]
    applied: FrozenSet[str]
    rotator: FrozenSet[str]
    bruise: FrozenSet[str]
    caught: FrozenSet[str]
    passive_able: FrozenSet[str]
    fitted_thing: FrozenSet[str]
    fit_connector: FrozenSet[str]
    fit_noun_before: FrozenSet[str]
    after_following: FrozenSet[str]
    on_seeing: FrozenSet[str]
    question_words_start: FrozenSet[str]
    question_words: FrozenSet[str]
    # spelling
    romanized_noun_endings: FrozenSet[str]
    not_inflected: FrozenSet[str]
    not_misspelt: FrozenSet[str]
    english_not_misspelt: FrozenSet[str]
    never_corrected_to: FrozenSet[str]
    # the other sections
    general_question_phrases: Pattern[str]
    warning_question_phrases: Pattern[str]
    question_phrases: Pattern[str]
    worry_phrases: Pattern[str]
    not_helping_phrases: Pattern[str]
    bangla_script: Mapping[str, FrozenSet[str]]
    romanized: Mapping[str, FrozenSet[str]]
    romanized_also_english: Mapping[str, FrozenSet[str]]
    phrases: Tuple[Phrase, ...]

    @functools.cached_property
    def symptom(self) -> FrozenSet[str]:
        """Symptom and sign words (after glossing).

        A conditional on one of them ("jor hole") makes a general question,
        and negation reaches across them ("পুঁজ বা রস বের হচ্ছে না").
        """
        return (
            self.fever
            | self.shivering
            | self.wound_sign
            | self.swelling_sign
            | self.clot
            | self.chest_sign
            | self.breath
            | self.breath_trouble
            | self.breathless
            | self.pain
            | self.unbearable
            | self.circulation_sign
            | self.fall
            | self.slip
        )

    @functools.cached_property
    def nouns(self) -> FrozenSet[str]:
        """English nouns that take romanized Bangla endings ("operationer", "kneete")."""
        return (
            self.wound
            | self.calf
            | self.leg
            | self.chest
            | self.limb
            | self.cast
            | self.operation
            | self.fever
            | self.breath
            | self.post_op
        )

    @functools.cached_property
    def bangla_verb_endings(self) -> Tuple[str, ...]:
        """``reporting_endings_bangla`` for ``str.endswith``."""
        return tuple(self.reporting_endings_bangla)

    @functools.cached_property
    def romanized_verb_endings(self) -> Tuple[str, ...]:
        """``reporting_endings_romanized`` for ``str.endswith``."""
        return tuple(self.reporting_endings_romanized)

    @functools.cached_property
    def future_verb_endings(self) -> Tuple[str, ...]:
        """``future_endings`` for ``str.endswith``."""
        return tuple(self.future_endings)

    @functools.cached_property
    def everyday_romanized(self) -> FrozenSet[str]:
        """Everyday Banglish words never taken for misspelt symptom words."""
        return ROMANIZED_WORDS | self.not_misspelt

    @functools.cached_property
    def romanized_vocabulary(self) -> FrozenSet[str]:
        """Romanized words that misspellings are corrected to."""
        return frozenset(
            word
            for word in self.romanized
            if word.isascii()
            and word.isalpha()
            and len(word) >= _MIN_FUZZY_LENGTH
            and word not in self.never_corrected_to
        )

    @functools.cached_property
    def vocabulary(self) -> FrozenSet[str]:
        """Every word that misspellings are corrected to."""
        concepts = (
            self.fever,
            self.high,
            self.shivering,
            self.wound,
            self.wound_sign,
            self.calf,
            self.leg,
            self.swelling_sign,
            self.clot,
            self.chest,
            self.chest_sign,
            self.breath,
            self.short,
            self.breath_trouble,
            self.breathless,
            self.pain,
            self.sudden,
            self.severe,
            self.unbearable,
            self.limb,
            self.circulation_sign,
            self.feel_or_move,
            self.fall,
            self.cast,
            self.tight,
            self.operation,
            self.post_op,
            self.infection,
            self.swelling,
            self.urine,
            self.nappy,
            self.sign,
        )
        return (
            frozenset(
                word
                for concept in concepts
                for word in concept
                if word.isalpha()
                and len(word) >= _MIN_FUZZY_LENGTH
                and word not in self.never_corrected_to
            )
            | self.romanized_vocabulary
        )


_WORD_SECTIONS = ("english", "grammar", "spelling")
_GLOSS_SECTIONS = ("bangla_script", "romanized", "romanized_also_english")
_PHRASE_SECTIONS = (
    "general_question_phrases",
    "warning_question_phrases",
    "question_phrases",
    "worry_phrases",
    "not_helping_phrases",
)
_TOP_LEVEL = frozenset(
    ("version", "verb_forms", "phrases") + _WORD_SECTIONS + _GLOSS_SECTIONS + _PHRASE_SECTIONS
)
_PHRASE_KEYS = frozenset({"first", "then", "within"})
# A phrase gives a meaning, takes one away, or both.
_PHRASE_EFFECTS = frozenset({"means", "cancels"})
# Characters that never belong to a listed word (a sign of a YAML slip).
_NOT_IN_WORDS = re.compile(r"[:#,\[\]{}\"]")
# A letter, digit or any character of the Bangla block (vowel signs included).
_WORD_CHARACTER = r"[\w\u0980-\u09FF]"


def _word_list(value: Any, where: str) -> FrozenSet[str]:
    """Words of a space-separated string (or a list of such strings), normalised."""
    parts = value if isinstance(value, list) else [value]
    words: List[str] = []
    for part in parts:
        if not isinstance(part, str):
            raise VocabularyError(f"{where}: expected words separated by spaces")
        words.extend(normalise_word(word) for word in part.split())
    if not words:
        raise VocabularyError(f"{where}: the list is empty")
    for word in words:
        if _NOT_IN_WORDS.search(word) and word != "?":
            raise VocabularyError(f"{where}: '{word}' is not a word")
    repeated = sorted({word for word in words if words.count(word) > 1})
    if repeated:
        raise VocabularyError(f"{where}: listed twice: {' '.join(repeated)}")
    return frozenset(words)


def _section(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    section = data.get(name)
    if not isinstance(section, dict) or not section:
        raise VocabularyError(f"{name}: expected a list of named word lists")
    return section


def _gloss_table(section: Mapping[str, Any], name: str) -> Dict[str, FrozenSet[str]]:
    table: Dict[str, Set[str]] = {}
    for meaning, words in section.items():
        glosses = _word_list(meaning, f"{name}: '{meaning}'")
        for form in _word_list(words, f"{name}.{meaning}"):
            table.setdefault(form, set()).update(glosses)
    return {form: frozenset(glosses) for form, glosses in table.items()}


def _phrases(entries: Any, lists: Mapping[str, FrozenSet[str]]) -> Tuple[Phrase, ...]:
    """The two-word expressions; ``cancels`` names one of ``lists`` (an English list)."""
    if not isinstance(entries, list) or not entries:
        raise VocabularyError("phrases: expected a list of phrases")
    phrases = []
    for number, entry in enumerate(entries, start=1):
        where = f"phrases #{number}"
        effects = set(entry) - _PHRASE_KEYS if isinstance(entry, dict) else set()
        if (
            not isinstance(entry, dict)
            or not set(entry) >= _PHRASE_KEYS
            or not effects
            or not effects <= _PHRASE_EFFECTS
        ):
            raise VocabularyError(
                f"{where}: needs exactly first, then, within, and means or cancels or both"
            )
        within = entry["within"]
        if not (isinstance(within, str) and within.isdigit() and int(within) >= 1):
            raise VocabularyError(f"{where}: 'within' must be a number of words (1 or more)")
        means = None
        if "means" in entry:
            meanings = _word_list(entry["means"], f"{where}.means")
            if len(meanings) != 1:
                raise VocabularyError(f"{where}: 'means' must be one English word")
            means = next(iter(meanings))
        cancels: FrozenSet[str] = frozenset()
        if "cancels" in entry:
            if entry["cancels"] not in lists:
                raise VocabularyError(f"{where}: 'cancels' must name an English list")
            cancels = lists[entry["cancels"]]
        phrases.append(
            Phrase(
                first=_word_list(entry["first"], f"{where}.first"),
                then=_word_list(entry["then"], f"{where}.then"),
                within=int(within),
                means=means,
                cancels=cancels,
            )
        )
    return tuple(phrases)


def _phrase_pattern(entries: Any, name: str) -> Pattern[str]:
    """One case-insensitive pattern matching any of the phrases, as whole words."""
    if not isinstance(entries, list) or not entries:
        raise VocabularyError(f"{name}: expected a list of phrases")
    phrases = []
    for entry in entries:
        if not isinstance(entry, str) or not entry.split() or _NOT_IN_WORDS.search(entry):
            raise VocabularyError(f"{name}: '{entry}' is not a phrase")
        phrases.append(" ".join(entry.lower().split()))
    if len(set(phrases)) != len(phrases):
        raise VocabularyError(f"{name}: a phrase is listed twice")
    alternatives = "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True))
    # Not \b: a Bangla vowel sign is not a word character to Python's re,
    # so "\b" never follows "ভয় লাগে" and would split "কাফুলে" after "কা".
    return re.compile(
        rf"(?<!{_WORD_CHARACTER})(?:{alternatives})(?!{_WORD_CHARACTER})", re.IGNORECASE
    )


def parse_lexicon(text: str) -> Lexicon:
    """Build the vocabulary from the text of a ``red_flags.yml`` file.

    Args:
        text: The YAML text.

    Returns:
        The normalised word lists.

    Raises:
        VocabularyError: A section or list is missing, unknown, empty or
            malformed, or a gloss means an English word no list has.
    """
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - strings only
    except yaml.YAMLError as error:
        raise VocabularyError(f"not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise VocabularyError("expected named sections")
    unknown = set(data) - _TOP_LEVEL
    missing = _TOP_LEVEL - set(data)
    if unknown or missing:
        raise VocabularyError(
            f"unknown sections: {sorted(unknown)}; missing sections: {sorted(missing)}"
        )
    if data["version"] != DATA_VERSION:
        raise VocabularyError(f"version must be {DATA_VERSION}")
    _section(data, "verb_forms")  # anchors for the phrases; used through them
    lists: Dict[str, Any] = {}
    for name in _WORD_SECTIONS:
        for key, value in _section(data, name).items():
            if key in lists:
                raise VocabularyError(f"{name}.{key}: this list name is used twice")
            lists[key] = _word_list(value, f"{name}.{key}")
    # A drainage sign is a wound sign too ("the wound is oozing").
    if "wound_sign" in lists and "drainage_sign" in lists:
        lists["wound_sign"] = lists["wound_sign"] | lists["drainage_sign"]
    for name in _PHRASE_SECTIONS:
        lists[name] = _phrase_pattern(data[name], name)
    for name in _GLOSS_SECTIONS:
        lists[name] = _gloss_table(_section(data, name), name)
    english_lists = {key: lists[key] for key in data["english"]}
    lists["phrases"] = _phrases(data["phrases"], english_lists)
    expected = {field.name for field in fields(Lexicon)}
    if set(lists) != expected:
        raise VocabularyError(
            f"unknown lists: {sorted(set(lists) - expected)}; "
            f"missing lists: {sorted(expected - set(lists))}"
        )
    lexicon = Lexicon(**lists)
    _check_glosses(lexicon, frozenset().union(*(lists[key] for key in data["english"])))
    return lexicon


def _check_glosses(lexicon: Lexicon, english: FrozenSet[str]) -> None:
    """Every gloss and phrase means a word of an English list (or a marker)."""
    meanings = {
        gloss
        for table in (lexicon.bangla_script, lexicon.romanized, lexicon.romanized_also_english)
        for glosses in table.values()
        for gloss in glosses
    } | {phrase.means for phrase in lexicon.phrases if phrase.means}
    unknown = sorted(meanings - english - _MARKER_GLOSSES)
    if unknown:
        raise VocabularyError(f"glosses mean words no English list has: {' '.join(unknown)}")


def load_lexicon(path: Path = DATA_FILE) -> Lexicon:
    """Read and check a vocabulary file (see :func:`parse_lexicon`)."""
    return parse_lexicon(path.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The clinic's red-flag vocabulary, read from ``red_flags.yml`` once."""
    return load_lexicon()


def __getattr__(name: str) -> FrozenSet[str]:
    """``VOCABULARY`` and ``ROMANIZED_VOCABULARY``, read from the file at first use."""
    if name == "VOCABULARY":
        return lexicon().vocabulary
    if name == "ROMANIZED_VOCABULARY":
        return lexicon().romanized_vocabulary
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- Misspellings ---------------------------------------------------------------


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
    for word in lexicon().vocabulary:
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
    """Vocabulary words one edit away from ``word`` (empty for short words).

    A typed word of three letters matches an English word only when one letter
    was dropped ("clf" -> "calf"), and a romanized Bangla word never: "jor",
    "lal", "pa" are too short to tell a typo from another word. A romanized
    word is matched only by a word with its first letter.
    """
    lex = lexicon()
    if (
        len(word) < _MIN_TYPED_LENGTH
        or not word.isascii()
        or not word.isalpha()
        or word in lex.vocabulary
    ):
        return frozenset()
    index = _deletion_index()
    candidates: Set[str] = set()
    for key in deletions(word) | {word}:
        candidates |= index.get(key, frozenset())
    return frozenset(
        candidate
        for candidate in candidates
        if within_one_edit(word, candidate)
        and (
            len(word) >= _MIN_FUZZY_LENGTH
            or (len(candidate) == len(word) + 1 and candidate not in lex.romanized_vocabulary)
        )
        # A typo keeps a romanized word's first letter: "khola" (open) and
        # "dhula" (dust) are other words than "phola", "phula" (swollen).
        and not (candidate in lex.romanized_vocabulary and candidate[0] != word[0])
    )


_TEMPERATURE = re.compile(r"^([0-9]{2,3}(?:\.[0-9])?)(?:°?[fc]|°)?$")


def _temperature(form: str) -> bool:
    """Whether a word is a high temperature: 38-43 (°C) or 100.4-110 (°F)."""
    match = _TEMPERATURE.match(to_ascii_digits(form))
    if not match:
        return False
    value = float(match.group(1))
    return 38.0 <= value <= 43.0 or 100.4 <= value <= 110.0


# --- Sentences ------------------------------------------------------------------


@dataclass(frozen=True)
class _Sentence:
    """The normalised word forms of one sentence, in order.

    Attributes:
        forms: Per word: the word, its lemma, stems, spelling corrections and
            English glosses, plus marks (``FUSED_NEGATION``, ``REPORT_MARK``).
        text: The sentence as typed.
        punct: Per word, whether it is punctuation (ends a negation's reach).
        bangla: Whether the sentence has Bangla script or romanized Bangla.
    """

    forms: Sequence[FrozenSet[str]]
    text: str
    punct: Sequence[bool] = ()
    bangla: bool = False

    def positions(self, concept: FrozenSet[str]) -> List[int]:
        return [i for i, forms in enumerate(self.forms) if forms & concept]

    def form(self, index: int) -> FrozenSet[str]:
        """The forms of the word at ``index``; none before the first word or after the last."""
        return self.forms[index] if 0 <= index < len(self.forms) else frozenset()

    def has(self, concept: FrozenSet[str]) -> bool:
        return bool(self.positions(concept))

    def reports(self) -> bool:
        """Whether a verb reports what is happening or has happened ("hoyeche", "গেছে")."""
        return self.has(_REPORTED)

    def names_leg_or_hip(self) -> bool:
        """Whether a leg, foot, knee or hip (or another limb) is named."""
        lex = lexicon()
        return self.has(lex.limb | lex.leg | lex.hip)

    def _is_punct(self, index: int) -> bool:
        return bool(self.punct) and self.punct[index]

    def negated_after(self, index: int) -> bool:
        """'জ্বর নেই', 'lal hoy nai', 'পুঁজ বা রস বের হচ্ছে না', 'fuleni'.

        Only in a Bangla sentence: English negates before the word.
        """
        if not self.bangla:
            return False
        if FUSED_NEGATION in self.forms[index]:
            return True
        lex = lexicon()
        end = min(len(self.forms), index + 1 + _POST_NEGATION_WINDOW)
        for i in range(index + 1, end):
            forms = self.forms[i]
            if forms & lex.negation_after or FUSED_NEGATION in forms:
                return True
            if self._is_punct(i) or not forms & (lex.negation_transparent | lex.symptom):
                return False
        return False

    def negated_before(self, index: int, negation: Optional[FrozenSet[str]] = None) -> bool:
        """A negation in the few words before the word: 'no fever', "can't feel"."""
        words = lexicon().negation if negation is None else negation
        start = max(0, index - _NEGATION_WINDOW)
        return any(self.forms[i] & words for i in range(start, index))

    def negated(self, index: int) -> bool:
        return self.negated_before(index) or self.negated_after(index)

    def has_affirmed(self, concept: FrozenSet[str]) -> bool:
        """Whether a word of the concept occurs without a negation before or after it."""
        return any(not self.negated(i) for i in self.positions(concept))

    def has_sequence(self, *concepts: FrozenSet[str]) -> bool:
        """Whether consecutive words match the concepts in order."""
        span = len(concepts)
        return any(
            all(self.forms[start + k] & concepts[k] for k in range(span))
            for start in range(len(self.forms) - span + 1)
        )

    def near(self, first: FrozenSet[str], second: FrozenSet[str], window: int) -> bool:
        """Whether words of the two concepts are at most ``window`` words apart."""
        return any(
            abs(i - j) <= window for i in self.positions(first) for j in self.positions(second)
        )

    def affirmed_near(self, concept: FrozenSet[str], anchor: FrozenSet[str], window: int) -> bool:
        """Whether an unnegated word of ``concept`` is at most ``window`` words from ``anchor``."""
        anchors = self.positions(anchor)
        return any(
            not self.negated(i) and any(abs(i - j) <= window for j in anchors)
            for i in self.positions(concept)
        )

    def after_operation(self) -> bool:
        """Whether the sentence is about a time after an operation.

        'after the op', 'since surgery', 'operated', 'the cast', 'অপারেশনের পর',
        'the surgery was ten days ago';
        not 'never had any operation, not even stitches'.
        """
        lex = lexicon()
        if self.has_affirmed(lex.post_op) and not self.plans_ahead():
            return True
        for index in self.positions(lex.operation):
            if self.negated_after(index):
                continue
            start = max(0, index - _AFTER_WINDOW)
            for i in range(start, index):
                if (
                    self.forms[i] & lex.after
                    # "he never had any operation": nothing was done.
                    and not (self.forms[i] & lex.had_done and self.negated_before(i))
                    and not any(
                        # "I had a fever last month before the operation date";
                        # a negation before "after" is not the operation's:
                        # "what is not normal after DFO?"
                        self.forms[j] & (lex.before | lex.negation)
                        for j in range(i + 1, index)
                    )
                ):
                    return True
            if self.negated_before(index):
                continue
            end = min(len(self.forms), index + 1 + _AFTER_OPERATION_WINDOW)
            following = lex.operation_past | (lex.after_following if self.bangla else frozenset())
            if any(self.forms[i] & following for i in range(index + 1, end)):
                return True
            if self.bangla and self._days_of_operation(index + 1, end):
                return True
        return False

    def plans_ahead(self) -> bool:
        """'the surgery with the body cast next month', 'DFO scheduled': not yet done."""
        lex = lexicon()
        if self.has(lex.planned):
            return True
        return any(
            self.forms[i] & lex.next and self.forms[i + 1] & lex.ahead_unit
            for i in range(len(self.forms) - 1)
        )

    def _days_of_operation(self, start: int, end: int) -> bool:
        """'hip er operation er 2 din', 'অপারেশনের ৩ দিন': days since it, not 'আগে'."""
        lex = lexicon()
        counted = any(
            any(form.isdigit() for form in self.forms[i])
            and i + 1 < len(self.forms)
            and self.forms[i + 1] & lex.time_unit
            for i in range(start, end)
        )
        later = range(start, min(len(self.forms), end + 2))
        return counted and not any(self.forms[i] & lex.before for i in later)

    def fall(self) -> bool:
        """A fall, trip or slip of the patient.

        Not a slipped disc, a kneecap that slips, a long trip or a fall years ago.
        """
        lex = lexicon()
        if self.has_sequence(lex.years, lex.ago | lex.before) or self.told_of_last_year():
            # "I fell off a motorcycle many years ago", "he slipped in the
            # courtyard last year and broke his hip": history.
            return False
        if self._falls_as_a_habit() or self._before_the_operation():
            # "falls a lot", "before the surgery he tripped all the time":
            # the condition the operation is for.
            return False
        trip = frozenset({"trip"})
        for index in self.positions(lex.fall):
            before = self.form(index - 1)
            after = self.form(index + 1)
            then = self.form(index + 2)
            if (
                self.negated(index)
                or self.forms[index] & lex.found
                or (self.forms[index] & trip and before & lex.journey_before_trip)
                or (after & _FALLS_OUT_OF_PLACE and "of" not in then)
            ):
                continue
            return True
        if self.has(lex.slips_by_itself):
            return False
        for index in self.positions(lex.slip):
            following = self.form(index + 1)
            preceding = frozenset().union(*self.forms[max(0, index - 3) : index])
            if preceding & lex.slipping_joint:
                # "a hip that's slipping": the joint slips, nobody fell.
                continue
            if not self.negated(index) and not following & lex.not_a_fall_after_slip:
                return True
        return False

    def told_of_last_year(self) -> bool:
        """'last year', 'last winter', 'গত বছর', 'gotobochor': what it tells is history."""
        lex = lexicon()
        return self.has_sequence(lex.last, lex.long_ago) or self.has(lex.last_year)

    def _falls_as_a_habit(self) -> bool:
        """'falls a lot', 'falls often', 'tripped over his own feet all the time'."""
        lex = lexicon()
        if not self.has(lex.fall | lex.slip) or self.has(lex.now) or self.after_operation():
            # "since the operation she falls a lot, today she fell on it".
            return False
        return (
            self.has(lex.habitually)
            or self.has_sequence(frozenset({"all"}), frozenset({"the"}), frozenset({"time"}))
            or self.has_sequence(lex.fall | lex.slip, frozenset({"a"}), frozenset({"lot"}))
        )

    def _before_the_operation(self) -> bool:
        """'before the surgery he tripped ...': what happened before it."""
        lex = lexicon()
        return any(
            any(self.forms[j] & lex.operation for j in range(i + 1, min(i + 3, len(self.forms))))
            for i in self.positions(lex.before)
        )

    def general_question(self) -> bool:
        """A question about people in general, not a report about someone now."""
        lex = lexicon()
        if self.bangla:
            # "jor hoise", "পা ফুলে গেছে", "এখন": someone's symptoms now.
            if self.reports() or self.has(lex.urgency):
                return False
            if self.has(lex.general_cue) or self._only_hypothetical_symptoms():
                return True
        if lex.general_question_phrases.search(self.text):
            return True
        if lex.worry_phrases.search(self.text) and self.has(lex.personal):
            # "should I be concerned that my thigh has swollen up?"
            return False
        first = self.forms[0] if self.forms else frozenset()
        second = self.forms[1] if len(self.forms) > 1 else frozenset()
        # "can't feel my leg" opens with a modal too, but reports a symptom, and
        # "can you help, his toes are blue" asks for help with one.
        if (
            first & lex.hypothetical_start
            and not second & (lex.negation | lex.asking_for_help)
            and "n't" not in first
        ):
            return True
        return bool(first & lex.question_start) and not self.has(lex.personal)

    def puzzled(self) -> bool:
        """'confused about the wedges', 'came back from the visit confused': puzzled.

        'confused because they thought...' gives a reason for the puzzle;
        'confused because of the medicine' is a confused mind.
        """
        lex = lexicon()
        if self.has(lex.visit):
            return True
        for index in self.positions(lex.confused):
            following = self.form(index + 1)
            then = self.form(index + 2)
            if following & lex.puzzled_by:
                return True
            if following & lex.reason_given and "of" not in then:
                return True
        return False

    def not_the_patients_own(self, concept: FrozenSet[str]) -> bool:
        """Whether every word of ``concept`` is told of someone else, or of how often.

        "our neighbour's one got infected", "my friend's wound got infected":
        a word of ``others`` at most four words before it; "what is the
        infection rate for DFO?", "the risk of infection": how often, not
        that it happened.
        """
        lex = lexicon()
        others = self.positions(lex.others)

        def others_or_counted(index: int) -> bool:
            after = self.form(index + 1)
            before = self.forms[max(0, index - 2) : index]
            counted = bool(after & lex.statistic) or any(f & lex.statistic for f in before)
            # Only what is theirs: "our neighbour's one got infected", "my
            # friend got an infection", "বন্ধুর ... ইনফেকশন"; not "my friend
            # noticed it got infected" nor "my friend says my wound is".
            told_of_another = any(
                0 < index - other <= _OTHERS_WINDOW
                and self._theirs(other)
                and not any(f & lex.own for f in self.forms[other + 1 : index])
                for other in others
            )
            return counted or told_of_another

        positions = self.positions(concept)
        return bool(positions) and all(others_or_counted(index) for index in positions)

    def _theirs(self, other: int) -> bool:
        """Whether the person word at ``other`` owns or got what follows ("friend's")."""
        lex = lexicon()
        after = self.form(other + 1)
        return bool(self.forms[other] & lex.others_genitive or after & lex.theirs)

    def _leaving(self, index: int) -> bool:
        """Whether the place at ``index`` is left: "hospital theke chuti", "from the hospital"."""
        after = self.form(index + 1)
        before = [self.forms[i] for i in range(max(0, index - 2), index)]
        return bool(after & _FROM_AFTER) or any(forms & {"from"} for forms in before)

    def asks_when_to_seek_care(self) -> bool:
        """A question about when to get help, or which problems are serious.

        'when do I need to rush back to the hospital?', 'কোন সমস্যা হলে
        ইমার্জেন্সিতে নিয়ে যাব?', 'koto jor hole hospital e niye jabo?', 'kon
        somossa gula serious?', 'how will I know if something has gone wrong?',
        'কখন ডাক্তারকে ফোন করা উচিত?'. Not 'when do we go to the hospital for
        the plate removal?': no hurry, no problem, no 'if'.
        """
        lex = lexicon()
        seek = any(not self._leaving(index) for index in self.positions(lex.seek_care))
        if seek and self.has(lex.delay):
            # "দেরি না করে হাসপাতালে নিতে হবে": asked or not.
            return True
        if self.has(lex.problem) and self.has(lex.watch):
            # "kon kon jotilotar dike nojor rakhbo"
            return True
        asked = (
            self.has(lex.question_words | lex.asked_anywhere)
            or bool(self.forms and self.forms[0] & lex.question_words_start)
            or any(mark in self.text for mark in _QUESTION_MARKS)
        )
        if not asked:
            return False
        if self.has(lex.emergency):
            return True
        trouble = self.has(lex.problem) or bool(self._symptom_positions())
        if seek and (self.has(lex.hurry) or (trouble and self.has(lex.conditional_after))):
            return True
        if self.bangla and self.has(lex.doctor) and self.has(lex.call):
            # "কখন ডাক্তারকে ফোন করা উচিত?" (in English: "call the doctor" is a
            # warning-question phrase; "what is that called" is not)
            return True
        if trouble and self.has(lex.conditional_after) and self.has(lex.worry):
            # "কেমন ব্যথা হলে সেটা চিন্তার বিষয়?"
            return True
        return self.has(lex.problem) and (
            self.has(lex.warning)
            or self.has(lex.watch)
            or (self.has(lex.know_how) and self.has(lex.how))
        )

    def signs_asked_about(self, operated: bool) -> bool:
        """A question about warning signs after an operation, an infection or a clot.

        'what are the warning signs after the operation?', 'what
        signs of infection should I look for?', 'অপারেশনের পর কী কী লক্ষণ দেখলে
        ডাক্তার দেখাব?', 'operation er por ki dekhle hospital e jabo?'.

        Args:
            operated: Whether this or an earlier sentence is after an operation.
        """
        lex = lexicon()
        names_signs = (
            self.has(lex.sign)
            # "a sign of infection", but not "before I sign the form"
            or self.has_sequence(frozenset({"sign"}), frozenset({"of", "that"}))
            or bool(lex.warning_question_phrases.search(self.text))
        )
        if not names_signs and self.bangla and self.has(lex.on_seeing):
            # "কী দেখলে...": asks what to watch for, when no sign is named.
            names_signs = self.has(lex.question_words) and not self._symptom_positions()
        if not names_signs or self.has(lex.progress):
            return False
        return operated or self.has(lex.infection | lex.clot | lex.wound | lex.warning)

    def without_prevention(self) -> _Sentence:
        """The sentence with the signs it asks how to prevent, or the risk of, blanked.

        'how can I avoid an infection', 'risk of a blood clot',
        'ইনফেকশন এড়াতে কী করব'. In Bangla the sign comes before the verb.
        """
        lex = lexicon()
        starts = self.positions(lex.prevention)
        if not starts:
            return self
        blanked: Set[int] = set()
        for index in starts:
            blanked.add(index)
            for i in range(index + 1, min(len(self.forms), index + 1 + _POST_NEGATION_WINDOW)):
                if self._is_punct(i):
                    break
                blanked.add(i)
            if self.bangla:
                for i in range(index - 1, max(-1, index - 1 - _NEGATION_WINDOW), -1):
                    if self._is_punct(i):
                        break
                    blanked.add(i)
        forms = [frozenset() if i in blanked else f for i, f in enumerate(self.forms)]
        return _Sentence(forms, self.text, self.punct, self.bangla)

    def wound_sign(self) -> bool:
        """A wound sign, not negated and not something a person does.

        'the wound opened', but not 'when can I open the dressing?'.
        """
        lex = lexicon()
        for index in self.positions(lex.wound_sign):
            if self.negated(index):
                continue
            if self.forms[index] & lex.swelling and self.swelling_going_down():
                # "the swelling is going down and the wound looks fine"
                continue
            before = self.form(index - 1)
            # "it is opening at one end" is the wound's doing, "can it be opened?" a person's
            progressive = "opening" in self.forms[index] and bool(before & _TO_BE)
            if self.forms[index] & lex.opening and before & lex.someone_opens and not progressive:
                continue
            return True
        return False

    def swelling_going_down(self) -> bool:
        """Swelling told as going down.

        "the swelling around my knee is going down every day", "ফোলা প্রতিদিন
        একটু একটু করে কমছে", "fola roj kom hocche"; not "not going down", and
        not "the swelling went down but now it is swollen again".
        """
        lex = lexicon()
        return (
            self.near(lex.swelling, lex.lessening, _GOING_DOWN_WINDOW)
            and self.has_affirmed(lex.lessening)
            and not self.has(lex.again | lex.contrast)
        )

    def knee_swelling_beside_leg_shape(self) -> bool:
        """The knee swelling, and the leg named only for its shape.

        "His left knee swells and pains on the outer side, and the X-ray
        shows the leg bends inward": a knock knee's story, not a swollen
        painful leg. Every leg word is followed within three words by a
        shape word ("bends inward"), and every swelling word is nearer a
        knee than any leg word; and nothing tells that it began lately or
        stops the walking ("since yesterday", "suddenly", "cannot walk").
        """
        lex = lexicon()
        knees = [i for i, forms in enumerate(self.forms) if "knee" in forms]
        legs = self.positions(lex.leg)
        lately = lex.onset | lex.lately_or_disabling | lex.now | lex.sudden | lex.severe
        if not knees or not legs or self.has(lately):
            return False
        shaped = all(
            any(self.forms[j] & lex.leg_shape for j in range(i + 1, min(len(self.forms), i + 4)))
            for i in legs
        )
        if not shaped:
            return False
        return all(
            min(abs(i - k) for k in knees) < min(abs(i - leg) for leg in legs)
            for i in self.positions(lex.swelling)
        )

    def circulation_signed(self, signs: FrozenSet[str]) -> bool:
        """A sign of ``signs`` told, not the colour of a mark told as fading.

        "the toes are blue", but not "knee er pashe je nil dag chilo ... prai
        mile gese" (the blue mark by the knee has nearly faded).
        """
        lex = lexicon()
        fading_marks = (
            self.positions(lex.mark)
            if self.has_affirmed(lex.fading) and not self.has(lex.contrast)
            else []
        )
        for index in self.positions(signs):
            if self.negated(index):
                continue
            mark_colour = self.forms[index] & lex.mark_colour and any(
                abs(index - mark) <= _MARK_COLOUR_WINDOW for mark in fading_marks
            )
            if not mark_colour and not self._colour_of_a_thing(index):
                return True
        return False

    def _colour_of_a_thing(self, index: int) -> bool:
        """Whether the colour word at ``index`` names a thing's colour.

        "a blue coloured cast", "কাস্ট টা নীল রঙের" (the cast is blue), "a
        purple cast": the word after it is a colour word or the cast. "a
        blue cast instead of white", "a pink or white cast": a colour named
        as the other choice of a thing's colour.
        """
        lex = lexicon()
        colours = lex.mark_colour | lex.thing_colour
        if not self.forms[index] & colours:
            return False
        if self.form(index + 1) & (lex.colour_noun | lex.cast):
            return True
        before = self.form(index - 1)
        return bool(before & lex.colour_choice) and any(
            self._colour_of_a_thing(earlier)
            for earlier in self.positions(colours)
            if earlier < index - 1
        )

    def bone_or_metal_showing(self) -> bool:
        """Bone or metal showing through the skin.

        'I can see the bone', 'the plate is showing', 'স্ক্রু বের হয়ে আছে';
        not on an X-ray ('x-ray te plate dekha jay'), nor the bone the
        operation cuts ('বলটা সকেট থেকে বের হয়ে আসছে, উরুর হাড় কেটে ঠিক
        করতে হবে': the hip's ball slipping out on the X-ray).
        """
        lex = lexicon()
        return (
            self.has(lex.bone_or_metal)
            and self.has_affirmed(lex.exposed)
            and not self.has(lex.imaging)
        )

    def clot_named(self) -> bool:
        """A blood clot or DVT named, not only to ask what it is.

        Not 'what is DVT?' or 'what does DVT mean?'; but 'what is DVT and how
        do I know if I have it after knee surgery?' asks for its signs.
        """
        lex = lexicon()
        asks_how_to_tell = self.has(lex.know_how) and self.has(lex.how)
        if self.has(lex.definition) and not asks_how_to_tell:
            return False
        what = frozenset({"what"})
        for index in self.positions(lex.clot):
            if self.negated(index):
                continue
            # "what is a blood clot", "what's DVT"
            before = self.forms[max(0, index - 4) : index]
            if (
                any(forms & what for forms in before)
                and any(forms & _TO_BE for forms in before)
                and not asks_how_to_tell
            ):
                continue
            return True
        return False

    def no_urine(self) -> bool:
        """A child who has not passed urine.

        'he hasn't peed since morning', 'no wet nappy', 'প্রস্রাব হচ্ছে না',
        'hisu kore nai', 'ডায়াপার ভিজছে না', 'diaper shukno'.
        """
        lex = lexicon()
        if (
            any(self.negated(i) for i in self.positions(lex.urine))
            or self.negated_verb(lex.urine)
            or self.unable_after(lex.urine)
            or self.near(lex.urine, lex.stopped, 2)
        ):
            return True
        return self.has(lex.nappy) and (
            self.has(lex.dry) or any(self.negated(i) for i in self.positions(lex.wet))
        )

    def _symptom_positions(self) -> List[int]:
        symptom = lexicon().symptom
        return [
            i
            for i, forms in enumerate(self.forms)
            if forms & symptom or any(_temperature(form) for form in forms)
        ]

    def _only_hypothetical_symptoms(self) -> bool:
        """Whether every symptom in the sentence is hypothetical.

        'জ্বর হলে কী করব?', 'jodi pa thanda hoy',
        'অপারেশনের পর কি জ্বর হয়?'. One stated plainly ('jor hole ki korbo,
        cheler jor 103') makes the sentence a report.
        """
        symptoms = self._symptom_positions()
        if not symptoms:
            return False
        lex = lexicon()
        covered: Set[int] = set()
        for index in self.positions(lex.conditional_after):
            covered.update(range(max(0, index - 4), index))
        for index in self.positions(lex.conditional_before):
            covered.update(range(index + 1, index + 7))
        asks = self.has(lex.question_particle) or "?" in self.text
        if asks and not self.has(lex.personal):
            for index in self.positions(lex.habitual):
                covered.update(range(max(0, index - 2), index))
        return all(index in covered for index in symptoms)

    def negated_verb(self, verbs: FrozenSet[str]) -> bool:
        """'can't feel', 'cannot move', 'unable to breathe': inability, not denial."""
        negation = lexicon().negation | {"unable", "cannot"}
        return any(self.negated_before(index, negation) for index in self.positions(verbs))

    def will_not(self, verbs: FrozenSet[str]) -> bool:
        """'won't settle', 'doesn't stop', 'থামে না', 'thame na': a verb negated."""
        return self.negated_verb(verbs) or any(
            self.negated_after(index) for index in self.positions(verbs)
        )

    def unable_after(self, concept: FrozenSet[str]) -> bool:
        """'শ্বাস নিতে পারছে না', 'pa nadate parche na': cannot (breathe, move...).

        The passive 'সহ্য করা যাচ্ছে না' (it cannot be borne) too.
        """
        if not self.bangla:
            return False
        lex = lexicon()
        negation_after = lex.negation_after
        for index in self.positions(concept):
            end = min(len(self.forms), index + 1 + _POST_NEGATION_WINDOW)
            for i in range(index + 1, end):
                if self._is_punct(i):
                    break
                if _ABLE in self.forms[i] or self.forms[i] & lex.passive_able:
                    following = self.form(i + 1)
                    if FUSED_NEGATION in self.forms[i] or following & negation_after:
                        return True
        return False

    def unresponsive(self) -> bool:
        """Limp, floppy, hard to wake or not responding when called.

        A fever that "does not respond to the medicine", or a clinic or doctor
        who does not answer messages, is no person who does not respond.
        """
        lex = lexicon()
        not_responding = self.negated_verb(lex.respond) or self.denied_after(lex.respond)
        not_a_patient = lex.medicine | lex.doctor | lex.seek_care | lex.contact_channel
        return self.has_affirmed(lex.unresponsive) or (
            not_responding and not self.has(not_a_patient)
        )

    def denied_after(self, concept: FrozenSet[str]) -> bool:
        """'পায়ে কোনো অনুভূতি নেই', 'bodh nai': no feeling (a sign, not its absence)."""
        return any(self.negated_after(i) for i in self.positions(concept))

    def fever_persists(self) -> bool:
        """'জ্বর কমছে না', 'jor jacche na': a fever that does not go down."""
        return any(self.negated_after(i) for i in self.positions(SUBSIDING))


# --- Word forms -----------------------------------------------------------------


def _fused_negation(
    word: str, suffixes: Sequence[str], glosses: Mapping[str, FrozenSet[str]]
) -> str:
    """The word without a negation written onto it ("hoyni" -> "hoy"), else ''."""
    lex = lexicon()
    if word in lex.not_negations:
        return ""
    for suffix in suffixes:
        rest = word[: -len(suffix)]
        if (
            word.endswith(suffix)
            and len(rest) >= 2
            and (rest in lex.negation_transparent or rest in glosses or rest in lex.reporting)
        ):
            return rest
    return ""


def _bangla_forms(word: str) -> Set[str]:
    """Forms of a word in Bangla script (already normalised)."""
    lex = lexicon()
    forms = {word, to_ascii_digits(word)} | bangla_stems(word)
    rest = _fused_negation(word, _BANGLA_NEGATION_SUFFIXES, lex.bangla_script)
    if rest:
        forms |= {rest, FUSED_NEGATION}
    if word.startswith(_ABLE_BANGLA_PREFIX):
        forms.add(_ABLE)
        if word.endswith(_BANGLA_NEGATION_SUFFIXES):
            forms.add(FUSED_NEGATION)
    if word in lex.reporting or (
        word.endswith(lex.bangla_verb_endings) and word not in lex.not_verbs
    ):
        forms.add(REPORT_MARK)
    for form in list(forms):
        forms |= lex.bangla_script.get(form, frozenset())
    return forms


def _latin_forms(token: Token, confusables: FrozenSet[str], bangla_sentence: bool) -> Set[str]:
    """Forms of an English or romanized Bangla word."""
    lex = lexicon()
    lower = normalise_word(token.lower_)
    forms = {lower, token.norm_.lower()}
    # English lemmas of Banglish words mislead: "pura" (whole) is not "pus".
    if not (bangla_sentence and lower in lex.everyday_romanized):
        forms.add(token.lemma_.lower())
    if lower.endswith("n't") or lower in {"cannot", "cant", "dont", "didnt", "wont", "isnt"}:
        forms.add("n't")
    # Everyday Banglish words are not misspelt symptom words ("pani" is water),
    # and English words are not misspelt romanized ones ("kate" is no "kata").
    if (
        lower not in confusables
        and lower not in lex.english_not_misspelt
        and not (bangla_sentence and lower in lex.everyday_romanized)
    ):
        corrections = spelling_matches(lower)
        forms |= corrections if bangla_sentence else corrections - lex.romanized_vocabulary
    if lower.isalpha() and lower not in lex.not_inflected and lower not in ROMANIZED_WORDS:
        for ending in lex.romanized_noun_endings:
            stem = lower[: -len(ending)]
            if (
                lower.endswith(ending)
                and len(stem) >= 3
                and (stem in lex.romanized or (len(stem) >= 4 and stem in lex.nouns))
            ):
                forms.add(stem)
    rest = _fused_negation(lower, _ROMANIZED_NEGATION_SUFFIXES, lex.romanized)
    if rest and len(rest) >= 3:
        forms |= {rest, FUSED_NEGATION}
    able = _ABLE_ROMANIZED.match(lower)
    if able:
        forms.add(_ABLE)
        if able.group(1):
            forms.add(FUSED_NEGATION)
    if lower in lex.reporting or (
        bangla_sentence
        and len(lower) >= 4
        and lower.endswith(lex.romanized_verb_endings)
        and lower not in lex.english_with_reporting_endings
    ):
        forms.add(REPORT_MARK)
    for form in list(forms):
        forms |= lex.romanized.get(form, frozenset())
        if bangla_sentence:
            forms |= lex.romanized_also_english.get(form, frozenset())
    return forms


def _token_forms(
    token: Token, confusables: FrozenSet[str], bangla_sentence: bool = False
) -> FrozenSet[str]:
    if has_bangla(token.text):
        forms = _bangla_forms(normalise_word(token.text))
    else:
        forms = _latin_forms(token, confusables, bangla_sentence)
    return frozenset(form for form in forms if form)


def _is_bangla_word(token: Token) -> bool:
    if has_bangla(token.text):
        return True
    lower = token.lower_
    return lower in ROMANIZED_STRONG or lower in lexicon().romanized


def _apply_phrases(forms: List[Set[str]]) -> None:
    """Gloss multi-word expressions on their last word and read words by the next.

    Expressions such as "বের হচ্ছে", "pore geche" or "surgical area" count on
    their last word, and a word is read by the word after it: "গরম সেঁক" or
    "a warm compress" is not a hot leg, a "blood test" no bleeding; and by
    the word before it: "রোটেটর কাফ" is the shoulder's rotator cuff, not the
    calf; "কালশিটে দাগ" is a bruise's mark, not the scar; "ঠান্ডা লেগে" a cold
    caught, not a cold leg; "the cast fitting" and "fit a spica cast in a car
    seat" are no fit.
    """
    lex = lexicon()
    for index in range(len(forms) - 1):
        if forms[index + 1] & lex.applied:
            forms[index] -= {"hot", "cold", "warm"}
        if forms[index] & lex.rotator:
            forms[index + 1] -= {"calf"}
        if forms[index] & lex.bruise:
            forms[index + 1] -= lex.wound
        if forms[index] & lex.cast:
            # "the cast fitting next week" is no fit.
            forms[index + 1] -= lex.seizure
        if forms[index] & lex.seizure and _fits_a_thing(forms, index):
            # "how do we fit a spica cast in a car seat?" is no fit either.
            forms[index] -= lex.seizure
        if forms[index + 1] & lex.caught:
            forms[index] -= {"cold"}
        if "blood" in forms[index] and forms[index + 1] & lex.blood_compound:
            forms[index] -= lex.drainage_sign
    for phrase in lex.phrases:
        for i, word_forms in enumerate(forms):
            if not word_forms & phrase.first:
                continue
            for j in range(i + 1, min(len(forms), i + 1 + phrase.within)):
                if forms[j] & phrase.then:
                    if phrase.means:
                        forms[j].add(phrase.means)
                    forms[i] -= phrase.cancels
                    forms[j] -= phrase.cancels
                    break


# How far before a sign a word for someone else makes it theirs.
_OTHERS_WINDOW = 4
# "হাসপাতাল থেকে", "hospital theke": from a place (Bangla puts it after).
_FROM_AFTER = frozenset({"theke", "থেকে"})


def _fits_a_thing(forms: Sequence[Set[str]], index: int) -> bool:
    """Whether the fit word at ``index`` is the verb with a thing fitted after it.

    "fit a spica cast", "fitting the car seat": up to three connecting words
    (articles, possessives, "spica", "car") and then a thing that is fitted.
    Not after "a" or "had" ("had a fit the whole night" is a seizure).
    """
    lex = lexicon()
    if index > 0 and forms[index - 1] & lex.fit_noun_before:
        return False
    for following in forms[index + 1 : index + 5]:
        if following & lex.fitted_thing:
            return True
        if not following & lex.fit_connector:
            return False
    return False


def _confusables(doc: Doc) -> FrozenSet[str]:
    lookups = doc.vocab.lookups
    if not lookups.has_table(CONFUSABLES_TABLE):
        return frozenset()
    table = lookups.get_table(CONFUSABLES_TABLE)
    words = table.get("words", [])
    return frozenset(words)


_NAME = re.compile(r"(?<=[^\s.?!\u0964])([ \t]+)([A-Z][a-z]+)\b")


def proper_names(text: str) -> FrozenSet[str]:
    """Capitalised words inside a sentence, lower-cased: places and people ("in Leeds").

    Such a word is read as written, never as a misspelt symptom word
    ("Leeds" is not "bleeds"); a symptom word written so still matches
    exactly. Read from the message as the patient typed it: the pipeline's
    spaCy doc is lower-cased.
    """
    return frozenset(match.group(2).lower() for match in _NAME.finditer(text or ""))


def _sentences(doc: Doc, names: FrozenSet[str] = frozenset()) -> Iterable[_Sentence]:
    confusables = _confusables(doc) | names
    spans: Iterable[Span] = doc.sents if doc.has_annotation("SENT_START") else [doc[:]]
    for span in spans:
        bangla = any(_is_bangla_word(token) for token in span)
        forms = [set(_token_forms(token, confusables, bangla)) for token in span]
        _apply_phrases(forms)
        yield _Sentence(
            [frozenset(word_forms) for word_forms in forms],
            span.text,
            [token.is_punct for token in span],
            bangla,
        )


# --- Rules ----------------------------------------------------------------------


def _high_temperature(sentence: _Sentence) -> bool:
    """A temperature reading in °C or °F, in ASCII or Bangla digits ("১০৩")."""
    return any(_temperature(form) for forms in sentence.forms for form in forms)


def _sign_flags(
    s: _Sentence, after_operation: bool, operated: bool, elsewhere: bool, child_named: bool
) -> Set[str]:
    """Wound, clot, swelling, cast and circulation signs, told or asked about.

    "is yellow drainage from the incision normal?", "what does it mean if the
    stitches are warm?" and "should I worry if his toes are blue in the cast?"
    are as urgent as the same signs reported.

    Args:
        s: The sentence, without the signs it asks how to prevent.
        after_operation: Whether the message places itself after an operation.
        operated: Whether this sentence or an earlier one does (a swelling told
            before the operation is named is the reason for it, not after it).
        elsewhere: Whether the message is about another joint or illness and
            names no operation: numbness or tingling alone there is not ours.
        child_named: Whether any sentence of the message names a child,
            this one included.
    """
    lex = lexicon()
    flags: Set[str] = set()
    text = s.text.lower()
    drainage = s.has_affirmed(lex.drainage_sign)
    # A patch on the dressing or cast that keeps growing: fluid coming through.
    growing_patch = s.has(lex.stain) and s.has_affirmed(lex.spreading)
    operated_part = s.names_leg_or_hip()
    if (
        (s.has(lex.wound) and s.wound_sign())
        or (s.has(lex.cast) and drainage)
        or ((s.has(lex.wound) or s.has(lex.cast)) and growing_patch)
        or s.bone_or_metal_showing()
        or (
            operated
            and s.has_affirmed(lex.infection | lex.pus)
            and not s.not_the_patients_own(lex.infection | lex.pus)
        )
        # "Pink and warm" toes in the cast are the check parents are taught.
        or (
            operated
            and operated_part
            and (
                drainage
                or (s.has_affirmed(lex.hot_sign) and not (s.has(lex.digit) and s.has(lex.pink)))
            )
        )
        or (
            # "the dressing keeps getting wet": not from a bath or a compress
            s.has(lex.wound)
            and s.has_affirmed(lex.wet)
            and s.has(lex.again)
            and not s.has(lex.applied)
        )
    ):
        flags.add(WOUND_PROBLEM)
    calf = s.has(lex.calf) or bool(_LOWER_LEG.search(text))
    # "Tight calves" is muscle tone in cerebral palsy; after an operation or
    # in a cast, or with swelling, pain, warmth or redness, it is a clot sign.
    clot_signs = lex.swelling_sign - lex.tone_sign
    if calf and _calves_named_only_for_tone(s) and not _LOWER_LEG.search(text):
        # "tight hamstrings and tight calves, is the cast after VRO painful?":
        # the pain is the cast's. The sign must be said of the calves.
        calf_sign = s.affirmed_near(clot_signs, lex.calf, _CALF_SIGN_WINDOW)
    else:
        calf_sign = s.has_affirmed(clot_signs)
    calf_sign = calf_sign or (
        (after_operation or s.has(lex.cast)) and bool(_affirmed_not_muscle_tone(s, lex.tone_sign))
    )
    # The thigh warm or hot with pain, tenderness or hardness: "উরুটা গরম,
    # শক্ত আর টনটন করে".
    warm_thigh = (
        s.has(lex.thigh)
        and s.has_affirmed(lex.hot_sign)
        and s.has_affirmed(lex.swelling_sign - lex.hot_sign)
    )
    if (
        (calf and calf_sign)
        or warm_thigh
        or s.clot_named()
        or (
            s.has(lex.leg)
            and s.has_affirmed(lex.swelling)
            and s.has_affirmed(lex.pain)
            and not s.knee_swelling_beside_leg_shape()
        )
        # "পুরো পা ফুলে লাল", "pa fule lal": the leg, not a toe (gout).
        or (
            s.has(lex.leg)
            and s.has_affirmed(lex.swelling)
            and s.has_affirmed(lex.hot_sign)
            and not s.has(lex.digit)
        )
        # "the right leg has become thicker than the left": one leg, not both.
        or (
            s.has_affirmed(lex.bigger | lex.thicker)
            and (len(s.positions(lex.leg)) > 1 or (s.has(lex.leg) and s.has(lex.than)))
        )
    ):
        flags.add(CALF_SWELLING)
    if operated and not flags and s.has_affirmed(lex.swelling) and not s.swelling_going_down():
        flags.add(POST_OP_SWELLING)
    if s.has(lex.compartment) and not s.has(lex.definition):
        # "how do I know if it is compartment syndrome?"
        flags.add(LIMB_CIRCULATION)
    limb = s.has(lex.limb) or s.has(lex.cast)
    # "Tingling fingers at night" in a question about carpal tunnel: a
    # feeling only, no cast, no operation, another joint named.
    feeling_elsewhere = (
        elsewhere
        and not s.has(lex.cast)
        and not s.has_affirmed(lex.circulation_sign - lex.sensory_sign)
    )
    if limb and (
        (s.circulation_signed(lex.circulation_sign) and not feeling_elsewhere)
        or s.negated_verb(lex.feel_or_move)
        or s.denied_after(lex.feel_or_move)
        or s.unable_after(lex.feel_or_move)
    ):
        flags.add(LIMB_CIRCULATION)
    # Foot drop: "can't lift my foot", "paa er pata upore tulte pari na".
    if (s.has(lex.leg) or s.has(lex.limb - lex.upper_limb)) and (
        s.negated_verb(lex.lift) or s.unable_after(lex.lift)
    ):
        flags.add(LIMB_CIRCULATION)
    if "pins and needles" in text and limb and not feeling_elsewhere:
        flags.add(LIMB_CIRCULATION)
    # A cast too tight, or the foot or toes swelling in it ("plaster er niche
    # payer pata fule"), not a swelling that has gone down.
    tight_cast = bool(_affirmed_not_muscle_tone(s, lex.tight)) and (
        s.has(lex.pain) or s.has(lex.swelling_sign)
    )
    swelling_in_cast = (
        s.has(lex.limb) and s.has_affirmed(lex.swelling) and not s.swelling_going_down()
    )
    if s.has(lex.cast) and (tight_cast or swelling_in_cast):
        flags.add(LIMB_CIRCULATION)
    if s.no_urine() and (s.has(lex.cast) or after_operation or child_named):
        flags.add(NO_URINE)
    if s.has(lex.cast) and s.has_affirmed(lex.vomit):
        flags.add(VOMITING_IN_CAST)
    return flags


def _calves_named_only_for_tone(s: _Sentence) -> bool:
    """Whether every calf named is how a child's muscles are: "tight calves".

    A tone word ("tight", "hard") right before the calf, said of muscles (see
    ``_affirmed_not_muscle_tone``), describes cerebral palsy, not the leg now.
    """
    lex = lexicon()
    positions = s.positions(lex.calf)
    tone_of_muscles = set(s.positions(lex.tone_sign)) - set(
        _affirmed_not_muscle_tone(s, lex.tone_sign)
    )
    return bool(positions) and all(i - 1 in tone_of_muscles for i in positions)


def _affirmed_not_muscle_tone(s: _Sentence, concept: FrozenSet[str]) -> List[int]:
    """Affirmed positions of ``concept``, leaving out those said of a muscle.

    "his calf is tight since the operation", "a tight calf", "the cast is too
    tight"; not "he has tight calves", "tight hamstrings" or "tight calf
    muscles", how a child's muscles are in cerebral palsy.
    """
    lex = lexicon()

    def of_muscles(i: int) -> bool:
        after = [s.forms[j] for j in range(i + 1, min(i + 3, len(s.forms)))]
        if after and after[0] & lex.muscles:
            return True
        return (
            len(after) == 2
            and bool(after[0] & lex.calf)
            and bool(after[1] & (lex.muscles | lex.muscle))
        )

    return [i for i in s.positions(concept) if not s.negated(i) and not of_muscles(i)]


def _sentence_flags(
    s: _Sentence,
    operation_mentioned: bool,
    operated: bool,
    elsewhere: bool,
    child_named: bool,
    fever_named: bool,
) -> Set[str]:
    """Red flags in one sentence.

    Args:
        s: The sentence.
        operation_mentioned: Whether any sentence of the message places it
            after an operation ("She had the VRO last month. Today she fell.").
        operated: Whether this sentence or an earlier one does.
        elsewhere: Whether the message is about another joint or illness and
            names no operation (see ``_sign_flags``).
        child_named: Whether any sentence names a child, this one or another
            ("বাচ্চা ভালোই আছে। ডাকলেও জাগানো কঠিন": the child who is hard to
            wake).
        fever_named: Whether any sentence tells of a fever.
    """
    lex = lexicon()
    flags: Set[str] = set()
    after_operation = operation_mentioned or s.after_operation()

    # Breathing and chest pain are flagged even inside general questions:
    # a missed emergency costs more than an unnecessary warning.
    if (
        s.has_affirmed(lex.breathless)
        or s.has_sequence(lex.short, frozenset({"of"}), lex.breath)
        or s.has_sequence(frozenset({"out"}), frozenset({"of"}), lex.breath)
        or s.negated_verb(lex.breath)
        or (s.has_affirmed(lex.breath) and s.has(lex.breath_trouble))
        or s.unable_after(lex.breath)
    ):
        flags.add(BREATHLESSNESS)
    if s.has(lex.chest) and s.has_affirmed(lex.chest_sign):
        flags.add(CHEST_PAIN)
    if s.has(lex.lips) and s.has_affirmed(lex.circulation_sign - lex.sensory_sign):
        # Blue lips: not enough oxygen.
        flags.add(BREATHLESSNESS)
    if s.has_affirmed(lex.cough) and s.has(_BLOOD):
        flags.add(COUGHING_BLOOD)
    if s.has(lex.heart) and s.has_affirmed(lex.racing):
        flags.add(RACING_HEART)
    general = s.general_question()
    flags |= _other_emergencies(s, after_operation, general)
    # So are questions about when to get help after the operation ("which
    # problems mean the hospital the same day?"); signs the same sentence
    # reports keep their own flags.
    if s.asks_when_to_seek_care() and (after_operation or s.has(lex.cast) or s.has(lex.hurry)):
        flags.add(WARNING_SIGNS_QUESTION)
    # So are questions about the warning signs after an operation; the signs
    # they name are the ones asked about, not someone's.
    if s.signs_asked_about(operated):
        flags.add(WARNING_SIGNS_QUESTION)
        return flags
    flags |= _sign_flags(
        s.without_prevention(),
        after_operation,
        operated,
        elsewhere and not after_operation,
        child_named,
    )
    worried_after_operation = after_operation and bool(lex.worry_phrases.search(s.text))
    # A worry about a fever after the operation ("is it normal to have a fever
    # after surgery?") gets the urgent guidance, worded for a question.
    if worried_after_operation and s.has_affirmed(lex.fever | lex.shivering):
        flags.add(HIGH_FEVER)
    # So is one about sudden or severe pain after it ("is it normal to get a
    # sudden, severe pain in the thigh since the surgery?").
    if (
        worried_after_operation
        and s.has_affirmed(lex.pain)
        and s.has_affirmed(lex.sudden | lex.severe)
    ):
        flags.add(SEVERE_PAIN)
    # Otherwise fever, pain and falls asked about in general ("will I get a
    # fever after the operation?") describe nobody's symptoms.
    if general:
        return flags

    flags |= _fever_flags(s, after_operation)
    flags |= _pain_flags(s, after_operation, operated)
    if _swelling_grows(s):
        flags.add(POST_OP_SWELLING)
    # Limp, floppy, hard to wake, after an operation or a child.
    unresponsive = s.unresponsive()
    # "my father is confused since the operation", not "I'm a little confused
    # about how this works".
    confused = (
        (s.has_affirmed(lex.confused) and not s.has(lex.first_person) and not s.puzzled())
        or s.unable_after(lex.recognise)
        or s.negated_verb(lex.recognise)
    )
    # Hard to wake or not answering when called, in a child, after an
    # operation or with a fever, not "the clinic does not respond when I call".
    patient = after_operation or child_named or fever_named
    if (unresponsive and patient) or (confused and after_operation):
        flags.add(UNRESPONSIVE)
    # The leg suddenly shorter, bent or turned, with a click or after a fall,
    # or bent again after the operation ("অপারেশনের পা-টা আবার বাঁকা হয়ে গেছে").
    bent_again = after_operation and s.has(lex.again) and s.reports()
    # "it looks bent after I twisted it", "pa mochor khaise, ekhon beka": a
    # twist, and the leg out of shape (a word other than the twist itself).
    twists = set(s.positions(lex.twist))
    twisted_out_of_shape = bool(twists) and any(
        i not in twists and not s.negated(i) for i in s.positions(lex.deformed)
    )
    if (
        (s.has(lex.leg) or s.has(lex.limb))
        and s.has_affirmed(lex.deformed)
        and (s.has(lex.sudden) or s.has(lex.snap) or s.fall() or bent_again or twisted_out_of_shape)
    ):
        flags.add(OUT_OF_SHAPE)
    # Walking on the leg until yesterday, now no weight on it at all: "since
    # yesterday I can't put any weight on the leg", "কাল থেকে পায়ে ভর দিতে
    # পারছি না"; not the surgeon's instruction ("the doctor said no weight").
    if (
        (s.negated_verb(lex.weight_bearing) or s.unable_after(lex.weight_bearing))
        and s.has(lex.onset)
        and not s.has(lex.doctor)
    ):
        flags.add(CANNOT_BEAR_WEIGHT)
    # A fall after the operation, or in a cast ("pore gese plaster soho"); not
    # with the operation denied ("fell from a rickshaw, no surgery before").
    if s.fall() and (s.has_affirmed(lex.operation) or after_operation or s.has(lex.cast)):
        flags.add(FALL_AFTER_SURGERY)
    # An infection someone reports, with no operation named ("I think I may
    # have an infection, what do I do?"): this clinic's patients write
    # around their operations, so it is read as a wound infection.
    if (
        s.has(lex.personal)
        and s.has_affirmed(lex.infection)
        and not s.has(lex.past)
        and not s.not_the_patients_own(lex.infection)
    ):
        flags.add(WOUND_PROBLEM)
    return flags


def _other_emergencies(s: _Sentence, after_operation: bool, general: bool) -> Set[str]:
    """A fit, an allergy, bleeding inside, vomiting, stroke signs, not drinking.

    "a fit after the hip operation", "his lips are swelling up after the new
    antibiotic", "রক্তবমি করেছে", "paikhana ekdom kalo", "vomits everything
    since the surgery", "I keep vomiting since the anaesthetic", "মুখ হঠাৎ
    একদিকে বেঁকে গেছে". A fit someone has had for years, asked about in
    general, is not one.

    Args:
        s: The sentence.
        after_operation: Whether the message places itself after an operation.
        general: Whether the sentence asks about people in general
            (``_Sentence.general_question``, read once by the caller).
    """
    lex = lexicon()
    flags: Set[str] = set()
    seizure_now = s.has_affirmed(lex.seizure) and (
        after_operation or s.has(lex.now) or s.has(lex.sudden) or s.will_not(lex.settle)
    )
    if seizure_now and not general:
        flags.add(SEIZURE)
    # The face or lips swelling after a medicine, or with a rash or trouble
    # breathing (not the swelling after a jaw operation).
    face_swelling = (
        s.has(lex.face)
        and s.has_affirmed(lex.swelling)
        and (s.has(lex.medicine) or s.has(lex.rash) or s.has(lex.breath))
    )
    rash_all_over = s.has_affirmed(lex.rash) and s.has(lex.all_over)
    if face_swelling or (rash_all_over and not general):
        flags.add(ALLERGIC_REACTION)
    vomit = s.has_affirmed(lex.vomit)
    # Vomit black "like coffee", not black coffee drunk before vomiting.
    black_vomit = vomit and s.has(lex.black | _BLACKENED) and not s.has(lex.drink)
    if (vomit and s.has(_BLOOD)) or black_vomit or (s.has(lex.stool) and s.has_affirmed(lex.black)):
        flags.add(BLEEDING_INSIDE)
    # Vomiting that keeps on after the operation, or everything brought up
    # since last night, operation named or not.
    if s.has_affirmed(lex.vomit) and (
        (after_operation and s.has(lex.everything | lex.again))
        or (s.has(lex.everything) and s.has(lex.hours | lex.now) and not general)
    ):
        flags.add(KEEPS_VOMITING)
    # A headache with a stiff neck: "মাথাব্যথা ... ঘাড়ও শক্ত হয়ে আছে".
    stiff_neck = s.has(lex.neck) and s.has_affirmed(lex.stiff | lex.tone_sign)
    if s.has_affirmed(lex.headache) and stiff_neck and not general:
        flags.add(SEVERE_PAIN)
    if s.has_affirmed(lex.droop) and (s.has(lex.face) or s.has(lex.slurred)):
        flags.add(STROKE_SIGNS)
    if (
        after_operation
        and s.will_not(lex.drink)
        and s.has(lex.time_unit | lex.hours | lex.dry | lex.operation_past)
        and not general
    ):
        # "hasn't drunk anything for a day since the operation, lips dry"
        flags.add(NOT_DRINKING)
    return flags


def _fever_flags(s: _Sentence, after_operation: bool) -> Set[str]:
    """A high fever reported, chills after the operation, or a fever with a swollen joint."""
    lex = lexicon()
    high = (
        s.has(lex.high) or s.near(lex.fever, INTENSELY, _INTENSIFIER_WINDOW) or s.fever_persists()
    )
    mild_only = s.has(lex.mild) and not high
    if not after_operation and s.has(lex.past | lex.before) and s.has(lex.recovered):
        # "a fever last month, before the operation date; it is gone now"
        return set()
    if s.told_of_last_year():
        # "she had fever and pneumonia last winter, so we postponed her hip
        # surgery": history.
        return set()
    if s.has_affirmed(lex.fever) and (
        high or s.has(lex.shivering) or _high_temperature(s) or (after_operation and not mild_only)
    ):
        return {HIGH_FEVER}
    if "burning up" in s.text.lower():
        return {HIGH_FEVER}
    # A fever with a swollen knee, leg or hip: "hatu fule gese sathe jor jor lage".
    if s.has_affirmed(lex.fever) and s.has_affirmed(lex.swelling) and s.names_leg_or_hip():
        return {HIGH_FEVER}
    # Chills after the operation are a fever's, even when no fever is named:
    # "I keep getting chills, the surgery was ten days ago".
    if after_operation and s.has_affirmed(lex.shivering):
        return {HIGH_FEVER}
    return set()


def _pain_flags(s: _Sentence, after_operation: bool, operated: bool) -> Set[str]:
    """Pain someone reports that is sudden, severe, growing or not helped by medicine.

    Args:
        s: The sentence.
        after_operation: Whether the message places itself after an operation.
        operated: Whether this sentence or an earlier one does.
    """
    lex = lexicon()
    pain = s.has_affirmed(lex.pain)
    not_helping = bool(lex.not_helping_phrases.search(s.text))
    # Pain growing under a cast too: "ব্যথা বাড়ছে প্লাস্টারের নিচে".
    sudden_or_severe = pain and (
        s.has(lex.sudden) or (s.has(lex.severe) and (after_operation or s.has(lex.cast)))
    )
    # Pain that the medicine does not help, or that grows despite it:
    # "ব্যথার ওষুধ খেয়েও ব্যথা কমছে না", "the painkillers are not working".
    medicine_fails = (
        pain
        and s.has(lex.medicine)
        and (
            s.has_affirmed(lex.severe)
            # "not going down", "not helping": tonight, now, not for years
            or ((s.fever_persists() or not_helping) and s.has(lex.now))
        )
        and not s.has(lex.why)
    )
    beyond_bearing = (
        s.has_affirmed(lex.unbearable)
        or (s.has(lex.pain) and (s.unable_after(BEAR) or s.denied_after(BEAR)))
        or (pain and s.has(lex.excessive))
    )
    touched = s.has(lex.feel_or_move | lex.touch)
    crying = (
        (s.has_affirmed(lex.screams) and (operated or touched))
        or (operated and s.has_affirmed(lex.cries) and touched)
        # "moaning all night even after the paracetamol"
        or (operated and s.has_affirmed(lex.cries) and s.has(lex.medicine | lex.hours))
        # "crying for 3 hours, no medicine works"
        or (s.has_affirmed(lex.cries) and not_helping)
        # "crying all day, nothing settles her", "সারাদিন কাঁদছে, থামে না"
        or (s.has_affirmed(lex.cries) and s.has(lex.hours) and s.will_not(lex.settle))
        # "a crack when we lifted her, and since then she cries"; "a crack in
        # the thigh when I stood up, now terrible pain"
        or (s.has(lex.snap) and s.has_affirmed(lex.cries | lex.screams))
        or (s.has(lex.snap) and pain and s.has(lex.now | lex.sudden | lex.severe))
    )
    return (
        {SEVERE_PAIN} if sudden_or_severe or medicine_fails or beyond_bearing or crying else set()
    )


def _swelling_grows(s: _Sentence) -> bool:
    """Swelling that came on suddenly, is getting worse or is much more than before.

    Operation named or not: "the swelling increased a lot today", "my leg is
    bigger than last week", "আজ হাঁটু অনেক বেশি ফুলে গেছে", "abar hothat fule
    gese"; but not "the swelling has gone down a lot", "ফোলা অনেকটা কমে গেছে".
    """
    lex = lexicon()
    swollen = s.has_affirmed(lex.swelling) or (
        (s.has(lex.leg) or s.has(lex.limb)) and s.has_affirmed(lex.bigger)
    )
    return swollen and (
        s.has_affirmed(lex.sudden | lex.severe | lex.spreading)
        or (s.near(lex.swelling, MORE, _INTENSIFIER_WINDOW) and not s.swelling_going_down())
        or _swelling_came_back(s)
    )


def _swelling_came_back(s: _Sentence) -> bool:
    """Swelling told as going down, then swelling again.

    "the swelling had gone down but since yesterday the knee is swollen and
    tight again", "ফোলা কমে আসছিল, কাল থেকে আবার হাঁটু ফুলে গেছে"; not "the
    swelling went down again" (no swelling after the going down), nor "will
    it swell again?", "আবার কি ফুলবে?" (asked of the future).
    """
    lex = lexicon()
    lessening = s.positions(lex.lessening)
    if not lessening:
        return False
    first = min(lessening)
    hypothetical = [i for i in s.positions(lex.hypothetical_start) if i > first]

    def told(i: int) -> bool:
        future = any(form.endswith(lex.future_verb_endings) for form in s.forms[i])
        return not future and not any(h < i for h in hypothetical) and not s.negated(i)

    swelling_after = any(
        i > first and i not in lessening and told(i) for i in s.positions(lex.swelling)
    )
    return swelling_after and any(i > first for i in s.positions(lex.again))


def detect_red_flags(doc: Doc, typed: Optional[str] = None) -> List[str]:
    """Return the names of the red flags a message describes, in a fixed order.

    Args:
        doc: The message processed by the project's spaCy pipeline (tokenizer,
            lookup lemmatizer and sentencizer), in English, Bangla script or
            romanized Bangla.
        typed: The message as the patient typed it (default: the doc's
            text), read for names (``proper_names``).

    Returns:
        Sorted red-flag names; empty when the message describes none.
    """
    sentences = list(_sentences(doc, proper_names(doc.text if typed is None else typed)))
    after = [sentence.after_operation() for sentence in sentences]
    operation_mentioned = any(after)
    lex = lexicon()
    # "is the leg more swollen every day? 9 days since DFO": a sentence that
    # dates the operation in the past places the ones before it after it too.
    dated = [
        done and sentence.has(lex.time_unit) and sentence.has(lex.time_past)
        for done, sentence in zip(after, sentences, strict=True)
    ]
    # Another joint or illness named ("carpal tunnel", "disc prolapse").
    elsewhere = bool(out_of_domain_terms(doc.text))
    # Who is hard to wake is a patient when the message names a child or a
    # fever in any sentence, not only in the sign's.
    child_named = any(sentence.has(lex.child) for sentence in sentences)
    fever_named = any(sentence.has_affirmed(lex.fever) for sentence in sentences)
    found: Set[str] = set()
    for index, sentence in enumerate(sentences):
        operated = any(after[: index + 1]) or any(dated[index + 1 :])
        found |= _sentence_flags(
            sentence, operation_mentioned, operated, elsewhere, child_named, fever_named
        )
        previous = sentences[index - 1] if index else None
        if (
            previous is not None
            and continues(sentence)
            and (previous.has(lex.cast | lex.wound) or sentence.has(lex.cast | lex.wound))
        ):
            # "It's her cast. And it stinks.": the sign is the cast's; "Is
            # this drainage ok? It came out near the stitch.": the stitch's.
            found |= _sentence_flags(
                joined(previous, sentence),
                operation_mentioned,
                operated,
                elsewhere,
                child_named,
                fever_named,
            )
    if any(sentence.fall() for sentence in sentences) and any(
        (sentence.has(lex.leg) or sentence.has(lex.limb)) and sentence.has_affirmed(lex.deformed)
        for sentence in sentences
    ):
        # "He fell with the walker. Now the leg looks bent."
        found.add(OUT_OF_SHAPE)
    return sorted(found)


# A sentence that opens with one of these (after "and", "but"...) goes on
# about what the sentence before named: "It's her cast. And it stinks."
_CONTINUING_OPENERS = frozenset("it it's its they they're this that".split())
_LINK_WORDS = frozenset("and but now also plus so".split())


def continues(sentence: _Sentence) -> bool:
    """Whether an English sentence opens with "it", "they" or "this" (after "and", "but")."""
    if sentence.bangla:
        return False
    words = [word.lower() for word in _WORD.findall(sentence.text.replace("\u2019", "'"))]
    while words and words[0] in _LINK_WORDS:
        words = words[1:]
    return bool(words) and words[0] in _CONTINUING_OPENERS


def joined(first: _Sentence, second: _Sentence) -> _Sentence:
    """Two sentences read as one."""
    return _Sentence(
        [*first.forms, *second.forms],
        f"{first.text} {second.text}",
        [*first.punct, *second.punct],
        first.bangla or second.bangla,
    )


_QUESTION_MARKS = ("?", "\uff1f", "\u061f")  # ASCII, full-width, Arabic
_WORD = re.compile(r"[\w'\u0980-\u09ff]+")


def phrased_as_question(text: str) -> bool:
    """Whether a message is phrased as a question rather than a report.

    A question mark, a first word such as "is", "should" or "how", a Bangla or
    romanized question word anywhere ("এটা কি স্বাভাবিক", "kivabe bujhbo"), or
    a phrase such as "is it normal" or "should I worry".

    Args:
        text: The message as typed.

    Returns:
        True for a question.
    """
    if any(mark in text for mark in _QUESTION_MARKS):
        return True
    lex = lexicon()
    words = [normalise_word(word) for word in _WORD.findall(text.replace("\u2019", "'"))]
    if not words:
        return False
    if words[0] in lex.question_words_start or any(w in lex.question_words for w in words):
        return True
    return bool(lex.question_phrases.search(" ".join(words)))
