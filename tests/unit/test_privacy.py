"""Masking of phone and NID numbers in the chat text patients really send."""

from __future__ import annotations

import random
import re
import time

import pytest

from bot.digits import to_ascii_digits
from bot.privacy import (
    mask_phone_for_display,
    mask_sensitive,
    normalise_bd_mobile,
)

BANGLA = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")


def bangla(text: str) -> str:
    """The text with its ASCII digits written as Bangla digits."""
    return text.translate(BANGLA)


def digits_of(text: str) -> str:
    """Every digit of the text, in ASCII, in order."""
    return re.sub(r"[^0-9]", "", to_ascii_digits(text))


# --- to_ascii_digits -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("০১২৩৪৫৬৭৮৯", "0123456789"),
        ("জ্বর ১০৩ ডিগ্রি", "জ্বর 103 ডিগ্রি"),
        ("already 123", "already 123"),
        ("mixed ১2৩", "mixed 123"),
        ("", ""),
        ("no digits at all", "no digits at all"),
        ("১৭ই মার্চ", "17ই মার্চ"),
        ("٣ ३", "٣ ३"),  # Arabic-Indic and Devanagari digits are not Bangla
    ],
)
def test_to_ascii_digits(text: str, expected: str) -> None:
    assert to_ascii_digits(text) == expected


# --- normalise_bd_mobile ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("01712345678", "+8801712345678"),
        ("+8801712345678", "+8801712345678"),
        ("8801712345678", "+8801712345678"),
        ("008801712345678", "+8801712345678"),
        ("0088 01712345678", "+8801712345678"),
        ("০১৭১২-৩৪৫৬৭৮", "+8801712345678"),
        ("+৮৮০১৭১২৩৪৫৬৭৮", "+8801712345678"),
        ("+88 017 1234 5678", "+8801712345678"),
        ("+880 1712-345678", "+8801712345678"),
        ("(017) 12345678", "+8801712345678"),
        ("017.1234.5678", "+8801712345678"),
        ("  01712345678\n", "+8801712345678"),
        ("01312345678", "+8801312345678"),
        ("01412345678", "+8801412345678"),
        ("01512345678", "+8801512345678"),
        ("01612345678", "+8801612345678"),
        ("01812345678", "+8801812345678"),
        ("01912345678", "+8801912345678"),
        ("০১৯ ১২৩৪ ৫৬৭৮", "+8801912345678"),
    ],
)
def test_normalise_accepts_how_people_type_mobiles(raw: str, expected: str) -> None:
    assert normalise_bd_mobile(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "0171234567",  # 10 digits
        "017123456789",  # 12 digits
        "1712345678",  # the leading 0 is missing
        "01212345678",  # 012 is not a mobile operator
        "01112345678",
        "01012345678",
        "029876543",  # Dhaka landline
        "02-55012345",
        "+88 02 9876543",
        "017a2345678",
        "call 01712345678",
        "0171234567８",  # full-width digit
        "+0171234567",
        "+1 415 555 2671",
        "881712345678",  # +881 is not Bangladesh
        "01712+345678",
        "++8801712345678",
        "01712345678 01812345678",
        "abcdefghijk",
    ],
)
def test_normalise_rejects_what_is_not_a_bd_mobile(raw: str) -> None:
    assert normalise_bd_mobile(raw) is None


# --- mask_phone_for_display ------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("+8801712345678", "+880 17•• •••678"),
        ("+8801998765432", "+880 19•• •••432"),
        ("01812345678", "+880 18•• •••678"),
        ("০১৭১২-৩৪৫৬৭৮", "+880 17•• •••678"),
    ],
)
def test_display_mask_keeps_operator_and_last_three(number: str, expected: str) -> None:
    assert mask_phone_for_display(number) == expected


@pytest.mark.parametrize(
    ("number", "expected"),
    [("+14155552671", "[phone •••71]"), ("12345", "[phone •••]"), ("", "[phone •••]")],
)
def test_display_mask_of_other_numbers_reveals_at_most_two_digits(
    number: str, expected: str
) -> None:
    assert mask_phone_for_display(number) == expected


