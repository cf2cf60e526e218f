"""WhatsApp through Twilio as a Rasa channel.

Twilio POSTs each incoming WhatsApp message, form-encoded, to
``/webhooks/twilio_whatsapp/webhook`` and signs it (``X-Twilio-Signature``:
base64 HMAC-SHA1, keyed with the auth token, of the public URL followed by
every POST parameter, sorted by name, as name then value). The signature is
checked before anything else, by Twilio's own ``RequestValidator``; the URL
is the configured ``webhook_url`` because behind a proxy or tunnel the server
sees another address than the one Twilio signed. The webhook is answered at
once with empty TwiML and the message handled in the background; replies go
out through Twilio's REST API.

Free-form WhatsApp messages through Twilio have no buttons, so buttons
become a numbered list, and a reply of just that number (Latin or Bangla
digits) stands for the button.
"""

from __future__ import annotations

import logging
import time
import urllib.parse
from collections import OrderedDict
from typing import (
    Any,
    Awaitable,
    Callable,
    Dict,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    TypedDict,
)

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from bot.channels.message_dedupe import MessageDedupe, create_dedupe
from bot.channels.whatsapp import base
from bot.channels.whatsapp.delivery import RetryingPoster, RetryPolicy, SendResult, log_ref
from bot.channels.whatsapp.inbound import BackgroundWebhookChannel
from bot.digits import to_ascii_digits
from bot.settings import DEFAULT_TWILIO_API_URL, get_settings, service_url
from bot.whatsapp_window import TWILIO_CHANNEL

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Twilio-Signature"
MAX_BODY_BYTES = 64 * 1024
MAX_FORM_FIELDS = 200
# Twilio's limit for one WhatsApp message body.
BODY_LIMIT = 1600
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
NUMBER_PROMPT = "Reply with a number. / একটি নম্বর লিখে উত্তর দিন।"
CHOICES_TTL_SECONDS = 24 * 3600

NOT_CONFIGURED = {
    "error": "twilio_whatsapp_not_configured",
    "message": "WhatsApp through Twilio is not configured on this server (TWILIO_* variables).",
}


# ------------------------------------------------------------ signatures


class _FormParams(Dict[str, Sequence[str]]):
    """Parsed form fields as ``RequestValidator`` reads repeated names (``getlist``)."""

    def getlist(self, name: str) -> List[str]:
        """Every value sent for ``name``."""
        return list(self[name])


def twilio_signature(auth_token: str, url: str, params: Mapping[str, Sequence[str]]) -> str:
    """The ``X-Twilio-Signature`` Twilio computes for a form POST to ``url``."""
    return RequestValidator(auth_token).compute_signature(url, _FormParams(params))


def signature_valid(
    auth_token: str, url: str, params: Mapping[str, Sequence[str]], header: Optional[str]
) -> bool:
    """Whether ``header`` is Twilio's signature of this request (``RequestValidator``).

    Twilio may sign the URL with or without its port; both are accepted.
    """
    if not auth_token or not header:
        return False
    try:
        return RequestValidator(auth_token).validate(url, _FormParams(params), header.strip())
    except ValueError:  # a URL with an unreadable port
        return False


def parse_form(body: bytes) -> Dict[str, List[str]]:
    """The POST parameters of a form-encoded body; ValueError if unreadable."""
    try:
        text = body.decode("utf-8")
        return urllib.parse.parse_qs(text, keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)
    except (UnicodeDecodeError, ValueError) as error:
        raise ValueError("not a form") from error


def signed_url(webhook_url: str, request_url: str, query_string: str) -> str:
    """The URL Twilio signed: the configured public one (plus any query), else the request's."""
    if not webhook_url:
        return request_url
    if query_string and "?" not in webhook_url:
        return f"{webhook_url}?{query_string}"
    return webhook_url


# ------------------------------------------------------- messages in/out


