"""``python -m bot.bench``: measure our stack against Rasa's ``rasa init`` assistant.

It starts each stack in turn (its time from start to ready is measured
alone), sends each a few warm-up messages, then loads one stack at a time
(never two at once: they would share the cores), alternating between the
stacks for every measurement so that other work on the machine weighs on
both alike. Over the REST channel:

- C concurrent conversations of M messages, for each C of ``--concurrency``,
  ``--repeat`` times per stack (the runs are pooled: all their latencies,
  all their messages over all their time);
- one conversation of ``--long`` messages: the p50 of its first
  ``--window`` turns against its last ``--window`` turns ("turn 1 against
  turn 100");

and it reads the Rasa process's resident memory after start and after the
load. The table goes to the terminal, the figures to ``results/bench.json``.

The ``cluster`` stack is ours twice behind HAProxy, as ``make cluster`` runs
it; it is loaded through HAProxy in the same turns, and the bench prints two
instances' throughput over one instance's (``ours``, the same run) at each
level of concurrency.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from bot.bench import servers
from bot.bench.load import LoadResult, load_texts, run_load
from bot.bench.report import machine_info, throughput_ratios, write_report
from bot.bench.stats import Row, format_table, percentile
from bot.settings import PROJECT_ROOT

DEFAULT_OUT = PROJECT_ROOT / "results" / "bench.json"
WARMUP_MESSAGES = 6
STACKS = ("ours", "ours-stock", "reference", "cluster")
# Issue 13: two instances on 2 cores give at least this much of one instance's throughput.
CLUSTER_TARGET = 1.5


def long_conversation_figures(result: LoadResult, window: int) -> Dict[str, Any]:
    """p50 of the first and the last ``window`` turns of one long conversation."""
    count = result.messages_each
    first = result.latencies(range(0, window))
    last = result.latencies(range(count - window, count))
    figures: Dict[str, Any] = {"messages": count, "window": window, "errors": result.errors}
    if first and last:
        figures["first_p50_ms"] = round(percentile(first, 0.5) * 1000, 1)
        figures["last_p50_ms"] = round(percentile(last, 0.5) * 1000, 1)
        figures["last_over_first"] = round(figures["last_p50_ms"] / figures["first_p50_ms"], 3)
    everything = result.latencies()
    if everything:
        figures["p50_ms"] = round(percentile(everything, 0.5) * 1000, 1)
        figures["p95_ms"] = round(percentile(everything, 0.95) * 1000, 1)
    return figures


def report_run(name: str, result: LoadResult) -> None:
    """Print one load run's throughput, latency and errors."""
    shown = result.figures()
    print(
        f"  {name}: {result.conversations} x {result.messages_each}: {shown['msg_per_s']} msg/s, "
        f"p50 {shown['p50_ms']} ms, p95 {shown['p95_ms']} ms, errors {shown['errors']}",
        flush=True,
    )


