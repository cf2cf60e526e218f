"""Signed chat sessions for the web widget.

The web process issues each browser a session id inside a JWT signed with
``WIDGET_JWT_SECRET``; the Rasa socket.io channel accepts a connection only
with a valid token and only for the session id inside it. A forged token, an
expired one, or a request for someone else's session id is refused.

A neutral module (PyJWT only): both processes import it, so the Rasa
process's channels never import the web process's package (``bot.web``).
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass
from typing import Optional

import jwt

ALGORITHM = "HS256"
AUDIENCE = "clinic-webchat"
SESSION_LIFETIME_SECONDS = 30 * 24 * 3600
_SESSION_ID = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class ChatSession:
    """A chat session id and the signed token that proves it."""

    session_id: str
    token: str
    expires_at: int


def issue_session(
    secret: str, session_id: Optional[str] = None, now: Optional[float] = None
) -> ChatSession:
    """Sign a token for ``session_id``, or for a new random session.

    Args:
        secret: ``WIDGET_JWT_SECRET``.
        session_id: An existing session to renew (already verified by the caller).
        now: The current time, for tests.
    """
    if not secret:
        raise ValueError("WIDGET_JWT_SECRET is not set")
    issued = int(now if now is not None else time.time())
    session_id = session_id or uuid.uuid4().hex
    expires = issued + SESSION_LIFETIME_SECONDS
    claims = {"sub": session_id, "aud": AUDIENCE, "iat": issued, "exp": expires}
    return ChatSession(session_id, jwt.encode(claims, secret, algorithm=ALGORITHM), expires)


def verify_session(secret: str, token: object, now: Optional[float] = None) -> Optional[str]:
    """The session id inside a valid token, or ``None`` for anything else."""
    if not secret or not isinstance(token, str) or len(token) > 2048:
        return None
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            options={"require": ["sub", "exp", "aud"]},
        )
    except jwt.PyJWTError:
        return None
    if now is not None and claims["exp"] < now:
        return None
    session_id = claims.get("sub")
    return session_id if isinstance(session_id, str) and _SESSION_ID.match(session_id) else None


def bearer_token(authorization: Optional[str]) -> Optional[str]:
    """The token of an ``Authorization: Bearer <token>`` header."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None
