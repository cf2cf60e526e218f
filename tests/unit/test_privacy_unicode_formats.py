"""Phone and NID numbers typed with characters that used to escape masking.

One row per format, each with a phone number and an NID number: invisible
characters inside the number, Unicode dashes, ``/`` and ``_`` as separators,
and digits of any script (``unicodedata.decimal``). The text around the
number stays exactly as typed.
"""

from __future__ import annotations

import unicodedata

import pytest

from bot.privacy import mask_sensitive

ASCII_TO = {
    "full-width": 0xFF10,
    "arabic-indic": 0x0660,
    "extended-arabic-indic": 0x06F0,
    "devanagari": 0x0966,
    "mathematical-bold": 0x1D7CE,
}


def in_script(digits: str, script: str) -> str:
    """``digits`` written with the decimal digits of ``script``."""
    zero = ASCII_TO[script]
    return "".join(chr(zero + int(d)) if d.isdigit() else d for d in digits)


# (format, phone as typed, NID as typed)
FORMATS = [
    ("zero-width space", "01712\u200b345678", "1234\u200b567890"),
    ("zero-width non-joiner", "0171\u200c2345678", "12345\u200c67890"),
    ("zero-width joiner", "017\u200d12345678", "123456\u200d7890"),
    ("word joiner", "01712\u2060345678", "1234\u2060567890"),
    ("byte order mark", "01712\ufeff345678", "1234\ufeff567890"),
    ("soft hyphen", "01712\u00ad345678", "1234\u00ad567890"),
    ("left-to-right mark", "01712\u200e345678", "1234\u200e567890"),
    ("en dash", "01712\u2013345678", "1234\u2013567\u2013890"),
    ("em dash", "01712\u2014345678", "1234\u2014567\u2014890"),
    ("minus sign", "01712\u2212345678", "1234\u2212567\u2212890"),
    ("hyphen", "01712\u2010345678", "1234\u2010567\u2010890"),
    ("full-width hyphen", "01712\uff0d345678", "1234\uff0d567\uff0d890"),
    ("slash", "01712/345678", "1234/567/890"),
    ("underscore", "01712_345678", "1234_567_890"),
    ("thin space", "01712\u2009345678", "1234\u2009567\u2009890"),
    ("full-width plus", "\uff0b8801712345678", None),
    (
        "bangla digits, en dash, zero-width space",
        "০১৭১২\u2013৩৪৫\u200b৬৭৮",
        "১২৩৪\u2013৫৬৭\u200b৮৯০",
    ),
] + [
    (f"{script} digits", in_script("01712345678", script), in_script("1234567890", script))
    for script in ASCII_TO
]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [pytest.param(f"call me on {phone} today", "call me on [phone •••78] today", id=name)
     for name, phone, _ in FORMATS],
)  # fmt: skip
def test_phone_numbers_in_every_format_are_masked(typed: str, expected: str) -> None:
    assert mask_sensitive(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [pytest.param(f"my NID is {nid}, thanks", "my NID is [NID •••7890], thanks", id=name)
     for name, _, nid in FORMATS if nid is not None],
)  # fmt: skip
def test_nid_numbers_in_every_format_are_masked(typed: str, expected: str) -> None:
    assert mask_sensitive(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (
            '/faq{"faq_topic": "01712\u2013345678"}',
            '/faq{"faq_topic": "[phone •••78]"}',
        ),
        (
            '/faq{"faq_topic": "' + in_script("01712345678", "arabic-indic") + '"}',
            '/faq{"faq_topic": "[phone •••78]"}',
        ),
        ('/faq{"nid": "1234_567_890"}', '/faq{"nid": "[NID •••7890]"}'),
    ],
)
def test_numbers_inside_intent_payload_entities_are_masked(typed: str, expected: str) -> None:
    assert mask_sensitive(typed) == expected


@pytest.mark.parametrize(
    "text",
    [
        "21/11/2026-22/11/2026",
        "from 21/11/2026 to 22/11/2026",
        "2024\u20132025 session",
        "8\u201312 weeks",
        "file_2024_11_21.jpg",
        "BP 120/80, pulse 72",
        "বয়স " + in_script("45", "arabic-indic") + " বছর",
        "temperature " + in_script("103", "full-width") + " F",
        "\u09b0\u200d\u09cd\u09af\u09be\u09ac",  # র‍্যাব: a zero-width joiner inside a Bangla word
        "soft\u00adhyphen and\u200bzero width",
    ],
)
def test_ordinary_text_is_left_exactly_as_typed(text: str) -> None:
    assert mask_sensitive(text) == text


def test_text_around_a_masked_number_keeps_its_own_characters() -> None:
    typed = "আমার ন\u200cম্বর \u0661\u0662 আর 0171\u200b2345678, ধন্যবাদ"
    assert mask_sensitive(typed) == "আমার ন\u200cম্বর \u0661\u0662 আর [phone •••78], ধন্যবাদ"


def test_masked_text_keeps_no_run_of_the_numbers_digits() -> None:
    for name, phone, nid in FORMATS:
        masked = mask_sensitive(f"phone {phone} NID {nid or ''}")
        digits = "".join(str(unicodedata.decimal(c, "")) for c in masked)
        assert "345" not in digits and "4567" not in digits, name
