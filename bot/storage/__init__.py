"""Where conversations and locks are kept: thin wrappers around Rasa's stores."""
