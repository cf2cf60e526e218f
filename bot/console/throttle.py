"""Sign-in throttling: atomic attempt counters per username and per network address.

Before a password is checked, the attempt takes a slot in two counters (its
address's, then its username's) with one conditional upsert each::

    INSERT ... ON CONFLICT (scope, key) DO UPDATE SET attempts = attempts + 1
    WHERE attempts < limit OR the window has ended

The database applies it row by row (PostgreSQL locks the row, SQLite the
file), so however many attempts arrive at once, at most ``limit`` of them get a
password check per window. A successful sign-in gives its slots back (its
username starts again from zero). A counter full of failures locks that
username or address until its window ends or an admin unlocks it. The
retention command deletes old counters (``delete_counters_before``).
Every function takes the caller's ``session`` and never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, List, Optional

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.storage.models import SignInThrottle, UTCDateTime

USERNAME = "username"
ADDRESS = "address"
SCOPES = (USERNAME, ADDRESS)
KEY_CHARS = 64


@dataclass(frozen=True)
class ThrottleLimits:
    """How many attempts a username or an address gets per window."""

    per_username: int = 10
    per_address: int = 30
    window: timedelta = timedelta(minutes=15)

    def limit(self, scope: str) -> int:
        """The limit of one scope."""
        return self.per_username if scope == USERNAME else self.per_address


@dataclass(frozen=True)
class LockedKey:
    """A username or address that may not sign in until ``until``."""

    scope: str
    key: str
    attempts: int
    locked_at: Optional[datetime]
    until: datetime


def _insert_for(session: Session) -> Callable[..., sa.sql.Insert]:
    """The dialect's INSERT with ON CONFLICT (SQLite and PostgreSQL both have it)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert
    if dialect == "sqlite":
        return sqlite.insert
    raise RuntimeError(f"sign-in throttling needs SQLite or PostgreSQL, not {dialect}")


def _when(value: Optional[datetime]) -> sa.sql.ColumnElement:
    return sa.literal(value, UTCDateTime())


def reserve_attempt(
    *, session: Session, scope: str, key: str, limit: int, window: timedelta, now: datetime
) -> Optional[int]:
    """Count one more attempt for ``key``, atomically.

    Returns:
        The attempt's number in the current window (1 = first), or ``None``
        when the limit is reached and the attempt must not go ahead.
    """
    table = SignInThrottle.__table__
    key = key[:KEY_CHARS]
    ended = table.c.window_started_at < _when(now - window)
    upsert = (
        _insert_for(session)(table)
        .values(scope=scope, key=key, attempts=1, window_started_at=now, locked_at=None)
        .on_conflict_do_update(
            index_elements=[table.c.scope, table.c.key],
            set_={
                "attempts": sa.case((ended, 1), else_=table.c.attempts + 1),
                "window_started_at": sa.case((ended, _when(now)), else_=table.c.window_started_at),
                "locked_at": sa.case((ended, _when(None)), else_=table.c.locked_at),
            },
            where=sa.or_(table.c.attempts < limit, ended),
        )
    )
    if session.execute(upsert).rowcount != 1:
        return None
    # Still inside the transaction that holds the row: this is our own count.
    return session.execute(
        sa.select(table.c.attempts).where(table.c.scope == scope, table.c.key == key)
    ).scalar_one()


def give_back(*, session: Session, scope: str, key: str) -> None:
    """Undo the reservation of an attempt that succeeded; a username starts again from zero."""
    table = SignInThrottle.__table__
    where = (table.c.scope == scope, table.c.key == key[:KEY_CHARS])
    if scope == USERNAME:
        values = {"attempts": 0, "locked_at": None}
    else:
        values = {"attempts": sa.case((table.c.attempts > 0, table.c.attempts - 1), else_=0)}
    session.execute(sa.update(table).where(*where).values(**values))


def mark_locked(*, session: Session, scope: str, key: str, limit: int, now: datetime) -> bool:
    """Record that a full counter now locks ``key``; ``True`` only the first time."""
    table = SignInThrottle.__table__
    result = session.execute(
        sa.update(table)
        .where(
            table.c.scope == scope,
            table.c.key == key[:KEY_CHARS],
            table.c.attempts >= limit,
            table.c.locked_at.is_(None),
        )
        .values(locked_at=_when(now))
    )
    return result.rowcount == 1


def locked_keys(*, session: Session, limits: ThrottleLimits, now: datetime) -> List[LockedKey]:
    """Usernames and addresses locked right now, the most recent first."""
    rows = session.execute(
        sa.select(SignInThrottle)
        .where(SignInThrottle.window_started_at >= now - limits.window)
        .order_by(SignInThrottle.window_started_at.desc())
    ).scalars()
    return [
        LockedKey(
            scope=row.scope,
            key=row.key,
            attempts=row.attempts,
            locked_at=row.locked_at,
            until=row.window_started_at + limits.window,
        )
        for row in rows
        if row.attempts >= limits.limit(row.scope)
    ]


def unlock(*, session: Session, scope: str, key: str) -> bool:
    """Forget a username's or address's attempts (an admin's unlock); ``True`` if it had any."""
    result = session.execute(
        sa.delete(SignInThrottle).where(
            SignInThrottle.scope == scope, SignInThrottle.key == key[:KEY_CHARS]
        )
    )
    return result.rowcount > 0


def delete_counters_before(*, session: Session, cutoff: datetime) -> int:
    """Delete counters whose window started before ``cutoff`` (retention); returns how many."""
    result = session.execute(
        sa.delete(SignInThrottle).where(SignInThrottle.window_started_at < cutoff)
    )
    return result.rowcount or 0
