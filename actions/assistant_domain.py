"""The parts of the domain the actions read, from the files, once.

Rasa sends the whole domain with every action call (52 KB of JSON: every
response with its Bangla variations) unless the action endpoint enables the
selective domain, as ``endpoints.yml`` does; then the call carries the
conversation only, and Rasa encodes and the action server decodes a third as
much. The actions read the responses and the session settings from the same
files Rasa trained on (:mod:`bot.responses`), loaded once per process. A call
that does carry the domain (tests, a ``send_domain`` action) is read as sent.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Dict, Optional

import yaml

from bot.responses import DOMAIN_FILE, load_responses

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@functools.lru_cache(maxsize=4)
def file_domain(project_root: Path = PROJECT_ROOT) -> Dict[str, Any]:
    """The responses and session settings, as Rasa's domain holds them."""
    domain = yaml.safe_load((project_root / DOMAIN_FILE).read_text(encoding="utf-8")) or {}
    return {
        "responses": load_responses(project_root),
        "session_config": dict(domain.get("session_config") or {}),
    }


def assistant_domain(sent: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    """The domain Rasa sent with the call, or the files' when it sent none."""
    return sent if sent else file_domain()
