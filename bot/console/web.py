"""The staff console's blueprint: sign-in, sessions, CSRF and page rendering.

Every page under ``/staff`` except the sign-in page needs a console session
(cookie ``clinic_staff``: HttpOnly, SameSite=Strict, Secure in production,
ended after ``CONSOLE_IDLE_MINUTES`` without a request). Every POST must
carry the session's CSRF token in the ``csrf_token`` field (or the
``X-CSRF-Token`` header). Pages are rendered on the server with Jinja2
(autoescaping on); ``console.js`` only polls and updates a few elements.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Callable, Coroutine, Dict, Optional
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console import auth
from bot.console.conversation_links import (
    BadConversationLinkError,
    conversation_path,
    decode_conversation_id,
)
from bot.console.language import chosen_language, request_language, set_language_cookie
from bot.console.strings import DEFAULT_LANGUAGE, Translator
from bot.console.throttle import ThrottleLimits
from bot.privacy import conversation_label, mask_sensitive
from bot.review.dashboard import CLINIC_TIMEZONE, clinic_zone
from bot.settings import Settings
from bot.storage.health_check import StorageNotice, storage_notice
from bot.storage.journal import Journal, JournalError, journal_for
from bot.storage.models import utc_now

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
COOKIE = "clinic_staff"
PREFIX = "/staff"
PUBLIC_PATHS = (f"{PREFIX}/login", f"{PREFIX}/static/", f"{PREFIX}/language")
Handler = Callable[..., Coroutine[Any, Any, HTTPResponse]]


def console_csp() -> str:
    """Only our own scripts, styles and fonts; no framing, no foreign form targets."""
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; media-src 'self' data:; frame-ancestors 'none'; "
        "base-uri 'none'; form-action 'self'"
    )


@functools.lru_cache(maxsize=1)
def templates() -> Environment:
    """The console's Jinja2 environment (built on first use)."""
    environment = Environment(
        loader=FileSystemLoader(str(HERE / "templates")),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["local"] = local_time
    environment.filters["duration"] = duration
    environment.filters["label"] = conversation_label
    environment.filters["conversation_path"] = conversation_path
    environment.filters["masked"] = mask_sensitive
    environment.filters["percent"] = lambda value: f"{100 * value:.1f}%"
    # Defaults for a template rendered outside a request; render() passes the real ones.
    environment.globals["t"] = Translator(DEFAULT_LANGUAGE)
    environment.globals["clinic_timezone"] = CLINIC_TIMEZONE
    return environment


@pass_context
def local_time(context: Context, value: Optional[datetime]) -> str:
    """A timestamp in the clinic's time zone (``clinic_timezone``): ``2026-11-21 14:05``."""
    if value is None:
        return ""
    return value.astimezone(clinic_zone(context["clinic_timezone"])).strftime("%Y-%m-%d %H:%M")


@pass_context
def duration(context: Context, seconds: int) -> str:
    """Waiting time as ``4 min`` or ``1 h 20 min``, in the page's language (``t``)."""
    return context["t"].waiting(seconds)


def console_storage_notice(request: Request) -> Optional[StorageNotice]:
    """The storage banner's content for this request (``None`` when storage is well)."""
    try:
        journal: Optional[Journal] = journal_for(request.app.ctx.settings.database_url)
    except (AttributeError, JournalError):
        journal = None
    return storage_notice(journal)


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTTPResponse:
    """Render a console template with the signed-in member of staff and CSRF token."""
    active: Optional[auth.ActiveSession] = getattr(request.ctx, "console", None)
    page = (
        templates()
        .get_template(name)
        .render(
            staff=active.account if active else None,
            csrf_token=active.csrf_token if active else "",
            path=request.path,
            t=Translator(request_language(request)),
            clinic_timezone=request.app.ctx.settings.clinic_timezone,
            storage=console_storage_notice(request) if active else None,
            **context,
        )
    )
    return response.html(page, status=status)


def redirect_to(path: str, **query: Any) -> HTTPResponse:
    """A 303 redirect after a form post (so reloading does not repeat it)."""
    target = path + (f"?{urlencode(query)}" if query else "")
    return response.redirect(target, status=303)


def admin_only(handler: Handler) -> Handler:
    """Pages only admins may see; staff get 403."""

    @functools.wraps(handler)
    async def guarded(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
        if request.ctx.console.account.role != "admin":
            message = Translator(request_language(request))("error.admins_only")
            return render(request, "error.html", status=403, message=message)
        return await handler(request, *args, **kwargs)

    return guarded


def form_value(request: Request, name: str, limit: int = 4000) -> str:
    """A form field's value, trimmed to ``limit`` characters ('' if absent)."""
    value = request.form.get(name) if request.form else None
    return (value or "")[:limit]


def build_blueprint(settings: Settings) -> Blueprint:
    """The ``/staff`` blueprint with authentication and CSRF checks in front of every route."""
    blueprint = Blueprint("staff_console", url_prefix=PREFIX)
    blueprint.static("/static", str(HERE / "static"), name="console_static")
    idle = timedelta(minutes=settings.console_idle_minutes)
    limits = sign_in_limits(settings)

    @blueprint.middleware("request")
    async def authenticate(request: Request) -> Optional[HTTPResponse]:
        request.ctx.console = None
        if request.path.startswith(PUBLIC_PATHS):
            return None
        sessions = request.app.ctx.sessions
        token = request.cookies.get(COOKIE)

        def load() -> Optional[auth.ActiveSession]:
            with sessions.begin() as session:
                active = auth.load_session(session=session, token=token, now=utc_now(), idle=idle)
                if active is not None:
                    session.expunge(active.account)
                return active

        active = await asyncio.to_thread(load)
        if active is None:
            if request.path.startswith(f"{PREFIX}/api/") or request.method != "GET":
                return response.json({"error": "signed_out"}, status=401)
            return redirect_to(f"{PREFIX}/login", next=request.path)
        request.ctx.console = active
        if request.method == "POST":
            submitted = request.headers.get("x-csrf-token") or (
                request.form.get("csrf_token") if request.form else None
            )
            if not auth.csrf_valid(active.csrf_token, submitted):
                logger.warning("console.csrf_refused", extra={"staff_id": active.account.id})
                message = Translator(request_language(request))("error.form_expired")
                return render(request, "error.html", status=403, message=message)
        return None

    @blueprint.middleware("request")
    async def conversation_id_from_path(request: Request) -> Optional[HTTPResponse]:
        # The one place a conversation id in the path is decoded: Sanic hands
        # handlers the raw, still percent-encoded segment.
        raw = request.match_info.get("conversation_id")
        if raw is None or request.ctx.console is None:
            return None
        try:
            decoded = decode_conversation_id(raw)
        except BadConversationLinkError:
            message = Translator(request_language(request))("error.bad_link")
            return render(request, "error.html", status=400, message=message)
        request.match_info = {**request.match_info, "conversation_id": decoded}
        return None

    @blueprint.middleware("response")
    async def headers(request: Request, resp: HTTPResponse) -> None:
        if not request.path.startswith(PREFIX):
            return
        resp.headers["Content-Security-Policy"] = console_csp()
        resp.headers["X-Frame-Options"] = "DENY"
        resp.headers["Referrer-Policy"] = "same-origin"
        if not request.path.startswith(f"{PREFIX}/static/"):
            resp.headers["Cache-Control"] = "no-store"

    @blueprint.get("/login")
    async def login_page(request: Request) -> HTTPResponse:
        return render(request, "login.html", next=safe_next(request.args.get("next")))

    @blueprint.post("/login")
    async def login(request: Request) -> HTTPResponse:
        username = form_value(request, "username", 64)
        password = form_value(request, "password", 300)
        outcome, token = await asyncio.to_thread(
            auth.sign_in,
            sessions=request.app.ctx.sessions,
            username=username,
            password=password,
            # The client's address; behind a reverse proxy, Sanic's
            # SANIC_PROXIES_COUNT / SANIC_REAL_IP_HEADER say which header to trust.
            address=request.remote_addr or request.ip or "unknown",
            limits=limits,
            now=utc_now(),
        )
        if outcome.delay_seconds:
            await asyncio.sleep(outcome.delay_seconds)
        if token is None:
            t = Translator(request_language(request))
            message = (
                t("login.locked", minutes=settings.console_sign_in_window_minutes)
                if outcome.locked
                else t("login.wrong")
            )
            return render(
                request,
                "login.html",
                status=429 if outcome.locked else 401,
                error=message,
                username=username,
            )
        resp = redirect_to(safe_next(form_value(request, "next", 200)))
        resp.cookies[COOKIE] = token
        cookie = resp.cookies[COOKIE]
        cookie["httponly"] = True
        cookie["samesite"] = "Strict"
        cookie["path"] = PREFIX
        cookie["secure"] = settings.console_secure_cookies
        return resp

    @blueprint.get("/language")
    async def switch_language(request: Request) -> HTTPResponse:
        resp = redirect_to(safe_next(request.args.get("next")))
        language = chosen_language(request.args.get("lang"))
        if language is not None:
            set_language_cookie(resp, language, PREFIX, settings.console_secure_cookies)
        return resp

    @blueprint.post("/logout")
    async def logout(request: Request) -> HTTPResponse:
        token = request.cookies.get(COOKIE)
        sessions = request.app.ctx.sessions

        def end() -> None:
            with sessions.begin() as session:
                auth.end_session(session=session, token=token)

        await asyncio.to_thread(end)
        resp = redirect_to(f"{PREFIX}/login")
        # Cleared on the path it was set on: a Path=/ clearing header leaves
        # the browser's /staff cookie in place.
        resp.cookies[COOKIE] = ""
        resp.cookies[COOKIE]["path"] = PREFIX
        resp.cookies[COOKIE]["max-age"] = 0
        return resp

    return blueprint


def sign_in_limits(settings: Settings) -> ThrottleLimits:
    """The sign-in throttling limits from the settings."""
    return ThrottleLimits(
        per_username=settings.console_sign_in_limit_per_username,
        per_address=settings.console_sign_in_limit_per_address,
        window=timedelta(minutes=settings.console_sign_in_window_minutes),
    )


def safe_next(target: Optional[str]) -> str:
    """Where to go after signing in: only paths inside the console."""
    if target and target.startswith(f"{PREFIX}/") and "\\" not in target and "://" not in target:
        return target
    return f"{PREFIX}/"


def audit_details(**details: Any) -> Dict[str, Any]:
    """Audit details without empty values."""
    return {key: value for key, value in details.items() if value not in (None, "")}
