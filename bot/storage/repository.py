"""Plain functions that read and write the clinic's tables.

Every function takes the caller's :class:`~sqlalchemy.orm.Session` as the
keyword-only ``session`` argument and never commits: the caller owns the
transaction (``with factory.begin() as session: ...``). Functions may flush so
that new rows get their ids. Run them in an executor from ``async`` code.
Rasa's own ``events`` table is read in :mod:`bot.storage.rasa_events`.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any, Dict, List, Mapping, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.storage.models import (
    ACTIVE_HANDOFF_STATUSES,
    STAFF_ROLES,
    AuditLogEntry,
    CallbackRequest,
    Handoff,
    ReviewAnnotation,
    ReviewedConversation,
    StaffAccount,
    StaffSession,
    utc_now,
)
from bot.storage.rasa_events import events_table, events_table_exists

# E.164: a plus sign, a country code not starting with 0, at most 15 digits in all.
E164_PHONE = re.compile(r"\+[1-9]\d{6,14}")


class HandoffStateError(ValueError):
    """The handoff is not in a state that allows the requested change."""


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


def create_staff(
    *, session: Session, username: str, display_name: str, password_hash: str, role: str
) -> StaffAccount:
    """Add a staff account.

    Args:
        session: The caller's session.
        username: Unique sign-in name.
        display_name: Name shown to colleagues.
        password_hash: The hash of the password; never the password itself.
        role: One of :data:`bot.storage.models.STAFF_ROLES`.

    Returns:
        The new account, flushed so that it has an id.

    Raises:
        ValueError: ``role`` is not a known role.
    """
    if role not in STAFF_ROLES:
        raise ValueError(f"role must be one of {', '.join(STAFF_ROLES)}")
    account = StaffAccount(
        username=username, display_name=display_name, password_hash=password_hash, role=role
    )
    session.add(account)
    session.flush()
    return account


def staff_by_username(*, session: Session, username: str) -> Optional[StaffAccount]:
    """Find a staff account by its username.

    Args:
        session: The caller's session.
        username: The sign-in name.

    Returns:
        The account, active or not, or ``None``.
    """
    return session.execute(
        sa.select(StaffAccount).where(StaffAccount.username == username)
    ).scalar_one_or_none()


def staff_display_names(*, session: Session) -> Dict[int, str]:
    """Every staff account's display name, by account id (active or not).

    Args:
        session: The caller's session.

    Returns:
        ``{account id: display name}``.
    """
    return dict(session.execute(sa.select(StaffAccount.id, StaffAccount.display_name)).all())


def staff_usernames(*, session: Session) -> Dict[int, str]:
    """Every staff account's username, by account id (active or not).

    Args:
        session: The caller's session.

    Returns:
        ``{account id: username}``.
    """
    return dict(session.execute(sa.select(StaffAccount.id, StaffAccount.username)).all())


def staff_session_by_token_hash(*, session: Session, token_hash: str) -> Optional[StaffSession]:
    """The console session whose token hashes to ``token_hash``, if any.

    Args:
        session: The caller's session.
        token_hash: The SHA-256 of the cookie's token (``bot.console.auth.token_hash``).

    Returns:
        The session row, or ``None``.
    """
    return session.execute(
        sa.select(StaffSession).where(StaffSession.token_hash == token_hash)
    ).scalar_one_or_none()


def count_staff_sessions(*, session: Session, staff_id: int) -> int:
    """How many console sessions a member of staff has open.

    Args:
        session: The caller's session.
        staff_id: The staff account.

    Returns:
        The number of their session rows.
    """
    return session.execute(
        sa.select(sa.func.count(StaffSession.id)).where(StaffSession.staff_id == staff_id)
    ).scalar_one()


def active_handoff(*, session: Session, conversation_id: str) -> Optional[Handoff]:
    """The open or claimed handoff of a conversation, if any.

    Args:
        session: The caller's session.
        conversation_id: Rasa's sender id.

    Returns:
        The most recent active handoff, or ``None``.
    """
    return (
        session.execute(
            sa.select(Handoff)
            .where(
                Handoff.conversation_id == conversation_id,
                Handoff.status.in_(ACTIVE_HANDOFF_STATUSES),
            )
            .order_by(Handoff.created_at.desc(), Handoff.id.desc())
            .limit(1)
        )
        .scalars()
        .first()
    )


def open_handoff(
    *,
    session: Session,
    conversation_id: str,
    channel: str,
    urgent: bool,
    reason: str,
    language: Optional[str] = None,
) -> Handoff:
    """Put a conversation in the staff queue, once.

    If the conversation already has an open or claimed handoff, that one is
    returned instead of creating a second; an urgent request marks it urgent
    so that it moves to the front of the queue.

    Args:
        session: The caller's session.
        conversation_id: Rasa's sender id.
        channel: The channel the patient writes on.
        urgent: Whether the patient described something urgent.
        reason: Why: ``'requested'``, ``'fallback'``, ``'urgent'``, ...
        language: The conversation's language code, if known.

    Returns:
        The active handoff of the conversation, flushed so that it has an id.
    """
    existing = active_handoff(session=session, conversation_id=conversation_id)
    if existing is not None:
        if urgent and not existing.urgent:
            existing.urgent = True
            session.flush()
        return existing
    handoff = Handoff(
        conversation_id=conversation_id,
        channel=channel,
        language=language,
        status="open",
        urgent=urgent,
        reason=reason,
    )
    session.add(handoff)
    session.flush()
    return handoff


def _handoff(session: Session, handoff_id: int) -> Handoff:
    handoff = session.get(Handoff, handoff_id, populate_existing=True)
    if handoff is None:
        raise LookupError(f"no handoff with id {handoff_id}")
    return handoff


def claim_handoff(*, session: Session, handoff_id: int, staff_id: int) -> Handoff:
    """Let a member of staff take over an open handoff.

    The change is a conditional ``UPDATE``, so two people claiming at the same
    time cannot both succeed. Claiming a handoff one already holds is a no-op.

    Args:
        session: The caller's session.
        handoff_id: The handoff to claim.
        staff_id: The member of staff taking it.

    Returns:
        The claimed handoff.

    Raises:
        LookupError: There is no such handoff.
        HandoffStateError: Someone else holds it, or it is closed.
    """
    session.execute(
        sa.update(Handoff)
        .where(Handoff.id == handoff_id, Handoff.status == "open")
        .values(status="claimed", claimed_by_id=staff_id, claimed_at=utc_now())
        .execution_options(synchronize_session=False)
    )
    handoff = _handoff(session, handoff_id)
    if handoff.status != "claimed" or handoff.claimed_by_id != staff_id:
        raise HandoffStateError(f"handoff {handoff_id} is {handoff.status}")
    return handoff


def close_handoff(*, session: Session, handoff_id: int, staff_id: int) -> Handoff:
    """Close an open or claimed handoff. Closing a closed handoff is a no-op.

    Args:
        session: The caller's session.
        handoff_id: The handoff to close.
        staff_id: The member of staff closing it.

    Returns:
        The closed handoff.

    Raises:
        LookupError: There is no such handoff.
    """
    session.execute(
        sa.update(Handoff)
        .where(Handoff.id == handoff_id, Handoff.status.in_(ACTIVE_HANDOFF_STATUSES))
        .values(status="closed", closed_by_id=staff_id, closed_at=utc_now())
        .execution_options(synchronize_session=False)
    )
    return _handoff(session, handoff_id)


def open_handoffs_queue(*, session: Session, limit: Optional[int] = None) -> List[Handoff]:
    """The handoffs staff still have to deal with, in the order to deal with them.

    Args:
        session: The caller's session.
        limit: At most this many, if given.

    Returns:
        Open and claimed handoffs, urgent first, then oldest first.
    """
    query = (
        sa.select(Handoff)
        .where(Handoff.status.in_(ACTIVE_HANDOFF_STATUSES))
        .order_by(Handoff.urgent.desc(), Handoff.created_at.asc(), Handoff.id.asc())
    )
    if limit is not None:
        query = query.limit(limit)
    return list(session.execute(query).scalars())


def record_callback(
    *,
    session: Session,
    conversation_id: str,
    name: str,
    phone: str,
    preferred_time: str,
    consent_given_at: datetime,
    channel: Optional[str] = None,
    language: Optional[str] = None,
) -> CallbackRequest:
    """Store a patient's request to be phoned back.

    Args:
        session: The caller's session.
        conversation_id: Rasa's sender id.
        name: The name the patient gave.
        phone: The number in E.164 form, e.g. ``+8801712345678``.
        preferred_time: When the patient would like the call, in their words.
        consent_given_at: When the patient agreed to being called (aware).
        channel: The channel the patient asked on.
        language: The conversation's language, so staff can call in it.

    Returns:
        The new request, flushed so that it has an id.

    Raises:
        ValueError: The number is not E.164, or ``consent_given_at`` is naive.
    """
    if not E164_PHONE.fullmatch(phone):
        raise ValueError("phone must be in E.164 form, e.g. +8801712345678")
    _require_aware(consent_given_at, "consent_given_at")
    request = CallbackRequest(
        conversation_id=conversation_id,
        name=name,
        phone=phone,
        preferred_time=preferred_time,
        consent_given_at=consent_given_at,
        channel=channel,
        language=language,
    )
    session.add(request)
    session.flush()
    return request


def unhandled_callbacks(*, session: Session) -> List[CallbackRequest]:
    """The callback requests nobody has dealt with yet, oldest first.

    Args:
        session: The caller's session.

    Returns:
        Requests without ``handled_at``, by creation time.
    """
    return list(
        session.execute(
            sa.select(CallbackRequest)
            .where(CallbackRequest.handled_at.is_(None))
            .order_by(CallbackRequest.created_at)
        ).scalars()
    )


def mark_callback_handled(*, session: Session, callback_id: int) -> bool:
    """Mark a callback request as dealt with, now.

    Args:
        session: The caller's session.
        callback_id: The request.

    Returns:
        Whether it changed: ``False`` if there is no such request or it was
        already handled (its time is kept).
    """
    request = session.get(CallbackRequest, callback_id)
    if request is None or request.handled_at is not None:
        return False
    request.handled_at = utc_now()
    return True


def save_annotation(
    *,
    session: Session,
    conversation_id: str,
    event_id: int,
    correct_key: str,
    created_by_id: int,
    note: Optional[str] = None,
) -> ReviewAnnotation:
    """Record how a patient message should have been understood.

    A message has at most one annotation: saving again replaces the verdict.

    Args:
        session: The caller's session.
        conversation_id: Rasa's sender id.
        event_id: The id of the message's row in Rasa's ``events`` table.
        correct_key: The intent or answer key the message should have led to.
        created_by_id: The reviewer.
        note: An optional remark (no more patient text than needed).

    Returns:
        The annotation, flushed so that it has an id.
    """
    annotation = session.execute(
        sa.select(ReviewAnnotation).where(ReviewAnnotation.event_id == event_id)
    ).scalar_one_or_none()
    if annotation is None:
        annotation = ReviewAnnotation(conversation_id=conversation_id, event_id=event_id)
        session.add(annotation)
    annotation.correct_key = correct_key
    annotation.note = note
    annotation.created_by_id = created_by_id
    annotation.created_at = utc_now()
    session.flush()
    return annotation


def mark_reviewed(
    *, session: Session, conversation_id: str, reviewed_by_id: int
) -> ReviewedConversation:
    """Mark a conversation as reviewed, or renew the mark.

    Args:
        session: The caller's session.
        conversation_id: Rasa's sender id.
        reviewed_by_id: The reviewer.

    Returns:
        The marker.
    """
    marker = session.get(ReviewedConversation, conversation_id)
    if marker is None:
        marker = ReviewedConversation(conversation_id=conversation_id)
        session.add(marker)
    marker.reviewed_by_id = reviewed_by_id
    marker.reviewed_at = utc_now()
    session.flush()
    return marker


def add_audit(
    *,
    session: Session,
    actor_id: Optional[int],
    action: str,
    target: Optional[str] = None,
    details: Optional[Mapping[str, Any]] = None,
) -> AuditLogEntry:
    """Append an entry to the audit log.

    Args:
        session: The caller's session.
        actor_id: The member of staff acting, or ``None`` for the system.
        action: An event name such as ``'handoff.claimed'``.
        target: What was acted on, e.g. ``'handoff:42'``.
        details: JSON-serialisable facts; ids and names of things, never
            patient messages or phone numbers.

    Returns:
        The new entry.
    """
    entry = AuditLogEntry(
        actor_id=actor_id,
        action=action,
        target=target,
        details=None if details is None else json.dumps(dict(details), sort_keys=True),
    )
    session.add(entry)
    session.flush()
    return entry


def audit_log_page(*, session: Session, offset: int, limit: int) -> List[AuditLogEntry]:
    """A slice of the audit log, newest first.

    Args:
        session: The caller's session.
        offset: Entries to skip.
        limit: At most this many.

    Returns:
        The entries.
    """
    return list(
        session.execute(
            sa.select(AuditLogEntry)
            .order_by(AuditLogEntry.created_at.desc(), AuditLogEntry.id.desc())
            .offset(offset)
            .limit(limit)
        ).scalars()
    )


def delete_conversation(*, session: Session, conversation_id: str) -> Dict[str, int]:
    """Delete a conversation's events and every clinic row about it; never commits.

    Used when an admin deletes a conversation (e.g. a patient asks for it).

    Args:
        session: The caller's session.
        conversation_id: Rasa's sender id.

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


def delete_older_than(*, session: Session, cutoff: datetime) -> Dict[str, int]:
    """Delete personal data past its retention period.

    Removes callback requests created before ``cutoff``, handoffs closed before
    it, review annotations and reviewed markers made before it. Open and
    claimed handoffs, staff accounts and the audit log are kept.

    Args:
        session: The caller's session.
        cutoff: Rows older than this go (timezone-aware).

    Returns:
        How many rows were deleted, by table name.

    Raises:
        ValueError: ``cutoff`` is naive.
    """
    _require_aware(cutoff, "cutoff")
    deletions = (
        (CallbackRequest, CallbackRequest.created_at < cutoff),
        (Handoff, sa.and_(Handoff.status == "closed", Handoff.closed_at < cutoff)),
        (ReviewAnnotation, ReviewAnnotation.created_at < cutoff),
        (ReviewedConversation, ReviewedConversation.reviewed_at < cutoff),
    )
    counts: Dict[str, int] = {}
    for model, condition in deletions:
        result = session.execute(
            sa.delete(model).where(condition).execution_options(synchronize_session="fetch")
        )
        counts[model.__tablename__] = result.rowcount
    return counts
