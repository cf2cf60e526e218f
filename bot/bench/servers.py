"""The two stacks `make bench` compares, started on loopback ports and stopped after.

- Ours: the Rasa server and the action server as ``python -m bot.launcher
  serve rasa`` / ``serve actions`` start them, with the trained model of
  ``models/``, PostgreSQL (tracker store) and Redis (lock store) as in
  production, and a REST channel token.
- The reference: Rasa's own ``rasa init --no-prompt`` assistant, created and
  trained once into ``build/bench-reference/``, with ``rasa run`` and its own
  ``rasa run actions``, Rasa's defaults otherwise (in-memory tracker store).
- The cluster: ours twice, two Rasa servers and two action servers behind
  HAProxy as ``make cluster`` runs them (:mod:`bot.cluster.plan`), with a
  PostgreSQL database of its own and the same Redis; loaded through HAProxy.
"""

from __future__ import annotations

import csv
import io
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence

from bot import launcher
from bot.cluster import plan as cluster
from bot.speedups import SWITCH as SPEEDUPS_SWITCH

PROJECT_ROOT = launcher.PROJECT_ROOT
REFERENCE_DIR = PROJECT_ROOT / "build" / "bench-reference"
LOG_DIR = PROJECT_ROOT / "build" / "bench-logs"
READY_TIMEOUT_SECONDS = 300
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/clinic_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
# Rasa's own REST channel answers GET here once the model is loaded.
REST_HEALTH_PATH = "/webhooks/rest/"
CLUSTER_INSTANCES = 2
# The bench's HAProxy reports its servers' health here (``show stat``).
HAPROXY_STATS_SOCKET = LOG_DIR / "cluster-haproxy.sock"
# HAProxy's backends the cluster's load goes through (deploy/haproxy/haproxy.cfg.template).
HAPROXY_BACKENDS = ("rasa_servers", "action_servers")


@dataclass
class Stack:
    """A started Rasa server and action server, and how to reach and measure them."""

    name: str
    rasa_port: int
    action_port: int
    rest_token: Optional[str] = None
    processes: Dict[str, subprocess.Popen] = field(default_factory=dict)
    ready_seconds: Optional[float] = None

    @property
    def base_url(self) -> str:
        """The Rasa server's address on loopback."""
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def rasa_pid(self) -> int:
        """The (first) Rasa server's process id (for its memory)."""
        return self.rasa_pids[0]

    @property
    def rasa_pids(self) -> List[int]:
        """Every Rasa server's process id: one, or one per instance of a cluster."""
        return [process.pid for name, process in self.processes.items() if name.startswith("rasa")]

    def stop(self) -> None:
        """Stop both processes (SIGTERM, then SIGKILL after a grace period)."""
        launcher.stop_all(list(self.processes.values()))
        self.processes.clear()


def wait_ready(
    stack: Stack,
    started: float,
    timeout: float = READY_TIMEOUT_SECONDS,
    urls: Optional[Sequence[str]] = None,
) -> float:
    """Seconds from ``started`` until both servers (or every one of ``urls``) answer.

    Raises:
        RuntimeError: A process died, or the timeout passed.
    """
    if urls is None:
        urls = [
            f"{stack.base_url}{REST_HEALTH_PATH}",
            f"http://127.0.0.1:{stack.action_port}/health",
        ]
    deadline = started + timeout
    while time.monotonic() < deadline:
        for name, process in stack.processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"{stack.name}: the {name} process stopped; see {LOG_DIR}")
        if all(launcher.answers(url, timeout=2) for url in urls):
            return time.monotonic() - started
        time.sleep(0.2)
    raise RuntimeError(f"{stack.name}: not ready after {timeout:g} s; see {LOG_DIR}")


