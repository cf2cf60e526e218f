"""Find an event's class by its type name in a table, not a walk of the class tree.

Rasa 3.6's ``Event.resolve_by_type`` lists every subclass of ``Event``
(recursively, checking each for abstractness) for every event it
deserialises. A tracker read deserialises every event of the session, so in a
100-message conversation this walk was 12% of the Rasa server's samples
(py-spy, 2026-12-04) and grew with each turn. This override keeps a table of
type name to class, in the order Rasa searches (the first class with the name
wins); a name it does not know rebuilds the table (a class imported later),
and a name still unknown gets Rasa's own answer (``topic``, the default, or
``ValueError``).
"""

from __future__ import annotations

from typing import Dict, Optional, Type

from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

RASA_RESOLVE_BY_TYPE = Event.resolve_by_type

_CLASSES: Dict[str, Type[Event]] = {}


def event_classes() -> Dict[str, Type[Event]]:
    """Rebuild the table from Rasa's own search order."""
    found: Dict[str, Type[Event]] = {}
    for cls in all_subclasses(Event):
        found.setdefault(cls.type_name, cls)
    _CLASSES.clear()
    _CLASSES.update(found)
    return _CLASSES


def resolve_by_type(type_name: str, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
    """``Event.resolve_by_type`` from the table."""
    cls = _CLASSES.get(type_name) or event_classes().get(type_name)
    if cls is not None:
        return cls
    return RASA_RESOLVE_BY_TYPE(type_name, default)


def install() -> None:
    """Replace Rasa's method (idempotent)."""
    Event.resolve_by_type = staticmethod(resolve_by_type)
