"""Console pages for live work: the queue, a conversation, and the handoff buttons."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import asdict
from typing import Any, Dict, List, Optional

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.orm import sessionmaker

from bot.console.conversation_links import conversation_path
from bot.console.handoffs import (
    HandoffActionError,
    HandoffDesk,
    QueueEntry,
    last_patient_message_at,
    queue_entries,
    reply_window_closes_at,
)
from bot.console.language import request_language
from bot.console.rasa_api import RasaApiError
from bot.console.strings import DEFAULT_LANGUAGE, Translator
from bot.console.web import PREFIX, form_value, redirect_to, render
from bot.review.conversations import conversation_summary
from bot.review.transcripts import transcript
from bot.storage import repository
from bot.storage.models import Handoff, utc_now

logger = logging.getLogger(__name__)


def current_queue(sessions: sessionmaker) -> List[QueueEntry]:
    """The live queue (blocking)."""
    with sessions() as session:
        return queue_entries(session=session, now=utc_now())


def queue_snapshot(sessions: sessionmaker, language: str = DEFAULT_LANGUAGE) -> Dict[str, Any]:
    """The live queue as JSON-ready data (blocking), with its values named in ``language``."""
    entries = current_queue(sessions)
    t = Translator(language)
    return {
        "handoffs": [
            dict(
                asdict(entry),
                created_at=entry.created_at.isoformat(),
                channel_text=t.value("channel", entry.channel),
                language_text=t.language_name(entry.language),
                reason_text=t.value("reason", entry.reason),
                status_text=t.value("status", entry.status),
                waiting_text=t.waiting(entry.waiting_seconds),
            )
            for entry in entries
        ],
        "urgent_open": [entry.id for entry in entries if entry.urgent and entry.status == "open"],
    }


def conversation_page_data(
    sessions: sessionmaker, conversation_id: str, staff_id: int, audit: bool
) -> Dict[str, Any]:
    """Everything the conversation page shows (blocking); logs the view when ``audit``."""
    with sessions.begin() as session:
        handoff: Optional[Handoff] = repository.active_handoff(
            session=session, conversation_id=conversation_id
        )
        closes_at = None
        if handoff is not None:
            closes_at = reply_window_closes_at(
                handoff.channel,
                last_patient_message_at(session=session, conversation_id=conversation_id),
            )
            session.expunge(handoff)
        if audit:
            repository.add_audit(
                session=session,
                actor_id=staff_id,
                action="transcript.viewed",
                target=f"conversation:{conversation_id}",
            )
        return {
            "conversation_id": conversation_id,
            "transcript": transcript(session, conversation_id),
            "summary": conversation_summary(session, conversation_id),
            "handoff": handoff,
            "window_closes_at": closes_at,
            "window_closed": closes_at is not None and closes_at <= utc_now(),
        }


def register(blueprint: Blueprint, review_keys: Any) -> None:
    """Add the live pages to the console blueprint."""

    def desk(request: Request) -> HandoffDesk:
        return request.app.ctx.handoff_desk

    @blueprint.get("/")
    async def queue_page(request: Request) -> HTTPResponse:
        entries = await asyncio.to_thread(current_queue, request.app.ctx.sessions)
        return render(request, "queue.html", entries=entries)

    @blueprint.get("/api/queue")
    async def queue_json(request: Request) -> HTTPResponse:
        # Polled every few seconds by every console page; the request itself
        # keeps the member of staff "online" (auth.load_session).
        snapshot = await asyncio.to_thread(
            queue_snapshot, request.app.ctx.sessions, request_language(request)
        )
        return response.json(snapshot)

    @blueprint.get("/conversations/<conversation_id:str>")
    async def conversation_page(request: Request, conversation_id: str) -> HTTPResponse:
        data = await asyncio.to_thread(
            conversation_page_data,
            request.app.ctx.sessions,
            conversation_id,
            request.ctx.console.account.id,
            True,
        )
        return render(
            request,
            "conversation.html",
            review_keys=review_keys,
            notice=request.args.get("notice"),
            error=request.args.get("error"),
            **data,
        )

    @blueprint.get("/conversations/<conversation_id:str>/transcript")
    async def transcript_fragment(request: Request, conversation_id: str) -> HTTPResponse:
        # Polled while the page is open: the transcript grows without reloading.
        data = await asyncio.to_thread(
            conversation_page_data,
            request.app.ctx.sessions,
            conversation_id,
            request.ctx.console.account.id,
            False,
        )
        return render(request, "_transcript.html", review_keys=review_keys, **data)

    async def handoff_step(request: Request, handoff_id: int, step: str) -> HTTPResponse:
        staff = request.ctx.console.account
        conversation_id = form_value(request, "conversation_id", 255)
        target = conversation_path(conversation_id) if conversation_id else f"{PREFIX}/"
        try:
            if step == "claim":
                await desk(request).claim(handoff_id, staff)
                notice = "taken_over"
            elif step == "reply":
                await desk(request).reply(handoff_id, staff, form_value(request, "text", 4000))
                notice = "sent"
            else:
                await desk(request).close(handoff_id, staff)
                notice = "closed"
        except HandoffActionError as error:
            return redirect_to(target, error=error.key)
        except RasaApiError:
            logger.exception("console.rasa_failed", extra={"handoff_id": handoff_id})
            return redirect_to(target, error="rasa_failed")
        return redirect_to(target, notice=notice)

    @blueprint.post("/handoffs/<handoff_id:int>/claim")
    async def claim(request: Request, handoff_id: int) -> HTTPResponse:
        return await handoff_step(request, handoff_id, "claim")

    @blueprint.post("/handoffs/<handoff_id:int>/reply")
    async def reply(request: Request, handoff_id: int) -> HTTPResponse:
        return await handoff_step(request, handoff_id, "reply")

    @blueprint.post("/handoffs/<handoff_id:int>/close")
    async def close(request: Request, handoff_id: int) -> HTTPResponse:
        return await handoff_step(request, handoff_id, "close")
