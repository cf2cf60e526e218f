"""SQLAlchemy models of the clinic assistant's own tables.

Every table name starts with :data:`TABLE_PREFIX` so that our tables never
collide with Rasa's (``events``) in the shared database, and so that Alembic can
tell ours from theirs. The schema is created by the migrations in
``bot/storage/migrations/versions``; keep those and these models in step (a
test compares them).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import declarative_base
from sqlalchemy.types import TypeDecorator

TABLE_PREFIX = "clinic_"
STAFF_ROLES = ("staff", "admin")
HANDOFF_STATUSES = ("open", "claimed", "closed")
# Statuses of a handoff a person still has to deal with.
ACTIVE_HANDOFF_STATUSES = ("open", "claimed")

# Stable constraint names, so later migrations can refer to them on every backend.
# Foreign keys leave out the referred table to stay within PostgreSQL's 63 characters.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s",
    "pk": "pk_%(table_name)s",
}

# Typed as Any: SQLAlchemy 1.4 (Rasa's pin) builds the base class at run time,
# which mypy cannot follow without SQLAlchemy's own (deprecated) plugin.
Base: Any = declarative_base(metadata=sa.MetaData(naming_convention=NAMING_CONVENTION))


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC (the default of every timestamp)."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware.

    PostgreSQL keeps the offset (``timestamp with time zone``); SQLite has no
    such type and returns naive values, so values are converted to UTC before
    they are stored and marked as UTC when they are read. Naive datetimes are
    refused: their meaning depends on the server's clock settings.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Optional[datetime], dialect: Dialect) -> Any:
        """Convert an aware datetime to UTC for storage."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("timestamps must be timezone-aware (use bot.storage.models.utc_now)")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            # SQLite stores the text without an offset; every stored value is UTC.
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Optional[datetime], dialect: Dialect) -> Any:
        """Return stored values as aware UTC datetimes."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def _created_at() -> sa.Column:
    return sa.Column(UTCDateTime(), nullable=False, default=utc_now)


def _staff_fk(nullable: bool) -> sa.Column:
    # Staff accounts are deactivated, never deleted, so history keeps its authors.
    return sa.Column(sa.Integer, sa.ForeignKey("clinic_staff_accounts.id"), nullable=nullable)


def _conversation_id() -> sa.Column:
    # Rasa's sender_id; a plain string, not a foreign key: Rasa's tables are Rasa's.
    return sa.Column(sa.String(255), nullable=False, index=True)


class StaffAccount(Base):
    """A person who signs in to the staff console."""

    __tablename__ = "clinic_staff_accounts"
    __table_args__ = (sa.CheckConstraint("role IN ('staff', 'admin')", name="role"),)

    id = sa.Column(sa.Integer, primary_key=True)
    username = sa.Column(sa.String(64), nullable=False, unique=True, index=True)
    display_name = sa.Column(sa.String(120), nullable=False)
    password_hash = sa.Column(sa.String(255), nullable=False)
    role = sa.Column(sa.String(16), nullable=False)
    is_active = sa.Column(sa.Boolean, nullable=False, default=True, server_default=sa.true())
    created_at = _created_at()
    last_login_at = sa.Column(UTCDateTime(), nullable=True)
    # Last request from the console: staff count as online for a short while after it.
    last_seen_at = sa.Column(UTCDateTime(), nullable=True)


class StaffSession(Base):
    """A signed-in console session; the cookie holds the token, we keep its hash."""

    __tablename__ = "clinic_staff_sessions"

    id = sa.Column(sa.Integer, primary_key=True)
    token_hash = sa.Column(sa.String(64), nullable=False, unique=True)
    staff_id = sa.Column(
        sa.Integer, sa.ForeignKey("clinic_staff_accounts.id"), nullable=False, index=True
    )
    csrf_token = sa.Column(sa.String(64), nullable=False)
    created_at = _created_at()
    last_seen_at = sa.Column(UTCDateTime(), nullable=False, default=utc_now)


class SignInThrottle(Base):
    """Sign-in attempts counted for one username or one network address over a window.

    ``bot.console.throttle`` changes ``attempts`` only with one conditional
    upsert, so simultaneous attempts cannot overshoot the limit.
    """

    __tablename__ = "clinic_sign_in_throttles"
    __table_args__ = (sa.CheckConstraint("scope IN ('username', 'address')", name="scope"),)

    scope = sa.Column(sa.String(16), primary_key=True)
    # The username tried, lower-cased (it may not exist), or the client's address.
    key = sa.Column(sa.String(64), primary_key=True)
    attempts = sa.Column(sa.Integer, nullable=False)
    window_started_at = sa.Column(UTCDateTime(), nullable=False)
    # When the counter was first found full (shown to admins); None while not locked.
    locked_at = sa.Column(UTCDateTime(), nullable=True)


class Handoff(Base):
    """A conversation waiting for, or taken over by, a member of staff."""

    __tablename__ = "clinic_handoffs"
    __table_args__ = (
        sa.CheckConstraint("status IN ('open', 'claimed', 'closed')", name="status"),
        # The staff queue: active handoffs, urgent first, oldest first.
        sa.Index("ix_clinic_handoffs_queue", "status", "urgent", "created_at"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    conversation_id = _conversation_id()
    channel = sa.Column(sa.String(32), nullable=False)
    language = sa.Column(sa.String(8), nullable=True)
    status = sa.Column(sa.String(16), nullable=False, default="open")
    urgent = sa.Column(sa.Boolean, nullable=False, default=False, server_default=sa.false())
    # Why the handoff was opened: 'requested', 'fallback', 'urgent', ...
    reason = sa.Column(sa.String(32), nullable=False)
    created_at = _created_at()
    claimed_by_id = _staff_fk(nullable=True)
    claimed_at = sa.Column(UTCDateTime(), nullable=True)
    closed_at = sa.Column(UTCDateTime(), nullable=True)
    closed_by_id = _staff_fk(nullable=True)


class CallbackRequest(Base):
    """A patient's request to be phoned back, given with their consent."""

    __tablename__ = "clinic_callback_requests"

    id = sa.Column(sa.Integer, primary_key=True)
    conversation_id = _conversation_id()
    name = sa.Column(sa.String(120), nullable=False)
    # E.164, e.g. +8801XXXXXXXXX; validated by repository.record_callback.
    phone = sa.Column(sa.String(20), nullable=False)
    preferred_time = sa.Column(sa.String(120), nullable=False)
    channel = sa.Column(sa.String(32), nullable=True)
    language = sa.Column(sa.String(8), nullable=True)
    consent_given_at = sa.Column(UTCDateTime(), nullable=False)
    created_at = _created_at()
    handled_at = sa.Column(UTCDateTime(), nullable=True)