def _launch(stack: Stack, name: str, command: List[str], env: Mapping[str, str], cwd: Path) -> None:
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    with open(LOG_DIR / f"{stack.name}-{name}.log", "wb") as output:
        stack.processes[name] = subprocess.Popen(
            command,
            env=dict(env),
            cwd=cwd,
            start_new_session=True,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def fresh_postgres_database(url: str) -> str:
    """Drop and re-create the bench's PostgreSQL database, then create our tables."""
    from sqlalchemy.engine import make_url

    from bot.storage.migrate import upgrade
    from bot.storage.provision import recreate_database

    name = make_url(url).database or ""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*bench[a-z0-9_]*", name):
        raise ValueError(f"the bench drops its database: name it *bench*, not {name!r}")
    recreate_database(url, name)
    upgrade(url)
    return url


def our_environment(
    base: Mapping[str, str],
    rasa_port: int,
    action_port: int,
    database_url: str,
    redis_url: str,
    rest_token: str,
    journal: Path = LOG_DIR / "journal.db",
) -> Dict[str, str]:
    """``.env`` plus the bench's ports, databases, REST channel token and storage journal."""
    env = launcher.merged_environment(base)
    env.update(
        {
            "RASA_PORT": str(rasa_port),
            "RASA_BIND_ADDRESS": "127.0.0.1",
            "RASA_URL": f"http://127.0.0.1:{rasa_port}",
            "ACTION_PORT": str(action_port),
            "ACTION_BIND_ADDRESS": "127.0.0.1",
            "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "REST_CHANNEL_TOKEN": rest_token,
            "STORAGE_JOURNAL_PATH": str(journal),
        }
    )
    return env


def start_ours(
    rasa_port: int,
    action_port: int,
    database_url: str = DEFAULT_DATABASE_URL,
    redis_url: str = DEFAULT_REDIS_URL,
    speedups: bool = True,
) -> Stack:
    """Start our Rasa server and action server; returns once both answer.

    ``speedups=False`` runs Rasa's own code instead of :mod:`bot.speedups`
    (the stack is then named ``ours-stock``).
    """
    if database_url.startswith("postgresql"):
        fresh_postgres_database(database_url)
    name = "ours" if speedups else "ours-stock"
    stack = Stack(name, rasa_port, action_port, rest_token=secrets.token_urlsafe(32))
    env = our_environment(
        os.environ,
        rasa_port,
        action_port,
        database_url,
        redis_url,
        stack.rest_token or "",
        journal=LOG_DIR / f"{name}-journal.db",
    )
    env[SPEEDUPS_SWITCH] = "on" if speedups else "off"
    started = time.monotonic()
    serve = [sys.executable, "-m", "bot.launcher", "serve"]
    try:
        _launch(stack, "actions", [*serve, "actions"], env, PROJECT_ROOT)
        _launch(stack, "rasa", [*serve, "rasa"], env, PROJECT_ROOT)
        stack.ready_seconds = wait_ready(stack, started)
    except BaseException:
        stack.stop()
        raise
    return stack


def cluster_plan(
    rasa_port: int, action_port: int, instances: int = CLUSTER_INSTANCES
) -> cluster.ClusterPlan:
    """``make cluster``'s layout above the bench's HAProxy ports: instance N at port + N."""
    return cluster.plan_from_env(
        {
            "RASA_PORT": str(rasa_port),
            "ACTION_PORT": str(action_port),
            "CLUSTER_INSTANCES": str(instances),
        }
    )


def plan_ports(plan: cluster.ClusterPlan) -> List[int]:
    """Every port a cluster listens on: HAProxy's two, then each instance's."""
    return [plan.rasa_port, plan.action_port, *plan.rasa_ports, *plan.action_ports]


def bench_haproxy_config(plan: cluster.ClusterPlan, stats_socket: Path) -> str:
    """``make cluster``'s HAProxy configuration plus a stats socket the bench reads."""
    return (
        cluster.haproxy_config(plan)
        + f"\n# The bench's addition: it waits until HAProxy sees every server up.\n"
        f"global\n    stats socket {stats_socket} mode 600 level user\n"
    )


def servers_not_up(stat_csv: str, backends: Sequence[str] = HAPROXY_BACKENDS) -> List[str]:
    """``backend/server`` of every server of ``backends`` HAProxy does not route to yet.

    ``stat_csv`` is the answer to HAProxy's ``show stat``. A backend with no
    server listed counts as not up.
    """
    rows = list(csv.DictReader(io.StringIO(stat_csv.lstrip("# "))))
    missing = []
    for backend in backends:
        servers = [
            row
            for row in rows
            if row.get("pxname") == backend and row.get("svname") not in ("FRONTEND", "BACKEND")
        ]
        if not servers:
            missing.append(f"{backend}/-")
        missing += [f"{backend}/{row['svname']}" for row in servers if row.get("status") != "UP"]
    return missing


def requests_by_server(stat_csv: str, backend: str = "rasa_servers") -> Dict[str, int]:
    """How many requests HAProxy sent to each server of ``backend`` (``lbtot``)."""
    rows = csv.DictReader(io.StringIO(stat_csv.lstrip("# ")))
    return {
        row["svname"]: int(row.get("lbtot") or 0)
        for row in rows
        if row.get("pxname") == backend and row.get("svname") not in ("FRONTEND", "BACKEND")
    }


def haproxy_stat(stats_socket: Path = HAPROXY_STATS_SOCKET, timeout: float = 2.0) -> str:
    """HAProxy's ``show stat`` CSV ("" while the socket does not answer)."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(timeout)
            connection.connect(str(stats_socket))
            connection.sendall(b"show stat\n")
            chunks = []
            while chunk := connection.recv(65536):
                chunks.append(chunk)
    except OSError:
        return ""
    return b"".join(chunks).decode("utf-8", "replace")


def start_cluster(
    rasa_port: int,
    action_port: int,
    database_url: str,
    redis_url: str = DEFAULT_REDIS_URL,
    instances: int = CLUSTER_INSTANCES,
) -> Stack:
    """Start ``instances`` Rasa and action servers behind HAProxy, as ``make cluster`` does.

    Each instance gets our stack's environment (the same settings, Redis
    and speedups as ``ours``) with its own ports, as :mod:`bot.cluster.plan`
    gives them; the conversations go to a fresh PostgreSQL ``database_url``
    of the cluster's own. Returns once every instance answers and HAProxy
    routes to every server; the stack's address is HAProxy's.
    """
    if not database_url.startswith("postgresql"):
        raise ValueError("the cluster needs PostgreSQL: its instances share the conversations")
    fresh_postgres_database(database_url)
    plan = cluster_plan(rasa_port, action_port, instances)
    stack = Stack("cluster", plan.rasa_port, plan.action_port, secrets.token_urlsafe(32))
    env = our_environment(
        os.environ,
        plan.rasa_port,
        plan.action_port,
        database_url,
        redis_url,
        stack.rest_token or "",
        journal=LOG_DIR / "cluster-journal.db",
    )
    env[SPEEDUPS_SWITCH] = "on"
    env["RASA_PROCESSES"] = str(instances)
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    config = LOG_DIR / "cluster-haproxy.cfg"
    HAPROXY_STATS_SOCKET.unlink(missing_ok=True)
    config.write_text(bench_haproxy_config(plan, HAPROXY_STATS_SOCKET), encoding="utf-8")
    from bot.cluster.run import haproxy_binary

    started = time.monotonic()
    try:
        command = cluster.haproxy_command(str(config), haproxy_binary())
        _launch(stack, "haproxy", command, env, PROJECT_ROOT)
        for index in range(instances):
            own = cluster.action_env(plan, env, index)
            serve = launcher.serve_command("actions")
            _launch(stack, f"actions-{index + 1}", serve, own, PROJECT_ROOT)
        for index in range(instances):
            own = cluster.rasa_env(plan, env, index)
            _launch(stack, f"rasa-{index + 1}", launcher.serve_command("rasa"), own, PROJECT_ROOT)
        urls = [f"{plan.instance_url(index)}{REST_HEALTH_PATH}" for index in range(instances)]
        urls += [f"http://127.0.0.1:{port}/health" for port in plan.action_ports]
        wait_ready(stack, started, urls=urls)
        stack.ready_seconds = wait_haproxy(stack, started)
    except BaseException:
        stack.stop()
        raise
    return stack


def wait_haproxy(stack: Stack, started: float, timeout: float = READY_TIMEOUT_SECONDS) -> float:
    """Seconds from ``started`` until HAProxy routes to every server of the cluster.

    Raises:
        RuntimeError: HAProxy stopped, or the timeout passed.
    """
    deadline = started + timeout
    while time.monotonic() < deadline:
        if stack.processes["haproxy"].poll() is not None:
            raise RuntimeError(f"cluster: HAProxy stopped; see {LOG_DIR}")
        stat = haproxy_stat()
        if stat and not servers_not_up(stat):
            return time.monotonic() - started
        time.sleep(0.2)
    raise RuntimeError(f"cluster: HAProxy does not see every server up; see {LOG_DIR}")


def reference_environment(base: Mapping[str, str]) -> Dict[str, str]:
    """The environment of the reference's processes: no telemetry, quiet TensorFlow."""
    return {**base, **launcher.QUIET_DEFAULTS, "RASA_TELEMETRY_ENABLED": "false"}


