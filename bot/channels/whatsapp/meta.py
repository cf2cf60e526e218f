"""WhatsApp Cloud API (Meta) as a Rasa channel.

Meta calls ``/webhooks/whatsapp/webhook``: a GET to verify the subscription
(``hub.verify_token``), then a POST for every batch of messages and delivery
statuses, signed with the app secret (``X-Hub-Signature-256``). The signature
is checked over the raw body before anything reads it. A signed batch is
answered 200 at once (Meta retries otherwise) and handled in the background,
one message after the other: a failing message is logged and the next one
still handled. Texts and button taps go to the assistant with the patient's
WhatsApp number (``wa_id``) as the conversation id; pictures, voice notes,
locations... get a polite "text only" answer; delivery statuses and reactions
are ignored. A message delivered twice is handled once.

Replies go out through :class:`WhatsAppCloudOutput` and :class:`GraphApiClient`
(``{graph_api_url}/{phone_number_id}/messages``). Rasa's HTTP
API uses :meth:`WhatsAppCloudInput.get_output_channel` for
``?output_channel=latest``, which is how the staff console delivers a reply.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Sequence

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.message_dedupe import MessageDedupe, create_dedupe
from bot.channels.whatsapp import meta_messages as messages
from bot.channels.whatsapp.base import WhatsAppOutput, with_staff_label
from bot.channels.whatsapp.delivery import RetryingPoster, RetryPolicy, SendResult, log_ref
from bot.channels.whatsapp.inbound import BackgroundWebhookChannel
from bot.settings import DEFAULT_GRAPH_API_URL, get_settings, service_url
from bot.whatsapp_window import META_CHANNEL

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Hub-Signature-256"
# Meta's webhook payloads are at most 3 MB.
MAX_BODY_BYTES = 3 * 1024 * 1024

NOT_CONFIGURED = {
    "error": "whatsapp_not_configured",
    "message": "WhatsApp is not configured on this server (WHATSAPP_* variables).",
}


# ------------------------------------------------------- request checks


def signature_for(app_secret: str, body: bytes) -> str:
    """The ``X-Hub-Signature-256`` value Meta sends for ``body``."""
    digest = hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def signature_status(app_secret: str, body: bytes, header: Optional[str]) -> Optional[int]:
    """None if ``header`` signs ``body``; else the HTTP status to refuse with.

    401 when the header is missing, 403 when it is wrong (constant-time compare).
    """
    if not header:
        return 401
    if not app_secret:
        return 403
    expected = signature_for(app_secret, body)
    return None if hmac.compare_digest(expected.encode(), header.strip().encode()) else 403


def handshake_challenge(args: Mapping[str, Any], verify_token: str) -> Optional[str]:
    """The ``hub.challenge`` to echo when Meta's verification request is genuine."""

    def first(name: str) -> str:
        value = args.get(name)
        if isinstance(value, list):
            value = value[0] if value else None
        return value if isinstance(value, str) else ""

    if not verify_token or first("hub.mode") != "subscribe":
        return None
    given = first("hub.verify_token")
    if not hmac.compare_digest(given.encode(), verify_token.encode()):
        return None
    return first("hub.challenge") or None


def decode_json(body: bytes) -> Any:
    """The JSON document in ``body``; ValueError if there is none."""
    try:
        return json.loads(body)
    except (ValueError, TypeError, RecursionError) as error:
        raise ValueError("not JSON") from error


# ------------------------------------------------------ Graph API client


