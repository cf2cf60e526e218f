"""``/health`` of each process: are PostgreSQL and Redis reachable, what waits in the journal.

Each call probes the stores (a ``SELECT 1`` and a Redis ``PING``, a couple of
seconds at most), so the report is true even when no patient has written
since the outage began; the probes feed :mod:`bot.storage.health`, which
logs the start and the end of an outage once. The report names only states,
times and error classes: never a URL, a password or patient text.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Dict, Optional, Tuple

import redis
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from bot.storage import health
from bot.storage.journal import Journal, JournalError

logger = logging.getLogger(__name__)

PROBE_TIMEOUT_SECONDS = 2


def probe_database(url: str, timeout_seconds: int = PROBE_TIMEOUT_SECONDS) -> bool:
    """Whether the database answers ``SELECT 1``; records the result in :mod:`health`."""
    connect_args = (
        {"connect_timeout": timeout_seconds}
        if make_url(url).get_backend_name() == "postgresql"
        else {}
    )
    engine = sa.create_engine(url, future=True, poolclass=NullPool, connect_args=connect_args)
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except SQLAlchemyError as error:
        health.mark_unavailable(health.POSTGRESQL, error)
        return False
    finally:
        engine.dispose()
    health.mark_available(health.POSTGRESQL)
    return True


def probe_redis(url: str, timeout_seconds: int = PROBE_TIMEOUT_SECONDS) -> bool:
    """Whether Redis answers ``PING``; records the result in :mod:`health`."""
    client = redis.Redis.from_url(
        url, socket_connect_timeout=timeout_seconds, socket_timeout=timeout_seconds
    )
    try:
        client.ping()
    except redis.RedisError as error:
        health.mark_unavailable(health.REDIS, error)
        return False
    finally:
        client.close()
    health.mark_available(health.REDIS)
    return True


def journal_waiting(journal: Optional[Journal]) -> Optional[int]:
    """How many events and queued handoffs wait in the journal (``None`` if unreadable)."""
    if journal is None:
        return None
    try:
        return journal.pending_count()
    except (JournalError, sqlite3.Error):
        logger.exception("health.journal_unreadable")
        return None


def storage_report(
    database_url: str, redis_url: Optional[str], journal: Optional[Journal] = None
) -> Dict[str, Any]:
    """Probe the stores and describe them (blocking; run it off the event loop).

    Returns:
        ``{"status": "ok"|"degraded", "postgresql": {...}, "redis": {...},
        "journal": {"waiting": n}}``; Redis is ``{"status": "not_configured"}``
        without ``REDIS_URL``.
    """
    probe_database(database_url)
    if redis_url:
        probe_redis(redis_url)
    report: Dict[str, Any] = {"postgresql": health.state(health.POSTGRESQL).as_dict()}
    report["redis"] = (
        health.state(health.REDIS).as_dict() if redis_url else {"status": "not_configured"}
    )
    waiting = journal_waiting(journal)
    report["journal"] = {"waiting": waiting}
    degraded = report["postgresql"]["status"] != "ok" or report["redis"]["status"] == "degraded"
    report["status"] = "degraded" if degraded or waiting else "ok"
    return report


@dataclass(frozen=True)
class StorageNotice:
    """What the staff console's banner says: which stores fail, since when, what waits."""

    failing: Tuple[str, ...]
    since: Optional[datetime]
    waiting: int


def storage_notice(journal: Optional[Journal]) -> Optional[StorageNotice]:
    """The banner's content from this process's last known states, ``None`` when all is well.

    Cheap (no probe): the web process keeps the states fresh with
    :func:`keep_probing`.
    """
    failing = tuple(
        store for store in (health.POSTGRESQL, health.REDIS) if health.is_degraded(store)
    )
    waiting = journal_waiting(journal) or 0
    if not failing and not waiting:
        return None
    starts = [health.state(store).degraded_since or 0.0 for store in failing]
    since = datetime.fromtimestamp(min(starts), tz=timezone.utc) if starts else None
    return StorageNotice(failing, since, waiting)


async def keep_probing(
    database_url: str,
    redis_url: Optional[str],
    journal: Optional[Journal],
    interval_seconds: float = 10.0,
) -> None:
    """Probe the stores every ``interval_seconds`` for ever (a background task)."""
    while True:
        try:
            await asyncio.to_thread(storage_report, database_url, redis_url, journal)
        except Exception:  # noqa: BLE001 (the probe loop must outlive any surprise)
            logger.exception("health.probe_failed")
        await asyncio.sleep(interval_seconds)
