"""Which language a patient writes in, and which language to answer in.

Patients write English, Bangla script, romanized Bangla ("Banglish": "hatur
operation er por koto din hatte parbo?") and mixtures of the three. These
pure functions guess a message's language, find explicit requests to switch
("English please", "বাংলায় বলুন", "banglay bolo"), and apply the reply policy.

* Bangla script is recognised by its characters: a message whose letters are
  at least partly Bangla script is ``bn``, whatever English words it mixes in.
* Latin text is romanized Bangla or English by whole-word look-up in two
  lexicons: frequent romanized-Bangla function and common words with their
  usual spelling variants, and frequent English function words. Words both
  languages use ("to", "hat", "din", "er") count for little; medical loan
  words ("operation", "DFO", "cast") and greetings ("ok", "hi") count for
  neither.
* A guess is *clear* only with enough evidence (about two words of one
  language and twice as much as of the other); "ok", "VRO?" or "hi" are not.

Replies are only ever ``en`` or ``bn``: romanized writers get Bangla script.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Optional, Tuple

from bot.nlu.bangla import is_bangla_letter, normalise_word

ENGLISH = "en"
BANGLA = "bn"
ROMANIZED_BANGLA = "bn_latn"
REPLY_LANGUAGES = (ENGLISH, BANGLA)
DEFAULT_LANGUAGE = ENGLISH


def _words(text: str) -> FrozenSet[str]:
    return frozenset(text.split())


# Romanized Bangla that is not an English word: one vote each.
ROMANIZED_STRONG = _words(
    # pronouns and possessives
    "ami amar amr amake amk amader amra apni apnar apnr apnake apnara apnader "
    "tumi tomar tomake tmr tui ora unar onar onake unake tini "
    "tader tahar kake keu kew kichu kisu kicu kono kuno "
    # question words
    "ki kii kiii kivabe kibhabe kibabe kivhabe kemne kemon kmn keno kno kyno "
    "kobe kothay kothai kothae kokhon kokon khon kon konta koto kto kotodin "
    "kotokkhon kotokhon koydin koyta koita kotota naki kina "
    # to be, to have
    "hobe hbe hoibo hoy hoi hoise hoyese hoiche hoyeche hoyechhe hoyche hoyse "
    "hocche hochhe hosse hoitese hoitase hoiteche hoilo hoile hoye hote "
    "hoyni hoini hoyna hoina hobena ase achhe asche ashche achi asi "
    "achen asen chilo silo chhilo thake thaken thakbe thakle thakbo thaka "
    "nai nei noy nahi "
    # do, can, go, need, say, see, give, eat, walk, get, feel
    "kore korte korbo korben korbe korchi korche korse korsi korlam korle "
    "korechi koreche koro koren korun kora korar korano koraben korabo "
    "parbo parbe parben pari pare parchi parche parsi partesi partese "
    "parina parena parchena parbena parlam "
    "jabe jabo jai jete jacche jaitese jaitase geche gese gechhe gelo gechi "
    "gesi giye gele jaoa jawa jaowa jawar jaowar "
    "lagbe lage lagche lagse lagtese laglo lagle lagena "
    "bolen bolo bolun bolben bolte bollo boltesi boleche bolchi bolsen "
    "dekhen dekho dekhte dekhlam dekhchi dekhsi dekha dekhle dekhi "
    "diben dibo dite dise disen diyeche dilo dile dao "
    "khabo khete khawa khaoa khabe khay khai khaite kheyeche khaise "
    "hatte hatbe hatbo hatar hante hantte hatate hatu hatur hantu hantur hatu "
    "pabo pabe pai paitese pacche "
    "bujhi bujhina bujhte bujhlam bujhtesi bujhchi jani janina janen janaben "
    "uthte uthbe bosa boste bosbe darate darabe darano "
    # people and address
    "bhai vai vaiya bhaiya bhaia apu apa bhabi khala chacha kaka "
    "chele cheler chhele chheler pola meye meyer maye baccha bacchar bachcha "
    "bachchar bacha bachar baba babar ammu abbu amma abba nani dadi dada "
    "shami bou jamai rogi "
    # courtesy and discourse
    "dhonnobad dhonyobad donnobad dhonnobaad dhanyabad thik thk acha accha "
    "achha achchha ji jee haa hya "
    "kintu jodi tahole tahle tai abar ekhon ekhono akhon ajke aaj aj kalke "
    "porshu shudhu sudhu shob sobai onek khub beshi besi ektu olpo alpo "
    "ekdom ekebare temon hoyto mone valo bhalo kharap kharab "
    "ei oi sei eta ota seta ekta duita ekhane okhane sekhane "
    "theke diye jonno jnno sathe shathe moddhe upore nich "
    "gula gulo guli guno "
    "shomossa somossa somosya dorkar uchit proyojon mane kotha jinish jinis boyosh "
    "boyos prothome prothom achen khuda hafez adab haan "
    # body and symptoms
    "jor jwor jorer shorir sorir betha batha byatha bytha bedona fule fola "
    "fula phule lal gorom thanda obosh vabe bhabe "
    # time and amount
    "bochor bochhor shoptaho soptaho ghonta ghontar minit "
    "oporeshon oparesan opareshon oparation"
)

# Romanized Bangla that is also English, or too short to be sure: half a vote.
ROMANIZED_WEAK = _words(
    "er r te e ta ti na ni pa hat haat kom por pore hole bole tin char o ar ache "
    "tar ke kar mon ha hae hum mama nana din mash mas nah uni tore sob parse jay dia "
    "holo tor oder"
)

# English function and very common words: one vote each.
ENGLISH_STRONG = _words(
    "the is are was were be been being am what how when where why who whom which "
    "whose will would can could should shall may might must do does did done have "
    "has had having my your his her their our its it this that these those there "
    "here and but if of for with from in at by about after before during until "
    "since long much many some any not he she they we you me him them us "
    "than then just only also very too still again now today yesterday tomorrow "
    "need want know help tell get go going take come happen happened feel feels "
    "walk walking stand standing sit sitting son daughter child kid mother father "
    "wife husband normal time days weeks months day week month year years "
    "because without into out over under safe doesn't don't can't isn't won't "
    "i'm it's"
)
ENGLISH_WEAK = _words("a i to or on so as no up")

# Loan words and greetings both languages use: evidence for neither.
NEUTRAL = _words(
    "ok okay okk hi hello hey hlw hmm thanks thank thx tnx please pls plz sir madam "
    "maam mam dr doctor vro vdo dfo operation surgery hospital clinic x ray xray "
    "plate screw cast physiotherapy physio therapy test report appointment yes "
    "sorry bye salam assalamualaikum assalamu alaikum walaikum inshallah "
    "alhamdulillah mashallah knee hip leg pain fever wound"
)

# Endings of romanized Bangla verb forms ("korechi", "jacche", "parbo").
_ROMANIZED_ENDINGS = (
    "chi",
    "che",
    "cche",
    "chhe",
    "cchi",
    "chhi",
    "ssi",
    "sse",
    "tesi",
    "tese",
    "tasi",
    "tase",
    "bo",
    "ben",
    "iye",
    "eche",
    "echi",
)
# English words with those endings.
_ENGLISH_WITH_ROMANIZED_ENDINGS = _words(
    "ache niche cache cliche creche moustache mustache combo jumbo limbo gumbo "
    "turbo bimbo hobo elbow been"
)

# All romanized Bangla words this module knows (the red-flag rules never take
# one of them for a misspelt symptom word).
ROMANIZED_WORDS = ROMANIZED_STRONG | ROMANIZED_WEAK

_LATIN_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_ASCII_LETTER = re.compile(r"[A-Za-z]")

# A message is Bangla when at least this share of its letters is Bangla script...
_BANGLA_SHARE = 0.3
# ...or when it has at least this many Bangla letters (two or three words).
_BANGLA_LETTERS_ANYWAY = 6
# Evidence for a clear guess: this many votes, and this times more than the other.
_CLEAR_VOTES = 2.0
_CLEAR_RATIO = 2.0


@dataclass(frozen=True)
class LanguageGuess:
    """A message's language.

    Attributes:
        code: ``en``, ``bn`` (Bangla script) or ``bn_latn`` (romanized Bangla).
        clear: Whether the message has enough evidence to act on; short or
            mixed messages ("ok", "VRO?", "hi") are not clear.
        confidence: Between 0 and 1, for logs and review.
    """

    code: str
    clear: bool
    confidence: float

    @property
    def reply_language(self) -> str:
        """The language to answer this message in (``en`` or ``bn``)."""
        return ENGLISH if self.code == ENGLISH else BANGLA


def romanized_votes(words: List[str]) -> Tuple[float, float]:
    """Votes for romanized Bangla and for English among lower-cased Latin words."""
    bangla = english = 0.0
    for word in words:
        if word in NEUTRAL:
            continue
        if word in ROMANIZED_STRONG:
            bangla += 1
        elif word in ENGLISH_STRONG:
            english += 1
        elif word in ROMANIZED_WEAK:
            bangla += 0.5
        elif word in ENGLISH_WEAK:
            english += 0.5
        elif (
            len(word) >= 4
            and word.endswith(_ROMANIZED_ENDINGS)
            and not word.endswith("ache")  # headache, backache
            and word not in _ENGLISH_WITH_ROMANIZED_ENDINGS
        ):
            bangla += 0.5
    return bangla, english


def _latin_words(text: str) -> List[str]:
    """Lower-case Latin words, without an English possessive ("chele's" -> "chele")."""
    return [word[:-2] if word.endswith("'s") else word for word in _LATIN_WORD.findall(text)]


def _latin_guess(bangla: float, english: float) -> LanguageGuess:
    total = bangla + english
    if total == 0:
        return LanguageGuess(ENGLISH, False, 0.0)
    code = ROMANIZED_BANGLA if bangla > english else ENGLISH
    winner, loser = (bangla, english) if code == ROMANIZED_BANGLA else (english, bangla)
    clear = winner >= _CLEAR_VOTES and winner >= _CLEAR_RATIO * loser
    confidence = round((winner / total) * min(1.0, total / 3.0), 3)
    return LanguageGuess(code, clear, confidence)


def detect_language(text: Optional[str]) -> LanguageGuess:
    """Guess the language of one message.

    Args:
        text: The message, ideally already cleaned by the input guard.

    Returns:
        ``bn`` for Bangla script (also mixed with English words), else
        ``bn_latn`` or ``en`` from the Latin words, with a clear flag.
    """
    text = normalise_word(text or "")
    bangla_letters = sum(1 for char in text if is_bangla_letter(char))
    latin_letters = len(_ASCII_LETTER.findall(text))
    bangla, english = romanized_votes(_latin_words(text))
    if bangla_letters:
        share = bangla_letters / (bangla_letters + latin_letters)
        latin = _latin_guess(bangla, english)
        if (
            share >= _BANGLA_SHARE
            or bangla_letters >= _BANGLA_LETTERS_ANYWAY
            or latin.code == ROMANIZED_BANGLA
            or not latin.clear
        ):
            clear = bangla_letters >= 2
            return LanguageGuess(BANGLA, clear, round(min(1.0, 0.5 + share / 2), 3))
        return latin
    return _latin_guess(bangla, english)


# --- explicit requests -------------------------------------------------------

_ENGLISH_NAMES = _words(
    "english inglish engilsh englis englsh eng ingreji ingriji ingrezi engreji "
    "ingraji ingrejite ingrejit englishe englishte englishei englishey "
    "ইংরেজি ইংরেজী ইংরেজিতে ইংরেজীতে ইংলিশ ইংলিশে ইংলিশেই ইংরাজি ইংরেজিই"
)
_BANGLA_NAMES = _words(
    "bangla bengali bangali bengla bangala banglay banglae banglai banglate "
    "banglatei banglaye bangle "
    "বাংলা বাংলায় বাংলাতে বাংলায়ই বাঙলা বাঙলায় বাংলাই"
)
# Words asking for a way of answering: they make "English" a request.
_REQUEST_WORDS = _words(
    "reply respond answer answers speak talk write type say tell explain switch "
    "change continue use chat text language communicate "
    "bolen bolo bolun bol bolben bolte likhen likho lekhen lekho likhun likhben "
    "lekha den dao diben uttor utter kotha bujhan bujhiye bujhai korun koren "
    "বলুন বলো বলেন বল বলবেন লিখুন লিখো লেখেন লিখেন লিখবেন লেখা দিন দাও দেন দিবেন "
    "উত্তর কথা বুঝিয়ে বোঝান বুঝান বোঝাবেন বুঝাবেন করুন করেন ভাষায়"
)
# Weaker: only right next to the language's name ("English please").
_REQUEST_NEXT_TO = _words("please pls plz only in e te y ey ei প্লিজ শুধু শুধুমাত্র")
# "I don't understand English": then the other language.
_UNDERSTAND = _words(
    "understand read know speak bujhi bujhina bujhte bujhtesi bujhchi bujhtechi "
    "bujhe jani janina pari parina porte বুঝি বুঝিনা বুঝতে বুঝছি বুঝতেছি "
    "জানি জানিনা পারি পারিনা পড়তে"
)
_NEGATIONS_AFTER = _words("na nai nah না নাই janina bujhina parina বুঝিনা জানিনা পারিনা")
_NEGATIONS_BEFORE = _words("no not don't dont cannot can't cant never without")
# Words a message may contain besides the language's name and still be a request.
_FILLER = _words(
    "please pls plz in only language e te y ey ei bhai vai apu sir madam ok okay "
    "thanks kindly the mode ভাই আপু প্লিজ ভাষা ভাষায় হবে"
)
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|[\u0980-\u09ff]+")
_WINDOW = 3


def _language_of_name(word: str) -> Optional[str]:
    if word in _ENGLISH_NAMES:
        return ENGLISH
    if word in _BANGLA_NAMES:
        return BANGLA
    return None


def _other(language: str) -> str:
    return BANGLA if language == ENGLISH else ENGLISH


def _request_at(words: List[str], index: int, language: str) -> Optional[str]:
    """What mentioning ``language`` at ``index`` asks for, if anything."""
    before = words[max(0, index - _WINDOW) : index]
    after = words[index + 1 : index + 1 + _WINDOW + 1]
    # "don't understand English", "no English", "not in English"
    if set(before[-2:]) & _NEGATIONS_BEFORE:
        return _other(language)
    # "English bujhi na", "বাংলা বুঝি না", "ingreji jani na"
    for offset, word in enumerate(after[:_WINDOW]):
        if word in _UNDERSTAND and (
            word in _NEGATIONS_AFTER or set(after[offset + 1 : offset + 3]) & _NEGATIONS_AFTER
        ):
            return _other(language)
    if set(before) & _REQUEST_WORDS or set(after[:_WINDOW]) & _REQUEST_WORDS:
        return language
    # "English please", "in English please", "please in English", "English e"
    neighbours = words[max(0, index - 2) : index] + words[index + 1 : index + 3]
    adjacent = set(words[index - 1 : index] + words[index + 1 : index + 2])
    if adjacent & (_REQUEST_NEXT_TO - {"in"}):
        return language
    if "in" in adjacent and (set(neighbours) - {"in"}) & _REQUEST_NEXT_TO:
        return language
    if all(word in _FILLER for i, word in enumerate(words) if i != index):
        return language
    return None


def language_request(text: Optional[str]) -> Optional[str]:
    """An explicit request to be answered in English or Bangla.

    Args:
        text: The message.

    Returns:
        ``en`` or ``bn`` for requests such as "English please", "reply in
        english", "speak in bangla", "বাংলায় বলুন", "ইংরেজিতে বলুন",
        "english e bolen", "banglay bolo", "English bujhi na" (-> ``bn``);
        ``None`` when the message asks for no language ("what is the English
        word for VRO?").
    """
    words = _TOKEN.findall(normalise_word(text or ""))
    requests: Dict[int, str] = {}
    for index, word in enumerate(words):
        language = _language_of_name(word)
        if language is None:
            continue
        requested = _request_at(words, index, language)
        if requested:
            requests[index] = requested
    if not requests:
        return None
    return requests[max(requests)]


# --- reply policy -------------------------------------------------------------


def conversation_language(
    current: Optional[str],
    pinned: bool,
    guess: Optional[LanguageGuess],
    request: Optional[str],
) -> Tuple[str, bool]:
    """The language to answer in after a message, and whether it is pinned.

    * An explicit request sets the language and pins it.
    * Otherwise a pinned conversation keeps its language.
    * Otherwise a clear Bangla or romanized-Bangla message switches to ``bn``
      and a clear English message to ``en``.
    * Unclear messages ("ok", "VRO?") keep the current language.

    Args:
        current: The conversation's language so far (``None``: not set yet,
            which means ``en``).
        pinned: Whether the patient chose the language explicitly.
        guess: ``detect_language`` of the message (``None``: no text, e.g. a button).
        request: ``language_request`` of the message.

    Returns:
        ``(language, pinned)``, the language being ``en`` or ``bn``.
    """
    if request in REPLY_LANGUAGES:
        return request, True
    language = current if current in REPLY_LANGUAGES else DEFAULT_LANGUAGE
    if pinned:
        return language, True
    if guess is not None and guess.clear:
        return guess.reply_language, False
    return language, False
