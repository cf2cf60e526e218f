"""Errors the storage layer raises for the channels to act on."""

from __future__ import annotations


class StorageUnavailable(Exception):  # noqa: N818 (the name shared with the channels)
    """A message cannot be handled safely now, but can be later: ask the sender to retry.

    Raised instead of answering when the conversation could not be stored or
    locked safely (e.g. Redis is down and several Rasa processes share the
    locks). Channels turn it into a retryable refusal: 503 with Retry-After on
    REST, a non-2xx answer to Meta and Twilio, no acknowledgement on socket.io.
    Red flags are answered directly by the channel even then.

    Attributes:
        store: Which store is unavailable (``"redis"`` or ``"postgresql"``).
        retry_after: Seconds after which a retry is likely to succeed.
    """

    def __init__(self, store: str, retry_after: int = 5) -> None:
        """``store`` names the unavailable store; ``retry_after`` is in seconds."""
        super().__init__(f"{store} unavailable")
        self.store = store
        self.retry_after = retry_after
