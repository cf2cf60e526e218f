"""Fixtures of the tracker-store tests: the domain and both databases."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from rasa.shared.core.domain import Domain

from tests.conftest import PROJECT_ROOT
from tests.utils.databases import ensure_postgres_database, postgres_test_url


@pytest.fixture(scope="module")
def domain() -> Domain:
    """The assistant's domain."""
    return Domain.load(str(PROJECT_ROOT / "domain.yml"))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A SQLite file in a folder that does not exist yet, then the PostgreSQL test database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/nested/folder/rasa.db"
    else:
        yield ensure_postgres_database(postgres_test_url())
