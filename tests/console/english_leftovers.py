"""Finding the console's English texts left on a page a member of staff reads in Bangla.

The words to look for come from the string table itself (``STRINGS["en"]``),
so a new English text is looked for as soon as it is in the table. A page's
readable text is its text nodes and the attributes people see or hear
(``aria-label``, ``title``, ``data-*`` texts shown by the script...), without
``<script>``/``<style>`` and without elements marked ``translate="no"``:
patient messages, names, answer keys and other stored data, which stay as
they were written. Identifiers (``faq/vro_what_is``, ``review.corrected``)
are data too and are skipped.
"""

from __future__ import annotations

import re
import string
from html.parser import HTMLParser
from typing import Iterable, List, Optional, Set, Tuple

from bot.console.strings import STRINGS

WORD = re.compile(r"[A-Za-z]{2,}")
IDENTIFIER = re.compile(r"\S*(?:[/_]|\w\.\w)\S*")
SKIPPED_TAGS = {"script", "style"}
VOID_TAGS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
READ_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt", "value"}
DATA_NOT_TEXT = {"data-src", "data-page"}


def words_of(text: str) -> Set[str]:
    """The lower-case words of ``text`` (identifiers and placeholders left out)."""
    literal = "".join(part for part, _, _, _ in string.Formatter().parse(text))
    return {word.lower() for word in WORD.findall(IDENTIFIER.sub(" ", literal))}


def english_words() -> Set[str]:
    """Every word of the English table that no Bangla text uses too (CSV, JSON, Rasa...)."""
    english = set().union(*(words_of(value) for value in STRINGS["en"].values()))
    shared = set().union(*(words_of(value) for value in STRINGS["bn"].values()))
    return english - shared


class ReadableText(HTMLParser):
    """Collects what a reader of the page sees or hears, outside ``translate="no"``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: List[str] = []
        self.open: List[Tuple[str, bool]] = []  # (tag, skipped)

    @property
    def skipping(self) -> bool:
        return bool(self.open) and self.open[-1][1]

    def _attributes(self, tag: str, attrs: List[Tuple[str, Optional[str]]]) -> bool:
        skipped = self.skipping or tag in SKIPPED_TAGS or ("translate", "no") in attrs
        if not skipped:
            for name, value in attrs:
                readable = name in READ_ATTRIBUTES or name.startswith("data-")
                # A field's value is what the form sends, not what a reader meets.
                sent = name == "value" and tag in ("input", "option", "select")
                if value and readable and not sent and name not in DATA_NOT_TEXT:
                    self.parts.append(value)
        return skipped

    def handle_starttag(self, tag: str, attrs: List[Tuple[str, Optional[str]]]) -> None:
        skipped = self._attributes(tag, attrs)
        if tag not in VOID_TAGS:
            self.open.append((tag, skipped))

    def handle_startendtag(self, tag: str, attrs: List[Tuple[str, Optional[str]]]) -> None:
        self._attributes(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                return

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def readable_text(page: str) -> str:
    """The text a reader of ``page`` (HTML) meets, data marked ``translate="no"`` left out."""
    parser = ReadableText()
    parser.feed(page)
    parser.close()
    return "\n".join(parts.strip() for parts in parser.parts if parts.strip())


def english_leftovers(text: str, data: Iterable[str] = ()) -> Set[str]:
    """The table's English words found in ``text``, after removing the known ``data`` strings."""
    for value in data:
        text = text.replace(value, " ")
    return words_of(text.replace("{", "(").replace("}", ")")) & english_words()
