"""Several Rasa servers and action servers behind HAProxy, on one machine: who listens where.

Plain functions, used by ``make cluster`` (:mod:`bot.cluster.run`) and the
cluster tests: the ports of each process, the environment each one gets, and
HAProxy's configuration rendered from ``deploy/haproxy/haproxy.cfg.template``.

HAProxy takes the ports a single assistant would have (``RASA_PORT``,
``ACTION_PORT``), so the web process, the widget and the console work
unchanged; the instances listen on loopback at the next ports up.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Dict, List, Mapping, Tuple

from bot.settings import PROJECT_ROOT

TEMPLATE = PROJECT_ROOT / "deploy" / "haproxy" / "haproxy.cfg.template"
DEFAULT_INSTANCES = 2
# With DATABASE_URL on SQLite or REDIS_URL empty (a development .env), the
# cluster uses the machine's PostgreSQL and Redis (make services).
DEFAULT_CLUSTER_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/clinic_cluster"
DEFAULT_CLUSTER_REDIS_URL = "redis://127.0.0.1:6379/0"
INSTANCE_ADDRESS = "127.0.0.1"


class ClusterError(ValueError):
    """The environment does not describe a cluster that can work."""


@dataclass(frozen=True)
class ClusterPlan:
    """HAProxy's public ports and each instance's private port."""

    rasa_port: int
    action_port: int
    rasa_ports: Tuple[int, ...]
    action_ports: Tuple[int, ...]
    bind_address: str = "127.0.0.1"
    action_bind_address: str = "127.0.0.1"

    @property
    def rasa_url(self) -> str:
        """HAProxy's address for Rasa (REST, socket.io, HTTP API)."""
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def action_server_url(self) -> str:
        """Where every Rasa server calls the action servers: HAProxy."""
        return f"http://127.0.0.1:{self.action_port}/webhook"

    def instance_url(self, index: int) -> str:
        """One Rasa server's own address, bypassing HAProxy."""
        return f"http://{INSTANCE_ADDRESS}:{self.rasa_ports[index]}"


def plan_from_env(env: Mapping[str, str]) -> ClusterPlan:
    """The plan for ``CLUSTER_INSTANCES`` instances above ``RASA_PORT`` and ``ACTION_PORT``."""
    try:
        instances = int(env.get("CLUSTER_INSTANCES", "").strip() or DEFAULT_INSTANCES)
        rasa_port = int(env.get("RASA_PORT", "").strip() or 5005)
        action_port = int(env.get("ACTION_PORT", "").strip() or 5055)
    except ValueError as error:
        raise ClusterError(f"CLUSTER_INSTANCES, RASA_PORT, ACTION_PORT: {error}") from error
    if instances < 1:
        raise ClusterError("CLUSTER_INSTANCES must be at least 1")
    return ClusterPlan(
        rasa_port=rasa_port,
        action_port=action_port,
        rasa_ports=tuple(rasa_port + 1 + index for index in range(instances)),
        action_ports=tuple(action_port + 1 + index for index in range(instances)),
        bind_address=env.get("RASA_BIND_ADDRESS", "").strip() or "127.0.0.1",
        action_bind_address=env.get("ACTION_BIND_ADDRESS", "").strip() or "127.0.0.1",
    )


def shared_storage(env: Mapping[str, str]) -> Dict[str, str]:
    """``DATABASE_URL`` and ``REDIS_URL`` for the cluster: PostgreSQL and Redis, never SQLite."""
    database_url = env.get("DATABASE_URL", "").strip()
    if not database_url or database_url.startswith("sqlite"):
        database_url = DEFAULT_CLUSTER_DATABASE_URL
    if not database_url.startswith(("postgresql", "postgres:")):
        raise ClusterError("the cluster needs DATABASE_URL on PostgreSQL")
    redis_url = env.get("REDIS_URL", "").strip() or DEFAULT_CLUSTER_REDIS_URL
    return {"DATABASE_URL": database_url, "REDIS_URL": redis_url}


def server_lines(ports: Tuple[int, ...], prefix: str) -> str:
    """HAProxy ``server`` lines, health-checked, for instances on loopback."""
    return "\n".join(
        f"    server {prefix}{index + 1} {INSTANCE_ADDRESS}:{port} check"
        for index, port in enumerate(ports)
    )


def haproxy_config(plan: ClusterPlan, template: str = "") -> str:
    """HAProxy's configuration for ``plan`` (the template in deploy/haproxy by default)."""
    text = template or TEMPLATE.read_text(encoding="utf-8")
    return string.Template(text).substitute(
        bind_address=plan.bind_address,
        rasa_port=plan.rasa_port,
        action_bind_address=plan.action_bind_address,
        action_port=plan.action_port,
        rasa_servers=server_lines(plan.rasa_ports, "rasa"),
        action_servers=server_lines(plan.action_ports, "actions"),
    )


def rasa_env(plan: ClusterPlan, env: Mapping[str, str], index: int) -> Dict[str, str]:
    """The environment of Rasa server ``index``: its port, HAProxy for actions, shared locks."""
    return {
        **env,
        "RASA_PORT": str(plan.rasa_ports[index]),
        "RASA_BIND_ADDRESS": INSTANCE_ADDRESS,
        "ACTION_SERVER_URL": plan.action_server_url,
        "RASA_PROCESSES": str(len(plan.rasa_ports)),
    }


def action_env(plan: ClusterPlan, env: Mapping[str, str], index: int) -> Dict[str, str]:
    """The environment of action server ``index``: its own port on loopback."""
    return {
        **env,
        "ACTION_PORT": str(plan.action_ports[index]),
        "ACTION_BIND_ADDRESS": INSTANCE_ADDRESS,
    }


def web_env(plan: ClusterPlan, env: Mapping[str, str]) -> Dict[str, str]:
    """The web process's environment: it reaches Rasa's HTTP API through HAProxy."""
    return {**env, "RASA_URL": plan.rasa_url}


def haproxy_command(config_path: str, binary: str = "haproxy") -> List[str]:
    """HAProxy in the foreground (``-db``), so a supervisor sees it stop."""
    return [binary, "-db", "-f", config_path]
