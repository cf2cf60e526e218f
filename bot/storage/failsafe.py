"""Rasa's ``FailSafeTrackerStore`` without its silent fall-back to memory.

``rasa.core.agent`` wraps every tracker store in ``FailSafeTrackerStore``,
which, when the store raises, logs "Falling back to use the
InMemoryTrackerStore" and keeps the turn in memory only: the message is
answered and then lost. Our tracker store journals database outages itself
and raises only :class:`~bot.storage.errors.StorageUnavailable` (or a real
bug), so the wrapper must let the error through: the channel then refuses
the message retryably instead of acknowledging it.
"""

from __future__ import annotations

import logging

import rasa.core.agent
from rasa.core.tracker_store import FailSafeTrackerStore

logger = logging.getLogger(__name__)


class NoMemoryFallbackTrackerStore(FailSafeTrackerStore):
    """``FailSafeTrackerStore`` that re-raises the store's errors instead of falling back."""

    def on_tracker_store_error(self, error: Exception) -> None:
        """Re-raise: a turn that cannot be stored must not be acknowledged."""
        logger.error("tracker_store.failed", extra={"error": type(error).__name__})
        raise error

    def on_tracker_store_retrieve_error(self, error: Exception) -> None:
        """Re-raise: answering from an empty conversation would lose its state."""
        logger.error("tracker_store.retrieve_failed", extra={"error": type(error).__name__})
        raise error


def refuse_memory_fallback() -> None:
    """Make ``rasa.core.agent`` wrap tracker stores in :class:`NoMemoryFallbackTrackerStore`."""
    rasa.core.agent.FailSafeTrackerStore = NoMemoryFallbackTrackerStore
