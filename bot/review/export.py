"""Exports: reviewers' corrections as Rasa NLU YAML, conversations as CSV and JSON.

Every patient or staff text is masked with :func:`bot.privacy.mask_sensitive`.
Conversation ids, a patient's phone number on WhatsApp, are replaced by stable
pseudonyms (:mod:`bot.review.pseudonyms`). CSV cells that a spreadsheet would
run as a formula are defused with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from datetime import datetime
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import sqlalchemy as sa

from bot.privacy import mask_sensitive
from bot.review.pseudonyms import configured_pseudonym_key, conversation_pseudonym
from bot.review.transcripts import AssistantMessage, PatientMessage, transcript_items
from bot.storage.models import ReviewAnnotation
from bot.storage.rasa_events import (
    USER,
    Executor,
    events_table,
    events_table_exists,
    in_chunks,
    load_events,
    shown_text,
)

__all__ = [
    "EXPORT_FIELDS",
    "conversations_csv",
    "conversations_json",
    "corrections_nlu_yaml",
    "defuse_formula",
    "export_rows",
]

EXPORT_FIELDS = (
    "conversation_id",
    "time",
    "sender",
    "channel",
    "language",
    "text",
    "intent",
    "confidence",
    "answer_key",
)
# An intent (``request_human``) or a retrieval intent's key (``faq/dfo_recovery``).
_KEY = re.compile(r"[A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+)?")
# Text a spreadsheet may take for a formula (full-width forms included).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Rasa's training-data markup for entities: [text](entity), [text]{...}, [text][...].
_ENTITY_MARKUP = re.compile(r"\]([({\[])")
_SPACES = re.compile(r"\s+")


def defuse_formula(value: str) -> str:
    """Prefix ``'`` to a CSV cell starting with ``= + - @``, tab or CR (formula injection)."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _example_text(text: str) -> str:
    """A masked message as one line of a Rasa ``examples: |`` block."""
    text = unicodedata.normalize("NFC", mask_sensitive(text))
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category in ("Cc", "Cs", "Co", "Zl", "Zp") or char in "\ufeff\ufffe\uffff":
            kept.append(" ")
        else:
            kept.append(char)
    line = _SPACES.sub(" ", "".join(kept)).strip()
    # Rasa would read "[x](y)" as an entity annotation; a space defuses it.
    return _ENTITY_MARKUP.sub(r"] \1", line)


def corrections_nlu_yaml(
    executor: Executor,
    *,
    since: Optional[datetime] = None,
    until: Optional[datetime] = None,
) -> str:
    """Reviewers' corrections as Rasa NLU training data (``version: "3.1"``).

    Each annotated patient message (masked, on one line) becomes an example
    of its ``correct_key``: ``faq/<topic>`` for an FAQ answer, else a plain
    intent. Examples are de-duplicated ignoring case and spacing; a text
    annotated with different keys is kept only under its latest verdict.
    Button taps, messages that are empty after masking, messages Rasa no
    longer has, and keys that are not intent names are left out.

    Args:
        executor: A connection or session.
        since: Only annotations made at or after this time (aware), if given.
        until: Only annotations made before this time (aware), if given.

    Returns:
        YAML ready to paste into a file under ``data/nlu/`` (after a read).
    """
    columns = events_table.c
    has_events = events_table_exists(executor)
    query = (
        sa.select(ReviewAnnotation.correct_key, columns.data)
        .join_from(
            ReviewAnnotation,
            events_table,
            sa.and_(
                columns.id == ReviewAnnotation.event_id,
                columns.sender_id == ReviewAnnotation.conversation_id,
            ),
        )
        .where(columns.type_name == USER)
        .order_by(ReviewAnnotation.created_at, ReviewAnnotation.id)
    )
    if since is not None:
        query = query.where(ReviewAnnotation.created_at >= since)
    if until is not None:
        query = query.where(ReviewAnnotation.created_at < until)

    # Later verdicts overwrite earlier ones for the same text.
    latest: Dict[str, Tuple[str, str]] = {}
    for key, raw in executor.execute(query) if has_events else ():
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            continue
        try:
            data = json.loads(raw) if raw else {}
        except ValueError:
            continue
        original = data.get("text") if isinstance(data, dict) else None
        if not isinstance(original, str) or original.startswith("/"):
            continue
        text = _example_text(shown_text(data))
        if text:
            folded = text.casefold()
            latest.pop(folded, None)  # re-insert: keeps the order of latest verdicts
            latest[folded] = (key, text)

    by_key: Dict[str, List[str]] = {}
    for key, text in latest.values():
        by_key.setdefault(key, []).append(text)
    lines = [
        "# Corrections from the staff console's conversation review.",
        "# Read them through before adding them to data/nlu/.",
        'version: "3.1"',
    ]
    if not by_key:
        lines.append("nlu: []")
    else:
        lines.append("nlu:")
        for key in sorted(by_key):
            lines.append(f"- intent: {key}")
            lines.append("  examples: |")
            lines.extend(f"    - {text}" for text in by_key[key])
    return "\n".join(lines) + "\n"


