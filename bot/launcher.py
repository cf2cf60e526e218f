"""Start the assistant's processes together, with one Ctrl-C stopping all.

Usage (the Makefile calls these; all load ``.env`` without overriding
variables already set in the environment)::

    python -m bot.launcher init-env      # create .env from .env.example
    python -m bot.launcher run           # Rasa server + action server
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
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence

from dotenv import dotenv_values

from bot.settings import PROJECT_ROOT, SettingsError, load_settings

ENV_FILE = PROJECT_ROOT / ".env"
ENV_EXAMPLE = PROJECT_ROOT / ".env.example"
MODELS_DIR = PROJECT_ROOT / "models"
STOP_TIMEOUT_SECONDS = 15
READY_TIMEOUT_SECONDS = 300


# Secrets generated for a development .env when they are empty.
GENERATED_SECRETS = ("RASA_AUTH_TOKEN", "WIDGET_JWT_SECRET")


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
    """Command line of the rasa-sdk action server."""
    return [
        sys.executable, "-m", "rasa_sdk",
        "--actions", "actions",
        "--port", env.get("ACTION_PORT", "5055"),
    ]  # fmt: skip


def web_command() -> List[str]:
    """Command line of the web process (clinic page, widget, chat sessions)."""
    return [sys.executable, "-m", "bot.web.app"]


def rasa_server_command(env: Mapping[str, str], model: Path) -> List[str]:
    """Command line of the Rasa server: REST channel and token-protected API."""
    token = env.get("RASA_AUTH_TOKEN", "")
    if not token:
        raise SystemExit("error: RASA_AUTH_TOKEN is empty; set it or delete .env to regenerate")
    command = [
        venv_bin("rasa"), "run",
        "--model", str(model),
        "--endpoints", "endpoints.yml",
        "--credentials", "credentials.yml",
        "--port", env.get("RASA_PORT", "5005"),
        "--interface", env.get("RASA_BIND_ADDRESS", "127.0.0.1"),
        "--enable-api",
        # One argument: a token may start with "-" (token_urlsafe), which
        # argparse would read as an option.
        f"--auth-token={token}",
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
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (http only, checked above)
                return True
        except (urllib.error.URLError, OSError):
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


def supervise(processes: Sequence[subprocess.Popen]) -> int:
    """Wait until Ctrl-C, SIGTERM or a child's exit; then stop every child."""
    stopping = False

    def request_stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGHUP, request_stop)
    exit_code = 0
    try:
        while not stopping:
            for process in processes:
                code = process.poll()
                if code is not None:
                    say(f"\nA process stopped (exit code {code}); stopping the others.")
                    exit_code = code or 1
                    stopping = True
            time.sleep(0.5)
        say("\nStopping the assistant...")
    finally:
        # Children run in their own sessions (Ctrl-C reaches only us), so they
        # are stopped here whatever happened above.
        stop_all(processes)
    say("Stopped.")
    return exit_code


def run(env: Dict[str, str]) -> int:
    """Run the action server, the Rasa server and the web process until Ctrl-C."""
    check_settings(env)
    model = latest_model()
    actions = start(action_server_command(env), env)
    rasa = start(rasa_server_command(env, model), env)
    web = start(web_command(), env)
    processes = [actions, rasa, web]
    port = env.get("RASA_PORT", "5005")
    web_port = env.get("WEB_PORT", "8080")
    if wait_until_ready(f"http://127.0.0.1:{port}/", READY_TIMEOUT_SECONDS, processes):
        say(
            "\nThe assistant is running.\n"
            f"  Clinic page with the chat widget:  http://localhost:{web_port}/\n"
            f"  REST channel:  POST http://localhost:{port}/webhooks/rest/webhook\n"
            '                 body: {"sender": "any-id", "message": "what is a VRO?"}\n'
            f"  HTTP API:      http://localhost:{port}/  (token: RASA_AUTH_TOKEN in .env)\n"
            f"  Action server: http://localhost:{env.get('ACTION_PORT', '5055')}/health\n"
            "  Terminal chat: make shell (in another terminal: stop this one first,\n"
            "                 or use the REST channel)\n"
            "Press Ctrl-C to stop everything.\n"
        )
    return supervise(processes)


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
    parser.add_argument("command", choices=["init-env", "run", "shell", "exec"])
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
    rest = args.rest[1:] if args.rest[:1] == ["--"] else args.rest
    return exec_command(env, rest)


if __name__ == "__main__":
    sys.exit(main())
