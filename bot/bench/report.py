"""The machine's description and ``results/bench.json``."""

from __future__ import annotations

import datetime
import json
import os
import platform
from pathlib import Path
from typing import Any, Dict, Mapping, Optional


def cpu_model(cpuinfo: Path = Path("/proc/cpuinfo")) -> str:
    """The CPU's model name as Linux reports it ("unknown" elsewhere)."""
    try:
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_total_bytes(meminfo: Path = Path("/proc/meminfo")) -> Optional[int]:
    """The machine's memory in bytes, if Linux tells it."""
    try:
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def machine_info(now: Optional[datetime.datetime] = None) -> Dict[str, Any]:
    """Cores, CPU model, memory, Python and Rasa versions, and the date of the run."""
    import rasa

    moment = now or datetime.datetime.now(datetime.timezone.utc)
    return {
        "date": moment.date().isoformat(),
        "time_utc": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "cores": os.cpu_count(),
        "cpu_model": cpu_model(),
        "memory_bytes": memory_total_bytes(),
        "python": platform.python_version(),
        "rasa": rasa.__version__,
        "platform": platform.platform(),
    }


def write_report(
    path: Path, machine: Mapping[str, Any], settings: Mapping[str, Any], stacks: Mapping[str, Any]
) -> Path:
    """Write the figures as JSON (``machine``, ``settings``, ``stacks``, ``ratios``).

    ``ratios`` holds ours/reference for every numeric figure both stacks
    have, with the same nesting as the figures (``ratios_ours_over_stock``:
    ours/ours-stock, when that stack was measured). With the cluster and ours
    measured, ``ratios_cluster_over_ours`` holds cluster/ours for every
    figure and ``two_instances_over_one`` the throughput ratio per level.
    """
    report = {
        "machine": dict(machine),
        "settings": dict(settings),
        "stacks": dict(stacks),
        "ratios": ratios(stacks.get("ours", {}), stacks.get("reference", {})),
    }
    if "ours-stock" in stacks:
        report["ratios_ours_over_stock"] = ratios(stacks.get("ours", {}), stacks["ours-stock"])
    if "cluster" in stacks and "ours" in stacks:
        report["ratios_cluster_over_ours"] = ratios(stacks["cluster"], stacks["ours"])
        report["two_instances_over_one"] = throughput_ratios(stacks["ours"], stacks["cluster"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    return path


def ratios(ours: Mapping[str, Any], reference: Mapping[str, Any]) -> Dict[str, Any]:
    """ours/reference for each number present in both, nested like the figures."""
    result: Dict[str, Any] = {}
    for key, value in ours.items():
        other = reference.get(key)
        if isinstance(value, Mapping) and isinstance(other, Mapping):
            nested = ratios(value, other)
            if nested:
                result[key] = nested
        elif (
            isinstance(value, int | float)
            and isinstance(other, int | float)
            and not isinstance(value, bool)
            and not isinstance(other, bool)
            and other != 0
        ):
            result[key] = round(value / other, 3)
    return result


def throughput_ratios(single: Mapping[str, Any], pair: Mapping[str, Any]) -> Dict[str, Any]:
    """msg/s of ``pair`` over ``single`` at each level of concurrency either measured.

    Keys are the levels as in the figures (``"1"``, ``"20"``), in numeric
    order; a level only one of them has, or a zero, gives None.
    """
    levels = sorted({*single.get("load", {}), *pair.get("load", {})}, key=int)
    result: Dict[str, Any] = {}
    for level in levels:
        one = single.get("load", {}).get(level, {}).get("msg_per_s")
        two = pair.get("load", {}).get(level, {}).get("msg_per_s")
        result[level] = round(two / one, 3) if one and two is not None else None
    return result
