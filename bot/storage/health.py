"""Whether this process can reach its stores (PostgreSQL, Redis), and since when.

One state per store name, kept in the process. The storage code calls
:func:`mark_unavailable` when a store fails and :func:`mark_available` when it
answers again; only the change is logged (``storage.degraded`` when an
outage starts, ``storage.recovered`` when it ends), never one line per
message. ``/health`` on each process and the staff console's banner read
:func:`snapshot`.

API (shared with the Redis side): store names are :data:`POSTGRESQL` and
:data:`REDIS`; a store never reported is taken as available.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Dict, Optional

logger = logging.getLogger(__name__)

POSTGRESQL = "postgresql"
REDIS = "redis"


@dataclass(frozen=True)
class StoreState:
    """One store's state: ``degraded_since`` is a Unix time, ``None`` when available."""

    store: str
    degraded_since: Optional[float] = None
    error: Optional[str] = None

    @property
    def degraded(self) -> bool:
        """Whether the store is failing now."""
        return self.degraded_since is not None

    def as_dict(self) -> Dict[str, object]:
        """JSON-ready form for ``/health``: status, since when (ISO, UTC) and the error's class."""
        if self.degraded_since is None:
            return {"status": "ok"}
        since = datetime.fromtimestamp(self.degraded_since, tz=timezone.utc)
        return {
            "status": "degraded",
            "since": since.isoformat(timespec="seconds"),
            "error": self.error,
        }


_states: Dict[str, StoreState] = {}
_guard = threading.Lock()


def mark_unavailable(store: str, error: Optional[BaseException] = None) -> bool:
    """Record that ``store`` failed; log ``storage.degraded`` only if it was available.

    Only the error's class is kept and logged: a driver's message can quote
    the statement and its parameters (patient text).

    Returns:
        Whether this call started the outage.
    """
    with _guard:
        if store in _states and _states[store].degraded:
            return False
        error_class = type(error).__name__ if error is not None else None
        _states[store] = StoreState(store, time.time(), error_class)
    logger.error("storage.degraded", extra={"store": store, "error": error_class})
    return True


def mark_available(store: str) -> bool:
    """Record that ``store`` answers; log ``storage.recovered`` only if it was degraded.

    Returns:
        Whether this call ended an outage.
    """
    with _guard:
        previous = _states.get(store)
        if previous is None or not previous.degraded:
            _states[store] = StoreState(store)
            return False
        _states[store] = StoreState(store)
    outage_seconds = time.time() - (previous.degraded_since or time.time())
    logger.warning(
        "storage.recovered", extra={"store": store, "outage_seconds": round(outage_seconds, 1)}
    )
    return True


def state(store: str) -> StoreState:
    """The state of ``store`` (available if never reported)."""
    with _guard:
        return _states.get(store, StoreState(store))


def is_degraded(store: Optional[str] = None) -> bool:
    """Whether ``store`` (or, without a name, any store) is failing now."""
    with _guard:
        if store is not None:
            return store in _states and _states[store].degraded
        return any(item.degraded for item in _states.values())


def snapshot(*stores: str) -> Dict[str, Dict[str, object]]:
    """The states of ``stores`` (default: PostgreSQL and Redis), for ``/health``."""
    return {name: state(name).as_dict() for name in stores or (POSTGRESQL, REDIS)}


def reset() -> None:
    """Forget every state (tests)."""
    with _guard:
        _states.clear()
