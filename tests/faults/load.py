"""Patients' load for the fault tests: conversations over REST, and what became of each message.

Each conversation sends a message every ``PAUSE_SECONDS`` (waiting for the
answer first, as a person does) and resends a refused one (503) after its
``Retry-After``, as Meta, Twilio and the widget do. Every message carries its
number in its metadata (``fault_seq``), which is stored with the user event
unmasked, so the test can tell which acknowledged messages reached the database.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

import requests
import sqlalchemy as sa

PAUSE_SECONDS = 0.5
REQUEST_TIMEOUT_SECONDS = 30
ORDINARY = ("what is a VRO", "what are the types of DFO", "how long does a cast stay on")
RED_FLAG = "since last night his toes are blue and he cant feel them"
# Every RED_FLAG_EVERY-th message of a conversation is a red flag.
RED_FLAG_EVERY = 4


@dataclass
class Attempt:
    """One POST of one message and its answer."""

    seq: int
    red_flag: bool
    sent_at: float
    answered_at: float
    status: Optional[int]  # None: no HTTP answer at all
    replies: List[Dict[str, Any]] = field(default_factory=list)
    retry_after: Optional[float] = None

    @property
    def acknowledged(self) -> bool:
        return self.status == 200

    @property
    def texts(self) -> List[str]:
        return [str(reply.get("text") or "") for reply in self.replies]


def post(url: str, sender: str, seq: int, text: str) -> Attempt:
    """Send one message; the answer as an :class:`Attempt`."""
    sent = time.monotonic()
    red_flag = text == RED_FLAG
    try:
        answer = requests.post(
            url,
            json={"sender": sender, "message": text, "metadata": {"fault_seq": seq}},
            timeout=REQUEST_TIMEOUT_SECONDS,
        )
    except requests.RequestException:
        return Attempt(seq, red_flag, sent, time.monotonic(), None)
    try:
        body = answer.json()
    except ValueError:
        body = None
    if answer.status_code == 200 and isinstance(body, list):
        replies = body
    elif isinstance(body, dict):
        replies = body.get("replies") or []
    else:
        replies = []
    retry_after = answer.headers.get("Retry-After")
    return Attempt(
        seq,
        red_flag,
        sent,
        time.monotonic(),
        answer.status_code,
        replies,
        float(retry_after) if retry_after else None,
    )


class Conversation(threading.Thread):
    """One patient writing until told to stop; every attempt is kept.

    ``only_red_flag``: a patient who writes one red flag and nothing else
    (resent until accepted), so that red flags arrive during an outage even
    while the other conversations wait to resend a refused message.
    """

    def __init__(
        self, url: str, sender: str, stop: threading.Event, only_red_flag: bool = False
    ) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.sender = sender
        self.stop_event = stop
        self.only_red_flag = only_red_flag
        self.attempts: List[Attempt] = []

    def message(self, seq: int) -> str:
        if self.only_red_flag or seq % RED_FLAG_EVERY == 0:
            return RED_FLAG
        return ORDINARY[seq % len(ORDINARY)]

    def run(self) -> None:
        seq = 0
        while not self.stop_event.is_set() and not (self.only_red_flag and seq):
            seq += 1
            while True:
                attempt = post(self.url, self.sender, seq, self.message(seq))
                self.attempts.append(attempt)
                if attempt.status != 503 or self.stop_event.is_set():
                    break
                time.sleep(attempt.retry_after or 1)
            time.sleep(PAUSE_SECONDS)


def stored_sequence(database_url: str, sender: str) -> List[int]:
    """The ``fault_seq`` of the conversation's user messages in the database, in order."""
    engine = sa.create_engine(database_url, future=True)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text(
                    "SELECT data FROM events WHERE sender_id = :sender"
                    " AND type_name = 'user' ORDER BY id"
                ),
                {"sender": sender},
            )
            found = []
            for (data,) in rows:
                metadata = json.loads(data).get("metadata") or {}
                if isinstance(metadata.get("fault_seq"), int):
                    found.append(metadata["fault_seq"])
            return found
    finally:
        engine.dispose()


