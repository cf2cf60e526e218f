"""The web process (port 8080): the clinic page, the widget's files and its API.

Routes are thin: parsing, signing and reading history are plain functions in
``bot.session_tokens`` and ``bot.web.history``.

    GET  /                  the demonstration clinic page with the widget
    GET  /widget/...        widget.js and its fonts (built by `make install`)
    POST /api/chat/session  issue or renew a signed chat session
    GET  /api/chat/history  the messages of the caller's own session
    GET  /health            liveness, and PostgreSQL, Redis and the journal's state
    /staff/...              the staff console (bot.console)
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
from functools import partial
from pathlib import Path
from string import Template
from typing import Any, Dict, Optional, Sequence

import sqlalchemy as sa
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.exc import SQLAlchemyError

from bot.console import views_live, views_review
from bot.console.handoffs import HandoffDesk
from bot.console.rasa_api import RasaApi
from bot.console.web import build_blueprint
from bot.session_tokens import bearer_token, issue_session, verify_session
from bot.settings import Settings
from bot.storage.engine import engine_for, session_factory
from bot.storage.health_check import keep_probing, storage_report
from bot.storage.journal import journal_for
from bot.storage.rasa_events import events_table_exists
from bot.web.history import conversation_messages

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
MAX_REQUEST_BYTES = 16 * 1024
API_PREFIX = "/api/chat/"


def error(status: int, code: str) -> HTTPResponse:
    """A JSON error the widget can show: ``{"error": code}``."""
    return response.json({"error": code}, status=status)


def parse_json_object(body: bytes) -> Optional[Dict[str, Any]]:
    """The request body as a JSON object; ``{}`` when empty; ``None`` when invalid."""
    if not body or not body.strip():
        return {}
    try:
        value = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def render_clinic_page(settings: Settings, server_url: str) -> str:
    """The demonstration page, with the widget configured for this deployment."""
    template = Template((HERE / "templates" / "clinic_page.html").read_text(encoding="utf-8"))
    return template.substitute(
        server=html.escape(server_url, quote=True),
        socket_url=html.escape(settings.rasa_public_url, quote=True),
        whatsapp=html.escape(settings.clinic_whatsapp_digits, quote=True),
    )


def content_security_policy(settings: Settings) -> str:
    """CSP of the clinic page: only our own scripts, and sockets to the Rasa server."""
    socket = settings.rasa_public_url
    websocket = socket.replace("https://", "wss://").replace("http://", "ws://")
    return (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        f"font-src 'self'; img-src 'self' data:; connect-src 'self' {socket} {websocket}; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    )


def cors_headers(origin: Optional[str], allowed: Sequence[str]) -> Dict[str, str]:
    """CORS headers for an allowed origin, none for any other."""
    if not origin or origin not in allowed:
        return {}
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
        "Access-Control-Allow-Headers": "Authorization, Content-Type",
        "Access-Control-Max-Age": "600",
        "Vary": "Origin",
    }


def create_app(settings: Settings, name: str = "clinic_web") -> Sanic:
    """Build the web application; nothing connects until the server starts."""
    app = Sanic(name)
    app.config.REQUEST_MAX_SIZE = MAX_REQUEST_BYTES
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.ctx.settings = settings
    app.static("/widget", str(STATIC / "widget"), name="widget")
    app.static("/static/clinic_page.css", str(STATIC / "clinic_page.css"), name="page_css")

    console = build_blueprint(settings)
    views_live.register(console, views_review.review_keys())
    views_review.register(console)
    app.blueprint(console)

    async def connect_database(app: Sanic, _loop: asyncio.AbstractEventLoop) -> None:
        app.ctx.engine = engine_for(settings.database_url)
        app.ctx.sessions = session_factory(app.ctx.engine)
        app.ctx.handoff_desk = HandoffDesk(
            app.ctx.sessions, RasaApi(settings.rasa_url, settings.rasa_auth_token)
        )

    async def watch_storage(app: Sanic, _loop: asyncio.AbstractEventLoop) -> None:
        # Keeps the console's storage banner true even when nobody calls /health.
        journal = journal_for(settings.database_url)
        app.add_task(keep_probing(settings.database_url, settings.redis_url, journal))

    async def close_database(app: Sanic, _loop: asyncio.AbstractEventLoop) -> None:
        app.ctx.engine.dispose()

    # register_listener, not the @app.listener decorator, whose overloads
    # Sanic 21.12 types so that no listener passes a type checker.
    app.register_listener(connect_database, "before_server_start")
    app.register_listener(watch_storage, "after_server_start")
    app.register_listener(close_database, "after_server_stop")

    @app.middleware("request")
    async def preflight(request: Request) -> Optional[HTTPResponse]:
        if request.method == "OPTIONS" and request.path.startswith(API_PREFIX):
            headers = cors_headers(request.headers.get("origin"), settings.widget_allowed_origins)
            return response.empty(status=204 if headers else 403, headers=headers)
        return None

    @app.middleware("response")
    async def security_headers(request: Request, resp: HTTPResponse) -> None:
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        if request.path.startswith(API_PREFIX):
            resp.headers.update(
                cors_headers(request.headers.get("origin"), settings.widget_allowed_origins)
            )
            resp.headers["Cache-Control"] = "no-store"

    @app.get("/")
    async def clinic_page(request: Request) -> HTTPResponse:
        server_url = f"{request.scheme}://{request.host}"
        return response.html(
            render_clinic_page(settings, server_url),
            headers={"Content-Security-Policy": content_security_policy(settings)},
        )

    @app.get("/health")
    async def health(_: Request) -> HTTPResponse:
        # 200 while the process lives; "storage" says whether PostgreSQL and Redis answer.
        storage = await asyncio.to_thread(
            storage_report,
            settings.database_url,
            settings.redis_url,
            journal_for(settings.database_url),
        )
        return response.json({"status": "ok", "storage": storage})

    @app.post("/api/chat/session")
    async def chat_session(request: Request) -> HTTPResponse:
        body = parse_json_object(request.body)
        if body is None:
            return error(400, "invalid_json")
        previous = verify_session(settings.widget_jwt_secret, body.get("token"))
        session = issue_session(settings.widget_jwt_secret, previous)
        logger.info("webchat.session", extra={"renewed": previous is not None})
        return response.json(
            {
                "session_id": session.session_id,
                "token": session.token,
                "expires_at": session.expires_at,
            }
        )

    @app.get("/api/chat/history")
    async def chat_history(request: Request) -> HTTPResponse:
        token = bearer_token(request.headers.get("authorization"))
        session_id = verify_session(settings.widget_jwt_secret, token)
        if session_id is None:
            return error(401, "invalid_session")
        loop = asyncio.get_running_loop()
        try:
            messages = await loop.run_in_executor(
                None, partial(read_history, app.ctx.engine, session_id)
            )
        except SQLAlchemyError:
            logger.exception("webchat.history_failed")
            return error(503, "history_unavailable")
        return response.json({"session_id": session_id, "messages": messages})

    return app


def read_history(engine: sa.engine.Engine, session_id: str) -> list:
    """Blocking read of a session's messages (run in an executor)."""
    with engine.connect() as connection:
        if not events_table_exists(connection):
            return []  # Rasa has not stored any conversation yet
        return conversation_messages(connection, session_id)


def main() -> None:
    """Run the web process (``python -m bot.web.app``)."""
    from bot.logging_setup import install_logging
    from bot.settings import get_settings

    settings = get_settings()
    # Sanic logs its own lines; ours (event names and ids only) get one handler.
    ours = logging.getLogger("bot")
    ours.setLevel(logging.INFO)
    ours.addHandler(logging.StreamHandler())
    ours.propagate = False
    app = create_app(settings)
    # After Sanic has set up its loggers: no numbers or patient text in any line.
    install_logging()
    app.run(host=settings.web_bind_address, port=settings.web_port, access_log=False)


if __name__ == "__main__":
    main()
