"""The cluster stack of `make bench`: its ports, HAProxy's state, two instances over one."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from bot.bench.__main__ import parse_args, port_plan, scaling_lines, stack_ports
from bot.bench.report import throughput_ratios, write_report
from bot.bench.servers import (
    Stack,
    bench_haproxy_config,
    cluster_plan,
    plan_ports,
    requests_by_server,
    servers_not_up,
)

# The columns the bench reads, in HAProxy 2.6's order, with its trailing comma.
STAT_HEADER = "# pxname,svname,qcur,scur,stot,status,weight,lbtot,check_status,\n"


def _stat(*rows: str) -> str:
    return STAT_HEADER + "".join(row + "\n" for row in rows)


def test_cluster_is_make_clusters_layout_above_the_bench_ports() -> None:
    plan = cluster_plan(5305, 5355)
    assert plan.rasa_url == "http://127.0.0.1:5305"
    assert plan.rasa_ports == (5306, 5307)
    assert plan.action_ports == (5356, 5357)
    assert plan_ports(plan) == [5305, 5355, 5306, 5307, 5356, 5357]
    assert cluster_plan(5305, 5355, instances=3).rasa_ports == (5306, 5307, 5308)


def test_default_bench_runs_the_cluster_on_ports_of_its_own() -> None:
    args = parse_args([])
    assert args.stack_names == ["ours", "reference", "cluster"]
    plan = port_plan(args.stack_names, args)
    assert plan["ours"] == [5105, 5155]
    assert plan["reference"] == [5205, 5255]
    assert plan["cluster"] == [5305, 5355, 5306, 5307, 5356, 5357]
    every = [port for ports in plan.values() for port in ports]
    assert len(every) == len(set(every))
    assert stack_ports("ours-stock", args) == [5106, 5156]


def test_ports_that_clash_are_refused() -> None:
    args = parse_args(["--stacks", "ours,ours-stock,cluster", "--cluster-ports", "5405,5455"])
    assert port_plan(args.stack_names, args)["cluster"][0] == 5405
    args.cluster_ports = "5104,5154"  # its instances would take ours's 5105 and 5155
    with pytest.raises(ValueError, match="5105 is also ours's"):
        port_plan(args.stack_names, args)
    args.cluster_ports = "5004,5054"  # instance 1 would take make run's 5005
    with pytest.raises(ValueError, match="5005 is make run's or make cluster's"):
        port_plan(["cluster"], args)
    with pytest.raises(SystemExit):
        parse_args(["--cluster-ports", "5105,5155"])
    with pytest.raises(SystemExit):
        parse_args(["--stacks", "ours,clusters"])


def test_the_cluster_needs_postgresql() -> None:
    sqlite = ["--database-url", "sqlite:///build/bench.db"]
    assert parse_args([*sqlite, "--stacks", "ours"]).stack_names == ["ours"]
    with pytest.raises(SystemExit):
        parse_args(sqlite)


def test_haproxy_config_gets_a_stats_socket(tmp_path: Path) -> None:
    socket_path = tmp_path / "haproxy.sock"
    config = bench_haproxy_config(cluster_plan(5305, 5355), socket_path)
    assert "bind 127.0.0.1:5305" in config
    assert "server rasa2 127.0.0.1:5307 check" in config
    assert "server actions1 127.0.0.1:5356 check" in config
    assert config.rstrip().endswith(f"stats socket {socket_path} mode 600 level user")


def test_servers_not_up_reads_haproxys_show_stat() -> None:
    starting = _stat(
        "rasa,FRONTEND,,0,0,OPEN,,,,",
        "rasa_servers,rasa1,0,0,0,UP,1,0,L7OK,",
        "rasa_servers,rasa2,0,0,0,DOWN,1,0,L4CON,",
        "rasa_servers,BACKEND,0,0,0,UP,1,0,,",
        "action_servers,actions1,0,0,0,UP 1/2,1,0,L7OK,",
        "action_servers,actions2,0,0,0,UP,1,0,L7OK,",
    )
    assert servers_not_up(starting) == ["rasa_servers/rasa2", "action_servers/actions1"]
    ready = starting.replace("DOWN", "UP").replace("UP 1/2", "UP")
    assert servers_not_up(ready) == []
    assert servers_not_up(_stat("rasa_servers,rasa1,0,0,0,UP,1,0,L7OK,")) == ["action_servers/-"]
    assert servers_not_up("") == ["rasa_servers/-", "action_servers/-"]


def test_requests_by_server_counts_each_rasa_servers_share() -> None:
    stat = _stat(
        "rasa_servers,rasa1,0,0,0,UP,1,161,L7OK,",
        "rasa_servers,rasa2,0,0,0,UP,1,160,L7OK,",
        "rasa_servers,BACKEND,0,0,0,UP,2,321,,",
        "rasa_socketio,rasa1,0,0,0,UP,1,7,L7OK,",
    )
    assert requests_by_server(stat) == {"rasa1": 161, "rasa2": 160}
    assert requests_by_server(stat, "rasa_socketio") == {"rasa1": 7}


def test_stack_knows_every_rasa_server_of_a_cluster() -> None:
    processes = {
        name: subprocess.Popen(["true"]) for name in ("haproxy", "actions-1", "rasa-1", "rasa-2")
    }
    for process in processes.values():
        process.wait()
    stack = Stack("cluster", 5305, 5355, processes=processes)
    assert stack.rasa_pids == [processes["rasa-1"].pid, processes["rasa-2"].pid]
    assert stack.rasa_pid == processes["rasa-1"].pid


def _figures(**msg_per_s: float) -> dict:
    return {"load": {level.lstrip("c"): {"msg_per_s": rate} for level, rate in msg_per_s.items()}}


def test_two_instances_over_one_per_level() -> None:
    single = _figures(c1=20.0, c20=25.0, c50=0.0)
    pair = _figures(c1=15.0, c20=40.0, c50=41.0)
    assert throughput_ratios(single, pair) == {"1": 0.75, "20": 1.6, "50": None}
    assert list(throughput_ratios(_figures(c20=1.0, c5=1.0), _figures(c1=1.0))) == ["1", "5", "20"]


def test_report_adds_cluster_ratios_and_keeps_the_others(tmp_path: Path) -> None:
    stacks = {
        "ours": {"ready_s": 15.0, **_figures(c20=20.0)},
        "reference": {"ready_s": 30.0, **_figures(c20=25.0)},
        "cluster": {"ready_s": 15.0, **_figures(c20=33.0)},
    }
    report = json.loads(write_report(tmp_path / "bench.json", {}, {}, stacks).read_text())
    assert report["ratios"] == {"ready_s": 0.5, "load": {"20": {"msg_per_s": 0.8}}}
    cluster_over_ours = {"ready_s": 1.0, "load": {"20": {"msg_per_s": 1.65}}}
    assert report["ratios_cluster_over_ours"] == cluster_over_ours
    assert report["two_instances_over_one"] == {"20": 1.65}
    alone = {"cluster": stacks["cluster"]}
    report = json.loads(write_report(tmp_path / "alone.json", {}, {}, alone).read_text())
    assert "two_instances_over_one" not in report


def test_scaling_lines_show_each_level_against_the_target() -> None:
    results = {"ours": _figures(c1=20.0, c20=21.7), "cluster": _figures(c1=15.0, c20=43.3)}
    lines = scaling_lines(results)
    assert lines[0].endswith("target >= 1.5x:")
    assert lines[1] == "  1 conv: 15.0 / 20.0 msg/s = 0.75x"
    assert lines[2] == "  20 conv: 43.3 / 21.7 msg/s = 2.00x  (met)"
    results["cluster"] = _figures(c1=15.0, c20=30.0)
    assert scaling_lines(results)[2].endswith("1.38x  (NOT met)")
    assert scaling_lines({"cluster": results["cluster"]}) == []
