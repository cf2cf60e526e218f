"""The tier markers tests/conftest.py gives (what `make test-fast` leaves out)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT, _code_words, _own_words, tier_markers
from tests.review.helpers import fresh_database
from tests.utils.databases import postgres_test_url


def _newest_model() -> Path:
    return sorted((PROJECT_ROOT / "models").glob("*.tar.gz"))[-1]


def _calls_a_helper_that_reads_models() -> Path:
    return _newest_model()


def _calls_postgres() -> str:
    return postgres_test_url()


def _calls_a_shared_helper(tmp_path: Path) -> str:
    return fresh_database("sqlite", tmp_path, "unused")


def _asserts_on_a_variable_named_models(models: list) -> None:
    assert models == ["dfo"]


def test_the_models_folder_is_read_from_a_path_join_not_from_any_string() -> None:
    assert "/models" in _own_words(_newest_model.__code__)
    assert "/models" not in _own_words(_asserts_on_a_variable_named_models.__code__)


def test_helpers_of_the_same_file_are_followed() -> None:
    assert _code_words(_calls_a_helper_that_reads_models)["/models"] is True
    # Looked up by name: calling it here would make this test a PostgreSQL one.
    assert _code_words(globals()["_calls_postgres"])["postgres_test_url"] is True


def test_postgresql_named_in_a_shared_helper_is_left_to_the_parameter() -> None:
    # fresh_database("sqlite", ...) names postgres_test_url for its other branch.
    assert _code_words(_calls_a_shared_helper)["postgres_test_url"] is False


def test_a_test_with_no_server_database_or_model_gets_no_tier(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    assert tier_markers(request.node) == set()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_the_postgresql_parameter_gives_the_postgres_tier(
    request: pytest.FixtureRequest, kind: str
) -> None:
    expected = {"postgres"} if kind == "postgresql" else set()
    assert tier_markers(request.node) == expected
    assert {mark.name for mark in request.node.iter_markers()} >= expected
