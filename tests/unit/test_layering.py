"""Imports run one way: the layering of bot/ and actions/, read from the source with ``ast``.

Each contract says which packages a package must not import, at module level
or inside a function alike. To add a rule, add a line to ``CONTRACTS``; to
name a module that may read the environment, add it to
``ENVIRONMENT_READERS`` (``bot.settings`` is meant to be the only one).
SQLAlchemy engines are created in ``bot.storage`` only (``ENGINE_MAKERS``).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Set, Tuple

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "actions")


@dataclass(frozen=True)
class Contract:
    """Modules under ``importer`` never import anything under ``forbidden``."""

    importer: str
    forbidden: Tuple[str, ...]
    why: str
    # Modules under ``importer`` the rule does not apply to.
    exceptions: Tuple[str, ...] = ()


CONTRACTS: Tuple[Contract, ...] = (
    Contract(
        "bot.channels",
        ("bot.web", "bot.console"),
        "the Rasa process's channels must not load the web process's code",
    ),
    Contract(
        "bot.web",
        ("bot.channels",),
        "the web process must not load Rasa's input channels",
    ),
    Contract(
        "bot.web",
        ("bot.console",),
        "the web package is the widget's; only its app mounts the staff console",
        exceptions=("bot.web.app",),
    ),
    Contract(
        "bot.console",
        ("bot.channels", "bot.web"),
        "the console reads the WhatsApp window from bot.whatsapp_window, not channel code",
    ),
    Contract(
        "actions",
        ("bot.channels", "bot.web", "bot.console"),
        "the action server must not load channel or web code",
    ),
    Contract(
        "bot.nlu",
        ("bot.channels", "bot.web", "bot.console", "bot.storage", "bot.privacy"),
        "NLU components read text only; digits come from bot.digits",
    ),
    Contract("bot.privacy", ("bot.nlu",), "privacy and the NLU must not import each other"),
    Contract(
        "bot.storage",
        ("bot.console", "bot.web", "bot.channels", "bot.review", "bot.nlu", "actions"),
        "storage is the bottom layer: the console, the web process, the channels, the "
        "review and the actions read and write the database through it",
    ),
    Contract(
        "bot.digits",
        ("bot", "actions"),
        "a leaf: privacy, the NLU and the channels all import it",
    ),
    Contract(
        "bot.whatsapp_window",
        ("bot", "actions", "rasa", "sanic"),
        "neutral: the channels, the console and the actions all import it",
    ),
    Contract(
        "bot.intents",
        ("bot", "actions", "rasa", "sanic"),
        "a leaf: the NLU, the channels, the actions, the review and the evaluation read it",
    ),
    Contract(
        "bot.responses",
        ("bot", "actions", "rasa", "sanic"),
        "a leaf: the evaluation, the readability table and the review read the answers here",
    ),
    Contract(
        "bot.faq_choice",
        ("bot.nlu", "bot.storage", "bot.channels", "bot.web", "bot.console", "bot.review")
        + ("bot.evaluation", "actions", "rasa", "sanic"),
        "the one rule for which answer a parse gets: it reads the parse result only",
    ),
    Contract(
        "bot.session_tokens",
        ("bot", "actions", "rasa", "sanic"),
        "neutral: the web process signs sessions, the Rasa webchat channel verifies them",
    ),
)

# Modules that may read the environment (os.environ, os.getenv); all others
# get their configuration from bot.settings.
ENVIRONMENT_READERS = frozenset(
    {
        "bot.settings",  # the one reader of the configuration
        "bot.launcher",  # passes the environment on to the processes it starts
        "bot.cluster.run",  # the same, for several Rasa processes
        "bot.bench.servers",  # the same, for the benchmark's servers
        "bot.rasa_server",  # Rasa's command line arguments, before settings exist
        "bot.action_server",  # LOG_LEVEL for rasa-sdk's logging, before settings exist
        "bot.log_redaction",  # the redaction key, read by logging set-up
        "bot.storage.journal",  # STORAGE_JOURNAL_PATH
    }
)


# Packages whose modules may create SQLAlchemy engines; everyone else asks them.
ENGINE_MAKERS = ("bot.storage",)
ENGINE_FACTORIES = frozenset({"create_engine", "create_async_engine", "engine_from_config"})


def module_name(path: Path, root: Path) -> str:
    """The dotted module name of a source file under ``root``."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules(root: Path = PROJECT_ROOT) -> Dict[str, ast.Module]:
    """Every module under the project's packages, parsed."""
    modules = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            modules[module_name(path, root)] = ast.parse(path.read_text(), str(path))
    return modules


def imported_names(module: str, tree: ast.Module, is_package: bool) -> Set[str]:
    """Every module ``tree`` imports, by full dotted name (``from a import b`` gives a and a.b)."""
    names: Set[str] = set()
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
    return names


def under(name: str, prefix: str) -> bool:
    """Whether module ``name`` is ``prefix`` or inside it."""
    return name == prefix or name.startswith(prefix + ".")


