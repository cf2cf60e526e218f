"""Freeze the Rasa process's heap once the model is loaded (see :mod:`bot.heap`).

Rasa loads the model in a ``before_server_start`` listener,
``rasa.core.run.load_agent_on_start``, which ``serve_application`` looks up
when it registers it; this override runs it, then :func:`bot.heap.freeze_heap`.
A model loaded later (``PUT /model``) is collected as before.
"""

from __future__ import annotations

from typing import Any

from rasa.core import run as rasa_run

from bot.heap import freeze_heap

RASA_LOAD_AGENT_ON_START = rasa_run.load_agent_on_start


async def load_agent_then_freeze(*args: Any, **kwargs: Any) -> Any:
    """Rasa's start-up model load, then the heap frozen."""
    agent = await RASA_LOAD_AGENT_ON_START(*args, **kwargs)
    freeze_heap()
    return agent


def install() -> None:
    """Replace Rasa's listener (idempotent)."""
    rasa_run.load_agent_on_start = load_agent_then_freeze
