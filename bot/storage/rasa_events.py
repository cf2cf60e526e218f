r"""Read-only access to Rasa's ``events`` table (Rasa 3.6 ``SQLTrackerStore``).

Rasa creates and writes the table; the clinic only reads it (and the retention
command deletes whole old conversations from it). The description below lives
in a :class:`~sqlalchemy.MetaData` of its own, never in ``bot.storage.models.Base``,
so ``create_all`` on our models and Alembic (which only sees ``clinic_*``
tables) never touch it; creating or dropping it through this description
raises.

Rasa stores each event as ``json.dumps(event.as_dict())``: the ``data`` column
is ASCII JSON in which non-ASCII text (Bangla) is ``\uXXXX``-escaped.
:func:`json_like_patterns` builds ``LIKE`` patterns that match such text.
"""

from __future__ import annotations

import functools
import json
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import (
    Any,
    Dict,
    Iterable,
    Iterator,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
)

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

__all__ = [
    "EVENTS_METADATA",
    "LIKE_ESCAPE",
    "Executor",
    "RasaEvent",
    "decode_row",
    "events_table",
    "events_table_exists",
    "in_chunks",
    "json_like_patterns",
    "last_user_message_at",
    "load_events",
    "load_events_between",
    "recent_messages",
    "shown_text",
    "text_matches",
    "to_datetime",
]

# Anything with ``execute()`` for Core statements: a Connection or an ORM Session.
Executor = Union[Connection, Session]

# Type names Rasa writes into ``events.type_name``.
USER = "user"
BOT = "bot"
ACTION = "action"
SLOT = "slot"
PAUSE = "pause"
RESUME = "resume"
SESSION_STARTED = "session_started"

# Escape character for LIKE patterns; unusual in chat text and not special in JSON.
LIKE_ESCAPE = "!"
# Sender ids per ``IN (...)`` clause: well below SQLite's bound-parameter limit.
CHUNK_SIZE = 500


