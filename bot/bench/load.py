"""Drive concurrent conversations against a Rasa REST channel and time each reply.

Importable on its own: ``run_load("http://127.0.0.1:5105", conversations=20,
messages_each=10, texts=...)`` returns a :class:`LoadResult`. Each
conversation has its own sender id and sends its messages one after the
other, each as soon as the previous reply has arrived, as a patient (or the
widget) does; the conversations run at the same time.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence

import aiohttp
import yaml

from bot.bench.stats import LatencySummary

WEBHOOK_PATH = "/webhooks/rest/webhook"
REQUEST_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class Turn:
    """One message of one conversation: its position, latency and outcome."""

    conversation: int
    turn: int
    seconds: float
    ok: bool


@dataclass
class LoadResult:
    """Every turn of one load run, and the run's wall-clock time."""

    conversations: int
    messages_each: int
    elapsed_seconds: float
    turns: List[Turn] = field(default_factory=list)

    @classmethod
    def pooled(cls, runs: Sequence[LoadResult]) -> LoadResult:
        """Several runs of the same size as one: their turns, their summed time."""
        if not runs:
            raise ValueError("no runs to pool")
        turns = [turn for run in runs for turn in run.turns]
        elapsed = sum(run.elapsed_seconds for run in runs)
        return cls(runs[0].conversations, runs[0].messages_each, elapsed, turns)

    @property
    def answered(self) -> List[Turn]:
        """The turns that got a reply."""
        return [turn for turn in self.turns if turn.ok]

    @property
    def errors(self) -> int:
        """How many turns failed."""
        return sum(1 for turn in self.turns if not turn.ok)

    @property
    def messages_per_second(self) -> float:
        """Answered messages per second of wall-clock time."""
        return len(self.answered) / self.elapsed_seconds if self.elapsed_seconds > 0 else 0.0

    def latencies(self, turns: Optional[range] = None) -> List[float]:
        """Seconds per answered message, optionally of some turn numbers only (0-based)."""
        return [t.seconds for t in self.answered if turns is None or t.turn in turns]

    def figures(self) -> Dict[str, float]:
        """msg/s, p50/p95/p99 in ms, message and error counts (for the report)."""
        summary = LatencySummary.of(self.latencies() or [0.0])
        return {
            "conversations": self.conversations,
            "messages_each": self.messages_each,
            "messages": len(self.turns),
            "errors": self.errors,
            "elapsed_s": round(self.elapsed_seconds, 3),
            "msg_per_s": round(self.messages_per_second, 2),
            "p50_ms": round(summary.p50_ms, 1),
            "p95_ms": round(summary.p95_ms, 1),
            "p99_ms": round(summary.p99_ms, 1),
        }


def conversation_texts(
    texts_by_language: Mapping[str, Sequence[str]], conversation: int, count: int
) -> List[str]:
    """The ``count`` messages conversation number ``conversation`` sends.

    Conversations take the languages in turn; each walks through its
    language's list from its own starting point, wrapping around.
    """
    languages = sorted(texts_by_language)
    if not languages:
        raise ValueError("no bench texts")
    texts = list(texts_by_language[languages[conversation % len(languages)]])
    start = conversation // len(languages)
    return [texts[(start + index) % len(texts)] for index in range(count)]


async def _converse(
    session: aiohttp.ClientSession,
    url: str,
    sender: str,
    conversation: int,
    texts: Sequence[str],
    headers: Dict[str, str],
) -> List[Turn]:
    turns = []
    for index, text in enumerate(texts):
        started = time.perf_counter()
        try:
            async with session.post(
                url, json={"sender": sender, "message": text}, headers=headers
            ) as response:
                await response.read()
                ok = response.status == 200
        except (aiohttp.ClientError, asyncio.TimeoutError):
            ok = False
        turns.append(Turn(conversation, index, time.perf_counter() - started, ok))
    return turns


async def drive(
    base_url: str,
    conversations: int,
    messages_each: int,
    texts_by_language: Mapping[str, Sequence[str]],
    token: Optional[str] = None,
    sender_prefix: Optional[str] = None,
) -> LoadResult:
    """Run ``conversations`` conversations of ``messages_each`` messages at once.

    Args:
        base_url: The Rasa server, e.g. ``http://127.0.0.1:5105``.
        conversations: How many run concurrently.
        messages_each: Messages per conversation, each sent after the previous reply.
        texts_by_language: The texts to send (see :func:`conversation_texts`).
        token: ``REST_CHANNEL_TOKEN`` of our REST channel (Bearer), if it needs one.
        sender_prefix: Start of the sender ids; a fresh random one by default,
            so every run starts new conversations.
    """
    prefix = sender_prefix or f"bench-{uuid.uuid4().hex[:12]}"
    url = base_url.rstrip("/") + WEBHOOK_PATH
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        started = time.perf_counter()
        results = await asyncio.gather(
            *(
                _converse(
                    session,
                    url,
                    f"{prefix}-{number}",
                    number,
                    conversation_texts(texts_by_language, number, messages_each),
                    headers,
                )
                for number in range(conversations)
            )
        )
        elapsed = time.perf_counter() - started
    turns = [turn for conversation in results for turn in conversation]
    return LoadResult(conversations, messages_each, elapsed, turns)


def run_load(
    base_url: str,
    conversations: int,
    messages_each: int,
    texts_by_language: Mapping[str, Sequence[str]],
    token: Optional[str] = None,
    sender_prefix: Optional[str] = None,
) -> LoadResult:
    """:func:`drive` from synchronous code (its own event loop)."""
    return asyncio.run(
        drive(base_url, conversations, messages_each, texts_by_language, token, sender_prefix)
    )


def load_texts(path: Optional[str] = None) -> Dict[str, List[str]]:
    """The bench's messages by language (``bot/bench/messages.yml`` by default)."""
    source = Path(path) if path else Path(__file__).with_name("messages.yml")
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    return {str(language): [str(text) for text in texts] for language, texts in data.items()}