class ReviewAnnotation(Base):
    """A reviewer's verdict on how one patient message should have been understood."""

    __tablename__ = "clinic_review_annotations"
    __table_args__ = (sa.UniqueConstraint("event_id"),)

    id = sa.Column(sa.Integer, primary_key=True)
    conversation_id = _conversation_id()
    # The id of the patient message's row in Rasa's events table (no foreign key:
    # Rasa owns that table and may prune it).
    event_id = sa.Column(sa.Integer, nullable=False)
    correct_key = sa.Column(sa.String(64), nullable=False)
    note = sa.Column(sa.String(500), nullable=True)
    created_by_id = _staff_fk(nullable=False)
    created_at = _created_at()


class ReviewedConversation(Base):
    """Marks a conversation as reviewed by a member of staff."""

    __tablename__ = "clinic_reviewed_conversations"

    conversation_id = sa.Column(sa.String(255), primary_key=True)
    reviewed_by_id = _staff_fk(nullable=False)
    reviewed_at = sa.Column(UTCDateTime(), nullable=False, default=utc_now)


class AuditLogEntry(Base):
    """Who did what in the staff console. ``details`` is JSON and never holds patient text."""

    __tablename__ = "clinic_audit_log"

    id = sa.Column(sa.Integer, primary_key=True)
    actor_id = _staff_fk(nullable=True)
    action = sa.Column(sa.String(64), nullable=False, index=True)
    target = sa.Column(sa.String(255), nullable=True)
    created_at = sa.Column(UTCDateTime(), nullable=False, default=utc_now, index=True)
    details = sa.Column(sa.Text, nullable=True)
