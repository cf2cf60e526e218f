"""When the clinic's staff answer chats: opening hours in the clinic's time zone.

``CLINIC_OPENING_HOURS`` is written the way a front desk would write it:
``"Sat-Thu 09:00-17:00"``, several ranges separated by ``;`` (``"Sat-Wed
09:00-17:00; Thu 09:00-13:00"``). Days are English three-letter names; a
range of days may wrap around the week (``Sat-Thu``). Empty means "no fixed
hours": staff answer whenever someone is signed in to the console.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import List, Optional, Tuple
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RANGE = re.compile(
    r"^(?P<first>[a-z]{3})(?:\s*-\s*(?P<last>[a-z]{3}))?\s+"
    r"(?P<open>\d{1,2}:\d{2})\s*-\s*(?P<close>\d{1,2}:\d{2})$"
)


class OpeningHoursError(ValueError):
    """``CLINIC_OPENING_HOURS`` cannot be read."""


@dataclass(frozen=True)
class OpeningHours:
    """The weekly hours: for each weekday (0 = Monday) a list of (open, close) times."""

    days: Tuple[Tuple[Tuple[time, time], ...], ...]
    timezone: str = "Asia/Dhaka"

    @property
    def always_open(self) -> bool:
        """No fixed hours were configured."""
        return not any(self.days)

    def is_open(self, moment: datetime) -> bool:
        """Whether ``moment`` (timezone-aware) falls within the opening hours."""
        if self.always_open:
            return True
        local = moment.astimezone(ZoneInfo(self.timezone))
        now = local.time()
        return any(start <= now < end for start, end in self.days[local.weekday()])

    def next_opening(self, moment: datetime) -> Optional[datetime]:
        """The next time the clinic opens after ``moment``, in the clinic's time zone.

        Returns ``None`` when there are no fixed hours.
        """
        if self.always_open:
            return None
        local = moment.astimezone(ZoneInfo(self.timezone))
        for offset in range(8):
            day = local.date() + timedelta(days=offset)
            for start, _end in sorted(self.days[day.weekday()]):
                candidate = datetime.combine(day, start, tzinfo=local.tzinfo)
                if candidate > local:
                    return candidate
        return None


def _clock(text: str) -> time:
    hours, minutes = (int(part) for part in text.split(":"))
    if hours == 24 and minutes == 0:
        return time(23, 59, 59)
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise OpeningHoursError(f"not a time of day: {text}")
    return time(hours, minutes)


def _day_span(first: str, last: Optional[str]) -> List[int]:
    for day in (first, last or first):
        if day not in DAYS:
            raise OpeningHoursError(f"unknown day {day!r}; use {', '.join(DAYS)}")
    start, end = DAYS.index(first), DAYS.index(last or first)
    return [(start + step) % 7 for step in range((end - start) % 7 + 1)]


def parse_opening_hours(spec: str, timezone: str = "Asia/Dhaka") -> OpeningHours:
    """Read an opening-hours specification.

    Args:
        spec: E.g. ``"Sat-Thu 09:00-17:00"``; empty for no fixed hours.
        timezone: The clinic's IANA time zone.

    Returns:
        The parsed hours.

    Raises:
        OpeningHoursError: The text or the time zone cannot be read.
    """
    try:
        ZoneInfo(timezone)
    except (KeyError, ValueError) as error:
        raise OpeningHoursError(f"unknown time zone {timezone!r}") from error
    days: List[List[Tuple[time, time]]] = [[] for _ in DAYS]
    for part in filter(None, (chunk.strip().lower() for chunk in spec.split(";"))):
        match = _RANGE.match(part)
        if not match:
            raise OpeningHoursError(f"cannot read {part!r}; write e.g. 'Sat-Thu 09:00-17:00'")
        opens, closes = _clock(match["open"]), _clock(match["close"])
        if closes <= opens:
            raise OpeningHoursError(f"{part!r} closes before it opens")
        for day in _day_span(match["first"], match["last"]):
            days[day].append((opens, closes))
    return OpeningHours(tuple(tuple(ranges) for ranges in days), timezone)
