"""Signing in to the staff console: sessions, throttling and CSRF tokens.

Sessions live in ``clinic_staff_sessions``. The cookie carries a random
token; the table keeps only its SHA-256, so a copy of the database does not
let anyone sign in. A session ends after ``console_idle_minutes`` without a
request. Failed sign-ins are counted per username over a window: after a few
the answer is delayed, after many the username is locked for the window.
Every function takes the caller's ``session`` and never commits.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.console.passwords import dummy_hash, verify_password
from bot.db import repository
from bot.db.models import SignInFailure, StaffAccount, StaffSession

FAILURE_WINDOW = timedelta(minutes=15)
# Failures before answers slow down, and before the username is locked.
FREE_FAILURES = 3
LOCK_AFTER_FAILURES = 10
MAX_DELAY_SECONDS = 8.0


@dataclass(frozen=True)
class SignInOutcome:
    """The result of a sign-in attempt."""

    account: Optional[StaffAccount]
    # Seconds to wait before answering (slows down guessing).
    delay_seconds: float
    locked: bool = False


@dataclass(frozen=True)
class ActiveSession:
    """A valid console session and its account."""

    session_id: int
    account: StaffAccount
    csrf_token: str


def token_hash(token: str) -> str:
    """The stored form of a session token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def normalise_username(username: str) -> str:
    """Usernames are compared trimmed and lower-cased."""
    return username.strip().lower()


def recent_failures(*, session: Session, username: str, now: datetime) -> int:
    """Failed sign-ins for ``username`` within :data:`FAILURE_WINDOW`."""
    return session.execute(
        sa.select(sa.func.count(SignInFailure.id)).where(
            SignInFailure.username == normalise_username(username)[:64],
            SignInFailure.created_at >= now - FAILURE_WINDOW,
        )
    ).scalar_one()


def failure_delay(failures: int) -> float:
    """Seconds to wait after ``failures`` recent failures: 0, then doubling up to a cap."""
    if failures < FREE_FAILURES:
        return 0.0
    return min(MAX_DELAY_SECONDS, 0.5 * 2 ** (failures - FREE_FAILURES))


def sign_in(*, session: Session, username: str, password: str, now: datetime) -> SignInOutcome:
    """Check a username and password.

    A failure is recorded (for throttling and in the audit log, without the
    password). A locked username is refused even with the right password.

    Args:
        session: The caller's session.
        username: As typed.
        password: As typed.
        now: The current time.

    Returns:
        The account on success, else ``None``; plus the delay to apply.
    """
    name = normalise_username(username)[:64]
    failures = recent_failures(session=session, username=name, now=now)
    if failures >= LOCK_AFTER_FAILURES:
        repository.add_audit(
            session=session, actor_id=None, action="auth.locked_out", target=f"username:{name}"
        )
        return SignInOutcome(None, MAX_DELAY_SECONDS, locked=True)
    account = repository.staff_by_username(session=session, username=name)
    if account is None or not account.is_active:
        verify_password(dummy_hash(), password)  # same time as a real check
        account = None
    elif not verify_password(account.password_hash, password):
        account = None
    if account is None:
        session.add(SignInFailure(username=name, created_at=now))
        repository.add_audit(
            session=session, actor_id=None, action="auth.failed", target=f"username:{name}"
        )
        session.flush()
        return SignInOutcome(None, failure_delay(failures + 1))
    account.last_login_at = now
    account.last_seen_at = now
    repository.add_audit(session=session, actor_id=account.id, action="auth.signed_in")
    return SignInOutcome(account, 0.0)


def start_session(*, session: Session, account: StaffAccount, now: datetime) -> str:
    """Open a console session; returns the token for the cookie (shown once)."""
    token = secrets.token_urlsafe(32)
    session.add(
        StaffSession(
            token_hash=token_hash(token),
            staff_id=account.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            last_seen_at=now,
        )
    )
    session.flush()
    return token


def load_session(
    *, session: Session, token: Optional[str], now: datetime, idle: timedelta
) -> Optional[ActiveSession]:
    """The valid session for a cookie token, refreshed; ``None`` if absent or expired.

    Expired sessions and sessions of deactivated accounts are deleted.
    """
    if not token or len(token) > 128:
        return None
    row = session.execute(
        sa.select(StaffSession).where(StaffSession.token_hash == token_hash(token))
    ).scalar_one_or_none()
    if row is None:
        return None
    account = session.get(StaffAccount, row.staff_id)
    if account is None or not account.is_active or row.last_seen_at < now - idle:
        session.delete(row)
        session.flush()
        return None
    row.last_seen_at = now
    account.last_seen_at = now
    return ActiveSession(row.id, account, row.csrf_token)


def end_session(*, session: Session, token: Optional[str]) -> None:
    """Sign out: forget the session of this token; with no session left, go offline."""
    if not token:
        return
    row = session.execute(
        sa.select(StaffSession).where(StaffSession.token_hash == token_hash(token))
    ).scalar_one_or_none()
    if row is None:
        return
    staff_id = row.staff_id
    session.delete(row)
    session.flush()
    others = session.execute(
        sa.select(sa.func.count(StaffSession.id)).where(StaffSession.staff_id == staff_id)
    ).scalar_one()
    if not others:
        account = session.get(StaffAccount, staff_id)
        if account is not None:
            account.last_seen_at = None


def csrf_valid(expected: str, submitted: Optional[str]) -> bool:
    """Whether a submitted form carries the session's CSRF token (constant time)."""
    return bool(submitted) and hmac.compare_digest(expected.encode(), str(submitted).encode())


def purge_sign_in_failures(*, session: Session, now: datetime) -> int:
    """Delete failures older than the window; returns how many."""
    result = session.execute(
        sa.delete(SignInFailure).where(SignInFailure.created_at < now - FAILURE_WINDOW)
    )
    return result.rowcount or 0