def whatsapp_address(number: str) -> str:
    """``whatsapp:+<digits>`` as Twilio wants it, from any usual spelling."""
    number = number.strip()
    if number.startswith("whatsapp:"):
        return number
    if number and not number.startswith("+"):
        number = "+" + number
    return f"whatsapp:{number}"


class _Common(TypedDict):
    """The fields of :class:`base.Inbound` that every kind of Twilio message has."""

    message_id: str
    wa_id: str


def parse_twilio_form(form: Mapping[str, Sequence[str]]) -> Optional[base.Inbound]:
    """Read a Twilio WhatsApp webhook; None for status callbacks and odd calls."""

    def first(name: str) -> str:
        values = form.get(name) or [""]
        return values[0]

    message_sid = first("MessageSid") or first("SmsMessageSid")
    sender = first("From")
    if not message_sid or not sender:
        return None
    if "Body" not in form and "NumMedia" not in form:
        return None  # a delivery status callback
    common: _Common = {"message_id": message_sid, "wa_id": sender}
    button_payload, button_text = first("ButtonPayload"), first("ButtonText")
    if button_payload or button_text:
        return base.Inbound(
            kind=base.TEXT,
            message_type="button",
            text=base.reply_text(button_payload, button_text),
            display_text=button_text or None,
            **common,
        )
    body = first("Body")
    if body.strip():
        return base.Inbound(kind=base.TEXT, message_type="text", text=body, **common)
    message_type = first("MessageType") or ("media" if first("NumMedia") not in ("", "0") else "")
    return base.Inbound(kind=base.UNSUPPORTED, message_type=message_type or "unknown", **common)


def numbered_text(text: str, choices: Sequence[base.Choice]) -> str:
    """A text with its buttons as a numbered list, and how to answer."""
    lines = "\n".join(f"{index}. {choice.title}" for index, choice in enumerate(choices, 1))
    return f"{text.strip()}\n\n{lines}\n\n{NUMBER_PROMPT}".strip()


def chosen_number(text: str) -> Optional[int]:
    """The number a patient typed to pick a choice ("2", " ২ ", "2."), else None."""
    cleaned = to_ascii_digits(text.strip()).rstrip(".)")
    return int(cleaned) if cleaned.isdigit() and len(cleaned) <= 2 else None


