"""The SQLite database file holds patients' conversations: only its owner may read it."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Iterator

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.storage.engine import engine_for
from bot.storage.migrate import upgrade
from bot.storage.tracker_store import DatabaseUrlTrackerStore
from tests.conftest import PROJECT_ROOT


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The umask most shells run with, under which new files are world-readable."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


async def test_the_tracker_store_creates_the_file_private(tmp_path: Path) -> None:
    path = tmp_path / "var" / "rasa.db"
    domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    store = DatabaseUrlTrackerStore(domain=domain, database_url=f"sqlite:///{path}")
    tracker = DialogueStateTracker.from_events(
        "file-mode", [ActionExecuted("action_listen"), UserUttered("hello")]
    )
    await store.save(tracker)
    assert mode(path) == 0o600


def test_migrations_create_the_file_private(tmp_path: Path) -> None:
    path = tmp_path / "rasa.db"
    upgrade(f"sqlite:///{path}")
    assert mode(path) == 0o600


def test_an_existing_readable_file_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "rasa.db"
    path.touch()
    path.chmod(0o644)
    engine = engine_for(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("CREATE TABLE kept (id INTEGER)"))
    finally:
        engine.dispose()
    assert mode(path) == 0o600
