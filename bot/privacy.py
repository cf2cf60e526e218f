"""Masking of phone numbers and national ID numbers in patients' chat text.

Patients in Bangladesh type their mobile number or their NID number into the
chat, in ASCII or Bangla digits, with or without the country code, broken up
by spaces, dashes, dots or parentheses. These functions find such numbers so
that logs, transcripts and analytics never keep them in full, while ordinary
numbers (ages, durations, temperatures, years, dates, amounts) stay readable.

Masked forms (fixed-width tokens, so the length of the original is not revealed):

* phone numbers -> ``[phone •••78]`` (last 2 digits kept),
* national ID numbers (10, 13 or 17 digits) -> ``[NID •••1234]`` (last 4 kept),
* any other unbroken run of more than 15 digits (16 digits such as a card
  number, two numbers typed together) -> ``[number •••1234]`` (last 4 kept).

Kept digits are always written as ASCII digits, whatever script they were typed in.

Numbers are looked for in a folded copy of the text (see :func:`fold_for_matching`):
invisible format characters (zero-width spaces and joiners, soft hyphens,
direction marks) are dropped, every Unicode dash or minus reads as ``-``, every
space as a space, full-width ``+ ( ) . / _`` as their ASCII forms, and every
Unicode decimal digit (Bangla, Arabic-Indic, full-width, ...) as its ASCII
digit. Only the numbers found are replaced in the original text: everything
around them stays exactly as typed.

All patterns are linear: every repetition is separated by a non-digit or is
bounded, so a 20,000-character message is masked in milliseconds.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any, Iterator, List, Optional, Tuple

from bot.digits import to_ascii_digits

__all__ = [
    "fold_for_matching",
    "mask_nested",
    "mask_phone_for_display",
    "mask_sensitive",
    "normalise_bd_mobile",
]

# Slots whose values are never stored in full in the conversation log.
SENSITIVE_SLOTS = ("callback_phone",)

_PHONE = "phone"
_NID = "nid"
_NUMBER = "number"
_NID_LENGTHS = (10, 13, 17)
_PHONE_MIN, _PHONE_MAX = 10, 15
_KEEP = {_PHONE: 2, _NID: 4, _NUMBER: 4}
_LABEL = {_PHONE: "phone", _NID: "NID", _NUMBER: "number"}
_MASK = "•••"
# How far before a number to look for words such as "NID" or "phone".
_CONTEXT_CHARS = 40

# One digit, ASCII or Bangla.
_D = "[0-9০-৯]"
# Up to two separator characters between digits of a typed phone number
# (in the folded text, where every dash is "-" and every space " ").
_GAP = r"[ .\-()/_]{0,2}"
# A BD mobile: optional +88 / 88 / 0088, then 01[3-9] and 8 more digits, each
# digit possibly followed by a separator. Bounded, so its cost per position is constant.
_MOBILE_CORE = (
    rf"(?:(?:\+|[0০]{{2}})?[8৮]{{2}}{_GAP})?"
    rf"\(?[0০]{_GAP}[1১]{_GAP}[3-9৩-৯](?:{_GAP}{_D}){{8}}"
    rf"(?!{_D})"
)
# Any other digit run: groups of digits joined by one or two separators. A group
# is not joined when a BD mobile starts right after the separator, so that in
# "I am 45 01712345678" the age is not glued onto the phone number.
_NUMBER_RUN = rf"\+?\(?{_D}+(?:[ .\-()/_]{{1,2}}(?!{_MOBILE_CORE}){_D}+)*"

_CANDIDATE_RE = re.compile(rf"(?<![0-9০-৯])(?:(?P<mobile>{_MOBILE_CORE})|(?P<run>{_NUMBER_RUN}))")
_NON_DIGITS_RE = re.compile(r"[^0-9]+")
# Separators that join groups into one number only after a keyword or a "+":
# spaces, and "/" and "_" (dates such as 21/11/2026-22/11/2026 stay apart).
_WEAK_SEPARATORS_RE = re.compile(r"([ /_]+)")
_SPACES_RE = re.compile(r"( +)")
_ALLOWED_IN_MOBILE_RE = re.compile(r"\+?[0-9 \u00a0.\-()]+")

# "য়" is one code point (U+09DF) or য + nukta (U+09AF U+09BC) after NFC.
_Y = "(?:\u09df|\u09af\u09bc)"
# Words that may follow an ID word and still belong to it: "NID card no", "এনআইডি নং".
_ID_SUFFIX = r"(?:\s*(?:card|no\b\.?|number|nambar|#|:|কার্ড|নং|নম্বর|নাম্বার)){0,3}"
_KEYWORD_RE = re.compile(
    # ID words first: in "ID no" the "no" belongs to the ID, not to a phone.
    r"(?P<nid>(?:"
    r"\bn\.?\s?i\.?\s?d\b|\bnational\s+id(?:entity|entification)?\b|\bvoter\s+id\b"
    r"|\bsmart\s*card\b|\bid\b|\bjati[iy]?o\s*porich?o[iy]?\s*(?:potro|patra)?"
    r"|\bporich?o[iy]\s*potro"
    rf"|জাতী{_Y}\s*পরিচ{_Y}\s*(?:পত্র)?|পরিচ{_Y}\s*পত্র|এন\s?আই\s?ডি|আইডি"
    rf"){_ID_SUFFIX})"
    r"|(?P<phone>"
    r"\b(?:tele?)?phone\b|\bmob(?:ile)?\b|\bcell\b|\btel\b|\bcontact\b|\bcall\b"
    r"|\bnumb?e?r\b|\bnum\b|\bno\b|\bnam?bar\b|\bnomb?or\b|\bfon\b"
    r"|\bwhats\s?app\b|\bimo\b|\bviber\b|\bsms\b|\bbi?kash\b|\bnagad\b|\brocket\b"
    rf"|নম্বর|নাম্বার|নং|ফোন|মোবাইল|কল|যোগাযোগ|বিকাশ|নগদ|হো{_Y}াটস"
    r")",
    re.IGNORECASE,
)


def normalise_bd_mobile(raw: str) -> Optional[str]:
    """Normalise a Bangladeshi mobile number as people type it to E.164.

    Accepted: ASCII or Bangla digits, spaces, dashes, dots and parentheses,
    with or without a ``+88``, ``88`` or ``0088`` country prefix, e.g.
    ``"01712345678"``, ``"+8801712345678"``, ``"০১৭১২-৩৪৫৬৭৮"``,
    ``"+88 017 1234 5678"``, ``"(017) 12345678"``. The number itself must be
    11 digits ``01`` + operator digit 3-9 + 8 digits.

    Args:
        raw: The number as typed.

    Returns:
        The number as ``"+8801712345678"``, or None when it is not a valid
        Bangladeshi mobile number (empty, letters, too short or too long, a
        landline, an ``012`` number, a ``+`` anywhere but at the start).
    """
    if not isinstance(raw, str):
        return None
    text = to_ascii_digits(raw).strip()
    if not _ALLOWED_IN_MOBILE_RE.fullmatch(text):
        return None
    digits = _NON_DIGITS_RE.sub("", text)
    if text.startswith("+") and not digits.startswith("88"):
        return None
    if digits.startswith("0088"):
        digits = digits[4:]
    elif digits.startswith("88"):
        digits = digits[2:]
    if len(digits) != 11 or not digits.startswith("01") or digits[2] not in "3456789":
        return None
    return "+880" + digits[1:]


def mask_phone_for_display(e164: str) -> str:
    """Show a patient which mobile number is on file without showing all of it.

    Keeps the country code, the operator code and the last 3 digits:
    ``"+8801712345678"`` -> ``"+880 17•• •••678"``. Any form that
    :func:`normalise_bd_mobile` accepts is formatted the same way.

    Args:
        e164: The number, normally as stored: ``"+8801712345678"``.

    Returns:
        The display form, or, for anything that is not a BD mobile number,
        the same ``[phone •••78]`` token that :func:`mask_sensitive` writes
        (no digits at all when there are fewer than 6).
    """
    number = normalise_bd_mobile(e164) if isinstance(e164, str) else None
    if number is None:
        digits = _NON_DIGITS_RE.sub("", to_ascii_digits(e164 if isinstance(e164, str) else ""))
        return _token(_PHONE, digits if len(digits) >= 6 else "")
    local = number[4:]  # "1712345678"
    return f"+880 {local[:2]}•• •••{local[-3:]}"


def mask_sensitive(text: str) -> str:
    """Mask phone numbers and national ID numbers in free chat text.

    Masked, whatever the digits' script and separators:

    * Bangladeshi mobile numbers in any form :func:`normalise_bd_mobile`
      accepts -> ``[phone •••78]``, even after words like "NID";
    * national ID numbers, 10, 13 or 17 digits, -> ``[NID •••1234]``;
    * other numbers of 10 to 15 digits -> ``[phone •••78]``;
    * unbroken runs of more than 15 digits (other than 17) -> ``[number •••1234]``.

    A run of 10-17 digits counts as ID rather than phone when the closest
    keyword in the 40 characters before it is an ID word (NID, national id,
    ID no, জাতীয় পরিচয়পত্র, এনআইডি, ...); a phone word (phone, number, call,
    নম্বর, ফোন, ...) or a leading ``+`` / ``00`` makes it a phone; without a
    keyword 10, 13 and 17 digits count as ID (except 10 digits starting with 0,
    a landline with its area code) and 11, 12, 14 and 15 as phone.
    Groups split by spaces are read as one number only after such a keyword
    or a leading ``+``, so "21-11-2026 10 30" is left alone.

    Not masked: numbers below 10 digits (ages, durations such as "8-12 weeks",
    temperatures, years, amounts) and dates written with ``/``.

    Args:
        text: A chat message, of any length.

    Returns:
        The text with every such number replaced by its token.
    """
    if not text:
        return text
    folded, origins = fold_for_matching(text)
    pieces: List[str] = []
    copied = 0
    for match in _CANDIDATE_RE.finditer(folded):
        for start, end, token in _masked_parts(match):
            first, last = origins[start], origins[end - 1] + 1
            pieces.append(text[copied:first])
            pieces.append(token)
            copied = last
    pieces.append(text[copied:])
    return "".join(pieces)


# Deeper than this, a nested value is stored as its masked JSON text.
MAX_NESTING = 32


def mask_nested(value: Any, depth: int = 0) -> Any:
    """A copy of a JSON-like value with every string masked, dictionary keys included.

    Dicts, lists and tuples are walked; strings pass through
    :func:`mask_sensitive`; numbers, booleans and ``None`` are kept. Anything
    nested deeper than :data:`MAX_NESTING` is kept as its masked JSON text, so
    nothing is lost and the walk stays bounded.

    Args:
        value: For example a serialised Rasa event (``event.as_dict()``).
        depth: How deep ``value`` already is (used by the walk itself).

    Returns:
        The masked copy; ``value`` itself is not changed.
    """
    if isinstance(value, str):
        return mask_sensitive(value)
    if isinstance(value, dict | list | tuple) and depth >= MAX_NESTING:
        return mask_sensitive(json.dumps(value, ensure_ascii=False, default=str))
    if isinstance(value, dict):
        return {
            mask_sensitive(key) if isinstance(key, str) else key: mask_nested(item, depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [mask_nested(item, depth + 1) for item in value]
    return value


# Invisible characters that are not format characters (category Cf) but are
# still ignored when text is shown: combining grapheme joiner, variation
# selectors, Hangul fillers, Khmer inherent vowels, Mongolian selectors.
_OTHER_INVISIBLE = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u180f\u3164\uffa0"
    + "".join(chr(code) for code in range(0xFE00, 0xFE10))
)
# Minus signs that are not in the dash category (Pd).
_MINUS_SIGNS = frozenset("\u2212\u2796\u02d7\u207b\u208b")
_SEPARATOR_FORMS = frozenset("+()./_")


def _fold_char(char: str) -> str:
    """How one character reads when looking for numbers ("" for invisible ones)."""
    if char.isascii():
        return char
    digit = unicodedata.decimal(char, None)
    if digit is not None:
        return str(digit)
    category = unicodedata.category(char)
    if category == "Cf" or char in _OTHER_INVISIBLE:
        return ""
    if category == "Pd" or char in _MINUS_SIGNS:
        return "-"
    if category == "Zs":
        return " "
    compatible = unicodedata.normalize("NFKC", char)
    if compatible in _SEPARATOR_FORMS:
        return compatible  # full-width and small forms: "＋", "（", "／", "＿", ...
    return char


def fold_for_matching(text: str) -> Tuple[str, List[int]]:
    """The text as numbers are looked for in it, with where each character came from.

    Invisible format characters are dropped, Unicode dashes and minus signs
    become ``-``, spaces become `` ``, full-width ``+ ( ) . / _`` their ASCII
    forms, and every Unicode decimal digit its ASCII digit. Other characters
    are kept as they are.

    Args:
        text: Any text.

    Returns:
        ``(folded, origins)``: ``origins[i]`` is the index in ``text`` of the
        character that became ``folded[i]``.
    """
    if text.isascii():
        return text, list(range(len(text)))
    folded: List[str] = []
    origins: List[int] = []
    for index, char in enumerate(text):
        form = _fold_char(char)
        if form:
            folded.append(form)
            origins.append(index)
    return "".join(folded), origins


def _masked_parts(match: re.Match[str]) -> Iterator[Tuple[int, int, str]]:
    """The ``(start, end, token)`` replacements of one candidate number, in the folded text."""
    span = match.group(0)
    digits = _NON_DIGITS_RE.sub("", span)
    if match.group("mobile") is not None:
        yield match.start(), match.end(), _token(_PHONE, digits)
        return
    if len(digits) < _PHONE_MIN:
        return  # too short to be anything but an ordinary number
    yield from _mask_run(span, match.start(), _context(match.string, match.start()))


def _mask_run(span: str, start: int, context: Optional[str]) -> Iterator[Tuple[int, int, str]]:
    """Mask a run of digit groups as a whole, else each part between weak separators.

    A run that mixes spaces with ``/`` or ``_`` ("21/11/2026 10:30") is never
    read as one number: its space-separated parts are looked at one by one.
    """
    mixed = " " in span and ("/" in span or "_" in span)
    if not mixed:
        kind = _classify(span, _NON_DIGITS_RE.sub("", span), context)
        if kind is not None:
            yield start, start + len(span), _token(kind, _NON_DIGITS_RE.sub("", span))
            return
    separators = _SPACES_RE if mixed else _WEAK_SEPARATORS_RE
    if not separators.search(span):
        return
    offset = start
    for part in separators.split(span):
        if part and not separators.fullmatch(part):
            yield from _mask_run(part, offset, context)
        offset += len(part)


def _classify(span: str, digits: str, context: Optional[str]) -> Optional[str]:
    """Decide whether a digit run is a phone number, an ID number or neither."""
    size = len(digits)
    if size < _PHONE_MIN:
        return None
    spaced = _WEAK_SEPARATORS_RE.search(span) is not None
    international = span.lstrip("(").startswith(("+", "00"))
    if spaced and context is None and not international:
        return None
    if context == _NID and size in _NID_LENGTHS:
        return _NID
    if size <= _PHONE_MAX and (international or context == _PHONE):
        return _PHONE
    if size == 10 and digits.startswith("0"):
        return _PHONE  # a landline with its area code, e.g. 031 2345678
    if size in _NID_LENGTHS:
        return _NID
    if size <= _PHONE_MAX:
        return _PHONE
    if not spaced:
        return _NUMBER
    return None


def _context(text: str, start: int) -> Optional[str]:
    """The kind of the last keyword shortly before ``start``, if any."""
    window = text[max(0, start - _CONTEXT_CHARS) : start]
    kind = None
    for found in _KEYWORD_RE.finditer(window):
        kind = _NID if found.group("nid") else _PHONE
    return kind


def _token(kind: str, digits: str) -> str:
    """The fixed-width token that replaces a number, keeping its last digits."""
    keep = _KEEP[kind]
    tail = digits[-keep:] if len(digits) > keep else ""
    return f"[{_LABEL[kind]} {_MASK}{tail}]"


_PHONE_LIKE_ID = re.compile(r"^(?:whatsapp:)?\+?[0-9]{8,15}$")


def conversation_label(conversation_id: str) -> str:
    """How the console shows a conversation id without revealing a phone number.

    WhatsApp conversations are keyed by the patient's number; those are shown
    as ``WhatsApp •••78``. Other ids (random web-chat session ids) are shown
    by their first eight characters.
    """
    if _PHONE_LIKE_ID.match(conversation_id):
        return f"WhatsApp {_MASK}{conversation_id[-2:]}"
    return conversation_id[:8]
