"""Small, tested overrides of Rasa 3.6 internals that remove per-message work.

``bot.rasa_server`` installs them at start-up (:func:`install_all`); each
module says what it replaces and why the behaviour stays the same.
``RASA_SPEEDUPS=off`` leaves Rasa's own code in place, to measure the
difference (``make bench BENCH_ARGS="--stacks ours,ours-stock"``) or to rule
the overrides out when something misbehaves.
"""

from __future__ import annotations

from typing import Mapping, Optional

from bot.settings import get_settings, speedups_wanted

SWITCH = "RASA_SPEEDUPS"


def enabled(environ: Mapping[str, str]) -> bool:
    """Whether the overrides are wanted (anything but ``off``, ``0`` or ``false``)."""
    return speedups_wanted(environ.get(SWITCH, ""))


def install_all(environ: Optional[Mapping[str, str]] = None) -> bool:
    """Install every override unless ``RASA_SPEEDUPS=off`` (idempotent).

    Returns:
        Whether they were installed.
    """
    if not (get_settings().rasa_speedups if environ is None else enabled(environ)):
        return False
    from bot.speedups import (
        action_payload,
        action_reply_schema,
        applied_events,
        debug_states,
        event_types,
        frozen_heap,
        language_slot_mapping,
        past_states,
        paused_urgent,
        pooled_sessions,
        switch_interval,
        tracker_copy,
    )

    action_payload.install()
    action_reply_schema.install()
    applied_events.install()
    debug_states.install()
    event_types.install()
    frozen_heap.install()
    language_slot_mapping.install()
    past_states.install()
    paused_urgent.install()
    pooled_sessions.install()
    switch_interval.install()
    tracker_copy.install()
    return True
