"""Fixtures: the scenario's conversations on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from sqlalchemy.engine import Connection

from bot.storage import repository
from bot.storage.engine import engine_for, session_factory
from tests.conftest import PROJECT_ROOT
from tests.review import scenario
from tests.review.helpers import fresh_database, save_conversations

POSTGRES_DATABASE = "clinic_test_review"


@pytest.fixture(scope="session")
def domain() -> Domain:
    return Domain.load(str(PROJECT_ROOT / "domain.yml"))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty, migrated database of each kind."""
    return fresh_database(request.param, tmp_path, POSTGRES_DATABASE)


@pytest.fixture
def staff_id(database_url: str) -> int:
    engine = engine_for(database_url)
    try:
        with session_factory(engine).begin() as session:
            return repository.create_staff(
                session=session,
                username="reviewer",
                display_name="Dr Reviewer",
                password_hash="argon2$not-a-real-hash",
                role="admin",
            ).id
    finally:
        engine.dispose()


@pytest.fixture
async def clinic_url(database_url: str, domain: Domain, staff_id: int) -> str:
    """The scenario stored by Rasa, plus a reviewed marker and a handoff row for ``button``."""
    await save_conversations(database_url, domain, scenario.conversations())
    engine = engine_for(database_url)
    try:
        with session_factory(engine).begin() as session:
            repository.mark_reviewed(
                session=session, conversation_id="button", reviewed_by_id=staff_id
            )
            handoff = repository.open_handoff(
                session=session,
                conversation_id="button",
                channel="webchat",
                urgent=False,
                reason="requested",
            )
            handoff.created_at = scenario.DAY4
    finally:
        engine.dispose()
    return database_url


@pytest.fixture
def connection(clinic_url: str) -> Iterator[Connection]:
    engine = sa.create_engine(clinic_url, future=True)
    try:
        with engine.connect() as opened:
            yield opened
    finally:
        engine.dispose()
