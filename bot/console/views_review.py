"""Console pages for looking back: the log, review, exports, dashboard, callbacks, audit."""

from __future__ import annotations

import asyncio
import functools
import json
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.orm import Session, sessionmaker

from bot.console import throttle
from bot.console.conversation_links import conversation_path
from bot.console.language import request_language
from bot.console.strings import Translator
from bot.console.web import (
    PREFIX,
    admin_only,
    audit_details,
    form_value,
    redirect_to,
    render,
    sign_in_limits,
)
from bot.responses import load_responses
from bot.review.charts import conversations_per_day_chart, top_topics_chart
from bot.review.conversations import (
    ConversationFilters,
    list_conversations,
    matching_conversation_ids,
)
from bot.review.dashboard import clinic_zone, dashboard_stats
from bot.review.export import conversations_csv, conversations_json, corrections_nlu_yaml
from bot.storage import repository
from bot.storage.models import CallbackRequest, utc_now

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PAGE_SIZE = 50
YES_NO = {"yes": True, "no": False}


@functools.lru_cache(maxsize=1)
def review_keys() -> Tuple[str, ...]:
    """Every label a reviewer may choose: the domain's intents and the FAQ answer keys."""
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    intents = [name for name in domain.get("intents", []) if name != "faq"]
    faq_keys = [
        name[len("utter_") :]
        for name in load_responses(PROJECT_ROOT)
        if name.startswith("utter_faq/")
    ]
    return tuple(sorted(faq_keys) + sorted(intents))


def parse_day(raw: Optional[str]) -> Optional[date]:
    """A ``YYYY-MM-DD`` date from a form, or ``None`` when blank or malformed."""
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def clinic_midnight(day: date, zone: tzinfo) -> datetime:
    """The start of a day in the clinic's time zone ``zone``."""
    return datetime.combine(day, datetime.min.time(), tzinfo=zone)


def request_zone(request: Request) -> tzinfo:
    """The clinic's time zone (``CLINIC_TIMEZONE``) for the console's dates."""
    return clinic_zone(request.app.ctx.settings.clinic_timezone)


def filters_from(args: Any, zone: tzinfo) -> Tuple[ConversationFilters, Dict[str, str]]:
    """Log filters from a query string (days in ``zone``), and the values to show back."""
    shown = {
        name: (args.get(name) or "").strip()[:200]
        for name in (
            "date_from",
            "date_to",
            "channel",
            "language",
            "handed_off",
            "urgent",
            "low_confidence",
            "reviewed",
            "q",
        )
    }
    if not shown["date_from"] and "date_from" not in args:
        # The log opens on the last 30 days; clear the field to search everything.
        shown["date_from"] = (datetime.now(zone).date() - timedelta(days=30)).isoformat()
    day_from, day_to = parse_day(shown["date_from"]), parse_day(shown["date_to"])
    filters = ConversationFilters(
        date_from=clinic_midnight(day_from, zone) if day_from else None,
        date_to=clinic_midnight(day_to + timedelta(days=1), zone) if day_to else None,
        channel=shown["channel"] or None,
        language=shown["language"] or None,
        handed_off=YES_NO.get(shown["handed_off"]),
        urgent=YES_NO.get(shown["urgent"]),
        low_confidence_or_fallback=YES_NO.get(shown["low_confidence"]),
        reviewed=YES_NO.get(shown["reviewed"]),
        q=shown["q"] or None,
    )
    return filters, shown


def page_number(raw: Optional[str]) -> int:
    """A page number from the query string (1 when missing or silly)."""
    try:
        return max(1, min(10_000, int(raw or 1)))
    except ValueError:
        return 1


def audit(sessions: sessionmaker, actor_id: int, action: str, target: str, **details: Any) -> None:
    """Write one audit entry in its own transaction (blocking)."""
    with sessions.begin() as session:
        repository.add_audit(
            session=session,
            actor_id=actor_id,
            action=action,
            target=target,
            details=audit_details(**details) or None,
        )


