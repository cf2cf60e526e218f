"""Shared fixtures: the project's spaCy pipeline and its data files."""

from __future__ import annotations

import dis
import functools
import inspect
from pathlib import Path
from types import CodeType
from typing import TYPE_CHECKING, Any, Dict, FrozenSet, Iterator, List, Optional, Set, Tuple

import pytest
import yaml

if TYPE_CHECKING:
    from spacy.language import Language

    from tests.utils.stack import AssistantStack

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TESTS_ROOT = Path(__file__).resolve().parent
TEST_DATA = TESTS_ROOT / "data"
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


def bangla_text_of(responses: Dict[str, List[Dict[str, Any]]], name: str) -> str:
    """The text a response sends in Bangla (its first variation with a condition)."""
    return next(v["text"] for v in responses[name] if v.get("condition"))


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


# Test tiers (`make test-fast` deselects every marker below). Markers are given here, from what
# a test uses, so no test file has to remember them:
# - its folder (TIER_FOLDERS);
# - the fixtures it uses, directly or through other fixtures (TIER_FIXTURES);
# - a "postgresql" parameter (the tests that run once per database);
# - the names and strings in its code, in the code of the fixtures it uses and of the functions
#   of tests/ these call (TIER_NAMES): a test that calls postgres_test_url() is a PostgreSQL
#   test wherever it lives.
TIER_FOLDERS: Dict[str, Set[str]] = {
    "browser": {"browser", "server", "model", "postgres"},
    "live": {"server", "model", "postgres"},
    "faults": {"server", "model", "postgres"},
    "cluster": {"server", "model", "postgres"},
}
TIER_FIXTURES: Dict[str, Set[str]] = {
    "stack": {"server", "model", "postgres"},
    "browser": {"browser"},
}
TIER_NAMES: Dict[str, Set[str]] = {
    # PostgreSQL and Redis: the machine's test servers, or private ones started for a test.
    "postgres_test_url": {"postgres"},
    "redis_test_url": {"postgres"},
    "PostgresServer": {"postgres"},
    "RedisServer": {"postgres"},
    # Our own processes (web process, Rasa, the launcher) started and awaited.
    "wait_until_ready": {"server"},
    "Popen": {"server"},
    # The trained model: PROJECT_ROOT / "models", or the launcher's lookup of it.
    "/models": {"model"},
    "latest_model": {"model"},
}


def _project_code(function: Any) -> Optional[CodeType]:
    """The code of a function written under tests/, else None (Python's, pytest's or ours)."""
    code = getattr(inspect.unwrap(function), "__code__", None)
    if not isinstance(code, CodeType):
        return None
    return code if _in_tests(code.co_filename) else None


@functools.cache
def _in_tests(filename: str) -> bool:
    """Whether a source file is under tests/."""
    return Path(filename).resolve().is_relative_to(TESTS_ROOT)


@functools.cache
def _folder(path: str) -> str:
    """The folder right under tests/ that holds a test file."""
    return Path(path).resolve().relative_to(TESTS_ROOT).parts[0]


@functools.cache
def _own_words(code: CodeType) -> FrozenSet[str]:
    """Global and attribute names of ``code`` and of the code nested in it, and the constant
    path parts it joins with ``/`` (``PROJECT_ROOT / "models"`` gives ``/models``).

    Other string constants are not read: pytest's assertion rewriting adds a test's
    variable names as strings.
    """
    words = set(code.co_names)
    instructions = list(dis.get_instructions(code))
    for current, following in zip(instructions, instructions[1:], strict=False):
        if (
            current.opname == "LOAD_CONST"
            and isinstance(current.argval, str)
            # Python 3.10's opcode, and the one of later versions.
            and (following.opname == "BINARY_TRUE_DIVIDE" or following.argrepr == "/")
        ):
            words.add("/" + current.argval)
    for constant in code.co_consts:
        if isinstance(constant, CodeType):
            words |= _own_words(constant)
    return frozenset(words)


_WORDS: Dict[Tuple[CodeType, bool], Dict[str, bool]] = {}


def _code_words(function: Any, near: bool = True) -> Dict[str, bool]:
    """The words (``_own_words``) of a tests/ function and of the tests/ functions it calls;
    each with whether it was seen in ``function``'s own file (True) or only in a helper of
    another file (False)."""
    code = _project_code(function)
    if code is None:
        return {}
    key = (code, near)
    if key not in _WORDS:
        _WORDS[key] = {}  # a helper that calls itself adds nothing more
        found = _own_words(code)
        words = dict.fromkeys(found, near)
        namespace = getattr(inspect.unwrap(function), "__globals__", {})
        for name in sorted(found):
            called = namespace.get(name)
            called_code = _project_code(called) if inspect.isfunction(called) else None
            if called_code is not None:
                same_file = near and called_code.co_filename == code.co_filename
                for word, word_near in _code_words(called, same_file).items():
                    words[word] = words.get(word, False) or word_near
        _WORDS[key] = words
    return _WORDS[key]


def tier_markers(item: pytest.Item) -> Set[str]:
    """The tier markers ``item`` gets from its folder, fixtures, parameters and code."""
    markers: Set[str] = set()
    markers |= TIER_FOLDERS.get(_folder(str(item.path)), set())
    fixtures = set(getattr(item, "fixturenames", ()))
    for name in fixtures:
        markers |= TIER_FIXTURES.get(name, set())
    callspec = getattr(item, "callspec", None)
    if callspec is not None and "postgresql" in map(str, callspec.params.values()):
        markers.add("postgres")
    functions = [getattr(item, "function", None)]
    info = getattr(item, "_fixtureinfo", None)
    for name in sorted(fixtures):
        definitions = info.name2fixturedefs.get(name, ()) if info else ()
        if definitions:
            functions.append(definitions[-1].func)  # the one that applies (overrides are last)
    for function in functions:
        for word, near in _code_words(function).items():
            tiers = TIER_NAMES.get(word, set())
            # A shared helper given the database kind (tests/review/helpers.fresh_database)
            # names PostgreSQL for both kinds: the "postgresql" parameter decides there.
            markers |= tiers if near else tiers - {"postgres"}
    return markers


def pytest_collection_modifyitems(config: pytest.Config, items: List[pytest.Item]) -> None:
    """Mark every collected test with its tiers (see TIER_FOLDERS)."""
    for item in items:
        for name in sorted(tier_markers(item) - {mark.name for mark in item.iter_markers()}):
            item.add_marker(name)
