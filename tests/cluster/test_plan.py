"""The cluster's plan: ports, each process's environment, HAProxy's configuration."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bot.cluster import plan as cluster
from bot.cluster.run import haproxy_binary


def test_haproxy_takes_the_single_assistants_ports_and_instances_the_next_ones() -> None:
    plan = cluster.plan_from_env({"RASA_PORT": "6005", "ACTION_PORT": "6055"})
    assert plan.rasa_ports == (6006, 6007) and plan.action_ports == (6056, 6057)
    rasa = cluster.rasa_env(plan, {"RASA_PORT": "6005"}, 1)
    assert rasa["RASA_PORT"] == "6007" and rasa["RASA_PROCESSES"] == "2"
    # Every Rasa server calls the action servers through HAProxy.
    assert rasa["ACTION_SERVER_URL"] == "http://127.0.0.1:6055/webhook"
    assert cluster.action_env(plan, {}, 0)["ACTION_PORT"] == "6056"
    assert cluster.web_env(plan, {})["RASA_URL"] == "http://127.0.0.1:6005"


def test_the_cluster_never_runs_on_sqlite() -> None:
    storage = cluster.shared_storage({"DATABASE_URL": "sqlite:///var/rasa.db", "REDIS_URL": ""})
    assert storage == {
        "DATABASE_URL": cluster.DEFAULT_CLUSTER_DATABASE_URL,
        "REDIS_URL": cluster.DEFAULT_CLUSTER_REDIS_URL,
    }
    kept = {"DATABASE_URL": "postgresql://u@db/clinic", "REDIS_URL": "redis://r:6379/2"}
    assert cluster.shared_storage(kept) == kept
    with pytest.raises(cluster.ClusterError):
        cluster.shared_storage({"DATABASE_URL": "mysql://u@db/clinic"})


def test_rendered_configuration_is_valid_for_haproxy(tmp_path: Path) -> None:
    plan = cluster.plan_from_env({"CLUSTER_INSTANCES": "3"})
    text = cluster.haproxy_config(plan)
    # Health-checked servers, in both Rasa backends and the action backend.
    assert text.count("server rasa3 127.0.0.1:5008 check") == 2
    assert "server actions3 127.0.0.1:5058 check" in text
    config = tmp_path / "haproxy.cfg"
    config.write_text(text)
    checked = subprocess.run(
        [haproxy_binary(), "-c", "-f", str(config)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
