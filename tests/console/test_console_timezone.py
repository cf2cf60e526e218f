"""The console's dates follow CLINIC_TIMEZONE, not a hard-coded Asia/Dhaka."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator, Set
from zoneinfo import ZoneInfo

import pytest

from bot.console.accounts import create_account
from bot.console.views_review import filters_from
from bot.storage.migrate import upgrade
from tests.console.conftest import (
    PASSWORD,
    WEB_PATIENT,
    Console,
    FakeRasa,
    fake_rasa,  # noqa: F401
    running_console,
    seed_conversations,
)

ZONE = "America/New_York"  # 10 or 11 hours from Dhaka: no minute reads the same in both


@pytest.fixture(scope="module")
def zoned_console(
    tmp_path_factory: pytest.TempPathFactory,
    fake_rasa: FakeRasa,  # noqa: F811
) -> Iterator[Console]:
    database_url = f"sqlite:///{Path(tmp_path_factory.mktemp('zoned'))}/rasa.db"
    upgrade(database_url)
    asyncio.run(seed_conversations(database_url))
    create_account(database_url, "nurse", "Nurse Rahima", "staff", PASSWORD)
    with running_console(database_url, fake_rasa.url, CLINIC_TIMEZONE=ZONE) as running:
        yield running


def minutes_around(moment: datetime, zone: str, spread: int = 3) -> Set[str]:
    """``moment`` and the minutes around it, as the console writes them in ``zone``."""
    return {
        (moment + timedelta(minutes=offset)).astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")
        for offset in range(-spread, spread + 1)
    }


def test_transcript_times_are_in_the_clinic_timezone(zoned_console: Console) -> None:
    http = zoned_console.session("nurse")
    page = http.get(f"{zoned_console.url}/staff/conversations/{WEB_PATIENT}", timeout=10).text
    now = datetime.now(timezone.utc)
    # The fixture seeded the conversation a moment ago.
    assert any(shown in page for shown in minutes_around(now, ZONE))
    assert not any(shown in page for shown in minutes_around(now, "Asia/Dhaka"))


def test_the_dashboard_counts_days_in_the_clinic_timezone(zoned_console: Console) -> None:
    http = zoned_console.session("nurse")
    page = http.get(f"{zoned_console.url}/staff/dashboard", timeout=10).text
    assert f"({ZONE})" in page and "Asia/Dhaka" not in page


def test_the_log_reads_its_dates_as_days_in_the_clinic_timezone() -> None:
    filters, shown = filters_from(
        {"date_from": "2026-01-10", "date_to": "2026-01-12"}, ZoneInfo(ZONE)
    )
    assert shown["date_from"] == "2026-01-10"
    # Midnight in New York (UTC-5 in winter), not in Dhaka (UTC+6).
    assert filters.date_from == datetime(2026, 1, 10, 5, tzinfo=timezone.utc)
    assert filters.date_to == datetime(2026, 1, 13, 5, tzinfo=timezone.utc)
