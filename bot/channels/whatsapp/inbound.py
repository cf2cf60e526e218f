"""What the two WhatsApp input channels (Meta, Twilio) do alike with an inbound message.

Both answer the provider's webhook at once and handle its messages in the
background; each message is claimed once (providers redeliver), media gets
the text-only reply, text goes to the assistant (unencodable characters
replaced, see ``bot.channels.safe_text``), and a red flag sent while
staff hold the conversation still gets the urgent-care message. A failure is
logged by hashed message id only, and never stops the other messages.

When storage refuses messages retryably (Redis down with several Rasa
processes), the webhook is answered 503 *before* any 200, so that Meta and
Twilio deliver it again later; its red flags get the urgent-care reply at
once all the same. A message accepted just before storage failed is kept in
this process and retried until storage takes it (up to ``HOLD_SECONDS``).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Coroutine, Dict, Optional, Sequence, Set, Tuple

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import response
from sanic.response import HTTPResponse

from bot.channels.message_dedupe import MemoryDedupe, MessageDedupe
from bot.channels.paused_guard import answer_red_flags_while_paused
from bot.channels.refused_message import STORAGE_UNAVAILABLE, refuses_now, urgent_reply
from bot.channels.safe_text import replace_unencodable, replace_unencodable_in
from bot.channels.whatsapp import base
from bot.channels.whatsapp.delivery import log_ref
from bot.storage.errors import StorageUnavailable

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
# How long an accepted message refused by storage is kept and retried in-process.
HOLD_SECONDS = 600.0
# What Meta and Twilio are told to wait before resending a refused webhook.
RETRY_AFTER_SECONDS = 5


class BackgroundWebhookChannel(InputChannel):
    """Base of the WhatsApp input channels; subclasses set ``dedupe`` and build outputs."""

    dedupe: MessageDedupe
    _tasks: Set[asyncio.Task]
    # Prefix of this channel's log event names ("whatsapp.message", ...).
    log_name = "whatsapp"

    @staticmethod
    def credential(credentials: Optional[Dict[str, Any]], key: str) -> str:
        """A value from ``credentials.yml``, trimmed; empty when missing."""
        return str((credentials or {}).get(key) or "").strip()

    def _init_handling(self, dedupe: Optional[MessageDedupe]) -> None:
        """Set up duplicate detection and the set of background tasks."""
        self.dedupe = dedupe or MemoryDedupe()
        self._tasks = set()

    def inbound_output(self) -> OutputChannel:
        """The output that answers an inbound message."""
        raise NotImplementedError

    def user_text(self, inbound: base.Inbound) -> Tuple[str, Dict[str, Any]]:
        """The text and metadata the assistant receives for a message."""
        return inbound.text, inbound.rasa_metadata()

    async def wait_until_idle(self) -> None:
        """Wait for the messages being handled in the background (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def _in_background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def refusal_before_reading(
        self,
        configured: bool,
        not_configured: Dict[str, str],
        signature: Optional[str],
        body: bytes,
        max_body_bytes: int,
    ) -> Optional[HTTPResponse]:
        """The checks every webhook call passes before its body is read, in this order.

        A channel that is switched off answers 503 with ``not_configured``; an
        unsigned call 401; a body over ``max_body_bytes`` 413. ``None`` when
        the call may go on to the provider's own signature check.
        """
        if not configured:
            return response.json(not_configured, status=503)
        if not signature:
            logger.warning("%s.unsigned_refused", self.log_name)
            return response.json({"error": "missing_signature"}, status=401)
        if len(body) > max_body_bytes:
            return response.json({"error": "too_large"}, status=413)
        return None

    def refusal_before_ack(
        self, agent: Any, inbounds: Sequence[base.Inbound]
    ) -> Optional[HTTPResponse]:
        """A 503 for the provider if storage refuses messages now, else None.

        Red flags among ``inbounds`` are answered at once, in the background.
        """
        if not refuses_now(agent):
            return None
        for inbound in inbounds:
            if inbound.kind != base.UNSUPPORTED:
                self._in_background(self._answer_urgent(agent, inbound))
        logger.warning(
            "%s.refused error=%s messages=%d", self.log_name, STORAGE_UNAVAILABLE, len(inbounds)
        )
        return response.json(
            {"error": STORAGE_UNAVAILABLE},
            status=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )

    async def _answer_urgent(self, agent: Any, inbound: base.Inbound) -> None:
        """Send the urgent-care text if ``inbound`` describes red flags."""
        try:
            text = await urgent_reply(agent, replace_unencodable(self.user_text(inbound)[0]))
            if text:
                await self.inbound_output().send_text_message(inbound.wa_id, text)
        except Exception as error:
            logger.error(
                "%s.urgent_failed message=%s error=%s",
                self.log_name,
                log_ref(inbound.message_id),
                type(error).__name__,
            )

    async def _deliver_until_stored(
        self,
        agent: Any,
        inbound: base.Inbound,
        message: Callable[[], UserMessage],
        on_new_message: OnNewMessage,
    ) -> None:
        """Pass the message on; while storage refuses it, answer red flags and retry."""
        held = 0.0
        while True:
            try:
                await on_new_message(message())
                return
            except StorageUnavailable as refusal:
                if held == 0.0:
                    logger.warning(
                        "%s.message_held message=%s", self.log_name, log_ref(inbound.message_id)
                    )
                    await self._answer_urgent(agent, inbound)
                if held >= HOLD_SECONDS:
                    raise
                await asyncio.sleep(refusal.retry_after)
                held += refusal.retry_after

    async def handle_message(
        self, inbound: base.Inbound, on_new_message: OnNewMessage, agent: Any = None
    ) -> None:
        """Pass one patient message to the assistant, or answer it directly.

        ``agent`` is Rasa's (``app.ctx.agent``), for the paused-conversation guard.
        """
        prefix = self.log_name
        try:
            if not await self.dedupe.claim(inbound.message_id):
                logger.info("%s.duplicate_ignored message=%s", prefix, log_ref(inbound.message_id))
                return
            output = self.inbound_output()
            if inbound.kind == base.UNSUPPORTED:
                logger.info(
                    "%s.not_text type=%s sender=%s",
                    prefix,
                    inbound.message_type[:32],
                    log_ref(inbound.wa_id),
                )
                await output.send_text_message(inbound.wa_id, base.TEXT_ONLY_REPLY)
                return
            text, metadata = self.user_text(inbound)
            text, metadata = replace_unencodable(text), replace_unencodable_in(metadata)
            logger.info(
                "%s.message type=%s sender=%s", prefix, inbound.message_type, log_ref(inbound.wa_id)
            )
            await self._deliver_until_stored(
                agent,
                inbound,
                lambda: UserMessage(
                    text,
                    output,
                    inbound.wa_id,
                    input_channel=self.name(),
                    message_id=inbound.message_id,
                    metadata=metadata,
                ),
                on_new_message,
            )
            await answer_red_flags_while_paused(agent, inbound.wa_id, output)
        except Exception as error:  # one bad message must not stop the rest
            logger.error(
                "%s.message_failed message=%s error=%s",
                prefix,
                log_ref(inbound.message_id),
                type(error).__name__,
            )
            if not isinstance(error, StorageUnavailable):
                # A red flag is answered whatever failed (a held one was answered already).
                await self._answer_urgent(agent, inbound)
            logger.debug("%s.message_failed", prefix, exc_info=True)
