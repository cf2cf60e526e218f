"""The web widget's channel: Rasa's socket.io channel with signed sessions.

Rasa's ``SocketIOInput`` accepts a JWT only as a gate and then lets the
client name any session id, so anyone holding a token could join another
patient's conversation. This channel binds each socket to the session id
inside its token (issued by the web process, see ``bot.web.sessions``),
refuses every other id, limits what a client may send, answers every message
with an acknowledgement the widget uses to empty its outbox, and drops a
message it has already handled (the widget resends after a reconnect).

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
urgent-care reply at once.
"""

from __future__ import annotations

import inspect
import logging
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Dict, Optional, Sequence, Tuple

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer
from socketio.exceptions import ConnectionRefusedError as SocketConnectionRefused

from bot.channels.paused_guard import answer_red_flags_while_paused
from bot.channels.refused_message import STORAGE_UNAVAILABLE, urgent_reply
from bot.channels.safe_text import replace_unencodable
from bot.settings import split_list
from bot.storage.errors import StorageUnavailable
from bot.web.sessions import verify_session

logger = logging.getLogger(__name__)

# Far above what the widget allows (1,000 characters): only abuse hits this.
MAX_MESSAGE_CHARS = 5000
MAX_PACKET_BYTES = 64 * 1024
REMEMBERED_MESSAGE_IDS = 10_000
# Sent to a client whose event is refused: {"error": "<code>"}.
ERROR_EVENT = "bot_error"
PAYLOAD_MISSING = "payload_missing"
INVALID_PAYLOAD = "invalid_payload"


class RecentMessageIds:
    """Remembers the ids of the last handled messages, to drop resent ones."""

    def __init__(self, capacity: int = REMEMBERED_MESSAGE_IDS) -> None:
        self._handled: OrderedDict[Tuple[str, str], None] = OrderedDict()
        self._capacity = capacity

    def handled(self, session_id: str, message_id: Optional[str]) -> bool:
        """Whether this message was already handled for this session."""
        return bool(message_id) and (session_id, message_id) in self._handled

    def remember(self, session_id: str, message_id: Optional[str]) -> None:
        """Record a handled message; the oldest ids are forgotten first."""
        if not message_id:
            return
        self._handled[(session_id, message_id)] = None
        if len(self._handled) > self._capacity:
            self._handled.popitem(last=False)


def parse_user_message(data: Any) -> Tuple[Optional[Dict[str, Any]], Optional[str]]:
    """Validate a ``user_uttered`` payload from the widget.

    Returns:
        ``(message, None)`` with ``text`` (unencodable characters replaced),
        ``message_id`` and ``metadata``, or ``(None, error_code)``.
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
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        credentials = credentials or {}
        secret = credentials.get("jwt_key") or ""
        if not secret:
            raise ValueError("the webchat channel needs jwt_key (WIDGET_JWT_SECRET)")
        return cls(
            jwt_key=secret,
            allowed_origins=split_list(str(credentials.get("cors_allowed_origins") or "")),
            socketio_path=credentials.get("socketio_path", "/socket.io"),
        )

    def __init__(
        self,
        jwt_key: str,
        allowed_origins: Sequence[str] = (),
        socketio_path: str = "/socket.io",
    ) -> None:
        """Creates the channel; ``allowed_origins`` are the pages that may connect."""
        super().__init__(
            user_message_evt="user_uttered",
            bot_message_evt="bot_uttered",
            session_persistence=True,
            socketio_path=socketio_path,
            jwt_key=jwt_key,
        )
        self.allowed_origins = list(allowed_origins)
        self.recent = RecentMessageIds()
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

        async def refuse_retryably(
            sid: str, session_id: str, text: str, refusal: StorageUnavailable
        ) -> None:
            """Answer red flags now; tell the widget to keep the message and resend it."""
            urgent = await urgent_reply(self.agent, text)
            if urgent:
                await WebChatOutput(sio, self.bot_message_evt).send_text_message(session_id, urgent)
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
            if self.recent.handled(session_id, message["message_id"]):
                return {"ok": True, "duplicate": True}
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
                await refuse_retryably(sid, session_id, message["text"], refusal)
                return None  # no acknowledgement: the message stays in the outbox
            # Remembered only once handled: a message cut off mid-way is redone.
            self.recent.remember(session_id, message["message_id"])
            await answer_red_flags_while_paused(self.agent, session_id, output)
            return {"ok": True}

        return blueprint
