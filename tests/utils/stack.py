"""The whole assistant on free local ports: action server, Rasa server, web process.

Used by the live tests and the browser tests. Conversations go to PostgreSQL
and locks to Redis, as in production.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from bot import launcher
from bot.storage.migrate import upgrade

CLINIC_PHONE = "+880 1711 000000"
CLINIC_WHATSAPP = "8801711000000"
# The WhatsApp channels' fixed test values; secrets are per stack (fields below).
WHATSAPP_ACCESS_TOKEN = "test-graph-access-token"
WHATSAPP_PHONE_NUMBER_ID = "106540352242922"
TWILIO_ACCOUNT_SID = "AC" + "0" * 32
TWILIO_WHATSAPP_NUMBER = "whatsapp:+14155238886"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class AssistantStack:
    """Starts, restarts and stops the assistant's three processes."""

    database_url: str
    redis_url: str
    model: Path
    rasa_port: int = field(default_factory=free_port)
    action_port: int = field(default_factory=free_port)
    web_port: int = field(default_factory=free_port)
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    action_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    widget_secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    whatsapp_app_secret: str = field(default_factory=lambda: secrets.token_hex(16))
    whatsapp_verify_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    twilio_auth_token: str = field(default_factory=lambda: secrets.token_hex(16))
    # The WhatsApp channels send replies to a loopback port, never to Meta or
    # Twilio; a test that wants them runs a fake API there (tests/channels/servers.py).
    fake_api_port: int = field(default_factory=free_port)
    processes: Dict[str, subprocess.Popen] = field(default_factory=dict)
    # When set, each process writes its output to LOG_DIR/NAME.log (the log-scan test).
    log_dir: Optional[Path] = None
    extra_env: Dict[str, str] = field(default_factory=dict)

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def fake_api_url(self) -> str:
        """Where the WhatsApp channels send: Graph API at /v21.0, Twilio at the root."""
        return f"http://127.0.0.1:{self.fake_api_port}"

    @property
    def env(self) -> Dict[str, str]:
        return {
            **os.environ,
            **launcher.QUIET_DEFAULTS,
            "CLINIC_ENV": "test",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "RASA_AUTH_TOKEN": self.token,
            "RASA_PORT": str(self.rasa_port),
            "ACTION_PORT": str(self.action_port),
            "ACTION_SERVER_URL": f"http://127.0.0.1:{self.action_port}/webhook",
            "ACTION_SERVER_TOKEN": self.action_token,
            "ACTION_BIND_ADDRESS": "127.0.0.1",
            "WEB_PORT": str(self.web_port),
            "WEB_BIND_ADDRESS": "127.0.0.1",
            "RASA_PUBLIC_URL": self.rasa_url,
            "RASA_URL": self.rasa_url,
            "WIDGET_JWT_SECRET": self.widget_secret,
            "WIDGET_ALLOWED_ORIGINS": self.web_url,
            "CORS_ORIGINS": self.web_url,
            "CLINIC_PHONE": CLINIC_PHONE,
            "CLINIC_WHATSAPP": CLINIC_WHATSAPP,
            "CLINIC_HOURS": "",
            # credentials.yml names them all: Rasa refuses to start if one is unset.
            "WHATSAPP_VERIFY_TOKEN": self.whatsapp_verify_token,
            "WHATSAPP_APP_SECRET": self.whatsapp_app_secret,
            "WHATSAPP_ACCESS_TOKEN": WHATSAPP_ACCESS_TOKEN,
            "WHATSAPP_PHONE_NUMBER_ID": WHATSAPP_PHONE_NUMBER_ID,
            "WHATSAPP_GRAPH_API_URL": f"{self.fake_api_url}/v21.0",
            "TWILIO_ACCOUNT_SID": TWILIO_ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": self.twilio_auth_token,
            "TWILIO_WHATSAPP_NUMBER": TWILIO_WHATSAPP_NUMBER,
            "TWILIO_WEBHOOK_URL": f"{self.rasa_url}/webhooks/twilio_whatsapp/webhook",
            "TWILIO_API_URL": self.fake_api_url,
            **self.extra_env,
        }

    def _launch(self, name: str, command: List[str], env: Dict[str, str]) -> None:
        if self.log_dir is None:
            self.processes[name] = launcher.start(command, env)
            return
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_dir / f"{name}.log", "ab") as output:
            self.processes[name] = subprocess.Popen(
                command,
                env=env,
                cwd=launcher.PROJECT_ROOT,
                start_new_session=True,
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def _wait(self, url: str, names: List[str], timeout: float) -> None:
        watched = [self.processes[name] for name in names]
        if not launcher.wait_until_ready(url, timeout, watched):
            raise RuntimeError(f"{', '.join(names)} did not start ({url})")

    def start_rasa(self) -> None:
        env = self.env
        self._launch("rasa", launcher.rasa_server_command(env, self.model), env)
        self._wait(f"{self.rasa_url}/", ["rasa"], 240)

    def stop_rasa(self) -> None:
        process = self.processes.pop("rasa", None)
        if process:
            launcher.stop_all([process])

    def start(self) -> AssistantStack:
        # The action server and the console use the clinic's tables.
        upgrade(self.database_url)
        env = self.env
        self._launch("actions", launcher.action_server_command(env), env)
        self._launch("web", launcher.web_command(), env)
        self.start_rasa()
        self._wait(f"http://127.0.0.1:{self.action_port}/health", ["actions"], 60)
        self._wait(f"{self.web_url}/health", ["web"], 60)
        return self

    def stop(self) -> None:
        launcher.stop_all(list(self.processes.values()))
        self.processes.clear()

    def alive(self, name: str) -> Optional[bool]:
        process = self.processes.get(name)
        return None if process is None else process.poll() is None
