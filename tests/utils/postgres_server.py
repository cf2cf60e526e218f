"""A PostgreSQL server of a test's own, on another port, that the test may stop and restart.

Fault tests (issue 12) need a database they can take away without touching
the machine's own server on 5432::

    with PostgresServer() as server:
        url = server.url           # postgresql://postgres@127.0.0.1:<port>/postgres
        server.stop()              # fast shutdown: clients get "connection refused"
        server.start()             # same data, same port

It runs Debian's PostgreSQL binaries (``PG_BIN``, default
/usr/lib/postgresql/15/bin) with ``initdb`` and ``pg_ctl``; as root, through
``runuser -u postgres`` because PostgreSQL refuses to run as root. The
cluster lives in a new folder under /tmp (pytest's ``tmp_path`` is private
to root, so the ``postgres`` user could not reach it), trusts local
connections, keeps its socket in its own folder and is deleted on exit.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import List, Optional, Type

import sqlalchemy as sa

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
RUN_AS = "postgres"


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """A throw-away PostgreSQL cluster on ``port`` (a free one by default)."""

    def __init__(self, port: Optional[int] = None) -> None:
        """Makes the folder; :meth:`start` (or ``with``) creates and starts the cluster."""
        self.folder = Path(tempfile.mkdtemp(prefix="clinic-test-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.folder, RUN_AS, RUN_AS)
        self.data = self.folder / "data"
        self.port = port or free_port()
        self.log = self.folder / "server.log"

    @property
    def url(self) -> str:
        """The URL of the cluster's ``postgres`` database."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _command(self, *arguments: str) -> List[str]:
        prefix = ["runuser", "-u", RUN_AS, "--"] if os.geteuid() == 0 else []
        return prefix + list(arguments)

    def _run(self, *arguments: str) -> None:
        result = subprocess.run(
            self._command(*arguments), capture_output=True, text=True, timeout=120, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"{arguments[0]} failed: {result.stderr.strip()[-2000:]}")

    def initialise(self) -> None:
        """``initdb`` a new cluster with trust authentication (once)."""
        if (self.data / "PG_VERSION").exists():
            return
        self._run(
            str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres",
            "--auth=trust", "--encoding=UTF8", "--no-sync",
        )  # fmt: skip

    def start(self) -> None:
        """Start the cluster and wait until it accepts connections."""
        self.initialise()
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
            "-o", options, "-w", "-t", "60", "start",
        )  # fmt: skip
        self.wait_until_ready()

    def stop(self) -> None:
        """Stop the cluster at once (``-m fast``: open connections are cut)."""
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def is_running(self) -> bool:
        """Whether the cluster's postmaster is up."""
        result = subprocess.run(
            self._command(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "status"),
            capture_output=True,
            check=False,
        )
        return result.returncode == 0

    def wait_until_ready(self, timeout_seconds: float = 30.0) -> None:
        """Wait until a query succeeds."""
        engine = sa.create_engine(self.url, future=True)
        deadline = time.monotonic() + timeout_seconds
        try:
            while True:
                try:
                    with engine.connect() as connection:
                        connection.execute(sa.text("SELECT 1"))
                    return
                except sa.exc.OperationalError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
        finally:
            engine.dispose()

    def __enter__(self) -> PostgresServer:
        self.start()
        return self

    def __exit__(
        self,
        kind: Optional[Type[BaseException]],
        value: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        if self.is_running():
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
