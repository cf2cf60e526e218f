"""Engines and sessions for the clinic's tables, built on request, never at import."""

from __future__ import annotations

import functools
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.storage.database import ensure_private_sqlite_file


def _enable_sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    # SQLite ignores foreign keys unless each connection asks for them.
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def engine_for(url: str) -> Engine:
    """Create an engine for the database at ``url``.

    Connections are checked before use (``pool_pre_ping``) so that a restarted
    database does not fail the first request. On SQLite the file's folder is
    created and foreign keys are enforced.

    Args:
        url: An SQLAlchemy database URL, e.g. ``Settings.database_url``.

    Returns:
        A 2.0-style engine; call ``dispose()`` when done with it.
    """
    ensure_private_sqlite_file(url)
    engine = sa.create_engine(url, future=True, pool_pre_ping=True)
    if make_url(url).get_backend_name() == "sqlite":
        sa.event.listen(engine, "connect", _enable_sqlite_foreign_keys)
    return engine


def session_factory(engine: Engine) -> sessionmaker:
    """A session factory for ``engine``.

    Use it as ``with factory.begin() as session: ...`` so that the transaction
    commits or rolls back in one place.

    Args:
        engine: From :func:`engine_for`.

    Returns:
        A ``sessionmaker`` producing 2.0-style sessions.
    """
    return sessionmaker(bind=engine, future=True, class_=Session)


@functools.lru_cache(maxsize=4)
def shared_session_factory(url: str) -> sessionmaker:
    """One engine and session factory per database URL for this process.

    Built on first use (never at import), so the action server and scripts
    that never touch the clinic's tables open no connection.

    Args:
        url: An SQLAlchemy database URL, e.g. ``Settings.database_url``.

    Returns:
        A ``sessionmaker`` bound to a process-wide engine.
    """
    return session_factory(engine_for(url))
