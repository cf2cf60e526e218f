"""The base of our Rasa NLU components that take no options and learn nothing.

Rasa builds every component through ``create``; these need nothing from it:
no configuration, no model storage. Each subclass keeps Rasa's registration
decorator and its own ``process``.
"""

from __future__ import annotations

from typing import Any, Dict, TypeVar

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

Component = TypeVar("Component", bound="OptionlessComponent")


class OptionlessComponent(GraphComponent):
    """A graph component built with no options and nothing stored."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """No options."""
        return {}

    @classmethod
    def create(
        cls: type[Component],
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Component:
        """Creates the component (see ``GraphComponent.create``)."""
        return cls()
