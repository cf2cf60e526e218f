"""Shared fixtures: the project's spaCy pipeline and its data files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import spacy
import yaml
from spacy.language import Language

from bot.nlu.spacy_pipeline import build_pipeline

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = Path(__file__).resolve().parent / "data"
SPACY_MODEL = PROJECT_ROOT / "build" / "spacy" / "en_clinic"


def load_yaml(path: Path) -> Any:
    """Parse a YAML file of the project."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The spaCy pipeline Rasa uses: the one `make install` built, else a fresh build."""
    if (SPACY_MODEL / "meta.json").exists():
        return spacy.load(SPACY_MODEL)
    return build_pipeline()
