"""`python -m bot.launcher serve NAME`: one process, the command systemd and `make run` share."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from bot import launcher
from tests.utils.databases import ensure_postgres_database, postgres_test_url, redis_test_url
from tests.utils.stack import AssistantStack

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_serve_needs_a_known_process_name() -> None:
    with pytest.raises(SystemExit, match="serve needs one of actions, rasa, web"):
        launcher.main(["serve"])
    with pytest.raises(SystemExit, match="unknown process 'console'"):
        launcher.main(["serve", "console"])


def test_service_commands_are_the_launchers_own() -> None:
    env = {"RASA_AUTH_TOKEN": "t0ken-for-the-test", "ACTION_SERVER_TOKEN": "a" * 32}
    assert launcher.service_command("web", env) == launcher.web_command()
    assert launcher.service_command("actions", env) == launcher.action_server_command(env)
    model = launcher.latest_model()
    assert launcher.service_command("rasa", env) == launcher.rasa_server_command(env, model)


def test_run_starts_each_process_through_serve() -> None:
    assert [launcher.serve_command(name)[1:] for name in launcher.SERVICES] == [
        ["-m", "bot.launcher", "serve", "actions"],
        ["-m", "bot.launcher", "serve", "rasa"],
        ["-m", "bot.launcher", "serve", "web"],
    ]


def test_serve_becomes_the_process_so_systemd_signals_reach_it() -> None:
    stack = AssistantStack(
        database_url=ensure_postgres_database(postgres_test_url()),
        redis_url=redis_test_url(),
        model=PROJECT_ROOT / "models" / "clinic.tar.gz",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.launcher", "serve", "web"],
        env=stack.env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert launcher.wait_until_ready(f"{stack.web_url}/health", 60, [process])
        command_line = Path(f"/proc/{process.pid}/cmdline").read_bytes().split(b"\0")
        assert b"bot.web.app" in command_line, "serve did not exec the web process"
        assert requests.get(f"{stack.web_url}/", timeout=10).status_code == 200
        process.send_signal(signal.SIGTERM)
        started = time.monotonic()
        assert process.wait(timeout=20) is not None
        assert time.monotonic() - started < 20
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
