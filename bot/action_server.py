"""The rasa-sdk action server, reachable by the Rasa server only.

``python -m bot.action_server`` (see ``launcher.action_server_command``) runs
rasa-sdk's own Sanic app with a request check in front of it:

- it listens on ``ACTION_BIND_ADDRESS`` (default 127.0.0.1, loopback);
- every call but ``GET /health`` (liveness, and the state of PostgreSQL,
  Redis and the storage journal) needs the header ``X-Action-Server-Token``
  with ``ACTION_SERVER_TOKEN``, which Rasa sends (``endpoints.yml``);
- a body must be a JSON object sent as ``application/json``.

Without the check, anyone who reaches the port can run actions with a made-up
tracker (fake urgent handoffs, fake callback requests), even from a foreign web
page: a ``text/plain`` POST needs no CORS preflight.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
import zlib
from dataclasses import dataclass
from typing import Mapping, Optional

from rasa_sdk import utils as sdk_utils
from rasa_sdk.endpoint import create_app
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.heap import freeze_heap
from bot.logging_setup import install_logging
from bot.settings import SettingsError, get_settings
from bot.storage.health_check import storage_report
from bot.storage.journal import journal_for

logger = logging.getLogger(__name__)

# The header Rasa sends (endpoints.yml, action_endpoint.headers).
TOKEN_HEADER = "X-Action-Server-Token"  # noqa: S105 (a header name, not a token)
ACTIONS_PACKAGE = "actions"
# The only call that needs no token: the launcher's readiness check.
OPEN_ROUTES = (("GET", "/health"),)


@dataclass(frozen=True)
class Refusal:
    """Why a request is refused: the HTTP status and a short error code."""

    status: int
    error: str


def token_matches(sent: Optional[str], expected: str) -> bool:
    """Whether the sent token is the expected one, compared in constant time."""
    if not sent or not expected:
        return False
    return hmac.compare_digest(sent.encode("utf-8"), expected.encode("utf-8"))


def is_json_content_type(content_type: Optional[str]) -> bool:
    """``application/json``, with or without parameters such as ``charset``."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    return media_type == "application/json"


def decoded_json_object(body: bytes, content_encoding: Optional[str]) -> Optional[dict]:
    """The body as a JSON object (inflated if Rasa compressed it); ``None`` if it is not one."""
    try:
        if (content_encoding or "").strip().lower() == "deflate":
            body = zlib.decompress(body)
        value = json.loads(body)
    except (zlib.error, UnicodeDecodeError, ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def refusal_for(
    method: str,
    path: str,
    headers: Mapping[str, str],
    body: bytes,
    expected_token: str,
) -> Optional[Refusal]:
    """Decide whether a request to the action server is refused, and why.

    Args:
        method: The HTTP method.
        path: The request path, without the query string.
        headers: The request headers (a case-insensitive mapping, as Sanic's).
        body: The raw request body.
        expected_token: ``ACTION_SERVER_TOKEN``.

    Returns:
        ``None`` when the request may go on, else a 401 (missing or wrong
        token), 415 (a body that is not ``application/json``) or 400 (a body
        that is not a JSON object).
    """
    if (method.upper(), path) in OPEN_ROUTES:
        return None
    if not token_matches(headers.get(TOKEN_HEADER), expected_token):
        return Refusal(401, "missing_or_wrong_token")
    if method.upper() in ("GET", "HEAD", "OPTIONS") and not body:
        return None
    if not is_json_content_type(headers.get("Content-Type")):
        return Refusal(415, "body_must_be_application_json")
    if decoded_json_object(body, headers.get("Content-Encoding")) is None:
        return Refusal(400, "body_must_be_a_json_object")
    return None


def build_app(expected_token: str, actions_package: str = ACTIONS_PACKAGE) -> Sanic:
    """rasa-sdk's app for ``actions_package`` with the request check in front of it."""
    if not expected_token:
        raise ValueError("the action server needs a token")
    # No CORS: only the Rasa server calls the action server, never a browser.
    app = create_app(actions_package, cors_origins=None)

    @app.after_server_start
    async def exempt_loaded_objects(app: Sanic, loop: asyncio.AbstractEventLoop) -> None:
        # The actions and their data live as long as the server (bot/heap.py).
        freeze_heap()

    @app.middleware("request")
    async def storage_health(request: Request) -> Optional[HTTPResponse]:
        # rasa-sdk's own /health says only "ok"; ours adds PostgreSQL, Redis and the journal.
        if (request.method.upper(), request.path) != ("GET", "/health"):
            return None
        settings = get_settings()
        storage = await asyncio.to_thread(
            storage_report,
            settings.database_url,
            settings.redis_url,
            journal_for(settings.database_url),
        )
        return response.json({"status": "ok", "storage": storage})

    @app.middleware("request")
    async def refuse_unauthorised(request: Request) -> Optional[HTTPResponse]:
        refusal = refusal_for(
            request.method, request.path, request.headers, request.body, expected_token
        )
        if refusal is None:
            return None
        logger.warning(
            "action_server.request_refused",
            extra={"status": refusal.status, "error": refusal.error, "path": request.path},
        )
        return response.json({"error": refusal.error}, status=refusal.status)

    return app


def main() -> None:
    """Run the action server on ``ACTION_BIND_ADDRESS:ACTION_PORT``."""
    try:
        settings = get_settings()
    except SettingsError as error:
        raise SystemExit(f"error: {error}") from error
    if not settings.action_server_token:
        raise SystemExit(
            "error: ACTION_SERVER_TOKEN is empty; set it (run `python -m bot.launcher init-env`)"
        )
    sdk_utils.configure_colored_logging(os.environ.get("LOG_LEVEL", "INFO"))
    sdk_utils.update_sanic_log_level()
    install_logging()
    app = build_app(settings.action_server_token)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    logger.info(
        "action_server.starting",
        extra={"address": settings.action_bind_address, "port": settings.action_port},
    )
    app.run(
        settings.action_bind_address,
        settings.action_port,
        workers=sdk_utils.number_of_sanic_workers(),
        access_log=False,
    )


if __name__ == "__main__":
    main()