def graph_error_code(body: Any) -> Optional[int]:
    """WhatsApp's error code from a Graph API error answer (e.g. 131047, 190)."""
    error = body.get("error") if isinstance(body, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    return code if isinstance(code, int) else None


def graph_message_id(body: Any) -> Optional[str]:
    """The id WhatsApp gave a sent message (``messages[0].id``)."""
    messages = body.get("messages") if isinstance(body, dict) else None
    if isinstance(messages, list) and messages and isinstance(messages[0], dict):
        message_id = messages[0].get("id")
        return message_id if isinstance(message_id, str) else None
    return None


class GraphApiClient:
    """Sends messages from one WhatsApp Business number through Meta's Graph API."""

    def __init__(
        self,
        access_token: str,
        phone_number_id: str,
        base_url: str = "",
        policy: Optional[RetryPolicy] = None,
    ) -> None:
        """``base_url`` includes the API version; empty means Meta's (see ``bot.settings``)."""
        self.access_token = access_token
        self.phone_number_id = phone_number_id
        self.base_url = service_url(base_url, DEFAULT_GRAPH_API_URL)
        self.poster = RetryingPoster(policy)

    @property
    def configured(self) -> bool:
        """Whether there is a token and a number to send from."""
        return bool(self.access_token and self.phone_number_id)

    @property
    def messages_url(self) -> str:
        """The Cloud API address that sends from this number."""
        return f"{self.base_url}/{self.phone_number_id}/messages"

    async def send(self, message: Dict[str, Any]) -> SendResult:
        """Send one message (a Cloud API ``/messages`` body); never raises for HTTP trouble."""
        if not self.configured:
            logger.error("graph_api.not_configured")
            return SendResult(ok=False, status=None)
        answer = await self.poster.post(
            self.messages_url,
            headers={"Authorization": f"Bearer {self.access_token}"},
            json=message,
        )
        result = SendResult(
            ok=answer.ok,
            status=answer.status,
            message_id=graph_message_id(answer.body) if answer.ok else None,
            error_code=None if answer.ok else graph_error_code(answer.body),
            attempts=answer.attempts,
        )
        if result.ok:
            logger.debug(
                "graph_api.sent message=%s attempts=%d",
                log_ref(result.message_id),
                result.attempts,
            )
        else:
            logger.warning(
                "graph_api.send_failed status=%s error_code=%s network_error=%s attempts=%d "
                "recipient=%s",
                result.status,
                result.error_code,
                answer.error,
                result.attempts,
                log_ref(str(message.get("to") or "")),
            )
        return result

    async def close(self) -> None:
        """Close the HTTP session."""
        await self.poster.close()


# --------------------------------------------------------------- output


class WhatsAppCloudOutput(WhatsAppOutput[Dict[str, Any]]):
    """Sends Rasa's responses through the Graph API (see :class:`WhatsAppOutput`)."""

    provider = "WhatsApp"

    def __init__(self, client: GraphApiClient, raise_on_failure: bool = False) -> None:
        """Sends with ``client``."""
        super().__init__(raise_on_failure)
        self.client = client

    @classmethod
    def name(cls) -> str:
        """The channel's name, as Rasa records it on each message."""
        return META_CHANNEL

    async def _deliver(self, recipient_id: str, message: Dict[str, Any]) -> SendResult:
        """Post one Cloud API message (it names its recipient itself)."""
        return await self.client.send(message)

    def image_messages(self, recipient_id: str, image: str) -> Sequence[Dict[str, Any]]:
        """The address as a text message with a link preview."""
        return [messages.text_payload(recipient_id, image, True)]

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Text, split only where it exceeds WhatsApp's 4,096 characters.

        A staff reply (``staff_name`` in the message's metadata) is opened with the name.
        """
        text = with_staff_label(text, kwargs.get("staff_name"))
        await self._send_all(recipient_id, messages.text_payloads(recipient_id, text))

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        """Reply buttons (up to 3) or a list (4 to 10; more are cut to 10)."""
        if len(buttons or []) > messages.MAX_LIST_ROWS:
            logger.info("whatsapp.buttons_cut count=%d", len(buttons))
        text = with_staff_label(text, kwargs.get("staff_name"))
        await self._send_all(recipient_id, messages.button_payloads(recipient_id, text, buttons))

    async def send_custom_json(
        self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any
    ) -> None:
        """Only a custom response's ``whatsapp`` message, as is; anything else is ignored."""
        message = messages.custom_payload(recipient_id, json_message)
        if message is not None:
            await self._send_all(recipient_id, [message])


# ---------------------------------------------------------------- input


class WhatsAppCloudInput(BackgroundWebhookChannel):
    """Rasa input channel for the WhatsApp Cloud API."""

    @classmethod
    def name(cls) -> str:
        """The channel's name in ``credentials.yml``."""
        return META_CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        """Reads ``credentials.yml``; empty values leave the channel switched off."""

        def value(key: str) -> str:
            return cls.credential(credentials, key)

        return cls(
            verify_token=value("verify_token"),
            app_secret=value("app_secret"),
            access_token=value("access_token"),
            phone_number_id=value("phone_number_id"),
            graph_api_url=value("graph_api_url"),
            dedupe=create_dedupe(get_settings().redis_url, namespace=cls.name()),
        )

    def __init__(
        self,
        verify_token: str = "",
        app_secret: str = "",
        access_token: str = "",
        phone_number_id: str = "",
        graph_api_url: str = "",
        dedupe: Optional[MessageDedupe] = None,
        retry_policy: Optional[RetryPolicy] = None,
    ) -> None:
        """Creates the channel; tests pass a fake ``graph_api_url`` and a fast ``retry_policy``.

        An empty ``graph_api_url`` means Meta's own (``DEFAULT_GRAPH_API_URL``).
        """
        self.verify_token = verify_token
        self.app_secret = app_secret
        self.phone_number_id = phone_number_id
        self.client = GraphApiClient(
            access_token, phone_number_id, graph_api_url, retry_policy or RetryPolicy()
        )
        self._init_handling(dedupe)

    @property
    def configured(self) -> bool:
        """Whether the channel can check signatures and reply."""
        return bool(self.app_secret and self.client.configured)

    def get_output_channel(self) -> Optional[OutputChannel]:
        """The output the HTTP API uses (staff replies); refused messages raise."""
        if not self.configured:
            return None
        return WhatsAppCloudOutput(self.client, raise_on_failure=True)

    async def handle_webhook(
        self,
        contents: messages.WebhookContents,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        agent: Any = None,
    ) -> None:
        """Handle a webhook's messages one by one; one failure never stops the rest.

        ``agent`` is Rasa's (``app.ctx.agent``), for the paused-conversation guard.
        """
        if contents.failed_status_codes:
            logger.warning(
                "whatsapp.delivery_failed error_codes=%s",
                ",".join(str(code) for code in contents.failed_status_codes),
            )
        if contents.other_number:
            logger.info("whatsapp.other_number_skipped count=%d", contents.other_number)
        for inbound in contents.messages:
            await self.handle_message(inbound, on_new_message, agent)

    def inbound_output(self) -> OutputChannel:
        """The output that answers the patient's messages."""
        return WhatsAppCloudOutput(self.client)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """``GET /`` health, ``GET /webhook`` verification, ``POST /webhook`` messages."""
        blueprint = Blueprint("whatsapp_webhook", __name__)

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "configured": self.configured})

        @blueprint.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            challenge = None
            if self.app_secret:
                challenge = handshake_challenge(request.args, self.verify_token)
            if challenge is None:
                logger.warning("whatsapp.verification_refused")
                return response.text("forbidden", status=403)
            logger.info("whatsapp.verified")
            return response.text(challenge)

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            header = request.headers.get(SIGNATURE_HEADER)
            body = request.body or b""
            early = self.refusal_before_reading(
                self.configured, NOT_CONFIGURED, header, body, MAX_BODY_BYTES
            )
            if early is not None:
                return early
            refused = signature_status(self.app_secret, body, header)
            if refused is not None:
                logger.warning("whatsapp.bad_signature_refused")
                return response.json({"error": "invalid_signature"}, status=refused)
            try:
                document = decode_json(body)
            except ValueError:
                return response.json({"error": "invalid_json"}, status=400)
            try:
                contents = messages.parse_webhook(document, self.phone_number_id)
            except Exception as error:  # Meta must get its 200 for a signed call
                logger.error("whatsapp.unreadable_payload error=%s", type(error).__name__)
                return response.json({"status": "ignored"})
            agent = getattr(request.app.ctx, "agent", None)
            refusal = (
                self.refusal_before_ack(agent, contents.messages) if contents.messages else None
            )
            if refusal is not None:
                return refusal
            if contents.messages or contents.failed_status_codes or contents.other_number:
                self._in_background(self.handle_webhook(contents, on_new_message, agent))
            return response.json({"status": "ok"})

        @blueprint.listener("after_server_stop")
        async def close_client(*_: Any) -> None:
            await self.client.close()

        return blueprint
