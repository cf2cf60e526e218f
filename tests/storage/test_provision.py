"""Creating PostgreSQL databases by name (bot/storage/provision.py), on the real server."""

import pytest
import sqlalchemy as sa

from bot.storage.provision import checked_name, ensure_database, recreate_database
from tests.utils.databases import postgres_test_url


def tables(url: str) -> set:
    engine = sa.create_engine(url, future=True)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_ensure_creates_a_missing_database_and_keeps_an_existing_one() -> None:
    url = recreate_database(postgres_test_url(), "clinic_provision_test")
    engine = sa.create_engine(url, future=True)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("CREATE TABLE kept (id int)"))
    finally:
        engine.dispose()
    assert ensure_database(url) == url
    assert "kept" in tables(url)


def test_recreate_gives_an_empty_database() -> None:
    url = recreate_database(postgres_test_url(), "clinic_provision_test")
    engine = sa.create_engine(url, future=True)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("CREATE TABLE dropped (id int)"))
    finally:
        engine.dispose()
    assert tables(recreate_database(postgres_test_url(), "clinic_provision_test")) == set()


@pytest.mark.parametrize("name", ['x"; DROP DATABASE postgres; --', "Clinic", "", "1abc"])
def test_names_that_are_not_plain_identifiers_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="unexpected database name"):
        checked_name(name)
    with pytest.raises(ValueError):
        recreate_database(postgres_test_url(), name)