@dataclass
class FaultReport:
    """What became of the messages around one fault."""

    fault: str
    acknowledged: int = 0
    lost: int = 0
    out_of_order: int = 0
    empty_replies: int = 0
    refused: int = 0
    errors: int = 0
    red_flags_in_outage: int = 0
    red_flags_answered: int = 0
    back_after_seconds: Optional[float] = None
    # Each error as "HTTP 500 after 0.4 s, 2.1 s into the outage" (no HTTP answer: "no answer").
    error_details: List[str] = field(default_factory=list)

    def line(self) -> str:
        back = "never" if self.back_after_seconds is None else f"{self.back_after_seconds:.1f} s"
        return (
            f"{self.fault}: acknowledged {self.acknowledged}, lost {self.lost}, "
            f"empty replies {self.empty_replies} (out of order {self.out_of_order}, "
            f"refused for retry {self.refused}, errors {self.errors}, red flags in the outage "
            f"{self.red_flags_in_outage} of which answered urgently {self.red_flags_answered}, "
            f"service back {back} after the server)"
            + (f"; errors: {'; '.join(self.error_details)}" if self.error_details else "")
        )


def describe_error(attempt: Attempt, stopped_at: float, back_at: float) -> str:
    """An error's status, how long it took and when it was sent relative to the outage."""
    status = "no answer" if attempt.status is None else f"HTTP {attempt.status}"
    took = attempt.answered_at - attempt.sent_at
    if attempt.sent_at < stopped_at:
        when = f"{stopped_at - attempt.sent_at:.1f} s before the outage"
    elif attempt.sent_at <= back_at:
        when = f"{attempt.sent_at - stopped_at:.1f} s into the outage"
    else:
        when = f"{attempt.sent_at - back_at:.1f} s after the outage"
    flag = ", a red flag" if attempt.red_flag else ""
    return f"{status} after {took:.1f} s, sent {when}{flag}"


def report(
    fault: str,
    conversations: Sequence[Conversation],
    stored: Dict[str, List[int]],
    outage: tuple,
    urgent_text: str,
) -> FaultReport:
    """Tally the attempts of ``conversations`` against what the database holds.

    Args:
        fault: Its name, for the printed line.
        conversations: The finished conversations.
        stored: Each sender's stored ``fault_seq`` list (see :func:`stored_sequence`).
        outage: ``(stopped_at, back_at)`` in ``time.monotonic()`` seconds.
        urgent_text: What a red flag's first reply must be.
    """
    stopped_at, back_at = outage
    result = FaultReport(fault)
    for conversation in conversations:
        in_database = stored.get(conversation.sender, [])
        acknowledged = []
        answered_flags = set()
        for attempt in conversation.attempts:
            if attempt.status == 503:
                result.refused += 1
            elif attempt.status != 200:
                result.errors += 1
                result.error_details.append(describe_error(attempt, stopped_at, back_at))
            if attempt.acknowledged:
                acknowledged.append(attempt.seq)
                if not attempt.replies:
                    result.empty_replies += 1
                elif attempt.sent_at >= back_at:
                    # Service is back when a message sent after the return is answered.
                    back = attempt.answered_at - back_at
                    if result.back_after_seconds is None or back < result.back_after_seconds:
                        result.back_after_seconds = back
            in_outage = stopped_at <= attempt.sent_at <= back_at
            # A red flag's first attempt in the outage must carry the urgent reply.
            if attempt.red_flag and in_outage and attempt.seq not in answered_flags:
                result.red_flags_in_outage += 1
                answered_flags.add(attempt.seq)
                if urgent_text in attempt.texts:
                    result.red_flags_answered += 1
        result.acknowledged += len(acknowledged)
        result.lost += len(set(acknowledged) - set(in_database))
        kept = [seq for seq in in_database if seq in set(acknowledged)]
        # Each acknowledged message once, in the order it was sent.
        order = list(dict.fromkeys(kept))
        result.out_of_order += sum(1 for a, b in zip(order, order[1:], strict=False) if b < a)
    return result
