"""Deleting one conversation on an admin's request (e.g. a patient asks for it)."""

from __future__ import annotations

from typing import Dict

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.storage.models import CallbackRequest, Handoff, ReviewAnnotation, ReviewedConversation
from bot.storage.rasa_events import events_table, events_table_exists


def delete_conversation(*, session: Session, conversation_id: str) -> Dict[str, int]:
    """Delete a conversation's events and every clinic row about it; never commits.

    Returns:
        Deleted rows by table.
    """
    counts: Dict[str, int] = {}
    if events_table_exists(session):
        result = session.execute(
            sa.delete(events_table).where(events_table.c.sender_id == conversation_id)
        )
        counts["events"] = result.rowcount
    for model in (CallbackRequest, Handoff, ReviewAnnotation, ReviewedConversation):
        result = session.execute(
            sa.delete(model)
            .where(model.conversation_id == conversation_id)
            .execution_options(synchronize_session=False)
        )
        counts[model.__tablename__] = result.rowcount
    return counts
