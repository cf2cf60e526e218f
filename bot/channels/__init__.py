"""Rasa input/output channels of the clinic assistant."""
