"""What the two WhatsApp channels (Meta, Twilio) do alike with an inbound message.

Both answer the provider's webhook at once and handle its messages in the
background; each message is claimed once (providers redeliver), media gets
the text-only reply, text goes to the assistant (unencodable characters
replaced, see ``bot.channels.safe_text``), and a red flag sent while
staff hold the conversation still gets the urgent-care message. A failure is
logged by hashed message id only, and never stops the other messages.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Coroutine, Dict, Optional, Set, Tuple

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage

from bot.channels import whatsapp_payloads as payloads
from bot.channels.graph_api import log_ref
from bot.channels.message_dedupe import MemoryDedupe, MessageDedupe
from bot.channels.paused_guard import answer_red_flags_while_paused
from bot.channels.safe_text import replace_unencodable, replace_unencodable_in

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


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

    def user_text(self, inbound: payloads.Inbound) -> Tuple[str, Dict[str, Any]]:
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

    async def handle_message(
        self, inbound: payloads.Inbound, on_new_message: OnNewMessage, agent: Any = None
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
            if inbound.kind == payloads.UNSUPPORTED:
                logger.info(
                    "%s.not_text type=%s sender=%s",
                    prefix,
                    inbound.message_type[:32],
                    log_ref(inbound.wa_id),
                )
                await output.send_text_message(inbound.wa_id, payloads.TEXT_ONLY_REPLY)
                return
            text, metadata = self.user_text(inbound)
            text, metadata = replace_unencodable(text), replace_unencodable_in(metadata)
            logger.info(
                "%s.message type=%s sender=%s", prefix, inbound.message_type, log_ref(inbound.wa_id)
            )
            await on_new_message(
                UserMessage(
                    text,
                    output,
                    inbound.wa_id,
                    input_channel=self.name(),
                    message_id=inbound.message_id,
                    metadata=metadata,
                )
            )
            await answer_red_flags_while_paused(agent, inbound.wa_id, output)
        except Exception as error:  # one bad message must not stop the rest
            logger.error(
                "%s.message_failed message=%s error=%s",
                prefix,
                log_ref(inbound.message_id),
                type(error).__name__,
            )
            logger.debug("%s.message_failed", prefix, exc_info=True)
