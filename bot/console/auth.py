"""Signing in to the staff console: sessions, throttling and CSRF tokens.

Sessions live in ``clinic_staff_sessions``. The cookie carries a random
token; the table keeps only its SHA-256, so a copy of the database does not
let anyone sign in. A session ends after ``console_idle_minutes`` without a
request. Sign-in attempts are counted per username and per address
(``bot.console.throttle``): after a few failures the answer is delayed, and a
full counter locks the username or address for the window. Every function
takes the caller's ``session`` and never commits, except ``sign_in``, which
runs a whole attempt in two short transactions of its own.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional, Tuple

from sqlalchemy.orm import Session, sessionmaker

from bot.console import throttle
from bot.console.passwords import dummy_hash, verify_password
from bot.console.throttle import ADDRESS, USERNAME, ThrottleLimits
from bot.storage import repository
from bot.storage.models import StaffAccount, StaffSession

# Failures before answers slow down.
FREE_FAILURES = 3
MAX_DELAY_SECONDS = 8.0


@dataclass(frozen=True)
class SignInOutcome:
    """The result of a sign-in attempt."""

    account: Optional[StaffAccount]
    # Seconds to wait before answering (slows down guessing).
    delay_seconds: float
    locked: bool = False


@dataclass(frozen=True)
class Admission:
    """An attempt that took its slots in both counters and may check its password."""

    username: str
    address: str
    username_attempt: int
    address_attempt: int
    account_id: Optional[int]
    password_hash: Optional[str]


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


def failure_delay(failures: int) -> float:
    """Seconds to wait after ``failures`` recent failures: 0, then doubling up to a cap."""
    if failures < FREE_FAILURES:
        return 0.0
    return min(MAX_DELAY_SECONDS, 0.5 * 2 ** (failures - FREE_FAILURES))


def admit(
    *, session: Session, username: str, address: str, limits: ThrottleLimits, now: datetime
) -> Optional[Admission]:
    """Take the attempt's slots (address first, then username); ``None`` when either is full."""
    name = normalise_username(username)[:64]
    numbers = {}
    for scope, key in ((ADDRESS, address), (USERNAME, name)):
        numbers[scope] = throttle.reserve_attempt(
            session=session,
            scope=scope,
            key=key,
            limit=limits.limit(scope),
            window=limits.window,
            now=now,
        )
        if numbers[scope] is None:
            note_lock_out(session=session, scope=scope, key=key, limits=limits, now=now)
            return None
    username_attempt, address_attempt = numbers[USERNAME], numbers[ADDRESS]
    if username_attempt is None or address_attempt is None:  # both were checked above
        return None
    account = repository.staff_by_username(session=session, username=name)
    if account is None or not account.is_active:
        account = None
    return Admission(
        username=name,
        address=address,
        username_attempt=username_attempt,
        address_attempt=address_attempt,
        account_id=account.id if account is not None else None,
        password_hash=account.password_hash if account is not None else None,
    )


def settle(
    *,
    session: Session,
    admission: Admission,
    password_ok: bool,
    limits: ThrottleLimits,
    now: datetime,
) -> SignInOutcome:
    """Record a checked attempt: give the slots back on success, audit a failure and a lock-out."""
    keys = {USERNAME: admission.username, ADDRESS: admission.address}
    if password_ok and admission.account_id is not None:
        account = session.get(StaffAccount, admission.account_id)
        for scope, key in keys.items():
            throttle.give_back(session=session, scope=scope, key=key)
        account.last_login_at = now
        account.last_seen_at = now
        repository.add_audit(session=session, actor_id=account.id, action="auth.signed_in")
        return SignInOutcome(account, 0.0)
    repository.add_audit(
        session=session,
        actor_id=None,
        action="auth.failed",
        target=f"username:{admission.username}",
        details={"address": admission.address},
    )
    numbers = {USERNAME: admission.username_attempt, ADDRESS: admission.address_attempt}
    for scope, key in keys.items():
        if numbers[scope] >= limits.limit(scope):
            note_lock_out(session=session, scope=scope, key=key, limits=limits, now=now)
    return SignInOutcome(None, failure_delay(admission.username_attempt))


def note_lock_out(
    *, session: Session, scope: str, key: str, limits: ThrottleLimits, now: datetime
) -> None:
    """Mark a full counter as locked and audit it, once per lock-out."""
    limit = limits.limit(scope)
    if throttle.mark_locked(session=session, scope=scope, key=key, limit=limit, now=now):
        repository.add_audit(
            session=session,
            actor_id=None,
            action="auth.locked_out",
            target=f"{scope}:{key[: throttle.KEY_CHARS]}",
            details={"attempts": limit, "minutes": int(limits.window.total_seconds() // 60)},
        )


def sign_in(
    *,
    sessions: sessionmaker,
    username: str,
    password: str,
    address: str,
    limits: ThrottleLimits,
    now: datetime,
) -> Tuple[SignInOutcome, Optional[str]]:
    """One sign-in attempt; on success also opens a session.

    The password is checked between two short transactions, so no lock is held
    while argon2 runs. A locked username or address is refused without a
    password check, even with the right password.

    Returns:
        The outcome, and the new session's token (``None`` unless signed in).
    """
    with sessions.begin() as session:
        admission = admit(
            session=session, username=username, address=address, limits=limits, now=now
        )
    if admission is None:
        return SignInOutcome(None, MAX_DELAY_SECONDS, locked=True), None
    password_ok = verify_password(admission.password_hash or dummy_hash(), password)
    with sessions.begin() as session:
        outcome = settle(
            session=session,
            admission=admission,
            password_ok=password_ok and admission.password_hash is not None,
            limits=limits,
            now=now,
        )
        if outcome.account is None:
            return outcome, None
        token = start_session(session=session, account=outcome.account, now=now)
        session.expunge(outcome.account)
        return outcome, token


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
    row = repository.staff_session_by_token_hash(session=session, token_hash=token_hash(token))
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
    row = repository.staff_session_by_token_hash(session=session, token_hash=token_hash(token))
    if row is None:
        return
    staff_id = row.staff_id
    session.delete(row)
    session.flush()
    if not repository.count_staff_sessions(session=session, staff_id=staff_id):
        account = session.get(StaffAccount, staff_id)
        if account is not None:
            account.last_seen_at = None


def csrf_valid(expected: str, submitted: Optional[str]) -> bool:
    """Whether a submitted form carries the session's CSRF token (constant time)."""
    return bool(submitted) and hmac.compare_digest(expected.encode(), str(submitted).encode())
