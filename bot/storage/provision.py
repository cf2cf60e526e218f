"""Create PostgreSQL databases by name: for `make cluster`, `make bench` and the tests.

Plain functions over SQLAlchemy; they connect to the server's ``postgres``
database to create or drop the one named in a URL. Database names cannot be
bound parameters, so each name is checked against a strict pattern first.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

_NAME = re.compile(r"[a-z_][a-z0-9_]*")


def checked_name(name: str) -> str:
    """``name`` if it is a plain lower-case identifier; ValueError otherwise."""
    if not _NAME.fullmatch(name or ""):
        raise ValueError(f"unexpected database name {name!r}")
    return name


def _server(url: URL) -> sa.engine.Engine:
    return sa.create_engine(url.set(database="postgres"), future=True, isolation_level="AUTOCOMMIT")


def ensure_database(url: str) -> str:
    """Create the database named in ``url`` if it is missing; returns ``url``."""
    parsed = make_url(url)
    name = checked_name(parsed.database or "")
    engine = _server(parsed)
    try:
        with engine.connect() as connection:
            exists = connection.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).scalar()
            if not exists:
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return url


def recreate_database(url: str, name: str) -> str:
    """Drop and create the database ``name`` on ``url``'s server; its URL, empty."""
    parsed = make_url(url)
    checked_name(name)
    engine = _server(parsed)
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)
