"""Held-out evaluation of the NLU models (`make evaluate`)."""
