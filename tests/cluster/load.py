"""Conversations sent to the cluster over REST, and what PostgreSQL kept of them.

Each message carries a unique marker, so the check can find it in Rasa's
``events`` table. A *step* of a conversation is one message, or a pair sent
to both Rasa servers at the same moment (their order between themselves is
free). The check counts, over acknowledged messages (REST 200):

- lost: not stored;
- duplicated: stored more than once (unacknowledged attempts count too);
- reordered: stored before a message of an earlier step;
- interleaved: the bot messages stored after it, up to the next user
  message, are not the replies it got (another message's turn cut in).
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

import aiohttp
import sqlalchemy as sa

from bot.privacy import mask_nested

REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=120)
# A session's first message is answered after the session start's own
# messages (the greeting), which are stored before the user event.
SESSION_START = "action_session_start"


@dataclass
class Attempt:
    """One message sent: its text (with the marker) and, if acknowledged, its replies."""

    text: str
    replies: Optional[List[str]] = None

    @property
    def acknowledged(self) -> bool:
        return self.replies is not None


@dataclass
class Conversation:
    """A conversation's steps, each a list of attempts sent at the same moment."""

    sender: str
    steps: List[List[Attempt]] = field(default_factory=list)

    def attempts(self) -> List[Attempt]:
        return [attempt for step in self.steps for attempt in step]


@dataclass
class Figures:
    """What the check found."""

    total: int = 0
    unacknowledged: int = 0
    lost: int = 0
    duplicated: int = 0
    reordered: int = 0
    interleaved: int = 0
    answered: int = 0

    def add(self, other: Figures) -> Figures:
        return Figures(
            **{name: getattr(self, name) + getattr(other, name) for name in self.__dict__}
        )

    def line(self) -> str:
        return (
            f"lost {self.lost}, duplicated {self.duplicated}, reordered {self.reordered} "
            f"of {self.total}"
        )


async def send(http: aiohttp.ClientSession, base_url: str, sender: str, text: str) -> Attempt:
    """POST one message to a Rasa server's REST channel; unacknowledged on any failure."""
    attempt = Attempt(text)
    try:
        async with http.post(
            f"{base_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}
        ) as reply:
            if reply.status == 200:
                body = await reply.json()
                attempt.replies = [item["text"] for item in body if item.get("text")]
    except (aiohttp.ClientError, asyncio.TimeoutError):
        pass
    return attempt


def marker_text(conversation: int, step: int, attempt: int) -> str:
    """A short message that parses fast and names itself."""
    return f"hi {conversation} {step} {attempt}"


async def alternating_conversation(
    http: aiohttp.ClientSession,
    urls: Sequence[str],
    sender: str,
    number: int,
    steps: int,
    pair_every: int,
) -> Conversation:
    """Step ``s`` to server ``(number + s) % 2``; every ``pair_every``-th step to both at once."""
    conversation = Conversation(sender)
    for step in range(steps):
        if pair_every and step % pair_every == pair_every - 1:
            pair = await asyncio.gather(
                *(
                    send(http, url, sender, marker_text(number, step, index))
                    for index, url in enumerate(urls)
                )
            )
            conversation.steps.append(list(pair))
        else:
            url = urls[(number + step) % len(urls)]
            conversation.steps.append([await send(http, url, sender, marker_text(number, step, 0))])
    return conversation


async def retrying_conversation(
    http: aiohttp.ClientSession,
    url: str,
    sender: str,
    number: int,
    steps: int,
    sent: List[int],
    attempts: int = 8,
) -> Conversation:
    """Each step sent through ``url`` until acknowledged (a new marker per attempt)."""
    conversation = Conversation(sender)
    for step in range(steps):
        tries: List[Attempt] = []
        for index in range(attempts):
            attempt = await send(http, url, sender, marker_text(number, step, index))
            tries.append(attempt)
            sent[0] += 1
            if attempt.acknowledged:
                break
            await asyncio.sleep(1)
        conversation.steps.append(tries)
    return conversation


def stored_turns(database_url: str, senders: Sequence[str]) -> Dict[str, List[dict]]:
    """Each conversation's user and bot events and session starts, in stored order."""
    engine = sa.create_engine(database_url, future=True)
    turns: Dict[str, List[dict]] = defaultdict(list)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text(
                    "SELECT sender_id, data FROM events WHERE sender_id = ANY(:senders) "
                    "AND (type_name IN ('user', 'bot') OR action_name = :session_start) "
                    "ORDER BY id"
                ),
                {"senders": list(senders), "session_start": SESSION_START},
            )
            for sender, data in rows:
                turns[sender].append(json.loads(data))
    finally:
        engine.dispose()
    return turns


def is_turn_boundary(event: dict) -> bool:
    """A user message or a session start: what ends the previous message's replies."""
    return event.get("event") == "user" or event.get("name") == SESSION_START


def stored_replies(events: List[dict], position: int) -> List[str]:
    """The bot texts of the user message at ``position``: its session start's, then its own."""
    before: List[str] = []
    for event in reversed(events[:position]):
        if event.get("name") == SESSION_START:
            break
        if event.get("event") == "user":
            before = []  # those were the previous message's replies
            break
        if event.get("text"):
            before.insert(0, event["text"])
    after = []
    for event in events[position + 1 :]:
        if is_turn_boundary(event):
            break
        if event.get("text"):
            after.append(event["text"])
    return before + after


def check_conversation(conversation: Conversation, events: List[dict]) -> Figures:
    """Compare one conversation's attempts with its stored events (see the module)."""
    figures = Figures()
    positions: Dict[str, List[int]] = defaultdict(list)
    for position, event in enumerate(events):
        if event.get("event") == "user":
            positions[event.get("text") or ""].append(position)
    latest_earlier = -1
    for step in conversation.steps:
        step_positions = []
        for attempt in step:
            found = positions.get(mask_nested(attempt.text), [])
            figures.duplicated += max(0, len(found) - 1)
            if not attempt.acknowledged:
                figures.unacknowledged += 1
                step_positions += found[:1]
                continue
            figures.total += 1
            if not found:
                figures.lost += 1
                continue
            position = found[0]
            step_positions.append(position)
            if position < latest_earlier:
                figures.reordered += 1
            replies = stored_replies(events, position)
            expected = [mask_nested(text) for text in attempt.replies or []]
            if replies != expected:
                figures.interleaved += 1
            if expected:
                figures.answered += 1
        latest_earlier = max([latest_earlier, *step_positions])
    return figures


def check(database_url: str, conversations: Sequence[Conversation]) -> Figures:
    """Figures over every conversation, read from PostgreSQL's ``events`` table."""
    stored = stored_turns(database_url, [conversation.sender for conversation in conversations])
    figures = Figures()
    for conversation in conversations:
        figures = figures.add(check_conversation(conversation, stored.get(conversation.sender, [])))
    return figures
