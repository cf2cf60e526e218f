"""Every console page read in Bangla carries no English text of the string table.

Statuses, reasons, channels, languages, waiting times, markers, chart texts,
flash messages and errors built in code included: each page is rendered by
the running web process and its readable text (tests/console/english_leftovers.py)
is searched for the table's English words.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from typing import Iterator, List

import pytest
import requests

from bot.console.accounts import create_account
from bot.console.strings import STRINGS
from bot.privacy import conversation_label
from bot.storage.migrate import upgrade
from tests import factories
from tests.console.conftest import (  # noqa: F401
    PASSWORD,
    WEB_PATIENT,
    WHATSAPP_PATIENT,
    Console,
    FakeRasa,
    csrf_token,
    fake_rasa,
    running_console,
    seed_conversations,
)
from tests.console.english_leftovers import english_leftovers, readable_text

STAFF_NAMES = ("Dr Admin", "Nurse Rahima", "Nurse Karim")
DATA = STAFF_NAMES + (conversation_label(WEB_PATIENT), conversation_label(WHATSAPP_PATIENT))


@pytest.fixture(scope="module")
def console(
    tmp_path_factory: pytest.TempPathFactory,
    fake_rasa: FakeRasa,  # noqa: F811
) -> Iterator[Console]:
    """The seeded console, a callback request waiting, and quick sign-in locks."""
    database_url = f"sqlite:///{tmp_path_factory.mktemp('bangla')}/rasa.db"
    upgrade(database_url)
    asyncio.run(seed_conversations(database_url))
    for username, name in zip(("admin", "nurse", "nurse2"), STAFF_NAMES, strict=True):
        create_account(
            database_url, username, name, "admin" if username == "admin" else "staff", PASSWORD
        )
    with factories.clinic_session(database_url) as session:
        factories.callback(
            session, WHATSAPP_PATIENT, consent_given_at=datetime.now(timezone.utc),
            name="Amina", phone="+8801711000000", preferred_time="after 5pm",
            channel="whatsapp", language="bn",
        )  # fmt: skip
    with running_console(
        database_url, fake_rasa.url, CONSOLE_SIGN_IN_LIMIT_PER_USERNAME="2"
    ) as running:
        yield running


def bangla(console: Console, username: str) -> requests.Session:
    """A signed-in session that chose Bangla in the header's switch."""
    http = console.session(username)
    http.get(f"{console.url}/staff/language", params={"lang": "bn", "next": "/staff/"}, timeout=10)
    return http


def assert_bangla(reply: requests.Response, shown: List[str]) -> None:
    """The page is Bangla, and none of the table's English words is left on it."""
    fragment = "<html" not in reply.text  # the transcript the page reloads
    assert fragment or '<html lang="bn">' in reply.text, reply.url
    leftovers = english_leftovers(readable_text(reply.text), DATA)
    assert not leftovers, (reply.url, sorted(leftovers))
    shown.append(reply.url)


def conversation(console: Console, conversation_id: str) -> str:
    return f"{console.url}/staff/conversations/{conversation_id}"


