"""Whether a person can answer a chat now, and if not, when.

Staff count as online while their console is open: the console's pages poll
the server every few seconds, and each request refreshes the account's
``last_seen_at``. The action server asks this module before it promises a
patient that someone will join the chat.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.clinic_hours import OpeningHours
from bot.digits import BANGLA_DIGITS
from bot.storage.models import StaffAccount

# A console that has not polled for this long is treated as closed.
ONLINE_WINDOW = timedelta(seconds=90)


@dataclass(frozen=True)
class StaffAvailability:
    """What the assistant may honestly tell a patient about staff."""

    within_hours: bool
    staff_online: int
    next_opening: Optional[datetime]

    @property
    def available(self) -> bool:
        """Someone can join the chat now."""
        return self.within_hours and self.staff_online > 0


def staff_online_count(*, session: Session, now: datetime) -> int:
    """How many active staff accounts had the console open within :data:`ONLINE_WINDOW`."""
    return session.execute(
        sa.select(sa.func.count(StaffAccount.id)).where(
            StaffAccount.is_active.is_(True),
            StaffAccount.last_seen_at >= now - ONLINE_WINDOW,
        )
    ).scalar_one()


def check_availability(
    *, session: Session, hours: OpeningHours, now: datetime
) -> StaffAvailability:
    """Whether staff can answer now.

    Args:
        session: The caller's session.
        hours: The clinic's opening hours.
        now: The current time (timezone-aware).

    Returns:
        Opening hours, online staff and the next opening time.
    """
    within_hours = hours.is_open(now)
    return StaffAvailability(
        within_hours=within_hours,
        staff_online=staff_online_count(session=session, now=now),
        next_opening=None if within_hours else hours.next_opening(now),
    )


_TO_BANGLA_DIGITS = str.maketrans("0123456789", BANGLA_DIGITS)
_DAY_NAMES = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "bn": ("সোমবার", "মঙ্গলবার", "বুধবার", "বৃহস্পতিবার", "শুক্রবার", "শনিবার", "রবিবার"),
}


def describe_opening(moment: datetime, now: datetime, language: str = "en") -> str:
    """Say when the clinic opens next, as a patient would: "tomorrow at 09:00".

    Args:
        moment: The next opening, in the clinic's time zone.
        now: The current time.
        language: ``"en"`` or ``"bn"``.

    Returns:
        A short phrase in that language.
    """
    local_now = now.astimezone(moment.tzinfo)
    days_ahead = (moment.date() - local_now.date()).days
    clock = moment.strftime("%H:%M")
    if language == "bn":
        clock = clock.translate(_TO_BANGLA_DIGITS)
        if days_ahead == 0:
            return f"আজ {clock}-এ"
        if days_ahead == 1:
            return f"আগামীকাল {clock}-এ"
        return f"{_DAY_NAMES['bn'][moment.weekday()]} {clock}-এ"
    if days_ahead == 0:
        return f"today at {clock}"
    if days_ahead == 1:
        return f"tomorrow at {clock}"
    return f"on {_DAY_NAMES['en'][moment.weekday()]} at {clock}"
