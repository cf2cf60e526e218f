"""Fixtures for action tests: the real domain and trackers named after scenarios."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List

import pytest
from rasa.shared.importers.importer import TrainingDataImporter
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.settings import get_settings
from bot.storage.engine import shared_session_factory
from bot.storage.migrate import upgrade
from tests.conftest import PROJECT_ROOT, TEST_DATA


@pytest.fixture(scope="session")
def domain() -> Dict[str, Any]:
    """The domain as Rasa sends it to the action server, FAQ answers included."""
    importer = TrainingDataImporter.load_from_config(
        config_path=str(PROJECT_ROOT / "config.yml"),
        domain_path=str(PROJECT_ROOT / "domain.yml"),
        training_data_paths=[str(PROJECT_ROOT / "data")],
    )
    return importer.get_domain().as_dict()


def load_tracker(scenario: str, **changes: Any) -> Tracker:
    """A tracker from tests/data/trackers/<scenario>.json, with top-level ``changes``."""
    state = json.loads((TEST_DATA / "trackers" / f"{scenario}.json").read_text())
    state.update(changes)
    return Tracker.from_dict(state)


@pytest.fixture
def run_action(domain: Dict[str, Any]) -> Callable[..., Any]:
    """Run an action on a scenario; returns (messages, events)."""

    async def run(
        action: Action, scenario: str, **changes: Any
    ) -> tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
        dispatcher = CollectingDispatcher()
        events = await action.run(dispatcher, load_tracker(scenario, **changes), domain)
        return dispatcher.messages, events

    return run


@pytest.fixture
def clinic_db(tmp_path: Path) -> Iterator[str]:
    """A migrated SQLite database of the clinic's tables, for one test."""
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    upgrade(url)
    yield url
    shared_session_factory.cache_clear()


@pytest.fixture
def clinic_env(
    monkeypatch: pytest.MonkeyPatch, clinic_db: str, tmp_path: Path
) -> Iterator[Callable[..., None]]:
    """Set the clinic's contact settings (and a fresh database and journal) for one test."""
    # Handoffs queued during a simulated outage stay in the test's own journal.
    monkeypatch.setenv("STORAGE_JOURNAL_PATH", str(tmp_path / "journal.db"))

    def configure(**values: str) -> None:
        for name in ("CLINIC_PHONE", "CLINIC_WHATSAPP", "CLINIC_HOURS", "CLINIC_OPENING_HOURS"):
            monkeypatch.setenv(name, values.get(name.lower(), ""))
        monkeypatch.setenv("DATABASE_URL", values.get("database_url", clinic_db))
        get_settings.cache_clear()
        shared_session_factory.cache_clear()

    configure()
    yield configure
    get_settings.cache_clear()
