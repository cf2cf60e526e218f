"""Start the assistant's processes together, with one Ctrl-C stopping all.

Usage (the Makefile calls these; all load ``.env`` without overriding
variables already set in the environment)::

    python -m bot.launcher init-env      # create .env from .env.example
    python -m bot.launcher run           # all three processes, restarted if one crashes
    python -m bot.launcher serve NAME    # one process: rasa, actions or web (systemd)
    python -m bot.launcher shell         # action server + terminal chat
    python -m bot.launcher exec -- CMD   # run CMD with .env loaded
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Mapping, NoReturn, Optional, Sequence

from dotenv import dotenv_values

from bot.restart_policy import DEFAULT_POLICY, RestartPolicy, restart_delay
from bot.settings import PROJECT_ROOT, SettingsError, load_settings

ENV_FILE = PROJECT_ROOT / ".env"
ENV_EXAMPLE = PROJECT_ROOT / ".env.example"
MODELS_DIR = PROJECT_ROOT / "models"
STOP_TIMEOUT_SECONDS = 15
READY_TIMEOUT_SECONDS = 300


# Secrets generated for a development .env when they are empty.
GENERATED_SECRETS = ("RASA_AUTH_TOKEN", "WIDGET_JWT_SECRET", "ACTION_SERVER_TOKEN")


def render_env_file(example: str) -> str:
    """Turn ``.env.example`` text into a ``.env`` with generated secrets.

    Args:
        example: The text of ``.env.example``.

    Returns:
        The same text with every empty secret of ``GENERATED_SECRETS`` given a
        random value.
    """
    lines = []
    for line in example.splitlines():
        name = line.strip().rstrip("=")
        if line.strip().endswith("=") and name in GENERATED_SECRETS:
            line = f"{name}={secrets.token_urlsafe(32)}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def init_env(env_file: Path = ENV_FILE, example: Path = ENV_EXAMPLE) -> bool:
    """Create ``.env`` from ``.env.example``, or add variables it lacks.

    An existing ``.env`` keeps every value it has; variables that a newer
    ``.env.example`` added are appended (secrets generated).

    Returns:
        True if the file was created or extended.
    """
    template = render_env_file(example.read_text())
    if not env_file.exists():
        env_file.write_text(template)
        env_file.chmod(0o600)
        return True
    present = dotenv_values(env_file)
    missing = [
        line
        for line in template.splitlines()
        if "=" in line
        and not line.lstrip().startswith("#")
        and line.split("=", 1)[0].strip() not in present
    ]
    empty_secrets = [name for name in GENERATED_SECRETS if name in present and not present[name]]
    if not missing and not empty_secrets:
        return False
    text = env_file.read_text()
    for name in empty_secrets:
        text = text.replace(f"\n{name}=\n", f"\n{name}={secrets.token_urlsafe(32)}\n")
    if missing:
        text = text.rstrip("\n") + "\n\n# Added from .env.example\n" + "\n".join(missing) + "\n"
    env_file.write_text(text)
    return True


# Quiet TensorFlow's start-up chatter unless the environment asks for it.
QUIET_DEFAULTS = {"TF_CPP_MIN_LOG_LEVEL": "2"}


def merged_environment(environ: Mapping[str, str], env_file: Path = ENV_FILE) -> Dict[str, str]:
    """The process environment plus ``.env`` values it does not already set."""
    merged = {**QUIET_DEFAULTS, **environ}
    if env_file.exists():
        for key, value in dotenv_values(env_file).items():
            if key not in merged and value is not None:
                merged[key] = value
    return merged


def venv_bin(name: str) -> str:
    """Path of an executable in the interpreter's own environment (the .venv)."""
    return str(Path(sys.executable).parent / name)


def latest_model(models_dir: Path = MODELS_DIR) -> Path:
    """The newest trained model, or a clear error when there is none."""
    models = sorted(models_dir.glob("*.tar.gz"), key=lambda path: path.stat().st_mtime)
    if not models:
        raise SystemExit("error: no trained model in models/; run `make train` first")
    return models[-1]


def action_server_command(env: Mapping[str, str]) -> List[str]:
    """Command line of the action server (bot/action_server.py).

    It reads ACTION_PORT, ACTION_BIND_ADDRESS and ACTION_SERVER_TOKEN from the
    environment: the token never appears on the command line (``ps``).
    """
    if not env.get("ACTION_SERVER_TOKEN", "").strip():
        raise SystemExit(
            "error: ACTION_SERVER_TOKEN is empty; `python -m bot.launcher init-env` generates it"
        )
    return [sys.executable, "-m", "bot.action_server"]


def web_command() -> List[str]:
    """Command line of the web process (clinic page, widget, chat sessions)."""
    return [sys.executable, "-m", "bot.web.app"]


