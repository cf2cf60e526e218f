"""Two Rasa servers sharing PostgreSQL and Redis behind HAProxy, under load and a crash.

The tests run in this order on one cluster (the last one kills a server):

1. conversations sent alternately to both servers, with pairs sent to both
   at the same moment: nothing lost, duplicated, reordered or interleaved;
2. a staff reply sent through server B reaches a widget connected to A;
3. a server is killed mid-run: HAProxy sends the traffic to the other one,
   and nothing acknowledged is lost.

Figures are printed (``make test-cluster`` runs pytest with ``-s``).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path
from typing import Any, Iterator, List

import aiohttp
import pytest
import socketio

from bot.console.rasa_api import RasaApi, staff_message_event
from bot.session_tokens import issue_session
from tests.cluster import load
from tests.cluster.cluster import RunningCluster
from tests.conftest import PROJECT_ROOT
from tests.utils.databases import fresh_postgres_database, postgres_test_url

pytestmark = pytest.mark.live

# Main run: CONVERSATIONS x STEPS steps, every PAIR_EVERY-th a pair: 40 x 40 = 1,600 messages.
CONVERSATIONS = 40
STEPS = 32
PAIR_EVERY = 4
# Crash run, through HAProxy: 20 x 20 = 400 acknowledged messages.
CRASH_CONVERSATIONS = 20
CRASH_STEPS = 20
# Messages sent in the crash run before the server is killed.
KILL_AFTER = 120

FIGURES: List[load.Figures] = []


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningCluster]:
    models = sorted((PROJECT_ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        pytest.fail("no trained model: run `make train` (make test does it)")
    cluster = RunningCluster(
        database_url=fresh_postgres_database(postgres_test_url(), "clinic_cluster_test"),
        model=models[-1],
        folder=Path(tmp_path_factory.mktemp("cluster")),
    )
    started = time.monotonic()
    try:
        cluster.start()
        print(f"\ncluster ready in {time.monotonic() - started:.0f} s")
        yield cluster
    finally:
        cluster.stop()


def connector() -> aiohttp.TCPConnector:
    return aiohttp.TCPConnector(limit=200)


def report(name: str, figures: load.Figures, seconds: float) -> None:
    FIGURES.append(figures)
    print(
        f"{name}: {figures.line()} ({figures.interleaved} interleaved, "
        f"{figures.unacknowledged} unacknowledged attempts, {figures.answered} answered; "
        f"{seconds:.0f} s, {figures.total / seconds:.1f} msg/s)"
    )


def assert_intact(figures: load.Figures) -> None:
    assert (figures.lost, figures.duplicated, figures.reordered, figures.interleaved) == (
        0,
        0,
        0,
        0,
    ), figures
    # Replies were compared, not just absent on both sides.
    assert figures.answered >= figures.total * 0.9, figures


async def test_alternating_and_simultaneous_messages_keep_their_order(
    running: RunningCluster,
) -> None:
    urls = [running.plan.instance_url(index) for index in range(2)]
    run = uuid.uuid4().hex[:8]
    started = time.monotonic()
    async with aiohttp.ClientSession(connector=connector(), timeout=load.REQUEST_TIMEOUT) as http:
        conversations = await asyncio.gather(
            *(
                load.alternating_conversation(
                    http, urls, f"cluster-{run}-{number}", number, STEPS, PAIR_EVERY
                )
                for number in range(CONVERSATIONS)
            )
        )
    seconds = time.monotonic() - started
    figures = load.check(running.database_url, conversations)
    report("alternating and simultaneous", figures, seconds)
    assert figures.unacknowledged == 0
    assert figures.total == CONVERSATIONS * (STEPS + STEPS // PAIR_EVERY)
    assert_intact(figures)


async def test_staff_reply_through_one_server_reaches_a_widget_on_the_other(
    running: RunningCluster,
) -> None:
    session = issue_session(running.widget_secret)
    received: List[Any] = []
    client = socketio.AsyncClient(reconnection=False)

    @client.on("bot_uttered")
    async def record(data: Any = None) -> None:
        received.append(data)

    confirmed = asyncio.Event()
    client.on("session_confirm", lambda *_: confirmed.set())
    # Polling: the aiohttp pinned by Rasa lacks what engine.io's websocket client needs.
    await client.connect(
        running.plan.instance_url(0),
        auth={"token": session.token},
        headers={"Origin": running.web_url},
        transports=["polling"],
        wait_timeout=10,
    )
    try:
        await client.emit("session_request", {"session_id": session.session_id})
        await asyncio.wait_for(confirmed.wait(), 10)
        ack = await client.call(
            "user_uttered",
            {
                "session_id": session.session_id,
                "message": "hi",
                "metadata": {"message_id": uuid.uuid4().hex},
            },
            timeout=60,
        )
        assert ack == {"ok": True}
        await asyncio.sleep(1)
        received.clear()
        other_server = RasaApi(running.plan.instance_url(1), running.token)
        text = f"Hello, this is Rahima from the clinic ({uuid.uuid4().hex[:6]})."
        await other_server.append_events(
            session.session_id, [staff_message_event(text, "Rahima")], deliver=True
        )
        for _ in range(100):
            if any(isinstance(m, dict) and m.get("text") == text for m in received):
                break
            await asyncio.sleep(0.1)
        assert {"text": text, "staff_name": "Rahima"} in received
    finally:
        await client.disconnect()


async def test_a_killed_server_loses_nothing_acknowledged(running: RunningCluster) -> None:
    run = uuid.uuid4().hex[:8]
    sent = [0]
    started = time.monotonic()

    async def kill_midway() -> None:
        while sent[0] < KILL_AFTER:
            await asyncio.sleep(0.05)
        running.kill_rasa(1)
        print(f"\nkilled Rasa server 2 after {sent[0]} messages")

    async with aiohttp.ClientSession(connector=connector(), timeout=load.REQUEST_TIMEOUT) as http:
        killer = asyncio.create_task(kill_midway())
        conversations = await asyncio.gather(
            *(
                load.retrying_conversation(
                    http, running.plan.rasa_url, f"crash-{run}-{number}", number, CRASH_STEPS, sent
                )
                for number in range(CRASH_CONVERSATIONS)
            )
        )
        await killer
    seconds = time.monotonic() - started
    figures = load.check(running.database_url, conversations)
    report("one server killed mid-run", figures, seconds)
    total = load.Figures()
    for part in FIGURES:
        total = total.add(part)
    print(f"cluster: {total.line()}")
    assert running.processes["rasa-1"].poll() is not None
    assert figures.total == CRASH_CONVERSATIONS * CRASH_STEPS
    assert_intact(figures)
