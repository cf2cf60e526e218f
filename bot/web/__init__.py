"""The project's web process: the clinic page with the chat widget, and its API."""
