"""The clinic assistant's own code: settings, NLU components and storage.

Nothing in this package does work at import time: Rasa, the action server and
the tests import it freely.
"""