def measure(
    stacks: Dict[str, servers.Stack], args: argparse.Namespace, texts: Dict[str, List[str]]
) -> Dict[str, Dict[str, Any]]:
    """Every figure of every started stack, the stacks taking turns run by run."""
    results: Dict[str, Dict[str, Any]] = {}
    for name, stack in stacks.items():
        results[name] = {
            "ready_s": round(stack.ready_seconds or 0.0, 2),
            "rss_after_start_mb": round(rasa_rss_bytes(stack) / 2**20),
            "load": {},
        }
        # Two conversations per Rasa server: through HAProxy, each instance gets its share.
        warmup = 2 * len(stack.rasa_pids)
        run_load(stack.base_url, warmup, WARMUP_MESSAGES // 2, texts, stack.rest_token)
    for conversations in args.concurrency:
        runs: Dict[str, List[LoadResult]] = {name: [] for name in stacks}
        for _ in range(args.repeat):
            for name, stack in stacks.items():
                run = run_load(
                    stack.base_url, conversations, args.messages, texts, stack.rest_token
                )
                report_run(name, run)
                runs[name].append(run)
        for name in stacks:
            pooled = LoadResult.pooled(runs[name])
            results[name]["load"][str(conversations)] = {**pooled.figures(), "runs": args.repeat}
    for name, stack in stacks.items():
        long_run = run_load(stack.base_url, 1, args.long, texts, stack.rest_token)
        results[name]["long_conversation"] = long_conversation_figures(long_run, args.window)
        results[name]["rss_after_load_mb"] = round(rasa_rss_bytes(stack) / 2**20)
        if name == "cluster":
            stat = servers.haproxy_stat()
            results[name]["requests_by_rasa_server"] = servers.requests_by_server(stat)
    return results


def rasa_rss_bytes(stack: servers.Stack) -> int:
    """Resident memory of the stack's Rasa servers (a cluster's together) and their children."""
    return sum(servers.process_tree_rss_bytes(pid) for pid in stack.rasa_pids)


def scaling_lines(results: Dict[str, Dict[str, Any]], target: float = CLUSTER_TARGET) -> List[str]:
    """Two instances' throughput over one instance's, a line per level of concurrency.

    One instance is ``ours`` of the same run; nothing is printed unless both
    ``ours`` and ``cluster`` were measured.
    """
    single, pair = results.get("ours"), results.get("cluster")
    if not single or not pair:
        return []
    lines = [f"Two instances (cluster, through HAProxy) / one (ours), target >= {target}x:"]
    for level, value in throughput_ratios(single, pair).items():
        one = figure(single, ("load", level, "msg_per_s"))
        two = figure(pair, ("load", level, "msg_per_s"))
        shown = "-" if value is None else f"{value:.2f}x"
        verdict = ""
        if value is not None and int(level) > 1:
            verdict = "  (met)" if value >= target else "  (NOT met)"
        lines.append(f"  {level} conv: {_rate(two)} / {_rate(one)} msg/s = {shown}{verdict}")
    return lines


def _rate(value: Optional[float]) -> str:
    return "-" if value is None else f"{value:.1f}"


def figure(figures: Dict[str, Any], path: Sequence[str]) -> Optional[float]:
    """The number at ``path`` in nested figures, or None when it is missing."""
    value: Any = figures
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value if isinstance(value, int | float) else None


def table_rows(ours: Dict[str, Any], reference: Dict[str, Any], window: int) -> List[Row]:
    """The printed table's rows from the two stacks' figures (missing ones shown as -)."""

    def row(name: str, unit: str, *path: str) -> Row:
        return Row(name, unit, figure(ours, path), figure(reference, path))

    rows = []
    levels = sorted({*ours.get("load", {}), *reference.get("load", {})}, key=int)
    for level in levels:
        rows.append(row(f"{level} conv: throughput", "msg/s", "load", level, "msg_per_s"))
        for name in ("p50", "p95", "p99"):
            rows.append(row(f"{level} conv: {name}", "ms", "load", level, f"{name}_ms"))
        rows.append(row(f"{level} conv: failed", "msgs", "load", level, "errors"))
    long_key = "long_conversation"
    rows += [
        row(f"turns 1-{window}: p50", "ms", long_key, "first_p50_ms"),
        row(f"last {window} turns: p50", "ms", long_key, "last_p50_ms"),
        row("last / first turns p50", "x", long_key, "last_over_first"),
        row("Rasa RSS after start", "MB", "rss_after_start_mb"),
        row("Rasa RSS after load", "MB", "rss_after_load_mb"),
        row("start to ready", "s", "ready_s"),
    ]
    return rows


def failed_messages(results: Dict[str, Dict[str, Any]]) -> int:
    """Messages of every run that got no 200 answer."""
    total = 0
    for figures in results.values():
        total += sum(run.get("errors", 0) for run in figures.get("load", {}).values())
        total += figures.get("long_conversation", {}).get("errors", 0)
    return total


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    """The command line of ``python -m bot.bench``."""
    parser = argparse.ArgumentParser(prog="python -m bot.bench", description=__doc__)
    parser.add_argument(
        "--concurrency",
        type=lambda text: [int(part) for part in text.split(",") if part.strip()],
        default=[1, 20, 50],
        help="concurrent conversations per run, comma-separated (default 1,20,50)",
    )
    parser.add_argument("--messages", type=int, default=10, help="messages per conversation")
    parser.add_argument("--repeat", type=int, default=2, help="runs per stack and level, pooled")
    parser.add_argument("--long", type=int, default=100, help="messages of the long conversation")
    parser.add_argument("--window", type=int, default=10, help="first/last turns compared")
    parser.add_argument(
        "--stacks",
        default="ours,reference,cluster",
        help="comma-separated: ours, reference, cluster (ours twice behind HAProxy), "
        "ours-stock (ours without bot.speedups)",
    )
    parser.add_argument("--ours-ports", default="5105,5155", help="Rasa,action ports of ours")
    parser.add_argument("--reference-ports", default="5205,5255", help="same for the reference")
    parser.add_argument(
        "--cluster-ports",
        default="5305,5355",
        help="HAProxy's Rasa,action ports of the cluster; instance N listens at port + N",
    )
    parser.add_argument("--database-url", default=servers.DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=servers.DEFAULT_REDIS_URL)
    parser.add_argument("--texts", default=None, help="YAML of messages by language")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    if args.long < 2 * args.window:
        parser.error("--long must be at least twice --window")
    args.stack_names = [name.strip() for name in args.stacks.split(",") if name.strip()]
    unknown = sorted(set(args.stack_names) - set(STACKS))
    if unknown:
        parser.error(f"unknown stack {', '.join(unknown)} (known: {', '.join(STACKS)})")
    if "cluster" in args.stack_names and not args.database_url.startswith("postgresql"):
        parser.error("the cluster needs --database-url on PostgreSQL (its instances share it)")
    try:
        port_plan(args.stack_names, args)
    except ValueError as error:
        parser.error(str(error))
    return args


def stack_ports(name: str, args: argparse.Namespace) -> List[int]:
    """Every loopback port stack ``name`` listens on (the Rasa server's first)."""
    if name == "ours":
        return list(ports(args.ours_ports))
    if name == "ours-stock":
        return [port + 1 for port in ports(args.ours_ports)]
    if name == "reference":
        return list(ports(args.reference_ports))
    if name == "cluster":
        return servers.plan_ports(servers.cluster_plan(*ports(args.cluster_ports)))
    raise ValueError(f"unknown stack {name!r} (known: {', '.join(STACKS)})")


def port_plan(names: Sequence[str], args: argparse.Namespace) -> Dict[str, List[int]]:
    """The ports of every stack to start, checked to be apart.

    Raises:
        ValueError: Two stacks would share a port, or a stack would take one
            of ``make run``'s or ``make cluster``'s default ports.
    """
    reserved = set(servers.plan_ports(servers.cluster_plan(5005, 5055)))
    plan: Dict[str, List[int]] = {}
    taken: Dict[int, str] = {}
    for name in names:
        plan[name] = stack_ports(name, args)
        for port in plan[name]:
            if port in reserved:
                raise ValueError(f"{name}: port {port} is make run's or make cluster's")
            if port in taken:
                raise ValueError(f"{name}: port {port} is also {taken[port]}'s")
            taken[port] = name
    return plan


def start_stack(name: str, args: argparse.Namespace) -> servers.Stack:
    """Start one of the stacks the bench knows by name."""
    if name == "ours":
        return servers.start_ours(*ports(args.ours_ports), args.database_url, args.redis_url)
    if name == "ours-stock":
        rasa_port, action_port = stack_ports(name, args)
        return servers.start_ours(
            rasa_port,
            action_port,
            args.database_url + "_stock",
            args.redis_url,
            speedups=False,
        )
    if name == "reference":
        return servers.start_reference(*ports(args.reference_ports))
    if name == "cluster":
        return servers.start_cluster(
            *ports(args.cluster_ports), args.database_url + "_cluster", args.redis_url
        )
    raise SystemExit(f"error: unknown stack {name!r} (known: {', '.join(STACKS)})")


def ports(text: str) -> Tuple[int, int]:
    """``"5005,5055"`` as the Rasa and action server ports."""
    rasa_port, action_port = (int(part) for part in text.split(","))
    return rasa_port, action_port


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the bench: both stacks, every load, the table and results/bench.json."""
    args = parse_args(argv)
    texts = load_texts(args.texts)
    stacks: Dict[str, servers.Stack] = {}
    try:
        for name in args.stack_names:
            print(f"Starting {name} ...", flush=True)
            stacks[name] = start_stack(name, args)
            print(f"  {name}: ready after {stacks[name].ready_seconds:.1f} s", flush=True)
        results = measure(stacks, args, texts)
    finally:
        for stack in stacks.values():
            stack.stop()
    settings = {
        "concurrency": args.concurrency,
        "messages_each": args.messages,
        "long_conversation": args.long,
        "window": args.window,
        "warmup_messages": WARMUP_MESSAGES,
        "repeat": args.repeat,
        "order": "stacks alternate run by run; one stack under load at a time",
        "ours_storage": {
            "tracker_store": args.database_url.split(":", 1)[0],
            "lock_store": "redis",
        },
        "reference_storage": {"tracker_store": "memory", "lock_store": "memory"},
        "cluster": {
            "instances": servers.CLUSTER_INSTANCES,
            "balancer": "HAProxy (deploy/haproxy), round-robin per request",
            "tracker_store": "postgresql",
            "lock_store": "redis (AtomicRedisLockStore)",
            "one_instance": "ours of the same run (the same PostgreSQL and Redis storage)",
        },
        "channel": "REST (POST /webhooks/rest/webhook)",
    }
    path = write_report(args.out, machine_info(), settings, results)
    print()
    ours = results.get("ours", {})
    print(format_table(table_rows(ours, results.get("reference", {}), args.window)))
    if "ours-stock" in results:
        print()
        rows = table_rows(ours, results["ours-stock"], args.window)
        print(format_table(rows, labels=("ours", "ours-stock")))
    if "cluster" in results:
        print("\nRasa RSS of the cluster: both Rasa servers together.")
        rows = table_rows(results["cluster"], ours, args.window)
        print(format_table(rows, labels=("cluster", "ours")))
        lines = scaling_lines(results)
        if lines:
            print()
            print("\n".join(lines))
    print(f"\nWrote {path}")
    failed = failed_messages(results)
    if failed:
        print(f"error: {failed} messages failed (see {servers.LOG_DIR})", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
