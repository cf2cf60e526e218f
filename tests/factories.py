"""Rows of the clinic's own tables for tests, made the way the assistant makes them.

Each factory goes through ``bot.storage.repository`` (so the rows get the defaults and
checks of the real code), fills what a test does not care about, and can back-date
the row (``created_at=``, ``reviewed_at=``...) for tests of queues and retention::

    with factories.clinic_session(database_url) as session:
        nurse = factories.staff(session)
        factories.handoff(session, "web-1", urgent=True, created_at=LONG_AGO)
        factories.annotation(session, "web-1", event_id=3, created_by=nurse)
        factories.reviewed(session, "web-1", reviewed_by=nurse)
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Iterator, Optional

from sqlalchemy.orm import Session

from bot.storage import repository
from bot.storage.engine import engine_for, session_factory
from bot.storage.models import (
    CallbackRequest,
    Handoff,
    ReviewAnnotation,
    ReviewedConversation,
    StaffAccount,
)

# The stored hash of an account no test signs in with (bot.console.accounts hashes real ones).
NOT_A_HASH = "argon2$not-a-real-hash"


@contextlib.contextmanager
def clinic_session(database_url: str) -> Iterator[Session]:
    """One transaction on ``database_url``, committed when the block ends; the engine is then
    disposed, so no connection stays open to a database the test drops."""
    engine = engine_for(database_url)
    try:
        with session_factory(engine).begin() as session:
            yield session
    finally:
        engine.dispose()


def staff(
    session: Session,
    username: str = "nurse",
    *,
    display_name: str = "Nurse Rahman",
    role: str = "staff",
    password_hash: str = NOT_A_HASH,
) -> StaffAccount:
    """A staff account (``role="admin"`` for an administrator) that cannot sign in."""
    return repository.create_staff(
        session=session,
        username=username,
        display_name=display_name,
        password_hash=password_hash,
        role=role,
    )


def handoff(
    session: Session,
    conversation_id: str,
    *,
    channel: str = "webchat",
    urgent: bool = False,
    reason: str = "requested",
    language: Optional[str] = None,
    created_at: Optional[datetime] = None,
    closed_by: Optional[StaffAccount] = None,
    closed_at: Optional[datetime] = None,
) -> Handoff:
    """An open handoff of ``conversation_id``; closed by ``closed_by`` when given.

    ``created_at`` and ``closed_at`` back-date the row after the repository wrote it.
    """
    row = repository.open_handoff(
        session=session,
        conversation_id=conversation_id,
        channel=channel,
        urgent=urgent,
        reason=reason,
        language=language,
    )
    if closed_by is not None:
        repository.close_handoff(session=session, handoff_id=row.id, staff_id=closed_by.id)
    if created_at is not None:
        row.created_at = created_at
    if closed_at is not None:
        row.closed_at = closed_at
    return row


def annotation(
    session: Session,
    conversation_id: str,
    *,
    event_id: int,
    created_by: StaffAccount,
    correct_key: str = "faq/vro_recovery",
    note: Optional[str] = None,
    created_at: Optional[datetime] = None,
) -> ReviewAnnotation:
    """A reviewer's correction of the answer to the user message ``event_id``."""
    row = repository.save_annotation(
        session=session,
        conversation_id=conversation_id,
        event_id=event_id,
        correct_key=correct_key,
        created_by_id=created_by.id,
        note=note,
    )
    if created_at is not None:
        row.created_at = created_at
    return row


def reviewed(
    session: Session,
    conversation_id: str,
    *,
    reviewed_by: StaffAccount,
    reviewed_at: Optional[datetime] = None,
) -> ReviewedConversation:
    """The mark that ``reviewed_by`` reviewed ``conversation_id`` (back-dated when asked)."""
    row = repository.mark_reviewed(
        session=session, conversation_id=conversation_id, reviewed_by_id=reviewed_by.id
    )
    if reviewed_at is not None:
        row.reviewed_at = reviewed_at
    return row


def callback(
    session: Session,
    conversation_id: str,
    *,
    consent_given_at: datetime,
    name: str = "Patient",
    phone: str = "+8801712345678",
    preferred_time: str = "evening",
    channel: Optional[str] = None,
    language: Optional[str] = None,
    created_at: Optional[datetime] = None,
) -> CallbackRequest:
    """A callback request the patient consented to at ``consent_given_at``."""
    row = repository.record_callback(
        session=session,
        conversation_id=conversation_id,
        name=name,
        phone=phone,
        preferred_time=preferred_time,
        consent_given_at=consent_given_at,
        channel=channel,
        language=language,
    )
    if created_at is not None:
        row.created_at = created_at
    return row