# --- mask_sensitive: phones ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call me on 01712-345678 please", "call me on [phone •••78] please"),
        ("amar number 01812345678, call diben", "amar number [phone •••78], call diben"),
        ("my number is +8801712345678", "my number is [phone •••78]"),
        ("8801912345644 e call koren", "[phone •••44] e call koren"),
        ("whatsapp: +88 017 1234 5678.", "whatsapp: [phone •••78]."),
        ("(017) 12345678 e phone din", "[phone •••78] e phone din"),
        ("0088 01612-345690", "[phone •••90]"),
        ("+880 1512 345 601", "[phone •••01]"),
        ("mob:01312345678", "mob:[phone •••78]"),
        ("tel.017.1234.5678", "tel.[phone •••78]"),
        ("amar01712345678", "amar[phone •••78]"),
        ("আমার নম্বর ০১৭১২৩৪৫৬৭৮", "আমার নম্বর [phone •••78]"),
        ("আমার মোবাইল নাম্বার ০১৭১২-৩৪৫৬৭৮, কল দিবেন", "আমার মোবাইল নাম্বার [phone •••78], কল দিবেন"),
        ("ফোন: +৮৮০১৮১২৩৪৫৬৭৮", "ফোন: [phone •••78]"),
        ("বিকাশ ০১৯ ১২৩৪ ৫৬৭৮ এ পাঠাবো", "বিকাশ [phone •••78] এ পাঠাবো"),
        ("I am 45, 01712345678", "I am 45, [phone •••78]"),
        ("I am 45 01712345678", "I am 45 [phone •••78]"),
        ("room 12 01712345678 te call", "room 12 [phone •••78] te call"),
        ("ID no 01712345678", "ID no [phone •••78]"),  # a mobile is a phone, not an NID
        ("NID 01812345678 na, eta amar phone", "NID [phone •••78] na, eta amar phone"),
        ("phone: 12 34 56 78 90", "phone: [phone •••90]"),
        ("UK number +44 20 7946 0958", "UK number [phone •••58]"),
        ("call +1 415 555 2671 please", "call [phone •••71] please"),
        ("chittagong office 0312345678", "chittagong office [phone •••78]"),
        ("contact 017123456789", "contact [phone •••89]"),  # 12 digits, one too many
    ],
)
def test_phone_numbers_are_masked(text: str, expected: str) -> None:
    assert mask_sensitive(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "01712345678 and 01812345611 and 8801912345622",
            "[phone •••78] and [phone •••11] and [phone •••22]",
        ),
        (
            "amar 01712345678, amar bhai er 01812-345699",
            "amar [phone •••78], amar bhai er [phone •••99]",
        ),
        (
            "আমার ০১৭১২৩৪৫৬৭৮ আর আব্বুর +৮৮০১৯১২৩৪৫৬৫৫",
            "আমার [phone •••78] আর আব্বুর [phone •••55]",
        ),
        (
            "NID 1234567890, phone 01712345678",
            "NID [NID •••7890], phone [phone •••78]",
        ),
        (
            "phone 01712345678, NID 1234567890123",
            "phone [phone •••78], NID [NID •••0123]",
        ),
        (
            "my son is 7, call 01712345678 or 01812345611 after 5pm",
            "my son is 7, call [phone •••78] or [phone •••11] after 5pm",
        ),
        ("01712345678,01812345611", "[phone •••78],[phone •••11]"),
        ("01712345678\n01812345611", "[phone •••78]\n[phone •••11]"),
    ],
)
def test_several_numbers_in_one_message(text: str, expected: str) -> None:
    assert mask_sensitive(text) == expected


