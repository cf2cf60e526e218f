"""Signing in to the staff console: passwords, cookies, CSRF, idle timeout, roles."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
import sqlalchemy as sa

from bot.console import auth
from bot.console.passwords import WeakPasswordError, hash_password, verify_password
from bot.console.throttle import ThrottleLimits
from bot.storage.engine import engine_for, session_factory
from bot.storage.models import AuditLogEntry, SignInThrottle, StaffSession, utc_now
from tests.console.conftest import PASSWORD, Console


def audit_actions(console: Console) -> list:
    engine = engine_for(console.database_url)
    try:
        with engine.connect() as connection:
            return [
                row.action
                for row in connection.execute(
                    sa.select(AuditLogEntry.action).order_by(AuditLogEntry.id)
                )
            ]
    finally:
        engine.dispose()


def test_passwords_are_argon2id_and_checked() -> None:
    hashed = hash_password("correct horse battery")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "correct horse battery")
    assert not verify_password(hashed, "correct horse batterY")
    assert not verify_password("not a hash", "anything")
    with pytest.raises(WeakPasswordError):
        hash_password("short")


def test_failures_slow_down_then_lock() -> None:
    assert [auth.failure_delay(n) for n in (1, 2, 3, 4, 5)] == [0.0, 0.0, 0.5, 1.0, 2.0]
    assert auth.failure_delay(20) == auth.MAX_DELAY_SECONDS


def test_every_page_needs_a_session(console: Console) -> None:
    page = requests.get(f"{console.url}/staff/log", allow_redirects=False, timeout=10)
    assert page.status_code == 302 or page.status_code == 303
    assert "/staff/login" in page.headers["location"]
    api = requests.get(f"{console.url}/staff/api/queue", timeout=10)
    assert api.status_code == 401


def test_wrong_password_is_refused_and_audited(console: Console) -> None:
    reply = requests.post(
        f"{console.url}/staff/login",
        data={"username": "nurse", "password": "wrong password!"},
        allow_redirects=False,
        timeout=20,
    )
    assert reply.status_code == 401
    assert "Wrong username or password" in reply.text
    assert "Set-Cookie" not in reply.headers
    assert "auth.failed" in audit_actions(console)


def test_signing_in_sets_a_strict_httponly_cookie(console: Console) -> None:
    reply = requests.post(
        f"{console.url}/staff/login",
        data={"username": "NURSE ", "password": PASSWORD, "next": "/staff/log"},
        allow_redirects=False,
        timeout=20,
    )
    assert reply.status_code == 303
    assert reply.headers["location"].endswith("/staff/log")
    cookie = reply.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/staff" in cookie
    assert "auth.signed_in" in audit_actions(console)


def test_sign_in_never_redirects_off_the_console(console: Console) -> None:
    reply = requests.post(
        f"{console.url}/staff/login",
        data={"username": "nurse", "password": PASSWORD, "next": "https://evil.example/"},
        allow_redirects=False,
        timeout=20,
    )
    assert reply.headers["location"].endswith("/staff/")


def test_a_form_without_the_csrf_token_is_refused(console: Console) -> None:
    http = console.session("nurse")
    target = f"{console.url}/staff/conversations/web0patient0000000000000000000001/reviewed"
    assert http.post(target, timeout=10).status_code == 403
    assert http.post(target, data={"csrf_token": "forged"}, timeout=10).status_code == 403
    ok = http.post(target, data={"csrf_token": http.csrf}, allow_redirects=False, timeout=10)
    assert ok.status_code == 303


def test_an_idle_session_expires(console: Console) -> None:
    http = console.session("nurse2")
    assert http.get(f"{console.url}/staff/api/queue", timeout=10).status_code == 200
    engine = engine_for(console.database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.update(StaffSession).values(
                    last_seen_at=sa.func.now() - timedelta(hours=2)
                    if connection.dialect.name == "postgresql"
                    else sa.text("datetime('now', '-2 hours')")
                )
            )
    finally:
        engine.dispose()
    assert http.get(f"{console.url}/staff/api/queue", timeout=10).status_code == 401


def test_staff_cannot_open_admin_pages(console: Console) -> None:
    nurse = console.session("nurse")
    for path in ("/staff/audit", "/staff/export/conversations.csv"):
        assert nurse.get(f"{console.url}{path}", timeout=10).status_code == 403
    admin = console.session("admin")
    audit = admin.get(f"{console.url}/staff/audit", timeout=10)
    assert audit.status_code == 200 and "auth.signed_in" in audit.text


def test_signing_out_ends_the_session(console: Console) -> None:
    http = console.session("nurse")
    http.post(f"{console.url}/staff/logout", data={"csrf_token": http.csrf}, timeout=10)
    assert http.get(f"{console.url}/staff/api/queue", timeout=10).status_code == 401


def test_many_failures_lock_the_username_even_for_the_right_password(console: Console) -> None:
    engine = engine_for(console.database_url)
    try:
        with session_factory(engine).begin() as session:
            session.merge(
                SignInThrottle(
                    scope="username",
                    key="nurse2",
                    attempts=ThrottleLimits().per_username,
                    window_started_at=utc_now(),
                )
            )
    finally:
        engine.dispose()
    reply = requests.post(
        f"{console.url}/staff/login",
        data={"username": "nurse2", "password": PASSWORD},
        allow_redirects=False,
        timeout=30,
    )
    assert reply.status_code == 429
    assert "Too many sign-in attempts" in reply.text


def test_console_pages_forbid_framing_and_foreign_scripts(console: Console) -> None:
    page = requests.get(f"{console.url}/staff/login", timeout=10)
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["Cache-Control"] == "no-store"
