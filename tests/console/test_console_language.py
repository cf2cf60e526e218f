"""The console in Bangla: the string table, the language switch and the pages staff use daily."""

from __future__ import annotations

import re
import string
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest
import requests

from bot.console.strings import STRINGS, Translator, text
from bot.console.web import templates
from bot.storage.health_check import StorageNotice
from tests.console.conftest import PASSWORD, WEB_PATIENT, WHATSAPP_PATIENT, Console

BANGLA_LETTER = re.compile("[\u0980-\u09ff]")


def placeholders(template: str) -> set:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_key_has_english_and_bangla_with_the_same_placeholders() -> None:
    assert set(STRINGS) == {"en", "bn"}
    assert set(STRINGS["en"]) == set(STRINGS["bn"])
    for key, english in STRINGS["en"].items():
        bangla = STRINGS["bn"][key]
        assert english.strip() and bangla.strip(), key
        assert placeholders(english) == placeholders(bangla), key
        assert BANGLA_LETTER.search(bangla), f"{key} is not written in Bangla: {bangla!r}"


def test_an_unknown_language_reads_english() -> None:
    assert text("fr", "queue.title") == "Live queue"
    assert text("bn", "log.page_of", page=1, pages=3) == "3 পাতার মধ্যে 1 নম্বর পাতা"


def bangla_session(console: Console, username: str = "nurse") -> requests.Session:
    """A signed-in session that switched the console to Bangla in the header."""
    http = console.session(username)
    switched = http.get(
        f"{console.url}/staff/language", params={"lang": "bn", "next": "/staff/log"}, timeout=10
    )
    assert switched.url.endswith("/staff/log")
    return http


def bn(key: str) -> str:
    return STRINGS["bn"][key]


def test_the_sign_in_page_switches_to_bangla_before_signing_in(console: Console) -> None:
    http = requests.Session()
    english = http.get(f"{console.url}/staff/login", timeout=10).text
    assert 'lang="en"' in english and "Username" in english
    assert "/staff/language?lang=bn" in english
    page = http.get(
        f"{console.url}/staff/language", params={"lang": "bn", "next": "/staff/login"}, timeout=10
    ).text
    assert '<html lang="bn">' in page
    assert bn("login.username") in page and bn("login.submit") in page
    assert "Username" not in page
    wrong = http.post(
        f"{console.url}/staff/login", data={"username": "nurse", "password": "wrong"}, timeout=10
    )
    assert bn("login.wrong") in wrong.text
    signed_in = http.post(
        f"{console.url}/staff/login",
        data={"username": "nurse", "password": PASSWORD, "next": "/staff/"},
        timeout=10,
    )
    assert bn("queue.title") in signed_in.text


def test_the_daily_pages_show_bangla_labels(console: Console) -> None:
    http = bangla_session(console)
    pages = {
        "/staff/": ("queue.title", "queue.hint", "queue.open", "nav.log", "sign_out"),
        f"/staff/conversations/{WHATSAPP_PATIENT}": (
            "transcript.title",
            "handoff.take_over",
            "transcript.right_topic",
            "transcript.choose",
            "review.mark",
        ),
        "/staff/log": ("log.title", "log.search", "log.filter", "log.count_other"),
        "/staff/callbacks": ("callbacks.title", "callbacks.empty"),
        "/staff/dashboard": ("dashboard.per_day", "dashboard.top_topics", "nav.dashboard"),
    }
    for path, keys in pages.items():
        page = http.get(f"{console.url}{path}", timeout=10).text
        assert '<html lang="bn">' in page, path
        for key in keys:
            expected = text("bn", key, count=2, days=14)
            assert expected in page, (path, key)
    log = http.get(f"{console.url}/staff/log", timeout=10).text
    for english in ("Search patient messages", "Live queue", "Sign out", ">Filter<"):
        assert english not in log


def test_notices_after_a_form_follow_the_language(console: Console) -> None:
    http = bangla_session(console, "admin")
    marked = http.post(
        f"{console.url}/staff/conversations/{WEB_PATIENT}/reviewed",
        data={"csrf_token": http.csrf},
        timeout=10,
    )
    assert bn("message.marked_reviewed") in marked.text
    assert "Marked as reviewed." not in marked.text
    audit = http.get(f"{console.url}/staff/audit", timeout=10).text
    assert bn("audit.log") in audit and bn("audit.when") in audit and "Locked sign-ins" not in audit
    nothing = http.post(
        f"{console.url}/staff/sign-in-locks/unlock", data={"csrf_token": http.csrf}, timeout=10
    )
    assert bn("message.nothing_to_unlock") in nothing.text
    english = http.get(
        f"{console.url}/staff/language", params={"lang": "en", "next": "/staff/"}, timeout=10
    ).text
    assert "Live queue" in english and bn("queue.title") not in english


@pytest.mark.parametrize("asked", ["xx", "", "../en"])
def test_an_unknown_language_changes_nothing(console: Console, asked: str) -> None:
    http = requests.Session()
    page = http.get(
        f"{console.url}/staff/language", params={"lang": asked, "next": "/staff/login"}, timeout=10
    )
    assert "clinic_staff_lang" not in http.cookies
    assert '<html lang="en">' in page.text


def test_the_switch_goes_back_only_inside_the_console(console: Console) -> None:
    reply = requests.get(
        f"{console.url}/staff/language",
        params={"lang": "bn", "next": "https://example.org/"},
        allow_redirects=False,
        timeout=10,
    )
    assert reply.status_code == 303 and reply.headers["Location"] == "/staff/"


def test_the_storage_and_urgent_banners_read_in_bangla() -> None:
    staff = SimpleNamespace(display_name="Nurse", role="staff")
    notice = StorageNotice(
        failing=("postgresql", "redis"),
        since=datetime(2026, 1, 10, 3, 0, tzinfo=timezone.utc),
        waiting=3,
    )
    page = (
        templates()
        .get_template("queue.html")
        .render(staff=staff, path="/staff/", storage=notice, entries=[], t=Translator("bn"))
    )
    assert bn("storage.degraded") in page and "POSTGRESQL ও REDIS" in page
    assert "2026-01-10 09:00" in page  # Asia/Dhaka, the default CLINIC_TIMEZONE
    assert text("bn", "storage.waiting", count=3) in page
    assert bn("urgent.text") in page and "Storage degraded" not in page