# --- mask_sensitive: national ID numbers -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NID 1234567890", "NID [NID •••7890]"),
        ("my NID no is 19901234567890123", "my NID no is [NID •••0123]"),
        ("national id: 1234567890123", "national id: [NID •••0123]"),
        ("ID no. 2345678901", "ID no. [NID •••8901]"),
        ("NID card number 1234-5678-90", "NID card number [NID •••7890]"),
        ("my ID number is 1990 1234 5678 90123", "my ID number is [NID •••0123]"),
        ("amar nid 1234567890, check koren", "amar nid [NID •••7890], check koren"),
        ("jatiyo porichoy potro 6543210987", "jatiyo porichoy potro [NID •••0987]"),
        ("জাতীয় পরিচয়পত্র নং ১২৩৪৫৬৭৮৯০১২৩", "জাতীয় পরিচয়পত্র নং [NID •••0123]"),
        ("এনআইডি নাম্বার: ১২৩৪৫৬৭৮৯০", "এনআইডি নাম্বার: [NID •••7890]"),
        ("আমার আইডি ১৯৯০ ১২৩৪ ৫৬৭৮ ৯০১২৩", "আমার আইডি [NID •••0123]"),
        # "য়" written as য + nukta, as NFC leaves it
        (
            "জাতী\u09af\u09bc পরিচ\u09af\u09bcপত্র 1234567890",
            "জাতী\u09af\u09bc পরিচ\u09af\u09bcপত্র [NID •••7890]",
        ),
        # without a keyword, 10, 13 and 17 digits are read as IDs
        ("1234567890", "[NID •••7890]"),
        ("eta 1234567890123", "eta [NID •••0123]"),
        ("19901234567890123", "[NID •••0123]"),
        ("৬৫৪৩২১০৯৮৭ ta amar", "[NID •••0987] ta amar"),
        ("NID: 1234567890 birth year 1990", "NID: [NID •••7890] birth year 1990"),
    ],
)
def test_national_id_numbers_are_masked(text: str, expected: str) -> None:
    assert mask_sensitive(text) == expected


def test_a_run_longer_than_any_phone_or_id_is_masked_too() -> None:
    assert mask_sensitive("card 1234567812345678") == "card [number •••5678]"


# --- mask_sensitive: what must stay --------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "my son is 7",
        "my son is 7 years old and weighs 22 kg",
        "amar chele 7 bochor",
        "আমার ছেলের বয়স ৭ বছর",
        "8-12 weeks",
        "it usually takes 8-12 weeks to heal",
        "12 days ago",
        "১২ দিন আগে থেকে জ্বর",
        "fever 103",
        "temperature 103.5 F since 3 days",
        "জ্বর ১০৩ ডিগ্রি",
        "jor 102, matha betha",
        "in 2024 I had surgery",
        "from 2024 to 2025",
        "2024-2025 session",
        "21/11/2026",
        "appointment on 21/11/2026 at 10:30",
        "২১/১১/২০২৬ তারিখে আসবো",
        "21-11-2026",
        "21.11.2026",
        "2026-11-21",
        "on 21-11-2026 10 30",
        "21/11/2026 10:30 am",
        "BP 120/80, pulse 72",
        "sugar 7.8 mmol",
        "took 500 mg 3 times a day",
        "paracetamol 500mg 1+0+1",
        "fee 1500 taka",
        "1,50,000 taka lagbe?",
        "5000-10000 taka",
        "room 302, floor 3",
        "serial 45",
        "call 999",
        "call 16263",  # the national health hotline is short
        "dose 2.5 ml, 3 bar",
        "12345",
        "123456789",
        "১২৩৪৫৬৭৮৯",
        "2 3 4 5 6 7 8 9 10 11",
        "",
        "no numbers here at all",
    ],
)
def test_ordinary_numbers_are_not_masked(text: str) -> None:
    assert mask_sensitive(text) == text