def test_every_console_page_reads_in_bangla_only(console: Console) -> None:
    nurse, other, admin = (
        bangla(console, "nurse"),
        bangla(console, "nurse2"),
        bangla(console, "admin"),
    )
    shown: List[str] = []
    url = console.url

    # Sign-in: the page, a wrong password, and a locked username.
    visitor = requests.Session()
    visitor.get(f"{url}/staff/language", params={"lang": "bn", "next": "/staff/login"}, timeout=10)
    assert_bangla(visitor.get(f"{url}/staff/login", timeout=10), shown)
    for _ in range(3):
        refused = visitor.post(
            f"{url}/staff/login", data={"username": "nurse2", "password": "wrong"}, timeout=10
        )
        assert_bangla(refused, shown)
    assert refused.status_code == 429

    # The queue: one open urgent handoff, one taken over (status, reason, channel, waiting).
    taken = nurse.post(
        f"{url}/staff/handoffs/1/claim",
        data={"csrf_token": nurse.csrf, "conversation_id": WEB_PATIENT},
        timeout=10,
    )
    assert STRINGS["bn"]["message.taken_over"] in taken.text
    assert_bangla(taken, shown)
    queue = nurse.get(f"{url}/staff/", timeout=10)
    assert STRINGS["bn"]["status.claimed"] in queue.text
    assert STRINGS["bn"]["reason.urgent"] in queue.text
    assert_bangla(queue, shown)
    # The queue the script redraws every few seconds is named in Bangla too.
    for handoff in nurse.get(f"{url}/staff/api/queue", timeout=10).json()["handoffs"]:
        named = " ".join(handoff[f"{name}_text"] for name in ("channel", "language", "reason"))
        named += f" {handoff['status_text']} {handoff['waiting_text']}"
        assert not english_leftovers(named), handoff

    # Conversations, their transcript fragment, and errors built in code.
    assert_bangla(nurse.get(conversation(console, WHATSAPP_PATIENT), timeout=10), shown)
    assert_bangla(nurse.get(conversation(console, WEB_PATIENT), timeout=10), shown)
    assert_bangla(nurse.get(f"{conversation(console, WEB_PATIENT)}/transcript", timeout=10), shown)
    empty_reply = nurse.post(
        f"{url}/staff/handoffs/1/reply",
        data={"csrf_token": nurse.csrf, "conversation_id": WEB_PATIENT, "text": "  "},
        timeout=10,
    )
    assert STRINGS["bn"]["message.reply_empty"] in empty_reply.text
    assert_bangla(empty_reply, shown)
    not_theirs = other.post(
        f"{url}/staff/handoffs/1/close",
        data={"csrf_token": other.csrf, "conversation_id": WEB_PATIENT},
        timeout=10,
    )
    assert STRINGS["bn"]["message.close_not_yours"] in not_theirs.text
    assert_bangla(not_theirs, shown)
    not_claimed = other.post(
        f"{url}/staff/handoffs/2/reply",
        data={"csrf_token": other.csrf, "conversation_id": WHATSAPP_PATIENT, "text": "hello"},
        timeout=10,
    )
    assert STRINGS["bn"]["message.claim_first"] in not_claimed.text
    assert_bangla(not_claimed, shown)
    damaged = nurse.get(f"{url}/staff/conversations/%E0%A6", timeout=10)
    assert damaged.status_code == 400
    assert_bangla(damaged, shown)
    assert_bangla(nurse.get(f"{url}/staff/audit", timeout=10), shown)  # admins only

    # Looking back: log, callbacks, dashboard (charts), audit with a lock.
    assert_bangla(nurse.get(f"{url}/staff/log", timeout=10), shown)
    assert_bangla(nurse.get(f"{url}/staff/log", params={"channel": "webchat"}, timeout=10), shown)
    assert_bangla(nurse.get(f"{url}/staff/callbacks", timeout=10), shown)
    dashboard = nurse.get(f"{url}/staff/dashboard", params={"days": "7"}, timeout=10)
    assert dashboard.text.count("<svg") == 2
    assert_bangla(dashboard, shown)
    assert_bangla(admin.get(conversation(console, WEB_PATIENT), timeout=10), shown)
    audit = admin.get(f"{url}/staff/audit", timeout=10)
    assert STRINGS["bn"]["scope.username"] in audit.text
    assert_bangla(audit, shown)
    closed = nurse.post(
        f"{url}/staff/handoffs/1/close",
        data={"csrf_token": nurse.csrf, "conversation_id": WEB_PATIENT},
        timeout=10,
    )
    assert STRINGS["bn"]["message.closed"] in closed.text
    assert_bangla(closed, shown)
    assert len(shown) >= 20


def test_the_same_pages_still_read_in_english(console: Console) -> None:
    http = console.session("admin")
    queue = http.get(f"{console.url}/staff/", timeout=10).text
    assert "URGENT" in queue and "red-flag symptoms" in queue and "WhatsApp" in queue
    dashboard = http.get(f"{console.url}/staff/dashboard", timeout=10).text
    assert "Conversations per day" in dashboard and "Top topics" in dashboard
    assert "Patient messages answered with each FAQ topic" in dashboard


def test_every_language_names_twelve_months_for_the_charts() -> None:
    for language, table in STRINGS.items():
        assert len(table["chart.months"].split()) == 12, language
