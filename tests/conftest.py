"""Shared fixtures: the project's spaCy pipeline and its data files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, Iterator, List

import pytest
import yaml

if TYPE_CHECKING:
    from spacy.language import Language

    from tests.utils.stack import AssistantStack

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = Path(__file__).resolve().parent / "data"
SPACY_MODEL = PROJECT_ROOT / "build" / "spacy" / "en_clinic"


def load_yaml(path: Path) -> Any:
    """Parse a YAML file of the project."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The spaCy pipeline Rasa uses: the one `make install` built, else a fresh build."""
    # Imported here, not at collection: spaCy (and TensorFlow under it) take seconds to load.
    import spacy

    from bot.nlu.spacy_pipeline import build_pipeline

    if (SPACY_MODEL / "meta.json").exists():
        return spacy.load(SPACY_MODEL)
    return build_pipeline()


@pytest.fixture(scope="session")
def responses() -> Dict[str, List[Dict[str, Any]]]:
    """Every response of the assistant by name, as written in the project's data."""
    from bot.evaluation.run import all_responses

    return all_responses()


def text_of(responses: Dict[str, List[Dict[str, Any]]], name: str) -> str:
    """The text a response sends (its first variation)."""
    return responses[name][0]["text"]


@pytest.fixture(scope="session")
def stack() -> Iterator[AssistantStack]:
    """The running assistant (trained model, all three processes), shared by a session."""
    from tests.utils.databases import ensure_postgres_database, postgres_test_url, redis_test_url
    from tests.utils.stack import AssistantStack

    models = sorted((PROJECT_ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        pytest.fail("no trained model: run `make train` (make test does it)")
    running = AssistantStack(
        database_url=ensure_postgres_database(postgres_test_url()),
        redis_url=redis_test_url(),
        model=models[-1],
    )
    try:
        yield running.start()
    finally:
        running.stop()
