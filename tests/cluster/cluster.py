"""The cluster of ``make cluster`` on private ports, for the tests.

Two Rasa servers and two action servers behind HAProxy, conversations in a
PostgreSQL database of the test's own (on the machine's server), locks,
socket.io rooms and widget message ids in a redis-server of the test's own.
Processes are built from the same plan as ``make cluster``
(:mod:`bot.cluster.plan`); unlike ``make cluster`` nothing restarts a
process, so a test can kill one.
"""

from __future__ import annotations

import os
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from bot import launcher
from bot.cluster import plan as cluster
from bot.cluster.run import haproxy_binary
from bot.storage.migrate import upgrade
from tests.utils.redis_server import RedisServer
from tests.utils.stack import AssistantStack, free_port

INSTANCES = 2
# Rasa's ticket lifetime (TICKET_LOCK_LIFETIME; 60 s by default): how long the
# conversations a killed server held stay locked. Shorter here so the test
# does not wait a minute, far longer than any turn takes.
TICKET_LOCK_LIFETIME_SECONDS = 20


def private_plan() -> cluster.ClusterPlan:
    """Free ports for HAProxy and every instance."""
    return cluster.ClusterPlan(
        rasa_port=free_port(),
        action_port=free_port(),
        rasa_ports=tuple(free_port() for _ in range(INSTANCES)),
        action_ports=tuple(free_port() for _ in range(INSTANCES)),
    )


@dataclass
class RunningCluster:
    """Starts and stops the cluster; ``kill_rasa`` takes one Rasa server away."""

    database_url: str
    model: Path
    folder: Path
    plan: cluster.ClusterPlan = field(default_factory=private_plan)
    processes: Dict[str, subprocess.Popen] = field(default_factory=dict)
    redis: Optional[RedisServer] = None

    def __post_init__(self) -> None:
        self.redis = RedisServer(self.folder / "redis")
        # The single assistant's environment (secrets, channels), pointed at HAProxy.
        self.single = AssistantStack(
            database_url=self.database_url,
            redis_url=self.redis.url,
            model=self.model,
            rasa_port=self.plan.rasa_port,
            action_port=self.plan.action_port,
            extra_env={"TICKET_LOCK_LIFETIME": str(TICKET_LOCK_LIFETIME_SECONDS)},
        )

    @property
    def token(self) -> str:
        return self.single.token

    @property
    def widget_secret(self) -> str:
        return self.single.widget_secret

    @property
    def web_url(self) -> str:
        return self.single.web_url

    @property
    def env(self) -> Dict[str, str]:
        return {**self.single.env, "RASA_PROCESSES": str(INSTANCES)}

    def _launch(self, name: str, command: List[str], env: Dict[str, str]) -> None:
        log = open(self.folder / f"{name}.log", "ab")  # noqa: SIM115 (the child keeps it)
        self.processes[name] = subprocess.Popen(
            command,
            env=env,
            cwd=launcher.PROJECT_ROOT,
            start_new_session=True,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

    def _wait(self, url: str, name: str, timeout: float = 300) -> None:
        if not launcher.wait_until_ready(url, timeout, [self.processes[name]]):
            raise RuntimeError(f"{name} did not start ({url}); see {self.folder}/{name}.log")

    def start(self) -> RunningCluster:
        assert self.redis is not None
        self.redis.start()
        upgrade(self.database_url)
        env = self.env
        config = self.folder / "haproxy.cfg"
        config.write_text(cluster.haproxy_config(self.plan), encoding="utf-8")
        self._launch("haproxy", cluster.haproxy_command(str(config), haproxy_binary()), env)
        for index in range(INSTANCES):
            action_env = cluster.action_env(self.plan, env, index)
            self._launch(f"actions-{index}", launcher.action_server_command(action_env), action_env)
        for index in range(INSTANCES):
            rasa_env = cluster.rasa_env(self.plan, env, index)
            self._launch(
                f"rasa-{index}", launcher.rasa_server_command(rasa_env, self.model), rasa_env
            )
        for index in range(INSTANCES):
            self._wait(
                f"http://127.0.0.1:{self.plan.action_ports[index]}/health", f"actions-{index}"
            )
            self._wait(f"{self.plan.instance_url(index)}/", f"rasa-{index}")
        self._wait(f"{self.plan.rasa_url}/", "haproxy", 30)
        return self

    def kill_rasa(self, index: int) -> None:
        """SIGKILL one Rasa server: no clean shutdown, as when a machine dies."""
        process = self.processes[f"rasa-{index}"]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop(self) -> None:
        launcher.stop_all([process for process in self.processes.values()])
        self.processes.clear()
        if self.redis is not None:
            self.redis.stop()
