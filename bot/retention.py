"""Delete conversations and personal data past their retention period.

    python -m bot.retention [--days N] [--dry-run]

``N`` defaults to ``Settings.retention_days`` (``RETENTION_DAYS``, else 365). The
command removes, in one transaction:

* from Rasa's ``events`` table, every conversation whose **last** event is
  older than the cutoff, whole (a conversation with any recent event is left
  alone, so a live conversation is never cut short);
* from the clinic's tables, what :func:`bot.storage.repository.delete_older_than`
  removes: callback requests, closed handoffs, review annotations and
  reviewed markers older than the cutoff;
* sign-in counters (usernames and addresses tried) older than the cutoff;
* the keys of storage-journal rows replayed before the cutoff (no patient
  data; needed only minutes after a replay).

It prints how many rows went (never any patient data) and records the counts
in the audit log as ``retention.run``. ``--dry-run`` runs the same deletions
and rolls them back, so the counts are exact and nothing changes (no audit
entry either).
"""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import datetime, timedelta, timezone
from typing import Dict, List, Optional, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from bot.console import throttle
from bot.storage import repository
from bot.storage.rasa_events import events_table, events_table_exists, in_chunks
from bot.storage.replay import delete_replay_keys_before

logger = logging.getLogger(__name__)

AUDIT_ACTION = "retention.run"


def cutoff_for(days: int, now: Optional[datetime] = None) -> datetime:
    """The moment ``days`` days before ``now`` (aware UTC).

    Raises:
        ValueError: ``days`` is below 1.
    """
    if days < 1:
        raise ValueError("the retention period must be at least 1 day")
    return (now or datetime.now(timezone.utc)) - timedelta(days=days)


def stale_conversations(session: Session, cutoff: datetime) -> List[str]:
    """Conversations whose last event in Rasa's ``events`` table is before ``cutoff``."""
    columns = events_table.c
    query = (
        sa.select(columns.sender_id)
        .group_by(columns.sender_id)
        .having(sa.func.max(columns.timestamp) < cutoff.timestamp())
    )
    return [row[0] for row in session.execute(query)]


def delete_stale_conversations(session: Session, cutoff: datetime) -> Dict[str, int]:
    """Delete whole conversations whose last event is before ``cutoff``; never commits.

    Only rows older than the cutoff are deleted, so an event that arrives
    for such a conversation while this runs survives.

    Returns:
        ``{"conversations": ..., "events": ...}``.
    """
    if not events_table_exists(session):
        return {"conversations": 0, "events": 0}
    columns = events_table.c
    stale = stale_conversations(session, cutoff)
    deleted = 0
    for chunk in in_chunks(stale):
        result = session.execute(
            sa.delete(events_table).where(
                columns.sender_id.in_(chunk),
                sa.or_(columns.timestamp < cutoff.timestamp(), columns.timestamp.is_(None)),
            )
        )
        deleted += result.rowcount
    return {"conversations": len(stale), "events": deleted}


def purge(session: Session, cutoff: datetime) -> Dict[str, int]:
    """Everything the retention command deletes, in the caller's transaction; never commits.

    Returns:
        Deleted rows: ``conversations`` and ``events`` (Rasa's), then per clinic table.
    """
    if cutoff.tzinfo is None or cutoff.utcoffset() is None:
        raise ValueError("cutoff must be timezone-aware")
    counts = delete_stale_conversations(session, cutoff)
    counts.update(repository.delete_older_than(session=session, cutoff=cutoff))
    # Usernames and addresses that tried to sign in (bot/console/throttle.py).
    counts["clinic_sign_in_throttles"] = throttle.delete_counters_before(
        session=session, cutoff=cutoff
    )
    # Keys of journal rows replayed into the database (bot/storage/replay.py).
    counts["tracker_journal_replays"] = delete_replay_keys_before(session, cutoff.timestamp())
    return counts


def run_retention(factory: sessionmaker, days: int, *, dry_run: bool = False) -> Dict[str, int]:
    """Apply the retention period in one transaction, or only count with ``dry_run``.

    Args:
        factory: From :func:`bot.storage.engine.session_factory`.
        days: Keep this many days; at least 1.
        dry_run: Roll everything back after counting; no audit entry.

    Returns:
        The deleted (or, in a dry run, deletable) rows, by kind.
    """
    cutoff = cutoff_for(days)
    # Closing the session without a commit rolls everything back.
    with factory() as session:
        counts = purge(session, cutoff)
        if dry_run:
            session.rollback()
        else:
            repository.add_audit(
                session=session,
                actor_id=None,
                action=AUDIT_ACTION,
                details={**counts, "days": days, "cutoff": cutoff.isoformat()},
            )
            session.commit()
    logger.info("retention.run", extra={"dry_run": dry_run, "days": days, **counts})
    return counts


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot.retention",
        description="Delete conversations and personal data older than the retention period.",
    )
    parser.add_argument(
        "--days",
        type=int,
        default=None,
        help="keep this many days (default: $RETENTION_DAYS, else 365)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="count what would be deleted, delete nothing"
    )
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """The command line; returns the exit status."""
    from bot.settings import SettingsError, get_settings
    from bot.storage.engine import engine_for, session_factory

    parser = _parser()
    arguments = parser.parse_args(argv)
    try:
        settings = get_settings()
    except SettingsError as error:  # e.g. RETENTION_DAYS is not a whole number of at least 1
        parser.error(str(error))
    days = arguments.days if arguments.days is not None else settings.retention_days
    if days < 1:
        parser.error("--days must be at least 1")

    engine = engine_for(settings.database_url)
    try:
        counts = run_retention(session_factory(engine), days, dry_run=arguments.dry_run)
    finally:
        engine.dispose()
    verb = "would delete" if arguments.dry_run else "deleted"
    print(f"retention: older than {days} days, {verb}:")
    for name, count in counts.items():
        print(f"  {name}: {count}")
    if arguments.dry_run:
        print("dry run: nothing was deleted")
    return 0


if __name__ == "__main__":
    sys.exit(main())
