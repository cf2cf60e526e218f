"""The web widget's channel: Rasa's socket.io channel with signed sessions.

Rasa's ``SocketIOInput`` accepts a JWT only as a gate and then lets the
client name any session id, so anyone holding a token could join another
patient's conversation. This channel binds each socket to the session id
inside its token (issued by the web process, see ``bot.session_tokens``),
refuses every other id, limits what a client may send, answers every message
with an acknowledgement the widget uses to empty its outbox, and drops a
message it has already handled (the widget resends after a reconnect).

With ``REDIS_URL`` set (several Rasa servers) the socket.io server shares its
rooms through Redis (python-socketio's ``AsyncRedisManager``), so a reply or
a staff message produced on one server reaches a widget connected to
another, and handled message ids are kept in Redis
(``bot.channels.handled_messages``).

An event the channel cannot use (no payload, a payload that is not an object,
a message too long...) is answered with an ``ERROR_EVENT`` (``bot_error``,
``{"error": "<code>"}``) as well as the refusing acknowledgement, never with
an exception. Unencodable characters in a message are replaced
(``bot.channels.safe_text``) so that it is still read, red flags included.

A message storage cannot take now (``StorageUnavailable``) gets no
acknowledgement (an empty one, which the widget treats as none): it stays
in the widget's outbox, and a ``bot_error`` ``{"error":
"storage_unavailable", "retry_after": N}`` tells the widget to show
"reconnecting" and resend it after N seconds. A red flag in it still gets the
urgent-care reply at once, as does a red flag whose handling fails (a bug):
that message, too, stays unacknowledged in the outbox.
"""

from __future__ import annotations

import inspect
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Sequence, Tuple

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncRedisManager, AsyncServer
from socketio.exceptions import ConnectionRefusedError as SocketConnectionRefused

from bot.channels.handled_messages import (
    DONE,
    NEW,
    HandledMessages,
    create_handled_messages,
)
from bot.channels.paused_guard import answer_red_flags_while_paused
from bot.channels.refused_message import STORAGE_UNAVAILABLE, urgent_reply
from bot.channels.safe_text import replace_unencodable
from bot.conversation_operation import PAGE_OPERATION_KEY, page_operation_of
from bot.session_tokens import verify_session
from bot.settings import get_settings, split_list
from bot.storage.errors import StorageUnavailable

logger = logging.getLogger(__name__)

# Far above what the widget allows (1,000 characters): only abuse hits this.
MAX_MESSAGE_CHARS = 5000
MAX_PACKET_BYTES = 64 * 1024
# The Redis pub/sub channel the Rasa servers' socket.io servers share.
SOCKETIO_CHANNEL = "clinic:socketio"
# Sent to a client whose event is refused: {"error": "<code>"}.
ERROR_EVENT = "bot_error"
PAYLOAD_MISSING = "payload_missing"
INVALID_PAYLOAD = "invalid_payload"


def shared_rooms(redis_url: Optional[str]) -> Optional[AsyncRedisManager]:
    """Rooms shared through Redis when ``redis_url`` is set, else None (this process's own)."""
    if not redis_url:
        return None
    return AsyncRedisManager(
        redis_url, channel=SOCKETIO_CHANNEL, redis_options={"socket_connect_timeout": 2}
    )


def parse_user_message(data: Any) -> Tuple[Optional[Dict[str, Any]], Optional[str]]:
    """Validate a ``user_uttered`` payload from the widget.

    Returns:
        ``(message, None)`` with ``text`` (unencodable characters replaced),
        ``message_id`` and ``metadata``, or ``(None, error_code)``. Of the
        metadata only the message id, the text shown for a button, and the
        operation of the page the widget sits on (``knee`` or ``hip``, see
        ``bot.conversation_operation``) are kept.
    """
    if data is None:
        return None, PAYLOAD_MISSING
    if not isinstance(data, dict):
        return None, INVALID_PAYLOAD
    text = data.get("message")
    if not isinstance(text, str):
        return None, INVALID_PAYLOAD
    if len(text) > MAX_MESSAGE_CHARS:
        return None, "too_long"
    text = replace_unencodable(text)
    raw_metadata = data.get("metadata")
    metadata: Dict[str, Any] = {}
    if isinstance(raw_metadata, dict):
        message_id = raw_metadata.get("message_id")
        display = raw_metadata.get("display_text")
        if isinstance(message_id, str) and len(message_id) <= 64:
            metadata["message_id"] = message_id
        if isinstance(display, str):
            metadata["display_text"] = replace_unencodable(display[:200])
        page_operation = page_operation_of(raw_metadata)
        if page_operation:
            metadata[PAGE_OPERATION_KEY] = page_operation
    return {"text": text, "message_id": metadata.get("message_id"), "metadata": metadata}, None