def violations(root: Path = PROJECT_ROOT) -> Iterator[str]:
    """Every import that breaks a contract, as ``importer -> imported (why)``."""
    modules = project_modules(root)
    for module, tree in modules.items():
        is_package = (root / module.replace(".", "/") / "__init__.py").exists()
        imports = imported_names(module, tree, is_package)
        for contract in CONTRACTS:
            if not under(module, contract.importer) or module in contract.exceptions:
                continue
            for name in sorted(imports):
                if under(name, contract.importer):
                    continue  # a package's own modules
                if any(under(name, forbidden) for forbidden in contract.forbidden):
                    yield f"{module} -> {name} ({contract.why})"


def reads_environment(tree: ast.Module) -> bool:
    """Whether a module reads ``os.environ`` or ``os.getenv`` (or imports them from os)."""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("environ", "getenv", "environb")
            and isinstance(node.value, ast.Name)
            and node.value.id == "os"
        ):
            return True
        if (
            isinstance(node, ast.ImportFrom)
            and node.module == "os"
            and any(alias.name in ("environ", "getenv", "environb") for alias in node.names)
        ):
            return True
    return False


def environment_readers(root: Path = PROJECT_ROOT) -> List[str]:
    """Modules that read the environment but are not in ``ENVIRONMENT_READERS``."""
    return sorted(
        module
        for module, tree in project_modules(root).items()
        if module not in ENVIRONMENT_READERS and reads_environment(tree)
    )


def creates_engines(tree: ast.Module) -> bool:
    """Whether a module calls or imports SQLAlchemy's engine factories (``sa.create_engine``)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ENGINE_FACTORIES:
            return True
        if (
            isinstance(node, ast.ImportFrom)
            and (node.module or "").split(".")[0] == "sqlalchemy"
            and any(alias.name in ENGINE_FACTORIES for alias in node.names)
        ):
            return True
    return False


def engine_makers(root: Path = PROJECT_ROOT) -> List[str]:
    """Modules outside ``ENGINE_MAKERS`` that create SQLAlchemy engines themselves."""
    return sorted(
        module
        for module, tree in project_modules(root).items()
        if not any(under(module, package) for package in ENGINE_MAKERS) and creates_engines(tree)
    )


def test_imports_run_one_way() -> None:
    assert list(violations()) == []


def test_only_the_listed_modules_read_the_environment() -> None:
    assert environment_readers() == []


def test_only_the_storage_package_creates_engines() -> None:
    assert engine_makers() == []


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("bot.channels.webchat", "from bot.web.sessions import verify_session", True),
        ("bot.channels.webchat", "from bot.web import sessions", True),
        ("bot.channels.webchat", "from ..web import sessions", True),
        ("bot.channels.webchat", "def f():\n    import bot.console.handoffs", True),
        ("bot.channels.webchat", "from bot.channels.safe_text import replace_unencodable", False),
        ("bot.web.app", "from bot.console.handoffs import HandoffDesk", False),
        ("bot.web.history", "from bot.console.handoffs import HandoffDesk", True),
        ("actions.clinic_contact", "from bot.channels import WHATSAPP_CHANNELS", True),
        ("actions.clinic_contact", "from bot.whatsapp_window import WHATSAPP_CHANNELS", False),
        ("bot.nlu.red_flags", "from bot.privacy import to_ascii_digits", True),
        ("bot.privacy", "from bot.nlu.bangla import BANGLA_DIGITS", True),
        ("bot.whatsapp_window", "from rasa.core.channels.channel import InputChannel", True),
        ("bot.storage.repository", "from bot.console.auth import token_hash", True),
        ("bot.storage.rasa_events", "from bot.review.turns import user_turns", True),
        ("bot.storage.engine", "def f():\n    import actions.handoff", True),
        ("bot.storage.engine", "from bot.storage.database import sqlite_file", False),
        ("bot.console.auth", "from bot.storage import repository", False),
    ],
)
def test_the_checker_sees_each_form_of_import(
    tmp_path: Path, module: str, source: str, expected: bool
) -> None:
    path = tmp_path / (module.replace(".", "/") + ".py")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source + "\n")
    for package in PACKAGES:
        (tmp_path / package).mkdir(exist_ok=True)
        (tmp_path / package / "__init__.py").touch()
    assert bool(list(violations(tmp_path))) is expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import os\nos.environ.get('X')", True),
        ("import os\nos.getenv('X')", True),
        ("from os import environ", True),
        ("from bot.settings import get_settings\nget_settings().retention_days", False),
    ],
)
def test_environment_reads_are_seen(source: str, expected: bool) -> None:
    assert reads_environment(ast.parse(source)) is expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import sqlalchemy as sa\nsa.create_engine('sqlite://')", True),
        ("from sqlalchemy import create_engine", True),
        ("from sqlalchemy.ext.asyncio import create_async_engine", True),
        ("from sqlalchemy.engine import Connection, make_url", False),
        ("from bot.storage.engine import engine_for\nengine_for('sqlite://')", False),
    ],
)
def test_engine_creation_is_seen(source: str, expected: bool) -> None:
    assert creates_engines(ast.parse(source)) is expected
