"""Database URL helpers shared by Rasa's tracker store and our own code."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

logger = logging.getLogger(__name__)


# What a database outage looks like through SQLAlchemy: refused or cut
# connections, a full pool. Errors in our own statements are not among them.
DATABASE_OUTAGE_ERRORS = (OperationalError, InterfaceError, DisconnectionError, PoolTimeoutError)


class DatabaseUnavailableError(RuntimeError):
    """The configured database could not be reached in time."""


# The database holds patients' conversations: readable by its owner only.
SQLITE_FILE_MODE = 0o600


def sqlite_file(url: str) -> Optional[Path]:
    """The file of a file-based SQLite database URL; ``None`` for anything else."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return Path(parsed.database)
    return None


def ensure_sqlite_folder(url: str) -> None:
    """Create the folder of a file-based SQLite database if it is missing."""
    path = sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)


def ensure_private_sqlite_file(url: str) -> None:
    """Create a file-based SQLite database's folder and file, readable by its owner only.

    SQLite would create the file with the umask's mode (usually 0644), so the
    file is created here first with mode 0600; an existing file is narrowed to
    0600. SQLite gives its journal files the database file's mode.
    """
    path = sqlite_file(url)
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_CREAT | os.O_RDWR, SQLITE_FILE_MODE)
    try:
        os.fchmod(descriptor, SQLITE_FILE_MODE)
    finally:
        os.close(descriptor)


def wait_for_database(url: str, attempts: int = 5, delay_seconds: float = 2.0) -> None:
    """Check that the database answers, retrying a bounded number of times.

    Rasa's own ``SQLTrackerStore`` retries forever when the database is down,
    which hangs start-up silently; this fails with a clear message instead.

    Args:
        url: An SQLAlchemy database URL.
        attempts: How many times to try before giving up.
        delay_seconds: Pause between attempts.

    Raises:
        DatabaseUnavailableError: The database did not answer after ``attempts`` tries.
    """
    ensure_private_sqlite_file(url)
    engine = sa.create_engine(url, future=True)
    try:
        for attempt in range(1, attempts + 1):
            try:
                with engine.connect() as connection:
                    connection.execute(sa.text("SELECT 1"))
                return
            except OperationalError:
                logger.warning(
                    "database.unreachable",
                    extra={"attempt": attempt, "backend": make_url(url).get_backend_name()},
                )
                if attempt < attempts:
                    time.sleep(delay_seconds)
    finally:
        engine.dispose()
    safe_url = make_url(url).render_as_string(hide_password=True)
    raise DatabaseUnavailableError(
        f"cannot reach the database at {safe_url} after {attempts} attempts; "
        "check DATABASE_URL and that the server is running"
    )