class WebChatOutput(SocketIOOutput):
    """Socket.io output that tells the widget which messages come from staff.

    Staff replies are stored as bot messages with ``staff_name`` in their
    metadata (see ``bot.console.rasa_api``); the widget labels them with the
    name so that a patient always knows whether a person or the assistant is
    writing.
    """

    @classmethod
    def name(cls) -> str:
        """The channel's name, as Rasa records it on each message."""
        return "webchat"

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Send each paragraph, marked with the staff member's name when there is one."""
        staff_name = kwargs.get("staff_name")
        for part in text.strip().split("\n\n"):
            message: Dict[str, Any] = {"text": part}
            if isinstance(staff_name, str) and staff_name:
                message["staff_name"] = staff_name
            await self._send_message(recipient_id, message)


class WebChatInput(SocketIOInput):
    """Socket.io channel for the web widget, with server-signed session ids."""

    @classmethod
    def name(cls) -> str:
        """The channel's name in ``credentials.yml``."""
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        """Reads ``credentials.yml``; ``jwt_key`` is required."""
        credentials = credentials or {}
        secret = credentials.get("jwt_key") or ""
        if not secret:
            raise ValueError("the webchat channel needs jwt_key (WIDGET_JWT_SECRET)")
        return cls(
            jwt_key=secret,
            allowed_origins=split_list(str(credentials.get("cors_allowed_origins") or "")),
            socketio_path=credentials.get("socketio_path", "/socket.io"),
            redis_url=get_settings().redis_url,
        )

    def __init__(
        self,
        jwt_key: str,
        allowed_origins: Sequence[str] = (),
        socketio_path: str = "/socket.io",
        redis_url: Optional[str] = None,
    ) -> None:
        """Creates the channel.

        Args:
            jwt_key: The secret that signs widget sessions.
            allowed_origins: The pages that may connect.
            socketio_path: Where socket.io listens.
            redis_url: Shared rooms and handled ids in Redis (several Rasa servers).
        """
        super().__init__(
            user_message_evt="user_uttered",
            bot_message_evt="bot_uttered",
            session_persistence=True,
            socketio_path=socketio_path,
            jwt_key=jwt_key,
        )
        self.allowed_origins = list(allowed_origins)
        self.redis_url = redis_url
        self.handled: HandledMessages = create_handled_messages(redis_url)
        self.agent: Any = None

    def get_output_channel(self) -> Optional[WebChatOutput]:
        """The output used by Rasa's HTTP API to reach a widget (staff replies)."""
        if self.sio is None:
            return None
        return WebChatOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Socket.io endpoints: connect, session_request, user_uttered."""
        sio = AsyncServer(
            async_mode="sanic",
            cors_allowed_origins=self.allowed_origins,
            max_http_buffer_size=MAX_PACKET_BYTES,
            client_manager=shared_rooms(self.redis_url),
        )
        blueprint = SocketBlueprint(sio, self.socketio_path, "webchat_webhook", __name__)
        self.sio = sio

        @blueprint.listener("after_server_start")
        async def remember_agent(app: Any, _loop: Any) -> None:
            # Rasa puts its agent on the app; the paused-conversation guard needs it.
            self.agent = getattr(app.ctx, "agent", None)

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect")
        async def connect(sid: str, environ: Dict, auth: Optional[Dict] = None) -> bool:
            token = auth.get("token") if isinstance(auth, dict) else None
            session_id = verify_session(self.jwt_key, token)
            if session_id is None:
                logger.info("webchat.connection_refused")
                # socket.io sends this message to the client as a connect_error.
                raise SocketConnectionRefused("invalid_session")
            await sio.save_session(sid, {"session_id": session_id})
            return True

        async def refuse(sid: str, error: str) -> Dict[str, Any]:
            """Tell the client its event was refused; the reply is its acknowledgement."""
            logger.info("webchat.event_refused error=%s", error)
            await sio.emit(ERROR_EVENT, {"error": error}, room=sid)
            return {"ok": False, "error": error}

        @sio.on("session_request")
        async def session_request(sid: str, data: Any = None, *_extra: Any) -> None:
            session_id = (await sio.get_session(sid))["session_id"]
            if not isinstance(data, dict):
                await refuse(sid, PAYLOAD_MISSING if data is None else INVALID_PAYLOAD)
                return
            requested = data.get("session_id")
            if requested and requested != session_id:
                logger.warning("webchat.foreign_session_refused")
                await sio.emit("session_error", {"error": "foreign_session"}, room=sid)
                await sio.disconnect(sid)
                return
            # enter_room became a coroutine in python-socketio 5.x's AsyncServer;
            # Rasa's own channel calls it without await and never joins the room.
            joined = sio.enter_room(sid, session_id)
            if inspect.isawaitable(joined):
                await joined
            await sio.emit("session_confirm", session_id, room=sid)

        async def answer_red_flag(session_id: str, text: str) -> None:
            """Send the urgent-care text now if ``text`` describes red flags."""
            urgent = await urgent_reply(self.agent, text)
            if urgent:
                await WebChatOutput(sio, self.bot_message_evt).send_text_message(session_id, urgent)

        async def refuse_retryably(
            sid: str, session_id: str, text: str, refusal: StorageUnavailable
        ) -> None:
            """Answer red flags now; tell the widget to keep the message and resend it."""
            await answer_red_flag(session_id, text)
            logger.warning("webchat.refused error=%s store=%s", STORAGE_UNAVAILABLE, refusal.store)
            await sio.emit(
                ERROR_EVENT,
                {"error": STORAGE_UNAVAILABLE, "retry_after": refusal.retry_after},
                room=sid,
            )

        @sio.on("user_uttered")
        async def handle_message(
            sid: str, data: Any = None, *_extra: Any
        ) -> Optional[Dict[str, Any]]:
            session_id = (await sio.get_session(sid))["session_id"]
            message, problem = parse_user_message(data)
            if message is None:
                return await refuse(sid, problem or INVALID_PAYLOAD)
            if isinstance(data, dict) and data.get("session_id") not in (None, session_id):
                return await refuse(sid, "foreign_session")
            message_id = message["message_id"]
            if message_id:
                state = await self.handled.begin(session_id, message_id)
                if state == DONE:
                    return {"ok": True, "duplicate": True}
                if state != NEW:
                    # Another server is handling it now: no acknowledgement,
                    # so the widget resends it and then hears it was handled.
                    return None
            output = WebChatOutput(sio, self.bot_message_evt)
            try:
                await on_new_message(
                    UserMessage(
                        message["text"],
                        output,
                        session_id,
                        input_channel=self.name(),
                        metadata=message["metadata"],
                    )
                )
            except StorageUnavailable as refusal:
                if message_id:
                    await self.handled.abandon(session_id, message_id)
                await refuse_retryably(sid, session_id, message["text"], refusal)
                return None  # no acknowledgement: the message stays in the outbox
            except BaseException as error:
                if message_id:
                    await self.handled.abandon(session_id, message_id)
                if isinstance(error, Exception):
                    # A red flag is answered whatever failed; the message stays
                    # unacknowledged in the widget's outbox.
                    await answer_red_flag(session_id, message["text"])
                raise
            # Remembered only once handled: a message cut off mid-way is redone.
            if message_id:
                await self.handled.finish(session_id, message_id)
            await answer_red_flags_while_paused(self.agent, session_id, output)
            return {"ok": True}

        return blueprint