def register(blueprint: Blueprint) -> None:
    """Add the review pages to the console blueprint."""

    def sessions_of(request: Request) -> sessionmaker:
        return request.app.ctx.sessions

    def staff_id(request: Request) -> int:
        return request.ctx.console.account.id

    @blueprint.get("/log")
    async def log_page(request: Request) -> HTTPResponse:
        filters, shown = filters_from(request.args, request_zone(request))
        page = page_number(request.args.get("page"))

        def load() -> Any:
            with sessions_of(request)() as session:
                return list_conversations(session, filters, page, PAGE_SIZE)

        results = await asyncio.to_thread(load)
        query = "&".join(f"{k}={v}" for k, v in shown.items() if v)
        return render(request, "log.html", results=results, shown=shown, query=query)

    @blueprint.post("/conversations/<conversation_id:str>/annotations")
    async def annotate(request: Request, conversation_id: str) -> HTTPResponse:
        target = conversation_path(conversation_id)
        correct_key = form_value(request, "correct_key", 80)
        try:
            event_id = int(form_value(request, "event_id", 20))
        except ValueError:
            return redirect_to(target, error="choose_message")
        if not correct_key:
            return redirect_to(target, error="choose_topic")
        if correct_key not in review_keys():
            return redirect_to(target, error="unknown_topic")

        def save() -> None:
            with sessions_of(request).begin() as session:
                repository.save_annotation(
                    session=session,
                    conversation_id=conversation_id,
                    event_id=event_id,
                    correct_key=correct_key,
                    created_by_id=staff_id(request),
                )
                repository.add_audit(
                    session=session,
                    actor_id=staff_id(request),
                    action="review.corrected",
                    target=f"event:{event_id}",
                    details={"correct_key": correct_key},
                )

        await asyncio.to_thread(save)
        return redirect_to(target, notice="correction_saved")

    @blueprint.post("/conversations/<conversation_id:str>/reviewed")
    async def reviewed(request: Request, conversation_id: str) -> HTTPResponse:
        def save() -> None:
            with sessions_of(request).begin() as session:
                repository.mark_reviewed(
                    session=session,
                    conversation_id=conversation_id,
                    reviewed_by_id=staff_id(request),
                )
                repository.add_audit(
                    session=session,
                    actor_id=staff_id(request),
                    action="review.marked_reviewed",
                    target=f"conversation:{conversation_id}",
                )

        await asyncio.to_thread(save)
        return redirect_to(conversation_path(conversation_id), notice="marked_reviewed")

    @blueprint.post("/conversations/<conversation_id:str>/delete")
    @admin_only
    async def delete(request: Request, conversation_id: str) -> HTTPResponse:
        def remove() -> Dict[str, int]:
            with sessions_of(request).begin() as session:
                counts = repository.delete_conversation(
                    session=session, conversation_id=conversation_id
                )
                repository.add_audit(
                    session=session,
                    actor_id=staff_id(request),
                    action="conversation.deleted",
                    target=f"conversation:{conversation_id}",
                    details=counts,
                )
                return counts

        await asyncio.to_thread(remove)
        return redirect_to(f"{PREFIX}/log", notice="deleted")

    @blueprint.get("/export/corrections.yml")
    async def export_corrections(request: Request) -> HTTPResponse:
        def build() -> str:
            with sessions_of(request)() as session:
                return corrections_nlu_yaml(session)

        text = await asyncio.to_thread(build)
        await asyncio.to_thread(
            audit, sessions_of(request), staff_id(request), "export.corrections", "nlu"
        )
        return response.text(
            text,
            content_type="application/x-yaml; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="corrections.yml"'},
        )

    @blueprint.get("/export/conversations.csv")
    @admin_only
    async def export_csv(request: Request) -> HTTPResponse:
        return await export_conversations(request, "csv")

    @blueprint.get("/export/conversations.json")
    @admin_only
    async def export_json(request: Request) -> HTTPResponse:
        return await export_conversations(request, "json")

    async def export_conversations(request: Request, fmt: str) -> HTTPResponse:
        filters, _ = filters_from(request.args, request_zone(request))

        def build() -> Tuple[str, int]:
            with sessions_of(request)() as session:
                ids = matching_conversation_ids(session, filters)
                body = (
                    conversations_csv(session, ids)
                    if fmt == "csv"
                    else conversations_json(session, ids)
                )
                return body, len(ids)

        body, count = await asyncio.to_thread(build)
        await asyncio.to_thread(
            audit,
            sessions_of(request),
            staff_id(request),
            f"export.conversations_{fmt}",
            "log",
            conversations=count,
        )
        content_type = "text/csv" if fmt == "csv" else "application/json"
        return response.text(
            body,
            content_type=f"{content_type}; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="conversations.{fmt}"'},
        )

    @blueprint.get("/dashboard")
    async def dashboard(request: Request) -> HTTPResponse:
        days = page_number(request.args.get("days") or "14")
        days = min(days, 366)
        zone_name = request.app.ctx.settings.clinic_timezone
        zone = clinic_zone(zone_name)
        today = datetime.now(zone).date()
        since = clinic_midnight(today - timedelta(days=days - 1), zone)
        until = clinic_midnight(today + timedelta(days=1), zone)

        def load() -> Any:
            with sessions_of(request)() as session:
                return dashboard_stats(session, since, until, tz=zone_name)

        stats = await asyncio.to_thread(load)
        texts = Translator(request_language(request))
        return render(
            request,
            "dashboard.html",
            stats=stats,
            days=days,
            per_day_svg=conversations_per_day_chart(stats, texts=texts),
            topics_svg=top_topics_chart(stats, texts=texts),
        )

    @blueprint.get("/callbacks")
    async def callbacks(request: Request) -> HTTPResponse:
        def load() -> List[CallbackRequest]:
            with sessions_of(request).begin() as session:
                rows = repository.unhandled_callbacks(session=session)
                repository.add_audit(
                    session=session,
                    actor_id=staff_id(request),
                    action="callbacks.viewed",
                    details={"shown": len(rows)},
                )
                session.expunge_all()
                return rows

        return render(request, "callbacks.html", callbacks=await asyncio.to_thread(load))

    @blueprint.post("/callbacks/<callback_id:int>/handled")
    async def callback_handled(request: Request, callback_id: int) -> HTTPResponse:
        def save() -> None:
            with sessions_of(request).begin() as session:
                if repository.mark_callback_handled(session=session, callback_id=callback_id):
                    repository.add_audit(
                        session=session,
                        actor_id=staff_id(request),
                        action="callback.handled",
                        target=f"callback:{callback_id}",
                    )

        await asyncio.to_thread(save)
        return redirect_to(f"{PREFIX}/callbacks")

    @blueprint.get("/audit")
    @admin_only
    async def audit_page(request: Request) -> HTTPResponse:
        page = page_number(request.args.get("page"))
        limits = sign_in_limits(request.app.ctx.settings)

        def load() -> Tuple[List[Dict[str, Any]], List[throttle.LockedKey]]:
            with sessions_of(request)() as session:
                locked = throttle.locked_keys(session=session, limits=limits, now=utc_now())
                return audit_rows(session, page), locked

        entries, locked = await asyncio.to_thread(load)
        return render(
            request,
            "audit.html",
            entries=entries,
            locked=locked,
            page=page,
            notice=request.args.get("notice"),
        )

    @blueprint.post("/sign-in-locks/unlock")
    @admin_only
    async def unlock_sign_in(request: Request) -> HTTPResponse:
        scope = form_value(request, "scope", 16)
        key = form_value(request, "key", throttle.KEY_CHARS)
        if scope not in throttle.SCOPES or not key:
            return redirect_to(f"{PREFIX}/audit", notice="nothing_to_unlock")

        def save() -> bool:
            with sessions_of(request).begin() as session:
                unlocked = throttle.unlock(session=session, scope=scope, key=key)
                if unlocked:
                    repository.add_audit(
                        session=session,
                        actor_id=staff_id(request),
                        action="auth.unlocked",
                        target=f"{scope}:{key}",
                    )
                return unlocked

        unlocked = await asyncio.to_thread(save)
        return redirect_to(f"{PREFIX}/audit", notice="unlocked" if unlocked else "not_locked")


def audit_rows(session: Session, page: int, page_size: int = 100) -> List[Dict[str, Any]]:
    """One page of the audit log, newest first, with actors' names (``None`` for the system)."""
    names = repository.staff_usernames(session=session)
    rows = repository.audit_log_page(
        session=session, offset=(page - 1) * page_size, limit=page_size
    )
    return [
        {
            "created_at": row.created_at,
            "actor": names.get(row.actor_id),  # None: the system (shown as audit.system)
            "action": row.action,
            "target": row.target or "",
            "details": json.loads(row.details) if row.details else {},
        }
        for row in rows
    ]