def ensure_reference(directory: Path = REFERENCE_DIR) -> Path:
    """Create and train Rasa's ``rasa init`` assistant in ``directory`` unless it is there.

    It is built in a sibling ``.partial`` directory and renamed when trained,
    so an interrupted build is never mistaken for a finished one.
    """
    if any((directory / "models").glob("*.tar.gz")):
        return directory
    partial = directory.with_name(directory.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    print(f"Creating and training the reference (rasa init) in {directory} ...", flush=True)
    subprocess.run(
        [launcher.venv_bin("rasa"), "init", "--no-prompt", "--init-dir", "."],
        cwd=partial,
        env=reference_environment(os.environ),
        check=True,
    )
    shutil.rmtree(directory, ignore_errors=True)
    partial.rename(directory)
    return directory


def reference_endpoints(directory: Path, action_port: int) -> Path:
    """An endpoints file pointing the reference at its own action server."""
    path = directory / "bench-endpoints.yml"
    path.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n')
    return path


def start_reference(rasa_port: int, action_port: int, directory: Path = REFERENCE_DIR) -> Stack:
    """Start the ``rasa init`` assistant and its action server; returns once both answer."""
    ensure_reference(directory)
    endpoints = reference_endpoints(directory, action_port)
    models = sorted((directory / "models").glob("*.tar.gz"), key=lambda path: path.stat().st_mtime)
    env = reference_environment(os.environ)
    rasa = launcher.venv_bin("rasa")
    stack = Stack("reference", rasa_port, action_port)
    started = time.monotonic()
    try:
        _launch(
            stack,
            "actions",
            [rasa, "run", "actions", "--port", str(action_port)],
            env,
            directory,
        )
        _launch(
            stack,
            "rasa",
            [
                rasa,
                "run",
                "--model",
                str(models[-1]),
                "--endpoints",
                endpoints.name,
                "--port",
                str(rasa_port),
                "--interface",
                "127.0.0.1",
                "--enable-api",
            ],  # fmt: skip
            env,
            directory,
        )
        stack.ready_seconds = wait_ready(stack, started)
    except BaseException:
        stack.stop()
        raise
    return stack


def process_tree_rss_bytes(pid: int, proc: Path = Path("/proc")) -> int:
    """Resident memory of a process and all its descendants, from ``/proc``."""
    children: Dict[int, List[int]] = {}
    for stat in proc.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        total += rss_bytes(current, proc)
        pending.extend(children.get(current, []))
    return total


def rss_bytes(pid: int, proc: Path = Path("/proc")) -> int:
    """``VmRSS`` of one process in bytes (0 if it is gone)."""
    try:
        status = (proc / str(pid) / "status").read_text()
    except OSError:
        return 0
    match = re.search(r"^VmRSS:\s+(\d+)\s+kB", status, re.MULTILINE)
    return int(match.group(1)) * 1024 if match else 0