def _iso(value: Optional[datetime]) -> Optional[str]:
    return value.isoformat(timespec="milliseconds") if value is not None else None


def export_rows(
    executor: Executor,
    conversation_ids: Iterable[str],
    *,
    pseudonym_key: Optional[bytes] = None,
) -> List[Dict[str, Any]]:
    """One row per message of each conversation, masked, in conversation order.

    Patient rows carry the channel, language, intent, confidence and answer
    key; assistant and staff rows carry the channel and language of the
    patient message before them. ``conversation_id`` holds the conversation's
    pseudonym, never its id.

    Args:
        executor: A connection or session.
        conversation_ids: Conversations to export, e.g. from
            :func:`bot.review.conversations.matching_conversation_ids`.
        pseudonym_key: From :func:`bot.review.pseudonyms.pseudonym_key`;
            by default this installation's key.

    Returns:
        Dicts with the keys of :data:`EXPORT_FIELDS`.
    """
    ids = list(dict.fromkeys(conversation_ids))
    rows: List[Dict[str, Any]] = []
    if not ids or not events_table_exists(executor):
        return rows
    key = configured_pseudonym_key() if pseudonym_key is None else pseudonym_key
    for chunk in in_chunks(ids):
        events = load_events(executor, chunk)
        for conversation_id in chunk:
            pseudonym = conversation_pseudonym(conversation_id, key)
            channel: Optional[str] = None
            language: Optional[str] = None
            for item in transcript_items(events.get(conversation_id, [])):
                if isinstance(item, PatientMessage):
                    channel, language = item.input_channel, item.language
                    rows.append(
                        {
                            "conversation_id": pseudonym,
                            "time": _iso(item.time),
                            "sender": "patient",
                            "channel": channel,
                            "language": language,
                            "text": item.text,
                            "intent": item.intent,
                            "confidence": None
                            if item.confidence is None
                            else round(item.confidence, 4),
                            "answer_key": item.answer_key,
                        }
                    )
                elif isinstance(item, AssistantMessage):
                    rows.append(
                        {
                            "conversation_id": pseudonym,
                            "time": _iso(item.time),
                            "sender": item.sender,
                            "channel": channel,
                            "language": language,
                            "text": item.text,
                            "intent": None,
                            "confidence": None,
                            "answer_key": None,
                        }
                    )
    return rows


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return defuse_formula(str(value))


def conversations_csv(
    executor: Executor,
    conversation_ids: Sequence[str],
    *,
    excel_bom: bool = True,
    pseudonym_key: Optional[bytes] = None,
) -> str:
    """The conversations as CSV (header row, then :func:`export_rows`), formulas defused.

    Args:
        executor: A connection or session.
        conversation_ids: Conversations to export.
        excel_bom: Start with a UTF-8 byte order mark, so that Excel shows
            Bangla correctly.
        pseudonym_key: See :func:`export_rows`.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_FIELDS)
    for row in export_rows(executor, conversation_ids, pseudonym_key=pseudonym_key):
        writer.writerow([_cell(row[field]) for field in EXPORT_FIELDS])
    return ("\ufeff" if excel_bom else "") + buffer.getvalue()


def conversations_json(
    executor: Executor,
    conversation_ids: Sequence[str],
    *,
    pseudonym_key: Optional[bytes] = None,
) -> str:
    """The conversations as a JSON array of :func:`export_rows` (UTF-8 text, not escaped).

    Args:
        executor: A connection or session.
        conversation_ids: Conversations to export.
        pseudonym_key: See :func:`export_rows`.
    """
    rows = export_rows(executor, conversation_ids, pseudonym_key=pseudonym_key)
    return json.dumps(rows, ensure_ascii=False, indent=1)
