"""The REST channel: Rasa's ``POST /webhooks/rest/webhook``, checked and quiet.

Same URL, body and answer as Rasa's ``rest`` channel (the replies as a JSON
list, or a stream with ``?stream=true``), but:

- With ``REST_CHANNEL_TOKEN`` set, every call must carry it
  (``Authorization: Bearer <token>`` or ``?token=<token>``); without it the
  channel is open in development and tests and off in production.
- A request is checked before the assistant sees it (see
  :mod:`bot.channels.rest_request`): bad input is a 400 with an error code,
  and a sender id shaped like a widget session or a WhatsApp number is a 403.
- A message storage cannot take now (``StorageUnavailable``) is a 503 with
  ``Retry-After`` and ``{"error": "storage_unavailable"}``, never an empty
  200; a red flag in it still gets the urgent-care reply, in ``replies``
  (see :mod:`bot.channels.refused_message`).
- A message whose handling fails is a 500 ``{"error": "processing_failed"}``;
  a red flag in it still gets the urgent-care reply, in ``replies``.
- Nothing logged here carries the message or the sender id, unlike Rasa's
  channel, which logs the text (and every frame's locals) when handling fails.
"""

from __future__ import annotations

import logging
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, List, Optional, Union

import rasa.utils.endpoints
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse, ResponseStream

from bot.channels.refused_message import STORAGE_UNAVAILABLE, refuses_now, urgent_reply
from bot.channels.rest_request import Refusal, access_refusal, parse_rest_body, token_from
from bot.settings import get_settings
from bot.storage.errors import StorageUnavailable

logger = logging.getLogger(__name__)


OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def _refuse(refusal: Refusal) -> HTTPResponse:
    logger.info("rest.refused error=%s", refusal.error)
    return response.json(refusal.body(), status=refusal.status)


async def handle_quietly(on_new_message: OnNewMessage, message: UserMessage) -> bool:
    """Pass ``message`` to the assistant; False if that failed.

    A failure is logged by exception type only: Rasa's channel logs the text
    and every frame's locals, and the exception's own message may quote it.

    Raises:
        StorageUnavailable: The message was refused retryably (not a failure).
    """
    try:
        await on_new_message(message)
    except StorageUnavailable:
        raise
    except CancelledError:
        logger.warning("rest.message_cancelled")
    except Exception as error:
        logger.error("rest.message_failed error=%s", type(error).__name__)
        return False
    return True


async def urgent_replies(agent: Any, text: str, sender: str) -> List[Dict[str, str]]:
    """The urgent-care reply as a REST reply list if ``text`` is a red flag, else empty."""
    urgent = await urgent_reply(agent, text)
    return [{"recipient_id": sender, "text": urgent}] if urgent else []


async def retryable_refusal(
    agent: Any, text: str, sender: str, refusal: StorageUnavailable
) -> HTTPResponse:
    """503 with Retry-After; a red flag's urgent-care reply comes with it."""
    replies = await urgent_replies(agent, text, sender)
    logger.warning("rest.refused error=%s store=%s", STORAGE_UNAVAILABLE, refusal.store)
    body = {"error": STORAGE_UNAVAILABLE, "retry_after": refusal.retry_after, "replies": replies}
    return response.json(body, status=503, headers={"Retry-After": str(refusal.retry_after)})


async def failure_response(agent: Any, text: str, sender: str) -> HTTPResponse:
    """500 for a message whose handling failed; a red flag's urgent-care reply comes with it.

    A red flag is answered whatever else fails: the same reading of the
    message as for a refused one (the model's NLU, no tracker or lock).
    """
    body: Dict[str, Any] = {"error": "processing_failed"}
    replies = await urgent_replies(agent, text, sender)
    if replies:
        body["replies"] = replies
    return response.json(body, status=500)


class ClinicRestInput(RestInput):
    """Rasa's REST channel with a token, checked input and no patient text in logs."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        """The token and the environment come from the settings (``REST_CHANNEL_TOKEN``)."""
        settings = get_settings()
        return cls(token=settings.rest_channel_token, production=settings.is_production)

    def __init__(self, token: str = "", production: bool = False) -> None:
        """``token``: what callers must send; empty means open, or off if ``production``."""
        self.token = token
        self.production = production

    def access_refusal(self, request: Request) -> Optional[Refusal]:
        """None if this request may use the channel, else the refusal."""
        given = token_from(request.headers.get("Authorization"), request.args.get("token"))
        return access_refusal(self.token, self.production, given)

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """``GET /`` health and ``POST /webhook`` messages."""
        blueprint = Blueprint("clinic_rest_webhook", __name__)

        async def quietly(message: UserMessage) -> None:
            try:
                await handle_quietly(on_new_message, message)
            except StorageUnavailable:
                logger.warning("rest.stream_refused error=%s", STORAGE_UNAVAILABLE)

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Union[ResponseStream, HTTPResponse]:
            refusal = self.access_refusal(request)
            if refusal is not None:
                return _refuse(refusal)
            message = parse_rest_body(request.body)
            if isinstance(message, Refusal):
                return _refuse(message)
            agent = getattr(request.app.ctx, "agent", None)
            streamed = rasa.utils.endpoints.bool_arg(request, "stream", default=False)
            if streamed and refuses_now(agent):
                # A stream answers 200 before the message is handled: refuse first.
                unavailable = StorageUnavailable("redis")
                return await retryable_refusal(agent, message.text, message.sender, unavailable)
            if streamed:
                return response.stream(
                    self.stream_response(
                        quietly, message.text, message.sender, self.name(), message.metadata
                    ),
                    content_type="text/event-stream",
                )
            collector = CollectingOutputChannel()
            user_message = UserMessage(
                message.text,
                collector,
                message.sender,
                input_channel=self.name(),
                metadata=message.metadata,
            )
            try:
                handled = await handle_quietly(on_new_message, user_message)
            except StorageUnavailable as unavailable:
                return await retryable_refusal(agent, message.text, message.sender, unavailable)
            if not handled:
                return await failure_response(agent, message.text, message.sender)
            return response.json(collector.messages)

        return blueprint
