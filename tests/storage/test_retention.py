"""The retention command on SQLite and PostgreSQL, with conversations Rasa stored."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Dict, Iterator, List

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from sqlalchemy.orm import sessionmaker

from bot.retention import main, run_retention
from bot.settings import get_settings
from bot.storage.engine import engine_for, session_factory
from bot.storage.models import AuditLogEntry, CallbackRequest, Handoff, SignInThrottle
from bot.storage.replay import REPLAYS, ensure_replay_table
from tests import factories
from tests.conftest import PROJECT_ROOT
from tests.review.helpers import bot, fresh_database, save_conversations, user

POSTGRES_DATABASE = "clinic_test_retention"
NOW = datetime.now(timezone.utc)
LONG_AGO = NOW - timedelta(days=400)
LAST_WEEK = NOW - timedelta(days=5)

EXPECTED = {
    "conversations": 1,
    "events": 2,
    "clinic_callback_requests": 1,
    "clinic_handoffs": 1,
    "clinic_review_annotations": 1,
    "clinic_reviewed_conversations": 1,
    "clinic_sign_in_throttles": 1,
    "tracker_journal_replays": 1,
}


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return fresh_database(request.param, tmp_path, POSTGRES_DATABASE)


@pytest.fixture
async def url(database_url: str) -> str:
    """A year-old conversation, one old but still going, a recent one, and clinic rows."""
    domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    await save_conversations(
        database_url,
        domain,
        {
            "stale": [
                user("my number is 01712345678", "faq", 0.9, at=LONG_AGO),
                bot("Thank you.", at=LONG_AGO + timedelta(seconds=1)),
            ],
            "still-going": [
                user("hello", "greet", 0.9, at=LONG_AGO),
                bot("Hello!", at=LONG_AGO + timedelta(seconds=1)),
                user("I am back", "greet", 0.9, at=LAST_WEEK),
            ],
            "recent": [user("what is a vro", "faq", 0.9, at=LAST_WEEK)],
        },
    )
    with factories.clinic_session(database_url) as session:
        staff = factories.staff(session, "admin", display_name="Admin", role="admin")
        for when, suffix in ((LONG_AGO, "old"), (LAST_WEEK, "new")):
            factories.callback(session, f"cb-{suffix}", consent_given_at=when, created_at=when)
            factories.annotation(
                session, f"r-{suffix}", event_id=1 if suffix == "old" else 2,
                correct_key="faq/vro_recovery", created_by=staff, created_at=when,
            )  # fmt: skip
            factories.reviewed(session, f"r-{suffix}", reviewed_by=staff, reviewed_at=when)
            session.add(
                SignInThrottle(
                    scope="username", key=f"guess-{suffix}", attempts=1,
                    window_started_at=when,
                )
            )  # fmt: skip
        factories.handoff(session, "h-closed", closed_by=staff, closed_at=LONG_AGO)
        factories.handoff(session, "h-open", urgent=True, reason="urgent", created_at=LONG_AGO)
    # Keys of journal rows replayed a year ago and last week.
    engine = engine_for(database_url)
    try:
        ensure_replay_table(engine)
        with engine.begin() as connection:
            connection.execute(
                REPLAYS.insert(),
                [
                    {"replay_key": "old:1", "replayed_at": LONG_AGO.timestamp()},
                    {"replay_key": "new:1", "replayed_at": LAST_WEEK.timestamp()},
                ],
            )
    finally:
        engine.dispose()
    return database_url


@pytest.fixture
def factory(url: str) -> Iterator[sessionmaker]:
    engine = engine_for(url)
    try:
        yield session_factory(engine)
    finally:
        engine.dispose()


def _state(factory: sessionmaker) -> Dict[str, List[str]]:
    with factory() as session:
        events = session.execute(
            sa.text("SELECT sender_id, type_name FROM events ORDER BY id")
        ).all()
        return {
            "events": [f"{sender}:{kind}" for sender, kind in events],
            "callbacks": sorted(
                session.execute(sa.select(CallbackRequest.conversation_id)).scalars()
            ),
            "handoffs": sorted(session.execute(sa.select(Handoff.conversation_id)).scalars()),
            "audit": list(session.execute(sa.select(AuditLogEntry.action)).scalars()),
            "replay_keys": sorted(session.execute(sa.select(REPLAYS.c.replay_key)).scalars()),
        }


def test_dry_run_counts_and_deletes_nothing(factory: sessionmaker) -> None:
    before = _state(factory)
    assert run_retention(factory, 365, dry_run=True) == EXPECTED
    assert _state(factory) == before
    assert before["audit"] == []


def test_old_conversations_and_rows_go_recent_ones_stay(factory: sessionmaker) -> None:
    assert run_retention(factory, 365) == EXPECTED
    state = _state(factory)
    assert state["events"] == [
        "still-going:user", "still-going:bot", "still-going:user", "recent:user",
    ]  # fmt: skip
    assert state["callbacks"] == ["cb-new"]
    assert state["handoffs"] == ["h-open"]  # open handoffs are kept, however old
    assert state["replay_keys"] == ["new:1"]
    with factory() as session:
        entry = session.execute(sa.select(AuditLogEntry)).scalar_one()
        assert (entry.action, entry.actor_id) == ("retention.run", None)
        details = json.loads(entry.details)
    assert {key: details[key] for key in EXPECTED} == EXPECTED
    assert details["days"] == 365
    assert "01712345678" not in entry.details

    # Nothing is left to delete the second time.
    assert set(run_retention(factory, 365).values()) == {0}


def test_a_short_period_takes_the_conversation_that_went_quiet(factory: sessionmaker) -> None:
    counts = run_retention(factory, 1)
    assert (counts["conversations"], counts["events"]) == (3, 6)
    assert _state(factory)["events"] == []


def test_command_line(url: str, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("RETENTION_DAYS", "365")
    get_settings.cache_clear()
    try:
        assert main(["--dry-run"]) == 0
        dry = capsys.readouterr().out
        assert "would delete" in dry and "conversations: 1" in dry and "nothing was deleted" in dry
        assert main([]) == 0
        done = capsys.readouterr().out
        assert "deleted:" in done and "events: 2" in done
        for private in ("01712345678", "stale", "hello", "+880"):
            assert private not in dry + done
        with pytest.raises(SystemExit) as refused:
            main(["--days", "0"])
        assert refused.value.code == 2
        monkeypatch.setenv("RETENTION_DAYS", "-3")
        get_settings.cache_clear()
        with pytest.raises(SystemExit):
            main([])
    finally:
        get_settings.cache_clear()


def test_a_database_rasa_has_not_written_to_yet(tmp_path: Path) -> None:
    database = fresh_database("sqlite", tmp_path, POSTGRES_DATABASE)
    engine = engine_for(database)
    try:
        counts = run_retention(session_factory(engine), 30)
    finally:
        engine.dispose()
    assert counts["conversations"] == counts["events"] == 0