class RecentChoices:
    """The last numbered choices each patient was shown (this process only)."""

    def __init__(
        self,
        ttl_seconds: float = CHOICES_TTL_SECONDS,
        capacity: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Keeps choices for ``ttl_seconds``, for the last ``capacity`` patients."""
        self._shown: OrderedDict[str, Tuple[float, List[base.Choice]]] = OrderedDict()
        self._ttl = ttl_seconds
        self._capacity = capacity
        self._clock = clock

    def remember(self, recipient: str, choices: Sequence[base.Choice]) -> None:
        """Record what ``recipient`` was offered."""
        self._shown[recipient] = (self._clock() + self._ttl, list(choices))
        self._shown.move_to_end(recipient)
        while len(self._shown) > self._capacity:
            self._shown.popitem(last=False)

    def resolve(self, sender: str, text: str) -> Optional[base.Choice]:
        """The choice ``text`` picks by number, if ``sender`` was recently offered it."""
        number = chosen_number(text)
        shown = self._shown.get(sender)
        if number is None or shown is None or shown[0] < self._clock():
            return None
        choices = shown[1]
        return choices[number - 1] if 1 <= number <= len(choices) else None


class TwilioClient:
    """Sends WhatsApp messages through Twilio's REST API (``Messages.json``)."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        from_number: str,
        api_url: str = "",
        policy: Optional[RetryPolicy] = None,
    ) -> None:
        """``from_number`` is the WhatsApp sender, e.g. ``whatsapp:+14155238886``.

        An empty ``api_url`` means Twilio's own (``DEFAULT_TWILIO_API_URL``).
        """
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.from_number = from_number
        self.api_url = service_url(api_url, DEFAULT_TWILIO_API_URL)
        self.poster = RetryingPoster(policy or RetryPolicy())

    @property
    def configured(self) -> bool:
        """Whether there is an account, a token and a number to send from."""
        return bool(self.account_sid and self.auth_token and self.from_number)

    @property
    def messages_url(self) -> str:
        """The Twilio Messages API address of this account."""
        return f"{self.api_url}/2010-04-01/Accounts/{self.account_sid}/Messages.json"

    async def send(self, to: str, params: Mapping[str, str]) -> SendResult:
        """Send one message (``Body`` or e.g. ``ContentSid``); never raises for HTTP trouble."""
        if not self.configured:
            logger.error("twilio.not_configured")
            return SendResult(ok=False, status=None)
        form = {
            **{key: value for key, value in params.items() if isinstance(value, str)},
            "To": whatsapp_address(to),
            "From": whatsapp_address(self.from_number),
        }
        answer = await self.poster.post(
            self.messages_url,
            data=form,
            auth=aiohttp.BasicAuth(self.account_sid, self.auth_token),
        )
        body = answer.body if isinstance(answer.body, dict) else {}
        code = body.get("code")
        result = SendResult(
            ok=answer.ok,
            status=answer.status,
            message_id=body.get("sid") if answer.ok else None,
            error_code=code if isinstance(code, int) and not answer.ok else None,
            attempts=answer.attempts,
        )
        if not result.ok:
            logger.warning(
                "twilio.send_failed status=%s error_code=%s network_error=%s attempts=%d "
                "recipient=%s",
                result.status,
                result.error_code,
                answer.error,
                result.attempts,
                log_ref(to),
            )
        return result

    async def close(self) -> None:
        """Close the HTTP session."""
        await self.poster.close()


class TwilioWhatsAppOutput(base.WhatsAppOutput[Mapping[str, str]]):
    """Sends Rasa's responses as WhatsApp messages through Twilio (see ``WhatsAppOutput``)."""

    provider = "Twilio"

    def __init__(
        self,
        client: TwilioClient,
        choices: Optional[RecentChoices] = None,
        raise_on_failure: bool = False,
    ) -> None:
        """``raise_on_failure`` as in :class:`bot.channels.whatsapp.base.WhatsAppOutput`."""
        super().__init__(raise_on_failure)
        self.client = client
        self.choices = choices if choices is not None else RecentChoices()

    @classmethod
    def name(cls) -> str:
        """The channel's name, as Rasa records it on each message."""
        return TWILIO_CHANNEL

    async def _deliver(self, recipient_id: str, message: Mapping[str, str]) -> SendResult:
        """Send one message's parameters (``Body``, or e.g. ``ContentSid``)."""
        return await self.client.send(recipient_id, message)

    def text_messages(self, text: str) -> List[Mapping[str, str]]:
        """Text split where it exceeds Twilio's 1,600 characters."""
        return [{"Body": part} for part in base.split_text(text, BODY_LIMIT)]

    def image_messages(self, recipient_id: str, image: str) -> Sequence[Mapping[str, str]]:
        """The address as text."""
        return self.text_messages(image)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Text, split where it exceeds Twilio's 1,600 characters; staff replies are labelled."""
        text = base.with_staff_label(text, kwargs.get("staff_name"))
        await self._send_all(recipient_id, self.text_messages(text))

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        """The text with the buttons as a numbered list."""
        choices = base.choices_from_buttons(buttons)
        if not choices:
            await self.send_text_message(recipient_id, text)
            return
        self.choices.remember(recipient_id, choices)
        text = base.with_staff_label(text, kwargs.get("staff_name"))
        await self.send_text_message(recipient_id, numbered_text(text, choices))

    async def send_custom_json(
        self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any
    ) -> None:
        """Only a custom response's ``twilio`` parameters (e.g. a template's ``ContentSid``)."""
        params = json_message.get("twilio") if isinstance(json_message, dict) else None
        if isinstance(params, dict) and params:
            await self._send(recipient_id, params)


