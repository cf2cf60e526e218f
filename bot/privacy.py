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

All patterns are linear: every repetition is separated by a non-digit or is
bounded, so a 20,000-character message is masked in milliseconds.
"""

from __future__ import annotations

import re
from typing import Optional

__all__ = [
    "mask_phone_for_display",
    "mask_sensitive",
    "normalise_bd_mobile",
    "to_ascii_digits",
]

# Slots whose values are never stored in full in the conversation log.
SENSITIVE_SLOTS = ("callback_phone",)

_BANGLA_TO_ASCII = str.maketrans("০১২৩৪৫৬৭৮৯", "0123456789")

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
# Up to two separator characters between digits of a typed phone number.
_GAP = r"[ \u00a0.\-()]{0,2}"
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
_NUMBER_RUN = rf"\+?\(?{_D}+(?:[ \u00a0.\-()]{{1,2}}(?!{_MOBILE_CORE}){_D}+)*"

_CANDIDATE_RE = re.compile(rf"(?<![0-9০-৯])(?:(?P<mobile>{_MOBILE_CORE})|(?P<run>{_NUMBER_RUN}))")
_NON_DIGITS_RE = re.compile(r"[^0-9]+")
_SPACES_RE = re.compile(r"([ \u00a0]+)")
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


def to_ascii_digits(text: str) -> str:
    """Convert Bangla digits to ASCII digits.

    Args:
        text: Any text.

    Returns:
        The text with ০-৯ (U+09E6..U+09EF) replaced by 0-9; every other
        character is left as it is.
    """
    return text.translate(_BANGLA_TO_ASCII)


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
    return _CANDIDATE_RE.sub(_replace, text)


def _replace(match: re.Match[str]) -> str:
    """Return the masked form of one candidate number."""
    span = match.group(0)
    if match.group("mobile") is not None:
        return _token(_PHONE, _NON_DIGITS_RE.sub("", to_ascii_digits(span)))
    if len(_NON_DIGITS_RE.sub("", to_ascii_digits(span))) < _PHONE_MIN:
        return span  # too short to be anything but an ordinary number
    return _mask_run(span, _context(match.string, match.start()))


def _mask_run(span: str, context: Optional[str]) -> str:
    """Mask a run of digit groups as a whole, else each space-separated part."""
    digits = _NON_DIGITS_RE.sub("", to_ascii_digits(span))
    kind = _classify(span, digits, context)
    if kind is not None:
        return _token(kind, digits)
    if not _SPACES_RE.search(span):
        return span
    parts = _SPACES_RE.split(span)
    return "".join(part if part.isspace() else _mask_run(part, context) for part in parts)


def _classify(span: str, digits: str, context: Optional[str]) -> Optional[str]:
    """Decide whether a digit run is a phone number, an ID number or neither."""
    size = len(digits)
    if size < _PHONE_MIN:
        return None
    spaced = _SPACES_RE.search(span) is not None
    international = to_ascii_digits(span).lstrip("(").startswith(("+", "00"))
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
