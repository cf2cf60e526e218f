"""Staff handoffs queued in the journal while the database is down.

An urgent red flag must reach the staff queue even if PostgreSQL is down
when the patient writes. The action server then queues the handoff in the
journal's outbox (:meth:`bot.storage.journal.Journal.queue`), durably, and
the patient still gets the urgent-care reply at once. Whichever process next
finds the database answering (the action server on its next handoff, the
Rasa server when it replays the journal) opens the queued handoffs, oldest
first. Opening is idempotent: ``repository.open_handoff`` returns the
conversation's active handoff instead of opening a second one, so delivering
an item twice (a crash between the commit and the removal) changes nothing.
"""

from __future__ import annotations

import logging
from typing import Optional

from bot.log_redaction import conversation_reference
from bot.storage import repository
from bot.storage.engine import shared_session_factory
from bot.storage.journal import Journal

logger = logging.getLogger(__name__)

HANDOFF = "handoff"


def queue_handoff(
    journal: Journal,
    conversation_id: str,
    channel: str,
    urgent: bool,
    reason: str,
    language: Optional[str],
) -> None:
    """Queue a handoff the database could not take (raises ``JournalError`` if it cannot)."""
    journal.queue(
        HANDOFF,
        {
            "conversation_id": conversation_id,
            "channel": channel,
            "urgent": urgent,
            "reason": reason,
            "language": language,
        },
    )
    logger.warning(
        "handoff.queued_in_journal",
        extra={"conversation": conversation_reference(conversation_id), "urgent": urgent},
    )


def deliver_queued_handoffs(journal: Journal, database_url: str) -> int:
    """Open every queued handoff in the database, oldest first, then remove it from the journal.

    Returns:
        How many were delivered.

    Raises:
        sqlalchemy.exc.SQLAlchemyError: The database failed; the rest stay queued.
    """
    items = journal.queued(HANDOFF)
    if not items:
        return 0
    factory = shared_session_factory(database_url)
    for item in items:
        with factory.begin() as session:
            handoff_id = repository.open_handoff(session=session, **item.payload).id
        journal.forget_queued(item.row_id)
        logger.warning(
            "handoff.delivered_from_journal",
            extra={
                "conversation": conversation_reference(item.payload["conversation_id"]),
                "handoff_id": handoff_id,
            },
        )
    return len(items)
