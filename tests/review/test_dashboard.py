"""Dashboard figures and their SVG charts, over the scenario's week."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.review.charts import (
    bar_chart,
    conversations_per_day_chart,
    horizontal_bar_chart,
    top_topics_chart,
)
from bot.review.dashboard import DashboardStats, dashboard_stats, local_day_bounds

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def week(connection: Connection) -> DashboardStats:
    since, until = local_day_bounds(date(2025, 3, 10), date(2025, 3, 14))
    return dashboard_stats(connection, since, until)


def test_local_day_bounds_are_dhaka_midnights() -> None:
    since, until = local_day_bounds(date(2025, 3, 10), date(2025, 3, 14))
    assert since == datetime(2025, 3, 9, 18, 0, tzinfo=timezone.utc)
    assert until == datetime(2025, 3, 14, 18, 0, tzinfo=timezone.utc)
    with pytest.raises(ValueError):
        local_day_bounds(date(2025, 3, 14), date(2025, 3, 10))


def test_figures_for_the_week(week: DashboardStats) -> None:
    # fallback-latn wrote at 19:30 UTC on the 12th: the 13th in Dhaka.
    assert [(d.day.day, d.count) for d in week.conversations_per_day] == [
        (10, 1), (11, 1), (12, 0), (13, 1), (14, 1),
    ]  # fmt: skip
    assert week.conversations == 4  # "old" is outside, "empty" never wrote
    assert (week.patient_messages, week.low_confidence_messages) == (11, 3)
    assert week.fallback_rate == pytest.approx(3 / 11)
    assert [(t.key, t.count) for t in week.top_topics] == [
        ("faq/dfo_what_is", 2),
        ("faq/dfo_recovery", 1),
        ("faq/vro_hospital_stay", 1),
        ("faq/vro_recovery", 1),
    ]
    # urgent-bn (paused), fallback-latn (action_handoff), button (clinic_handoffs row).
    assert (week.handed_off_conversations, week.handoff_rate) == (3, 0.75)
    assert week.urgent_conversations == 1


def test_days_follow_the_time_zone(connection: Connection) -> None:
    since = datetime(2025, 3, 12, 0, 0, tzinfo=timezone.utc)
    until = datetime(2025, 3, 13, 0, 0, tzinfo=timezone.utc)
    in_utc = dashboard_stats(connection, since, until, tz="UTC")
    assert [(d.day.day, d.count) for d in in_utc.conversations_per_day] == [(12, 1)]
    in_dhaka = dashboard_stats(connection, since, until)
    assert [(d.day.day, d.count) for d in in_dhaka.conversations_per_day] == [(12, 0), (13, 1)]


def test_an_empty_period_and_bad_periods(connection: Connection) -> None:
    since = datetime(2024, 1, 1, tzinfo=timezone.utc)
    empty = dashboard_stats(connection, since, since + timedelta(days=2))
    assert (empty.conversations, empty.fallback_rate, empty.handoff_rate) == (0, 0.0, 0.0)
    # Two UTC days touch three Dhaka days, each listed with its zero.
    assert empty.top_topics == () and len(empty.conversations_per_day) == 3
    with pytest.raises(ValueError):
        dashboard_stats(connection, since, since)
    with pytest.raises(ValueError):
        dashboard_stats(connection, since, since + timedelta(days=401))
    with pytest.raises(ValueError):
        dashboard_stats(connection, datetime(2025, 1, 1), datetime(2025, 1, 2))
    with pytest.raises(ValueError):
        dashboard_stats(connection, since, since + timedelta(days=1), tz="Mars/Olympus")


def test_a_database_rasa_has_not_written_to_yet(database_url: str) -> None:
    engine = sa.create_engine(database_url, future=True)
    since, until = local_day_bounds(date(2025, 3, 10), date(2025, 3, 14))
    try:
        with engine.connect() as connection:
            stats = dashboard_stats(connection, since, until)
    finally:
        engine.dispose()
    assert stats.conversations == 0 and len(stats.conversations_per_day) == 5


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}desc").get("id") == desc_id
    return root


def _no_active_content(svg: str) -> None:
    lowered = svg.lower()
    for banned in ("<script", "javascript:", "href", "url(", "<foreignobject", "<image", "on"
                   "load=", "onclick", "<style", "@import"):  # fmt: skip
        assert banned not in lowered
    assert lowered.count("http") == 1  # only the xmlns


def test_dashboard_charts(week: DashboardStats) -> None:
    per_day = conversations_per_day_chart(week)
    root = _parse(per_day)
    _no_active_content(per_day)
    assert root.find(f"{SVG}title").text == "Conversations per day"
    desc = root.find(f"{SVG}desc").text
    assert "from 2025-03-10 to 2025-03-14 (Asia/Dhaka)" in desc
    assert "12 Mar: 0" in desc and "13 Mar: 1" in desc
    bars = [g for g in root.iter(f"{SVG}g")]
    assert len(bars) == 5

    topics = top_topics_chart(week)
    root = _parse(topics)
    _no_active_content(topics)
    assert "faq/dfo_what_is: 2" in root.find(f"{SVG}desc").text
    assert len(list(root.iter(f"{SVG}rect"))) == 1 + 4  # background and four bars
    # Two charts on one page do not share ids.
    assert set(_ids(per_day)).isdisjoint(_ids(topics))


def _ids(svg: str) -> list:
    return [e.get("id") for e in ET.fromstring(svg).iter() if e.get("id")]  # noqa: S314


def test_chart_text_is_escaped() -> None:
    hostile = '<script>alert("x")</script> & \x07 "quotes"'
    for render in (bar_chart, horizontal_bar_chart):
        svg = render(
            [(hostile, 3), ("ok", 1)],
            title=f"Title {hostile}",
            description=hostile,
            chart_id='x" onload="alert(1)',
        )
        root = _parse(svg)
        _no_active_content(svg)
        assert "<script>" in root.find(f"{SVG}title").text  # as text, not markup
        assert list(root.iter(f"{SVG}script")) == []


def test_empty_charts_say_so() -> None:
    svg = bar_chart([], title="Nothing", description="No conversations.")
    root = _parse(svg)
    assert "No data" in root.find(f"{SVG}desc").text
    assert any("No data" in (t.text or "") for t in root.iter(f"{SVG}text"))
    _parse(horizontal_bar_chart([], title="Nothing", description="None."))


def test_long_periods_thin_out_the_labels() -> None:
    data = [(f"2025-01-{day:02d}", day) for day in range(1, 32)] * 3
    svg = bar_chart(data, title="Quarter", description="Per day.")
    root = _parse(svg)
    assert len(list(root.iter(f"{SVG}g"))) == 93
    labels = [t for t in root.iter(f"{SVG}text") if t.text.startswith("2025")]
    # 10-character labels of about 70 pixels each fit 8 times under the 584-pixel axis.
    assert 4 <= len(labels) <= 8