def rasa_server_command(env: Mapping[str, str], model: Path) -> List[str]:
    """Command line of the Rasa server: REST channel and token-protected API.

    bot/rasa_server.py adds ``--auth-token`` from RASA_AUTH_TOKEN inside the
    process: the token never appears on the command line (``ps``).
    """
    if not env.get("RASA_AUTH_TOKEN", ""):
        raise SystemExit("error: RASA_AUTH_TOKEN is empty; set it or delete .env to regenerate")
    command = [
        sys.executable, "-m", "bot.rasa_server", "run",
        "--model", str(model),
        "--endpoints", "endpoints.yml",
        "--credentials", "credentials.yml",
        "--port", env.get("RASA_PORT", "5005"),
        "--interface", env.get("RASA_BIND_ADDRESS", "127.0.0.1"),
        "--enable-api",
    ]  # fmt: skip
    origins = [origin.strip() for origin in env.get("CORS_ORIGINS", "").split(",")]
    origins = [origin for origin in origins if origin]
    if origins:
        command += ["--cors", *origins]
    return command


def wait_until_ready(url: str, timeout: float, processes: Sequence[subprocess.Popen]) -> bool:
    """Poll ``url`` until it answers, a process dies, or ``timeout`` passes."""
    if not url.startswith("http://"):
        raise ValueError(f"readiness checks poll local http:// addresses, not {url!r}")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            return False
        if answers(url, timeout=2):
            return True
        time.sleep(1)
    return False


def stop_all(processes: Sequence[subprocess.Popen]) -> None:
    """Ask every process to stop, then kill what is still running."""
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def start(command: Sequence[str], env: Mapping[str, str]) -> subprocess.Popen:
    """Start a child in its own process group so it can be stopped as a whole."""
    return subprocess.Popen(list(command), env=dict(env), cwd=PROJECT_ROOT, start_new_session=True)


def check_settings(env: Mapping[str, str]) -> None:
    """Fail fast, before anything starts, on a configuration that cannot work."""
    try:
        load_settings(env)
    except SettingsError as error:
        raise SystemExit(f"error: {error}") from error


def say(text: str) -> None:
    """Print to the terminal; a closed pipe (``make run | tee`` after Ctrl-C) is ignored."""
    with contextlib.suppress(BrokenPipeError, OSError):
        print(text, flush=True)


# The assistant's processes, in the order `run` starts them. The systemd units
# in deploy/systemd run each with `python -m bot.launcher serve NAME`.
SERVICES = ("actions", "rasa", "web")


def service_command(name: str, env: Mapping[str, str]) -> List[str]:
    """Command line of one of the assistant's processes, named as in ``SERVICES``."""
    if name == "actions":
        return action_server_command(env)
    if name == "rasa":
        return rasa_server_command(env, latest_model())
    if name == "web":
        return web_command()
    raise SystemExit(f"error: unknown process {name!r}; choose one of {', '.join(SERVICES)}")


def serve_command(name: str) -> List[str]:
    """How `run` starts a process: through `serve`, as the systemd units do."""
    return [sys.executable, "-m", "bot.launcher", "serve", name]


def serve(name: str, env: Mapping[str, str]) -> NoReturn:
    """Become one of the assistant's processes (``exec``): signals reach it directly."""
    if name not in SERVICES:
        raise SystemExit(f"error: unknown process {name!r}; choose one of {', '.join(SERVICES)}")
    check_settings(env)
    command = service_command(name, env)
    os.chdir(PROJECT_ROOT)
    os.execve(command[0], command, dict(env))  # noqa: S606 (our own command, no shell)


@dataclass
class Supervised:
    """One process run by `run`: its command, its current process, its past runs."""

    name: str
    command: List[str]
    process: Optional[subprocess.Popen] = None
    started_at: float = 0.0
    run_seconds: List[float] = field(default_factory=list)
    restart_at: Optional[float] = None

    def launch(self, env: Mapping[str, str]) -> None:
        """Start (or restart) the process."""
        self.process = start(self.command, env)
        self.started_at = time.monotonic()
        self.restart_at = None


class StopRequest:
    """Ctrl-C, SIGTERM and SIGHUP set a flag that the supervising loop reads."""

    def __init__(self) -> None:
        """Installs the signal handlers; nothing is requested yet."""
        self.requested = False
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, self._request)

    def _request(self, signum: int, frame: object) -> None:
        self.requested = True


def describe_exit(code: int) -> str:
    """``exit code 1`` or ``killed by SIGKILL``, for the terminal."""
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"killed by {signal.Signals(-code).name}"
    return f"exit code {code}"


def end_process_group(process: subprocess.Popen) -> None:
    """Kill what a dead child left in its process group, so its port is free again."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def answers(url: str, timeout: float = 1.0) -> bool:
    """Whether a local http:// address answers (with a success status) right now."""
    if not url.startswith("http://"):
        raise ValueError(f"readiness checks poll local http:// addresses, not {url!r}")
    try:
        with urllib.request.urlopen(url, timeout=timeout):  # noqa: S310 (http only, checked above)
            return True
    except (urllib.error.URLError, OSError):
        return False