# --- nothing leaks beyond the kept tail ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret", "keep"),
    [
        ("call me on 01712-345678 please", "01712345678", 2),
        ("amar number 01812345678, call diben", "01812345678", 2),
        ("+88 017 1234 5678", "8801712345678", 2),
        ("০১৭১২-৩৪৫৬৭৮", "01712345678", 2),
        ("ফোন: +৮৮০১৮১২৩৪৫৬৭৮", "8801812345678", 2),
        ("(017) 12345678 e phone din", "01712345678", 2),
        ("UK number +44 20 7946 0958", "442079460958", 2),
        ("NID 1234567890", "1234567890", 4),
        ("my NID no is 19901234567890123", "19901234567890123", 4),
        ("জাতীয় পরিচয়পত্র নং ১২৩৪৫৬৭৮৯০১২৩", "1234567890123", 4),
        ("my ID number is 1990 1234 5678 90123", "19901234567890123", 4),
    ],
)
def test_masked_output_keeps_only_the_tail(text: str, secret: str, keep: int) -> None:
    masked = mask_sensitive(text)
    assert digits_of(text) == secret  # the message has no other digits
    assert digits_of(masked) == secret[-keep:]


def _typed_like_a_person(number: str, rng: random.Random) -> str:
    """Write an 11-digit mobile number the way patients type it."""
    prefix = rng.choice(["", "+88", "88", "0088", "+88 ", "+88-"])
    if rng.random() < 0.3:
        local = f"{number[:5]}-{number[5:]}"
    elif rng.random() < 0.3:
        local = f"{number[:3]} {number[3:7]} {number[7:]}"
    elif rng.random() < 0.2:
        local = f"({number[:3]}) {number[3:]}"
    else:
        local = number
    typed = prefix + local
    return bangla(typed) if rng.random() < 0.4 else typed


@pytest.mark.parametrize("seed", range(20))
def test_any_typed_mobile_is_masked_to_its_last_two_digits(seed: int) -> None:
    rng = random.Random(seed)
    number = "01" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(8))
    typed = _typed_like_a_person(number, rng)
    template = rng.choice(
        ["amar number {}, call diben", "আমার নম্বর {} এ কল দিন", "{}", "call me on {} please"]
    )
    masked = mask_sensitive(template.format(typed))
    assert normalise_bd_mobile(typed) == "+880" + number[1:]
    assert masked == template.format(f"[phone •••{number[-2:]}]")
    assert digits_of(masked) == number[-2:]


@pytest.mark.parametrize(
    "text",
    [
        "call me on 01712-345678 please",
        "NID 1234567890, phone 01712345678",
        "my son is 7, 8-12 weeks",
        "card 1234567812345678",
    ],
)
def test_masking_twice_changes_nothing_more(text: str) -> None:
    once = mask_sensitive(text)
    assert mask_sensitive(once) == once


# --- long input ------------------------------------------------------------------------


def _long_message() -> str:
    parts = [
        "amar chele 7 bochor, 12 days ago theke jor 103. ",
        "আমার নম্বর ০১৭১২-৩৪৫৬৭৮, NID 1234567890. ",
        "appointment 21/11/2026 10:30, 8-12 weeks. ",
        "call +88 017 1234 5678 or 2024 2025 2026. ",
    ]
    text = "".join(parts) * 200
    return text[:20_000]


@pytest.mark.parametrize(
    "text",
    [
        _long_message(),
        "1" * 20_000,
        "১" * 20_000,
        "0 1 " * 5_000,
        "01-" * 6_667,
        "1 " * 10_000,
        "phone 1 " * 2_500,
        "+(" * 10_000,
        "০১৭১২ " * 3_334,
        "NID " * 5_000,
        "017123456789" * 1_667,
    ],
    ids=[
        "mixed-chat",
        "digits",
        "bangla-digits",
        "zero-one-spaced",
        "dashes",
        "spaced-digits",
        "phone-words",
        "plus-parens",
        "bangla-prefixes",
        "keywords",
        "glued-numbers",
    ],
)
def test_twenty_thousand_characters_are_masked_quickly(text: str) -> None:
    assert len(text) >= 19_990
    started = time.perf_counter()
    masked = mask_sensitive(text)
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0  # a sanity bound, not a benchmark
    assert isinstance(masked, str)


def test_long_message_is_masked_correctly() -> None:
    masked = mask_sensitive(_long_message())
    assert "345678" not in to_ascii_digits(masked)
    assert "1234567890" not in masked
    assert "[phone •••78]" in masked
    assert "[NID •••7890]" in masked
    assert "21/11/2026 10:30" in masked
    assert "8-12 weeks" in masked
