"""``make cluster``: two Rasa servers and two action servers behind HAProxy, one web process.

Usage::

    python -m bot.cluster.run      # until Ctrl-C; a crashed process restarts

Conversations go to PostgreSQL (``DATABASE_URL``; a development .env's
SQLite is replaced by the machine's PostgreSQL, database ``clinic_cluster``),
locks, socket.io rooms and widget message ids to Redis (``REDIS_URL``, else
the machine's Redis). HAProxy listens on ``RASA_PORT`` and ``ACTION_PORT``;
see :mod:`bot.cluster.plan` for the rest.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Mapping

from sqlalchemy.engine import make_url

from bot import launcher
from bot.cluster import plan as cluster
from bot.settings import PROJECT_ROOT
from bot.storage.provision import ensure_database

CONFIG_PATH = PROJECT_ROOT / "build" / "cluster" / "haproxy.cfg"


def haproxy_binary() -> str:
    """Debian's HAProxy (scripts/ensure-haproxy.sh installs it)."""
    found = shutil.which("haproxy") or (
        "/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None
    )
    if found is None:
        raise SystemExit("error: HAProxy is not installed; run scripts/ensure-haproxy.sh")
    return found


@dataclass
class ClusterChild(launcher.Supervised):
    """A supervised process with an environment of its own (its port)."""

    own_env: Dict[str, str] = field(default_factory=dict)

    def launch(self, env: Mapping[str, str]) -> None:
        """Start (or restart) the process with its own environment."""
        super().launch(self.own_env)


def cluster_children(plan: cluster.ClusterPlan, env: Mapping[str, str]) -> List[ClusterChild]:
    """HAProxy, the action servers, the Rasa servers and the web process, in start order."""
    children = [
        ClusterChild(
            "haproxy",
            cluster.haproxy_command(str(CONFIG_PATH), haproxy_binary()),
            own_env=dict(env),
        )
    ]
    serve = launcher.serve_command
    for index in range(len(plan.action_ports)):
        children.append(
            ClusterChild(
                f"actions-{index + 1}",
                serve("actions"),
                own_env=cluster.action_env(plan, env, index),
            )
        )
    for index in range(len(plan.rasa_ports)):
        children.append(
            ClusterChild(
                f"rasa-{index + 1}", serve("rasa"), own_env=cluster.rasa_env(plan, env, index)
            )
        )
    children.append(ClusterChild("web", serve("web"), own_env=cluster.web_env(plan, env)))
    return children


def main() -> int:
    """Prepare storage and HAProxy's configuration, then supervise every process."""
    env = launcher.merged_environment(os.environ)
    try:
        plan = cluster.plan_from_env(env)
        env = {**env, **cluster.shared_storage(env)}
    except cluster.ClusterError as error:
        raise SystemExit(f"error: {error}") from error
    env["RASA_PROCESSES"] = str(len(plan.rasa_ports))
    launcher.check_settings(env)
    launcher.latest_model()
    try:
        ensure_database(env["DATABASE_URL"])
    except ValueError as error:
        raise SystemExit(f"error: {error}") from error
    from bot.storage.migrate import upgrade

    upgrade(env["DATABASE_URL"])
    CONFIG_PATH.parent.mkdir(parents=True, exist_ok=True)
    CONFIG_PATH.write_text(cluster.haproxy_config(plan), encoding="utf-8")
    stop = launcher.StopRequest()
    children = cluster_children(plan, env)
    try:
        for child in children:
            child.launch(env)
    except BaseException:
        launcher.stop_all([child.process for child in children if child.process is not None])
        raise
    database = make_url(env["DATABASE_URL"]).render_as_string(hide_password=True)
    rasa = ", ".join(str(port) for port in plan.rasa_ports)
    actions = ", ".join(str(port) for port in plan.action_ports)
    message = (
        "\nThe cluster is running.\n"
        f"  HAProxy (Rasa):     {plan.rasa_url}/  -> Rasa servers on {rasa}\n"
        f"  HAProxy (actions):  {plan.action_server_url} -> action servers on {actions}\n"
        f"  Clinic page:        http://localhost:{env.get('WEB_PORT', '8080')}/\n"
        f"  Conversations:      {database}\n"
        "  Locks, socket.io rooms, widget message ids: Redis\n"
        "A process that crashes is restarted. Press Ctrl-C to stop everything.\n"
    )
    ready = f"http://127.0.0.1:{plan.rasa_ports[-1]}/"
    return launcher.supervise(children, env, stop, ready_url=ready, ready_message=message)


if __name__ == "__main__":
    sys.exit(main())
