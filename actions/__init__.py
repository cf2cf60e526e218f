"""Custom actions, one module per feature; loaded by ``rasa run actions``."""
