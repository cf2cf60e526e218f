"""``make test-faults``: stop PostgreSQL, then Redis, under patients' load, and count what was lost.

The assistant runs on a PostgreSQL and a Redis of the test's own (other
ports; the machine's servers are untouched). Three conversations write over
REST; each server is stopped for ``OUTAGE_SECONDS`` and started again. Then:
every acknowledged message is in PostgreSQL, in order; no reply was empty;
each red flag sent during the outage got the urgent reply at once; service
is back within ``BACK_WITHIN_SECONDS`` of the server's return. Each fault
prints ``acknowledged N, lost N, empty replies N``.

Redis is stopped twice: with ``LOCK_STORE_FALLBACK=memory`` (one Rasa
process: locks in memory, every message answered) and ``refuse`` (several
processes: 503 + Retry-After, the client resends).
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from typing import Callable, Dict, Iterator, List, Optional, Tuple

import pytest
import requests

from bot.channels.whatsapp.meta import SIGNATURE_HEADER, signature_for
from tests.conftest import PROJECT_ROOT, text_of
from tests.faults.load import Conversation, FaultReport, report, stored_sequence
from tests.utils.postgres_server import PostgresServer
from tests.utils.redis_server import RedisServer
from tests.utils.stack import AssistantStack

CONVERSATIONS = 3
# A new patient with one red flag this often, outage or not.
RED_FLAG_PATIENT_EVERY_SECONDS = 3.0
BEFORE_SECONDS = 4.0
OUTAGE_SECONDS = 15.0
AFTER_SECONDS = 8.0
BACK_WITHIN_SECONDS = 5.0
# How long the journal may take to reach PostgreSQL after the load stops.
SETTLE_SECONDS = 30.0


@dataclass
class FaultRig:
    """The assistant on its own PostgreSQL and Redis."""

    postgres: PostgresServer
    redis: RedisServer
    stack: AssistantStack

    def use_lock_fallback(self, fallback: str) -> None:
        """Restart Rasa alone if ``LOCK_STORE_FALLBACK`` must change."""
        if self.stack.extra_env.get("LOCK_STORE_FALLBACK") == fallback:
            return
        self.stack.stop_rasa()
        self.stack.extra_env["LOCK_STORE_FALLBACK"] = fallback
        self.stack.start_rasa()


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultRig]:
    models = sorted((PROJECT_ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        pytest.fail("no trained model: run `make train` (make test does it)")
    folder = tmp_path_factory.mktemp("faults")
    with PostgresServer() as postgres:
        redis = RedisServer(folder / "redis").start()
        stack = AssistantStack(
            database_url=postgres.url,
            redis_url=redis.url,
            model=models[-1],
            log_dir=folder / "logs",
            extra_env={
                "LOCK_STORE_FALLBACK": "memory",
                "STORAGE_JOURNAL_PATH": str(folder / "journal.db"),
            },
        )
        try:
            yield FaultRig(postgres, redis, stack.start())
        finally:
            stack.stop()
            redis.stop()


def run_fault(rig: FaultRig, name: str, stop: Callable[[], None], start: Callable[[], None],
              urgent_text: str, in_outage: Optional[Callable[[], None]] = None
              ) -> FaultReport:  # fmt: skip
    """Drive the load, stop a server for OUTAGE_SECONDS, start it, and tally.

    ``in_outage`` runs once in the middle of the outage.
    """
    url = f"{rig.stack.rasa_url}/webhooks/rest/webhook"
    finished = threading.Event()
    run = uuid.uuid4().hex[:8]
    conversations = [
        Conversation(url, f"fault-{name}-{run}-{index}", finished) for index in range(CONVERSATIONS)
    ]
    for conversation in conversations:
        conversation.start()

    def wait(seconds: float) -> None:
        """Wait, starting a red-flag patient every RED_FLAG_PATIENT_EVERY_SECONDS."""
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            patient = Conversation(
                url, f"fault-{name}-{run}-rf{len(conversations)}", finished, only_red_flag=True
            )
            conversations.append(patient)
            patient.start()
            time.sleep(min(RED_FLAG_PATIENT_EVERY_SECONDS, max(until - time.monotonic(), 0)))

    wait(BEFORE_SECONDS)
    stopped_at = time.monotonic()
    stop()
    wait(OUTAGE_SECONDS / 2)
    if in_outage is not None:
        in_outage()
    wait(OUTAGE_SECONDS / 2)
    start()
    back_at = time.monotonic()
    wait(AFTER_SECONDS)
    finished.set()
    for conversation in conversations:
        conversation.join(timeout=60)
    stored: Dict[str, List[int]] = {}
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        stored = {c.sender: stored_sequence(rig.postgres.url, c.sender) for c in conversations}
        result = report(name, conversations, stored, (stopped_at, back_at), urgent_text)
        if result.lost == 0 or time.monotonic() > deadline:
            break
        time.sleep(1)
    print(f"\n{result.line()}")
    if result.errors:
        print_logged_errors(rig.stack)
    return result


def print_logged_errors(stack: AssistantStack) -> None:
    """The servers' ERROR lines (event names and error types, no patient text)."""
    if stack.log_dir is None:
        return
    for log in sorted(stack.log_dir.glob("*.log")):
        for line in log.read_text(errors="replace").splitlines():
            if " ERROR " in line:
                print(f"{log.name}: {line}")


def whatsapp_webhook(stack: AssistantStack) -> Tuple[int, Optional[str]]:
    """Meta's signed webhook with one text message: the status and Retry-After it gets."""
    body = (PROJECT_ROOT / "tests/channels/data/text.json").read_bytes()
    answer = requests.post(
        f"{stack.rasa_url}/webhooks/whatsapp/webhook",
        data=body,
        headers={
            "Content-Type": "application/json",
            SIGNATURE_HEADER: signature_for(stack.whatsapp_app_secret, body),
        },
        timeout=30,
    )
    return answer.status_code, answer.headers.get("Retry-After")


FAULTS = ["redis-memory", "redis-refuse", "postgresql"]


@pytest.mark.parametrize("fault", FAULTS)
def test_nothing_acknowledged_is_lost(rig: FaultRig, fault: str, responses) -> None:
    if fault.startswith("redis"):
        rig.use_lock_fallback(fault.split("-", 1)[1])
        server = rig.redis
    else:
        rig.use_lock_fallback("memory")
        server = rig.postgres
    webhook: List[Tuple[int, Optional[str]]] = []
    result = run_fault(
        rig,
        fault,
        server.stop,
        server.start,
        text_of(responses, "utter_urgent_care"),
        in_outage=lambda: webhook.append(whatsapp_webhook(rig.stack)),
    )
    if fault == "redis-refuse":
        # Meta is told to resend, before any 200; after the outage it is accepted.
        status, retry_after = webhook[0]
        assert status == 503 and retry_after, webhook
        assert whatsapp_webhook(rig.stack)[0] == 200
    else:
        assert webhook[0][0] == 200, webhook
    assert result.acknowledged > 0
    assert result.lost == 0, result.line()
    assert result.out_of_order == 0, result.line()
    assert result.empty_replies == 0, result.line()
    assert result.errors == 0, result.line()
    assert result.red_flags_in_outage > 0, result.line()
    assert result.red_flags_answered == result.red_flags_in_outage, result.line()
    assert result.back_after_seconds is not None, result.line()
    assert result.back_after_seconds <= BACK_WITHIN_SECONDS, result.line()