class TwilioWhatsAppInput(BackgroundWebhookChannel):
    """Rasa input channel for WhatsApp messages relayed by Twilio."""

    log_name = "twilio"

    @classmethod
    def name(cls) -> str:
        """The channel's name in ``credentials.yml``."""
        return TWILIO_CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        """Reads ``credentials.yml``; empty values leave the channel switched off."""

        def value(key: str) -> str:
            return cls.credential(credentials, key)

        return cls(
            account_sid=value("account_sid"),
            auth_token=value("auth_token"),
            twilio_number=value("twilio_number"),
            webhook_url=value("webhook_url"),
            api_url=value("api_url"),
            dedupe=create_dedupe(get_settings().redis_url, namespace=cls.name()),
        )

    def __init__(
        self,
        account_sid: str = "",
        auth_token: str = "",
        twilio_number: str = "",
        webhook_url: str = "",
        api_url: str = "",
        dedupe: Optional[MessageDedupe] = None,
        retry_policy: Optional[RetryPolicy] = None,
    ) -> None:
        """Creates the channel; ``webhook_url`` is the public URL Twilio calls."""
        self.auth_token = auth_token
        self.webhook_url = webhook_url
        self.client = TwilioClient(account_sid, auth_token, twilio_number, api_url, retry_policy)
        self.choices = RecentChoices()
        self._init_handling(dedupe)

    @property
    def configured(self) -> bool:
        """Whether the channel can send replies (see ``TwilioClient.configured``)."""
        return self.client.configured

    def get_output_channel(self) -> Optional[OutputChannel]:
        """The output the HTTP API uses (staff replies); refused messages raise."""
        if not self.configured:
            return None
        return TwilioWhatsAppOutput(self.client, self.choices, raise_on_failure=True)

    def inbound_output(self) -> OutputChannel:
        """The output that answers the patient's messages."""
        return TwilioWhatsAppOutput(self.client, self.choices)

    def user_text(self, inbound: base.Inbound) -> Tuple[str, Dict[str, Any]]:
        """A reply of just a number ("2", "২") is a tap on that numbered choice."""
        text, metadata = inbound.text, inbound.rasa_metadata()
        picked = self.choices.resolve(inbound.wa_id, text)
        if picked is not None:
            text = picked.payload or picked.title
            metadata = {**metadata, "display_text": picked.title[:200]}
        return text, metadata

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """``GET /`` health and ``POST /webhook`` messages."""
        blueprint = Blueprint("twilio_whatsapp_webhook", __name__)

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "configured": self.configured})

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            header = request.headers.get(SIGNATURE_HEADER)
            body = request.body or b""
            early = self.refusal_before_reading(
                self.configured, NOT_CONFIGURED, header, body, MAX_BODY_BYTES
            )
            if early is not None:
                return early
            try:
                form = parse_form(body)
            except ValueError:
                return response.json({"error": "invalid_form"}, status=400)
            url = signed_url(self.webhook_url, request.url, request.query_string)
            if not signature_valid(self.auth_token, url, form, header):
                logger.warning("twilio.bad_signature_refused")
                return response.json({"error": "invalid_signature"}, status=403)
            inbound = parse_twilio_form(form)
            agent = getattr(request.app.ctx, "agent", None)
            refusal = self.refusal_before_ack(agent, [inbound]) if inbound is not None else None
            if refusal is not None:
                return refusal
            if inbound is not None:
                self._in_background(self.handle_message(inbound, on_new_message, agent))
            return response.text(EMPTY_TWIML, content_type="text/xml")

        @blueprint.listener("after_server_stop")
        async def close_client(*_: Any) -> None:
            await self.client.close()

        return blueprint
