"""The assistant's responses as the YAML files hold them, read in one place.

``domain.yml`` holds the dialogue's responses; ``data/responses/*.yml`` the
FAQ answers with their provenance and their "tell me more" parts. They are
merged in that order (file names sorted), a later name replacing an earlier
one. The evaluation (reading grades, answer lengths), the review's list of
answer keys and the tests read them here. Rasa itself reads the same files
through its own importer.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Dict, List, Sequence

import yaml

DOMAIN_FILE = "domain.yml"
RESPONSES_DIR = Path("data") / "responses"

Responses = Dict[str, List[Dict[str, Any]]]


def response_files(project_root: Path) -> List[Path]:
    """The files read, in merge order: the domain, then ``data/responses/*.yml`` sorted."""
    return [project_root / DOMAIN_FILE, *sorted((project_root / RESPONSES_DIR).glob("*.yml"))]


@functools.lru_cache(maxsize=4)
def _read(project_root: Path) -> Responses:
    responses: Responses = {}
    for path in response_files(project_root):
        responses.update(yaml.safe_load(path.read_text(encoding="utf-8"))["responses"])
    return responses


def load_responses(project_root: Path) -> Responses:
    """Every response of the assistant by name (``utter_faq/vro_recovery``...).

    The files are read once per project root; each call returns a new dict,
    whose variation lists are shared: do not change them.

    Args:
        project_root: The directory holding ``domain.yml`` and ``data/``.

    Returns:
        Response name -> its variations (``text``, ``condition``, ``buttons``,
        ``metadata``...), as in the YAML files.
    """
    return dict(_read(Path(project_root).resolve()))


def response_variant(variants: Sequence[Dict[str, Any]], language: str) -> Dict[str, Any]:
    """A response's variant for ``language`` (``en`` or ``bn``), ``{}`` if it has none.

    A variant conditioned on the ``language`` slot wins; the unconditioned
    one is the default (English).
    """
    default: Dict[str, Any] = {}
    for variant in variants:
        conditions = variant.get("condition") or []
        if not conditions:
            default = default or variant
            continue
        if all(
            item.get("name") == "language" and item.get("value") == language for item in conditions
        ):
            return variant
    return default
