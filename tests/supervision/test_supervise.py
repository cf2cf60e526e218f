"""The launcher's supervising loop with small stand-in processes (no Rasa needed)."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from typing import Callable, Iterator

import pytest

from bot import launcher
from bot.restart_policy import RestartPolicy

SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]
FAILING = [sys.executable, "-c", "raise SystemExit(3)"]
QUICK = RestartPolicy(max_crashes=3, healthy_seconds=60, first_delay=0.1, max_delay=0.2)


@pytest.fixture()
def stop() -> Iterator[launcher.StopRequest]:
    """A stop request; the test process's own signal handlers come back afterwards."""
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    saved[signal.SIGHUP] = signal.getsignal(signal.SIGHUP)
    try:
        yield launcher.StopRequest()
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler)


def in_background(action: Callable[[], None]) -> threading.Thread:
    thread = threading.Thread(target=action, daemon=True)
    thread.start()
    return thread


def wait_for(condition: Callable[[], bool], seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_a_killed_child_is_restarted_and_the_other_keeps_running(stop, capsys) -> None:
    first = launcher.Supervised("first", SLEEPER)
    second = launcher.Supervised("second", SLEEPER)
    for child in (first, second):
        child.launch(os.environ)
    killed_pid, other_pid = first.process.pid, second.process.pid
    seen = {}

    def kill_then_stop() -> None:
        os.kill(killed_pid, signal.SIGKILL)
        seen["restarted"] = wait_for(
            lambda: first.process is not None and first.process.pid != killed_pid
        )
        seen["other"] = second.process.pid if second.process else None
        seen["other_running"] = second.process is not None and second.process.poll() is None
        stop.requested = True

    thread = in_background(kill_then_stop)
    code = launcher.supervise([first, second], os.environ, stop, policy=QUICK)
    thread.join()
    assert code == 0
    assert seen == {"restarted": True, "other": other_pid, "other_running": True}
    output = capsys.readouterr().out
    assert "The first process stopped (killed by SIGKILL); restarting it" in output
    assert "Restarted the first process." in output
    # Everything is stopped at the end, the restarted child included.
    assert first.process.poll() is not None and second.process.poll() is not None


def test_a_child_that_keeps_crashing_stops_the_assistant_with_a_clear_message(stop, capsys) -> None:
    failing = launcher.Supervised("rasa", FAILING)
    healthy = launcher.Supervised("web", SLEEPER)
    for child in (failing, healthy):
        child.launch(os.environ)
    started = time.monotonic()
    code = launcher.supervise([failing, healthy], os.environ, stop, policy=QUICK)
    assert code == 3
    assert time.monotonic() - started < 30
    assert len(failing.run_seconds) == QUICK.max_crashes
    assert healthy.process.poll() is not None, "the healthy process was not stopped"
    output = capsys.readouterr().out
    assert "The rasa process stopped (exit code 3) after 3 short runs in a row" in output
    assert "not restarting it" in output


def test_sigterm_stops_every_child(stop) -> None:
    child = launcher.Supervised("web", SLEEPER)
    child.launch(os.environ)
    pid = child.process.pid
    in_background(lambda: (time.sleep(1), os.kill(os.getpid(), signal.SIGTERM)))
    assert launcher.supervise([child], os.environ, stop, policy=QUICK) == 0
    assert child.process.pid == pid, "a stop request is not a crash: no restart"
    assert child.process.poll() is not None
