"""Custom Rasa NLU components and the spaCy pipeline they rely on."""
