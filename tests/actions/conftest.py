"""Fixtures for action tests: the real domain and trackers named after scenarios."""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, Iterator, List

import pytest
from rasa.shared.importers.importer import TrainingDataImporter
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.settings import get_settings
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


def load_tracker(scenario: str) -> Tracker:
    """A tracker from tests/data/trackers/<scenario>.json."""
    state = json.loads((TEST_DATA / "trackers" / f"{scenario}.json").read_text())
    return Tracker.from_dict(state)


@pytest.fixture
def run_action(domain: Dict[str, Any]) -> Callable[..., Any]:
    """Run an action on a scenario; returns (messages, events)."""

    async def run(
        action: Action, scenario: str
    ) -> tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
        dispatcher = CollectingDispatcher()
        events = await action.run(dispatcher, load_tracker(scenario), domain)
        return dispatcher.messages, events

    return run


@pytest.fixture
def clinic_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Set the clinic's contact settings for one test."""

    def configure(**values: str) -> None:
        for name in ("CLINIC_PHONE", "CLINIC_WHATSAPP", "CLINIC_HOURS"):
            monkeypatch.setenv(name, values.get(name.lower(), ""))
        get_settings.cache_clear()

    configure()
    yield configure
    get_settings.cache_clear()
