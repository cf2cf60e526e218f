"""Stable pseudonyms that stand for conversation ids in exports.

A WhatsApp conversation's id is the patient's number (Meta's ``8801712345678``,
Twilio's ``whatsapp:+8801712345678``), so exports never carry ids. They carry
``conv-`` and 20 hex digits of an HMAC-SHA256 of the id instead: the same
conversation gets the same pseudonym in every export, and without the server's
secret nobody can tell which number a pseudonym stands for (phone numbers are
too few to hide behind a plain hash).

The key is derived from ``WIDGET_JWT_SECRET``, a secret every installation
already has (``make run`` generates it), for this one purpose: it is never
used to sign anything. Changing that secret changes every pseudonym.
"""

from __future__ import annotations

import hashlib
import hmac

from bot.settings import get_settings

__all__ = [
    "PSEUDONYM_PREFIX",
    "configured_pseudonym_key",
    "conversation_pseudonym",
    "pseudonym_key",
]

PSEUDONYM_PREFIX = "conv-"
_HEX_DIGITS = 20  # 80 bits: no two conversations of a clinic share one
_PURPOSE = b"clinic conversation export pseudonyms v1"


def pseudonym_key(secret: str) -> bytes:
    """The pseudonym key derived from a server secret.

    Args:
        secret: The ``WIDGET_JWT_SECRET`` value.

    Returns:
        A 32-byte key used only for export pseudonyms.

    Raises:
        ValueError: The secret is empty.
    """
    if not secret:
        raise ValueError(
            "WIDGET_JWT_SECRET is not set: exports need it to replace conversation ids "
            "by pseudonyms (make run writes one into .env)"
        )
    return hmac.new(secret.encode("utf-8"), _PURPOSE, hashlib.sha256).digest()


def configured_pseudonym_key() -> bytes:
    """The pseudonym key of this installation (from the ``WIDGET_JWT_SECRET`` setting)."""
    return pseudonym_key(get_settings().widget_jwt_secret)


def conversation_pseudonym(conversation_id: str, key: bytes) -> str:
    """The export pseudonym of one conversation: ``conv-`` and 20 hex digits.

    Args:
        conversation_id: Rasa's sender id, e.g. ``whatsapp:+8801712345678``.
        key: From :func:`pseudonym_key`.
    """
    digest = hmac.new(key, conversation_id.encode("utf-8", "surrogatepass"), hashlib.sha256)
    return PSEUDONYM_PREFIX + digest.hexdigest()[:_HEX_DIGITS]
