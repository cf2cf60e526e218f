"""Server-rendered SVG charts for the dashboard: no JavaScript, no external resources.

Each chart is one ``<svg role="img">`` labelled by its ``<title>`` and
``<desc>``; the description lists every value, so a screen reader gets the
whole chart as text. Each bar also carries a ``<title>`` (a tooltip for
pointer users). Every piece of text is escaped for XML and stripped of
characters XML cannot hold. Embed the string in a page as it is. The
dashboard's charts take their words from the console's string table
(``chart.*``), in the staff member's language.
"""

from __future__ import annotations

import html
import re
from typing import Callable, List, Optional, Sequence, Tuple

from bot.console.strings import DEFAULT_LANGUAGE, Translator
from bot.review.dashboard import DashboardStats

__all__ = [
    "bar_chart",
    "conversations_per_day_chart",
    "horizontal_bar_chart",
    "top_topics_chart",
]

BAR_COLOUR = "#1d5a85"  # 7:1 against white
TEXT_COLOUR = "#1a1a1a"
AXIS_COLOUR = "#595959"
# The console's served Noto Sans Bengali first: with no Bengali font on the
# system, Bangla labels (months) in plain sans-serif would be empty boxes.
FONT = 'font-family="\'Noto Sans Bengali\', sans-serif" font-size="12"'
MAX_LABEL_CHARS = 30
# A generous width of one character at font-size 12, for laying out labels.
CHAR_WIDTH = 7
# A console Translator (bot.console.strings): texts("chart.no_data") is the text in its language.
Texts = Callable[..., str]
ENGLISH: Texts = Translator(DEFAULT_LANGUAGE)
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def _text(value: object) -> str:
    """``value`` as XML text or attribute content."""
    return html.escape(_XML_INVALID.sub("", str(value)), quote=True)