class _RasaOwnedMetaData(sa.MetaData):
    """A MetaData that refuses to create or drop its tables: Rasa owns them."""

    def create_all(self, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the events table belongs to Rasa; it is never created here")

    def drop_all(self, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the events table belongs to Rasa; it is never dropped here")


EVENTS_METADATA = _RasaOwnedMetaData()

# The shape of rasa.core.tracker_store.SQLTrackerStore.SQLEvent (Rasa 3.6).
events_table = sa.Table(
    "events",
    EVENTS_METADATA,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)


def _refuse_ddl(*_args: Any, **_kwargs: Any) -> None:
    raise RuntimeError("the events table belongs to Rasa; it is never created or dropped here")


# ``events_table.create()`` / ``.drop()`` bypass the MetaData methods; these catch them.
sa.event.listen(events_table, "before_create", _refuse_ddl)
sa.event.listen(events_table, "before_drop", _refuse_ddl)


@dataclass(frozen=True)
class RasaEvent:
    """One row of the ``events`` table; its JSON is decoded when ``data`` is first read."""

    id: int
    sender_id: str
    type_name: str
    timestamp: Optional[float]
    intent_name: Optional[str]
    action_name: Optional[str]
    raw_data: Optional[str] = field(default=None, repr=False)

    @functools.cached_property
    def data(self) -> Dict[str, Any]:
        """The event as Rasa serialised it (``{}`` when missing or undecodable)."""
        if not self.raw_data:
            return {}
        try:
            decoded = json.loads(self.raw_data)
        except (TypeError, ValueError):
            return {}
        return decoded if isinstance(decoded, dict) else {}

    @property
    def time(self) -> Optional[datetime]:
        """The event's time, timezone-aware in UTC."""
        return to_datetime(self.timestamp)

    @property
    def metadata(self) -> Dict[str, Any]:
        """The event's ``metadata`` object, or an empty dict."""
        value = self.data.get("metadata")
        return value if isinstance(value, dict) else {}

    @property
    def parse_data(self) -> Dict[str, Any]:
        """A user event's ``parse_data``, or an empty dict."""
        value = self.data.get("parse_data")
        return value if isinstance(value, dict) else {}


def events_table_exists(executor: Executor) -> bool:
    """Whether Rasa has created its ``events`` table yet (a fresh database has none)."""
    connection = executor.connection() if isinstance(executor, Session) else executor
    return sa.inspect(connection).has_table(events_table.name)


def to_datetime(timestamp: Optional[float]) -> Optional[datetime]:
    """Rasa's float seconds since the epoch as an aware UTC datetime."""
    if timestamp is None:
        return None
    return datetime.fromtimestamp(float(timestamp), tz=timezone.utc)


def decode_row(row: Mapping[str, Any]) -> RasaEvent:
    """A row selected from :data:`events_table` as a :class:`RasaEvent`."""
    return RasaEvent(
        id=int(row["id"]),
        sender_id=str(row["sender_id"]),
        type_name=str(row["type_name"]),
        timestamp=None if row.get("timestamp") is None else float(row["timestamp"]),
        intent_name=row.get("intent_name"),
        action_name=row.get("action_name"),
        raw_data=row.get("data"),
    )


def in_chunks(values: Iterable[str], size: int = CHUNK_SIZE) -> Iterator[List[str]]:
    """Split ``values`` into lists of at most ``size``, for ``IN (...)`` clauses."""
    chunk: List[str] = []
    for value in values:
        chunk.append(value)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _events_query(
    types: Optional[Sequence[str]], since: Optional[datetime], until: Optional[datetime]
) -> sa.sql.Select:
    columns = events_table.c
    query = sa.select(events_table).order_by(columns.id)
    if types is not None:
        query = query.where(columns.type_name.in_(list(types)))
    if since is not None:
        query = query.where(columns.timestamp >= since.timestamp())
    if until is not None:
        query = query.where(columns.timestamp < until.timestamp())
    return query


def _group(rows: Iterable[Mapping[str, Any]], into: Dict[str, List[RasaEvent]]) -> None:
    for row in rows:
        event = decode_row(row)
        into.setdefault(event.sender_id, []).append(event)


def load_events(
    executor: Executor,
    sender_ids: Iterable[str],
    *,
    types: Optional[Sequence[str]] = None,
    since: Optional[datetime] = None,
    until: Optional[datetime] = None,
) -> Dict[str, List[RasaEvent]]:
    """The events of some conversations, decoded, in the order Rasa stored them.

    Args:
        executor: A connection or session.
        sender_ids: The conversations (Rasa sender ids).
        types: Only these ``type_name`` values, if given (the rest is skipped in SQL).
        since: Only events at or after this time (aware), if given.
        until: Only events before this time (aware), if given.

    Returns:
        The events of each conversation that has any, by sender id.
    """
    result: Dict[str, List[RasaEvent]] = {}
    for chunk in in_chunks(dict.fromkeys(sender_ids)):
        query = _events_query(types, since, until).where(events_table.c.sender_id.in_(chunk))
        _group(executor.execute(query).mappings(), result)
    return result


def load_events_between(
    executor: Executor,
    since: datetime,
    until: datetime,
    *,
    types: Optional[Sequence[str]] = None,
) -> Dict[str, List[RasaEvent]]:
    """Every conversation's events in ``[since, until)``, decoded, by sender id."""
    result: Dict[str, List[RasaEvent]] = {}
    _group(executor.execute(_events_query(types, since, until)).mappings(), result)
    return result


def last_user_message_at(executor: Executor, sender_id: str) -> Optional[datetime]:
    """When the patient last wrote in a conversation (``None``: never, or no table yet).

    Args:
        executor: A connection or session.
        sender_id: The conversation (Rasa sender id).

    Returns:
        The time of its latest ``user`` event, aware in UTC.
    """
    if not events_table_exists(executor):
        return None
    latest = executor.execute(
        sa.select(sa.func.max(events_table.c.timestamp)).where(
            events_table.c.sender_id == sender_id, events_table.c.type_name == USER
        )
    ).scalar_one_or_none()
    return None if latest is None else datetime.fromtimestamp(latest, tz=timezone.utc)


def recent_messages(
    executor: Executor, sender_id: str, limit: int
) -> List[Tuple[str, Optional[float], Optional[str]]]:
    """The last ``limit`` user and bot events of a conversation, newest first, undecoded.

    Args:
        executor: A connection or session.
        sender_id: The conversation (Rasa sender id).
        limit: At most this many.

    Returns:
        ``(type_name, timestamp, data)`` of each event, ``data`` as Rasa stored it.
    """
    columns = events_table.c
    query = (
        sa.select(columns.type_name, columns.timestamp, columns.data)
        .where(columns.sender_id == sender_id, columns.type_name.in_((USER, BOT)))
        .order_by(columns.id.desc())
        .limit(limit)
    )
    return [tuple(row) for row in executor.execute(query)]


def shown_text(data: Mapping[str, Any]) -> str:
    """The text of a user or bot event as the patient saw it (unmasked).

    A button payload such as ``/faq{"faq_topic": ...}`` is shown as the title
    the widget sent in ``metadata.display_text`` when there is one.
    """
    text = data.get("text")
    text = text if isinstance(text, str) else ""
    if text.startswith("/"):
        metadata = data.get("metadata")
        display = metadata.get("display_text") if isinstance(metadata, dict) else None
        if isinstance(display, str) and display:
            return display
    return text


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def text_matches(text: str, query: str) -> bool:
    """Whether ``query`` occurs in ``text``, ignoring case and Unicode normalisation."""
    return _fold(query) in _fold(text)


def _json_fragment(text: str) -> str:
    # Exactly how json.dumps (ensure_ascii=True, Rasa's call) writes the string, without quotes.
    return json.dumps(text)[1:-1]


def _escape_like(fragment: str) -> str:
    return (
        fragment.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )


# Bangla letters with nukta that NFC keeps decomposed but keyboards often type as one
# code point: ড় ঢ় য়.
_BANGLA_NUKTA_LETTERS = {
    "\u09a1\u09bc": "\u09dc",
    "\u09a2\u09bc": "\u09dd",
    "\u09af\u09bc": "\u09df",
}


def _bangla_precomposed(text: str) -> str:
    for pair, single in _BANGLA_NUKTA_LETTERS.items():
        text = text.replace(pair, single)
    return text


def json_like_patterns(query: str) -> List[str]:
    r"""Lower-case ``LIKE`` patterns that find ``query`` inside Rasa's JSON ``data``.

    Use as ``sa.func.lower(events.c.data).like(pattern, escape=LIKE_ESCAPE)``.
    The stored JSON is pure ASCII, so ``lower()`` behaves the same on SQLite
    and PostgreSQL; ASCII letters match in any case, other characters
    (escaped as ``\uXXXX``) as typed. The query is tried as typed, in its NFC
    and NFD forms and with ড় ঢ় য় as single code points, since Bangla is typed
    all these ways. These patterns only narrow the search: confirm with
    :func:`text_matches` on the decoded text.

    Args:
        query: What the member of staff typed.

    Returns:
        Distinct patterns (empty for a blank query).
    """
    query = query.strip()
    if not query:
        return []
    nfc = unicodedata.normalize("NFC", query)
    forms = (query, nfc, unicodedata.normalize("NFD", query), _bangla_precomposed(nfc))
    return list(dict.fromkeys(f"%{_escape_like(_json_fragment(form)).lower()}%" for form in forms))
