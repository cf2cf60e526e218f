r"""Text from a client made storable and readable before the assistant sees it.

JSON lets a client send ``"\ud800"``: half of a UTF-16 surrogate pair, a code
point Python keeps in a ``str`` but that no UTF-8 encoder accepts. spaCy, the
database drivers and the reply path all fail on it, so a red flag in such a
message would get no answer at all. Every input channel passes the text it
receives through :func:`replace_unencodable` first.
"""

from __future__ import annotations

from typing import Any

REPLACEMENT_CHARACTER = "\ufffd"
_FIRST_SURROGATE = 0xD800
_LAST_SURROGATE = 0xDFFF


def _has_surrogates(text: str) -> bool:
    return any(_FIRST_SURROGATE <= ord(char) <= _LAST_SURROGATE for char in text)


def replace_unencodable(text: str) -> str:
    """``text`` with every code point UTF-8 cannot encode replaced by U+FFFD.

    Surrogates are the only such code points in a Python ``str``. A correctly
    paired high and low surrogate becomes the character they stand for (some
    clients send emoji that way); an unpaired one becomes U+FFFD, so the rest
    of the message is still read.
    """
    if not _has_surrogates(text):
        return text
    utf16 = text.encode("utf-16-le", "surrogatepass")
    return utf16.decode("utf-16-le", "replace")


def replace_unencodable_in(value: Any) -> Any:
    """:func:`replace_unencodable` applied to a string, or to every string in lists and dicts.

    Keys are cleaned too; anything that is not text is returned unchanged.
    """
    if isinstance(value, str):
        return replace_unencodable(value)
    if isinstance(value, list):
        return [replace_unencodable_in(item) for item in value]
    if isinstance(value, dict):
        return {
            replace_unencodable_in(key): replace_unencodable_in(item) for key, item in value.items()
        }
    return value
