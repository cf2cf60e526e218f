"""Percentiles, load figures and the side-by-side table of `make bench`."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import List, Optional, Sequence


def percentile(values: Sequence[float], fraction: float) -> float:
    """The ``fraction`` (0..1) percentile, interpolated linearly between ranks.

    The same definition as ``numpy.percentile``'s default ("linear").

    Raises:
        ValueError: No values, or a fraction outside 0..1.
    """
    if not values:
        raise ValueError("percentile of no values")
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction must be within 0..1, not {fraction}")
    ordered = sorted(values)
    rank = fraction * (len(ordered) - 1)
    low = math.floor(rank)
    high = math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class LatencySummary:
    """Median and tail latencies in milliseconds."""

    p50_ms: float
    p95_ms: float
    p99_ms: float

    @classmethod
    def of(cls, seconds: Sequence[float]) -> LatencySummary:
        """Summarise latencies given in seconds."""
        return cls(
            p50_ms=percentile(seconds, 0.50) * 1000,
            p95_ms=percentile(seconds, 0.95) * 1000,
            p99_ms=percentile(seconds, 0.99) * 1000,
        )


def ratio(ours: Optional[float], reference: Optional[float]) -> Optional[float]:
    """``ours / reference``, or None when either is missing or the reference is 0."""
    if ours is None or reference is None or reference == 0:
        return None
    return ours / reference


@dataclass(frozen=True)
class Row:
    """One figure of the table: its name, unit and both stacks' values."""

    name: str
    unit: str
    ours: Optional[float]
    reference: Optional[float]

    @property
    def ratio(self) -> Optional[float]:
        """Ours divided by the reference's, or ``None`` when either is missing."""
        return ratio(self.ours, self.reference)


def _number(value: Optional[float]) -> str:
    if value is None:
        return "-"
    if isinstance(value, int):
        return f"{value:,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"


def format_table(rows: Sequence[Row], labels: Sequence[str] = ("ours", "reference")) -> str:
    """The figures side by side, with the ratio of the first to the second, as aligned text."""
    header = ("figure", "unit", labels[0], labels[1], f"{labels[0]}/{labels[1]}")
    lines: List[tuple] = [header]
    for row in rows:
        shown_ratio = "-" if row.ratio is None else f"{row.ratio:.2f}x"
        lines.append((row.name, row.unit, _number(row.ours), _number(row.reference), shown_ratio))
    widths = [max(len(line[column]) for line in lines) for column in range(len(header))]
    text = []
    for index, line in enumerate(lines):
        cells = [line[0].ljust(widths[0]), line[1].ljust(widths[1])]
        cells += [cell.rjust(width) for cell, width in zip(line[2:], widths[2:], strict=True)]
        text.append("  ".join(cells).rstrip())
        if index == 0:
            text.append("  ".join("-" * width for width in widths))
    return "\n".join(text)
