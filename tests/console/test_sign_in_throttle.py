"""Sign-in throttling per username and per address, on SQLite and PostgreSQL (issue 11 row 8).

Each test signs in from its own loopback address (127.0.0.x), so the
per-address counters of different tests never meet.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Iterator, List

import pytest
import requests
import sqlalchemy as sa
from requests.adapters import HTTPAdapter

from bot.console import throttle
from bot.console.accounts import create_account
from bot.storage.engine import engine_for, session_factory
from bot.storage.models import AuditLogEntry, utc_now
from tests.console.conftest import PASSWORD, Console, csrf_token

LIMITS = throttle.ThrottleLimits()  # the defaults the console runs with


class SourceAddress(HTTPAdapter):
    """Connect from a chosen loopback address, as if from another computer."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def client(address: str) -> requests.Session:
    http = requests.Session()
    http.mount("http://", SourceAddress(address))
    return http


def sign_in(console: Console, address: str, username: str, password: str) -> requests.Response:
    return client(address).post(
        f"{console.url}/staff/login",
        data={"username": username, "password": password},
        allow_redirects=False,
        timeout=60,
    )


def audit_entries(console: Console, action: str) -> List[str]:
    engine = engine_for(console.database_url)
    try:
        with engine.connect() as connection:
            return list(
                connection.execute(
                    sa.select(AuditLogEntry.target).where(AuditLogEntry.action == action)
                ).scalars()
            )
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def target(console: Console) -> Iterator[str]:
    """The account an attacker guesses at."""
    create_account(console.database_url, "reception", "Reception desk", "staff", PASSWORD)
    yield "reception"


def test_thirty_simultaneous_wrong_passwords_get_exactly_ten_checks(
    console: Console, target: str
) -> None:
    start = threading.Barrier(30)

    def guess(number: int) -> int:
        start.wait()
        return sign_in(console, "127.0.0.2", target, f"wrong password {number}").status_code

    with ThreadPoolExecutor(max_workers=30) as pool:
        statuses = list(pool.map(guess, range(30)))
    # 401: the password was checked and wrong; 429: refused without a check.
    assert (statuses.count(401), statuses.count(429)) == (LIMITS.per_username, 20)
    # The username stays locked, even for the right password from elsewhere.
    locked = sign_in(console, "127.0.0.3", target, PASSWORD)
    assert locked.status_code == 429 and "Too many sign-in attempts" in locked.text
    assert audit_entries(console, "auth.locked_out").count(f"username:{target}") == 1


def test_one_address_spraying_many_usernames_is_stopped(console: Console) -> None:
    for number in range(LIMITS.per_address):
        reply = sign_in(console, "127.0.0.4", f"guess-{number}", "wrong password!")
        assert reply.status_code == 401
    # The address is locked now: even a real password from it is refused ...
    assert sign_in(console, "127.0.0.4", "nurse", PASSWORD).status_code == 429
    # ... while the same person signs in from another address.
    assert sign_in(console, "127.0.0.5", "nurse", PASSWORD).status_code == 303
    assert "address:127.0.0.4" in audit_entries(console, "auth.locked_out")


def test_successful_sign_ins_do_not_use_up_the_address(console: Console) -> None:
    # A clinic behind one address: a morning's sign-ins must not lock it.
    for _ in range(LIMITS.per_address + 5):
        assert sign_in(console, "127.0.0.6", "nurse2", PASSWORD).status_code == 303


def test_admins_see_the_locks_in_the_audit_page_and_can_unlock(
    console: Console, target: str
) -> None:
    admin = client("127.0.0.7")
    admin.post(
        f"{console.url}/staff/login",
        data={"username": "admin", "password": PASSWORD},
        timeout=30,
    )
    page = admin.get(f"{console.url}/staff/audit", timeout=10)
    assert "auth.locked_out" in page.text
    assert f"Unlock username {target}" in page.text
    assert "Unlock address 127.0.0.4" in page.text

    unlocked = admin.post(
        f"{console.url}/staff/sign-in-locks/unlock",
        data={"csrf_token": csrf_token(page.text), "scope": "username", "key": target},
        timeout=10,
    )
    assert "Unlocked." in unlocked.text and f"Unlock username {target}" not in unlocked.text
    assert f"username:{target}" in audit_entries(console, "auth.unlocked")
    assert sign_in(console, "127.0.0.8", target, PASSWORD).status_code == 303


def test_a_counter_starts_again_when_its_window_ends(console: Console) -> None:
    engine = engine_for(console.database_url)
    sessions = session_factory(engine)
    now = utc_now()

    def reserve(at) -> object:  # type: ignore[no-untyped-def]
        with sessions.begin() as session:
            return throttle.reserve_attempt(
                session=session, scope="address", key="192.0.2.1", limit=2,
                window=LIMITS.window, now=at,
            )  # fmt: skip

    try:
        assert [reserve(now), reserve(now), reserve(now)] == [1, 2, None]
        assert reserve(now + LIMITS.window + timedelta(seconds=1)) == 1
    finally:
        engine.dispose()
