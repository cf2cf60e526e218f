"""Opening hours and how the assistant says when staff answer."""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.clinic_hours import OpeningHoursError, parse_opening_hours
from bot.staff_availability import describe_opening

DHAKA = ZoneInfo("Asia/Dhaka")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in November 2026 in Dhaka (the 21st is a Saturday)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=DHAKA)


def test_a_week_that_wraps_from_saturday_to_thursday() -> None:
    hours = parse_opening_hours("Sat-Thu 09:00-17:00")
    assert hours.is_open(at(21, 9))  # Saturday
    assert hours.is_open(at(26, 16, 59))  # Thursday
    assert not hours.is_open(at(26, 17))  # closing time
    assert not hours.is_open(at(27, 12))  # Friday
    assert hours.next_opening(at(27, 12)) == at(28, 9)


def test_several_ranges_and_utc_input() -> None:
    hours = parse_opening_hours("Sat-Wed 09:00-17:00; Thu 09:00-13:00")
    assert not hours.is_open(at(26, 14))
    # 03:30 UTC is 09:30 in Dhaka.
    assert hours.is_open(datetime(2026, 11, 22, 3, 30, tzinfo=timezone.utc))
    assert hours.next_opening(at(26, 14)) == at(28, 9)


def test_no_hours_means_staff_answer_whenever_someone_is_online() -> None:
    hours = parse_opening_hours("")
    assert hours.always_open and hours.is_open(at(27, 3))
    assert hours.next_opening(at(27, 3)) is None


@pytest.mark.parametrize(
    "spec", ["Someday 09:00-17:00", "Sat 9-5", "Sat 17:00-09:00", "Sat 25:00-26:00"]
)
def test_unreadable_hours_are_refused(spec: str) -> None:
    with pytest.raises(OpeningHoursError):
        parse_opening_hours(spec)


def test_an_unknown_time_zone_is_refused() -> None:
    with pytest.raises(OpeningHoursError):
        parse_opening_hours("Sat 09:00-17:00", "Mars/Olympus")


@pytest.mark.parametrize(
    ("now", "opening", "language", "expected"),
    [
        (at(21, 7), at(21, 9), "en", "today at 09:00"),
        (at(27, 20), at(28, 9), "en", "tomorrow at 09:00"),
        (at(26, 18), at(28, 9), "en", "on Saturday at 09:00"),
        (at(27, 20), at(28, 9), "bn", "আগামীকাল ০৯:০০-এ"),
        (at(26, 18), at(28, 9), "bn", "শনিবার ০৯:০০-এ"),
    ],
)
def test_the_next_opening_in_words(now, opening, language, expected) -> None:
    assert describe_opening(opening, now, language) == expected