def supervise(
    children: Sequence[Supervised],
    env: Mapping[str, str],
    stop: StopRequest,
    policy: RestartPolicy = DEFAULT_POLICY,
    ready_url: Optional[str] = None,
    ready_message: str = "",
) -> int:
    """Restart crashed children until Ctrl-C or SIGTERM; then stop every child.

    A child that stops is restarted after the policy's back-off while the
    others keep serving. One that keeps crashing (``policy``) stops the
    assistant with a message naming it. ``ready_message`` is printed once
    ``ready_url`` answers.

    Returns:
        0 after Ctrl-C or SIGTERM, else the exit code of the child given up on.
    """
    exit_code = 0
    announced = ready_url is None
    try:
        while not stop.requested:
            now = time.monotonic()
            for child in children:
                if child.process is None:
                    if child.restart_at is not None and now >= child.restart_at:
                        child.launch(env)
                        say(f"Restarted the {child.name} process.")
                    continue
                code = child.process.poll()
                if code is None:
                    continue
                end_process_group(child.process)
                child.process = None
                child.run_seconds.append(now - child.started_at)
                delay = restart_delay(child.run_seconds, policy)
                if delay is None:
                    say(
                        f"\nThe {child.name} process stopped ({describe_exit(code)}) after "
                        f"{policy.max_crashes} short runs in a row; not restarting it. Stopping "
                        "the assistant: see the messages above for the cause."
                    )
                    exit_code = code if code > 0 else 1
                    stop.requested = True
                    break
                child.restart_at = now + delay
                say(
                    f"\nThe {child.name} process stopped ({describe_exit(code)}); restarting "
                    f"it in {delay:g} s. The other processes keep serving."
                )
            if (
                not announced
                and not stop.requested
                and ready_url is not None
                and answers(ready_url)
            ):
                say(ready_message)
                announced = True
            time.sleep(0.5)
        say("\nStopping the assistant...")
    finally:
        # Children run in their own sessions (Ctrl-C reaches only us), so they
        # are stopped here whatever happened above.
        stop_all([child.process for child in children if child.process is not None])
    say("Stopped.")
    return exit_code


def run(env: Dict[str, str]) -> int:
    """Run the action server, the Rasa server and the web process until Ctrl-C.

    A process that crashes is restarted by itself while the others keep serving.
    """
    check_settings(env)
    latest_model()
    stop = StopRequest()
    children = [Supervised(name, serve_command(name)) for name in SERVICES]
    try:
        for child in children:
            child.launch(env)
    except BaseException:
        stop_all([child.process for child in children if child.process is not None])
        raise
    port = env.get("RASA_PORT", "5005")
    web_port = env.get("WEB_PORT", "8080")
    message = (
        "\nThe assistant is running.\n"
        f"  Clinic page with the chat widget:  http://localhost:{web_port}/\n"
        f"  REST channel:  POST http://localhost:{port}/webhooks/rest/webhook\n"
        '                 body: {"sender": "any-id", "message": "what is a VRO?"}\n'
        "                 (with REST_CHANNEL_TOKEN set: Authorization: Bearer <token>)\n"
        f"  HTTP API:      http://localhost:{port}/  (token: RASA_AUTH_TOKEN in .env)\n"
        f"  Action server: http://localhost:{env.get('ACTION_PORT', '5055')}/health\n"
        "  Terminal chat: make shell (in another terminal: stop this one first,\n"
        "                 or use the REST channel)\n"
        "A process that crashes is restarted. Press Ctrl-C to stop everything.\n"
    )
    return supervise(
        children, env, stop, ready_url=f"http://127.0.0.1:{port}/", ready_message=message
    )


def shell(env: Dict[str, str]) -> int:
    """Run the action server in the background and a terminal chat in front."""
    check_settings(env)
    model = latest_model()
    actions = start(action_server_command(env), env)
    try:
        port = env.get("ACTION_PORT", "5055")
        if not wait_until_ready(f"http://127.0.0.1:{port}/health", 120, [actions]):
            print("error: the action server did not start", file=sys.stderr)
            return 1
        command = [
            venv_bin("rasa"), "shell",
            "--model", str(model),
            "--endpoints", "endpoints.yml",
        ]  # fmt: skip
        return subprocess.call(command, env=env, cwd=PROJECT_ROOT)
    finally:
        stop_all([actions])


def exec_command(env: Dict[str, str], command: Sequence[str]) -> int:
    """Run one command with ``.env`` loaded; its exit code is returned."""
    if not command:
        raise SystemExit("error: exec needs a command after --")
    return subprocess.call(list(command), env=env, cwd=PROJECT_ROOT)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m bot.launcher", description=__doc__)
    parser.add_argument("command", choices=["init-env", "run", "serve", "shell", "exec"])
    parser.add_argument("rest", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.command == "init-env":
        if init_env():
            print("Wrote .env from .env.example (secrets generated where empty).")
        return 0
    env = merged_environment(os.environ)
    if args.command == "run":
        return run(env)
    if args.command == "shell":
        return shell(env)
    if args.command == "serve":
        if len(args.rest) != 1:
            raise SystemExit(f"error: serve needs one of {', '.join(SERVICES)}")
        serve(args.rest[0], env)
    rest = args.rest[1:] if args.rest[:1] == ["--"] else args.rest
    return exec_command(env, rest)


if __name__ == "__main__":
    sys.exit(main())