def _safe_id(chart_id: str) -> str:
    cleaned = _ID_UNSAFE.sub("-", chart_id) or "chart"
    return cleaned if cleaned[0].isalpha() else f"c-{cleaned}"


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _open(chart_id: str, width: int, height: int, title: str, description: str) -> List[str]:
    ident = _safe_id(chart_id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{_text(title)}</title>',
        f'<desc id="{ident}-desc">{_text(description)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]


def _described(description: str, data: Sequence[Tuple[str, float]], no_data: str) -> str:
    if not data:
        return f"{description} {no_data}."
    values = "; ".join(f"{label}: {_number(value)}" for label, value in data)
    return f"{description} {values}."


def _empty(parts: List[str], width: int, height: int, no_data: str) -> str:
    parts.append(
        f'<text x="{width / 2:.1f}" y="{height / 2:.1f}" text-anchor="middle"'
        f' fill="{TEXT_COLOUR}" {FONT}>{_text(no_data)}</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


def bar_chart(
    data: Sequence[Tuple[str, float]],
    *,
    title: str,
    description: str,
    chart_id: str = "bar-chart",
    width: int = 640,
    height: int = 260,
    no_data: str = ENGLISH("chart.no_data"),
) -> str:
    """A vertical bar chart, e.g. conversations per day.

    Args:
        data: ``(label, value)`` pairs in display order; values are not negative.
        title: The chart's accessible name.
        description: One sentence saying what it shows; the values are appended.
        chart_id: Unique on the page (ids of the title and description).
        width: Width in pixels.
        height: Height in pixels.
        no_data: What an empty chart says.

    Returns:
        The ``<svg>`` element.
    """
    parts = _open(chart_id, width, height, title, _described(description, data, no_data))
    if not data:
        return _empty(parts, width, height, no_data)
    left, right, top, bottom = 44, 12, 20, 48
    plot_width, plot_height = width - left - right, height - top - bottom
    peak = max(max(value for _, value in data), 0) or 1
    slot = plot_width / len(data)
    bar_width = max(1.0, slot * 0.75)
    # As many axis labels as fit side by side; every bar keeps its tooltip.
    widest = max(len(_short(label)) for label, _ in data) * CHAR_WIDTH + 8
    fitting = max(1, int(plot_width // widest))
    label_every = max(1, -(-len(data) // fitting))
    base = top + plot_height
    parts.append(
        f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}"'
        f' stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    parts.append(
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" fill="{TEXT_COLOUR}"'
        f" {FONT}>{_text(_number(peak))}</text>"
    )
    parts.append(
        f'<text x="{left - 6}" y="{base}" text-anchor="end" fill="{TEXT_COLOUR}" {FONT}>0</text>'
    )
    for index, (label, value) in enumerate(data):
        bar_height = plot_height * max(value, 0) / peak
        x = left + index * slot + (slot - bar_width) / 2
        y = base - bar_height
        parts.append(
            f"<g><title>{_text(label)}: {_text(_number(value))}</title>"
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_width:.1f}" height="{bar_height:.1f}"'
            f' fill="{BAR_COLOUR}"/>'
        )
        if len(data) <= 31 and value:
            parts.append(
                f'<text x="{x + bar_width / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle"'
                f' fill="{TEXT_COLOUR}" {FONT}>{_text(_number(value))}</text>'
            )
        parts.append("</g>")
        if index % label_every == 0:
            parts.append(
                f'<text x="{x + bar_width / 2:.1f}" y="{base + 16}" text-anchor="middle"'
                f' fill="{TEXT_COLOUR}" {FONT}>{_text(_short(label))}</text>'
            )
    parts.append("</svg>")
    return "\n".join(parts)


def horizontal_bar_chart(
    data: Sequence[Tuple[str, float]],
    *,
    title: str,
    description: str,
    chart_id: str = "hbar-chart",
    width: int = 640,
    bar_height: int = 22,
    no_data: str = ENGLISH("chart.no_data"),
) -> str:
    """A horizontal bar chart with the labels on the left, e.g. top topics.

    Args:
        data: ``(label, value)`` pairs, largest first as a rule.
        title: The chart's accessible name.
        description: One sentence saying what it shows; the values are appended.
        chart_id: Unique on the page.
        width: Width in pixels (the height follows from the number of bars).
        bar_height: Height of one bar in pixels.
        no_data: What an empty chart says.

    Returns:
        The ``<svg>`` element.
    """
    gap, top, right = 8, 10, 48
    label_width = MAX_LABEL_CHARS * CHAR_WIDTH + 10
    height = top * 2 + max(1, len(data)) * (bar_height + gap)
    parts = _open(chart_id, width, height, title, _described(description, data, no_data))
    if not data:
        return _empty(parts, width, height, no_data)
    plot_width = width - label_width - right
    peak = max(max(value for _, value in data), 0) or 1
    parts.append(
        f'<line x1="{label_width}" y1="{top}" x2="{label_width}" y2="{height - top}"'
        f' stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    for index, (label, value) in enumerate(data):
        y = top + index * (bar_height + gap) + gap / 2
        length = plot_width * max(value, 0) / peak
        middle = y + bar_height / 2 + 4
        parts.append(
            f"<g><title>{_text(label)}: {_text(_number(value))}</title>"
            f'<text x="{label_width - 6}" y="{middle:.1f}" text-anchor="end"'
            f' fill="{TEXT_COLOUR}" {FONT}>{_text(_short(label))}</text>'
            f'<rect x="{label_width}" y="{y:.1f}" width="{length:.1f}" height="{bar_height}"'
            f' fill="{BAR_COLOUR}"/>'
            f'<text x="{label_width + length + 4:.1f}" y="{middle:.1f}" fill="{TEXT_COLOUR}"'
            f" {FONT}>{_text(_number(value))}</text></g>"
        )
    parts.append("</svg>")
    return "\n".join(parts)


def conversations_per_day_chart(
    stats: DashboardStats, chart_id: str = "per-day", texts: Optional[Texts] = None
) -> str:
    """The dashboard's conversations-per-day bar chart, in the language of ``texts``."""
    texts = texts or ENGLISH
    months = texts("chart.months").split()
    days = stats.conversations_per_day
    data = [(f"{d.day.day} {months[d.day.month - 1]}", d.count) for d in days]
    first, last = (days[0].day.isoformat(), days[-1].day.isoformat()) if days else ("", "")
    return bar_chart(
        data,
        title=texts("dashboard.per_day"),
        description=texts(
            "chart.per_day_description",
            first=first,
            last=last,
            tz=stats.tz,
            total=stats.conversations,
        ),
        chart_id=chart_id,
        no_data=texts("chart.no_data"),
    )


def top_topics_chart(
    stats: DashboardStats, chart_id: str = "top-topics", texts: Optional[Texts] = None
) -> str:
    """The dashboard's top FAQ topics as a horizontal bar chart, in the language of ``texts``."""
    texts = texts or ENGLISH
    data = [(topic.key, topic.count) for topic in stats.top_topics]
    return horizontal_bar_chart(
        data,
        title=texts("dashboard.top_topics"),
        description=texts("chart.topics_description"),
        chart_id=chart_id,
        no_data=texts("chart.no_data"),
    )
