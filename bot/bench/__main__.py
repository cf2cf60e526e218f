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
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from bot.bench import servers
from bot.bench.load import LoadResult, load_texts, run_load
from bot.bench.report import machine_info, write_report
from bot.bench.stats import Row, format_table, percentile
from bot.settings import PROJECT_ROOT

DEFAULT_OUT = PROJECT_ROOT / "results" / "bench.json"
WARMUP_MESSAGES = 6


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
            "rss_after_start_mb": round(servers.process_tree_rss_bytes(stack.rasa_pid) / 2**20),
            "load": {},
        }
        run_load(stack.base_url, 2, WARMUP_MESSAGES // 2, texts, stack.rest_token)
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
        rss = servers.process_tree_rss_bytes(stack.rasa_pid)
        results[name]["rss_after_load_mb"] = round(rss / 2**20)
    return results


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
        default="ours,reference",
        help="comma-separated: ours, reference, ours-stock (ours without bot.speedups)",
    )
    parser.add_argument("--ours-ports", default="5105,5155", help="Rasa,action ports of ours")
    parser.add_argument("--reference-ports", default="5205,5255", help="same for the reference")
    parser.add_argument("--database-url", default=servers.DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=servers.DEFAULT_REDIS_URL)
    parser.add_argument("--texts", default=None, help="YAML of messages by language")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    if args.long < 2 * args.window:
        parser.error("--long must be at least twice --window")
    return args


def start_stack(name: str, args: argparse.Namespace) -> servers.Stack:
    """Start one of the stacks the bench knows by name."""
    if name == "ours":
        return servers.start_ours(*ports(args.ours_ports), args.database_url, args.redis_url)
    if name == "ours-stock":
        rasa_port, action_port = ports(args.ours_ports)
        return servers.start_ours(
            rasa_port + 1,
            action_port + 1,
            args.database_url + "_stock",
            args.redis_url,
            speedups=False,
        )
    if name == "reference":
        return servers.start_reference(*ports(args.reference_ports))
    raise SystemExit(f"error: unknown stack {name!r} (ours, ours-stock, reference)")


def ports(text: str) -> Tuple[int, int]:
    """``"5005,5055"`` as the Rasa and action server ports."""
    rasa_port, action_port = (int(part) for part in text.split(","))
    return rasa_port, action_port


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the bench: both stacks, every load, the table and results/bench.json."""
    args = parse_args(argv)
    texts = load_texts(args.texts)
    wanted = [name.strip() for name in args.stacks.split(",") if name.strip()]
    stacks: Dict[str, servers.Stack] = {}
    try:
        for name in wanted:
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
    print(f"\nWrote {path}")
    failed = failed_messages(results)
    if failed:
        print(f"error: {failed} messages failed (see {servers.LOG_DIR})", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
