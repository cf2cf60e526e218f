"""When the launcher restarts a crashed process, and when it gives up.

A plain function of the crash times, so the policy is tested without
processes. The systemd units in ``deploy/systemd`` apply the same numbers
(``StartLimitBurst``/``StartLimitIntervalSec``) in production.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence


@dataclass(frozen=True)
class RestartPolicy:
    """Back-off and give-up limits for one supervised process.

    Attributes:
        max_crashes: Crashes within ``window_seconds`` that make the launcher give up.
        window_seconds: How far back crashes count.
        first_delay: Seconds before the first restart; doubled for each recent crash.
        max_delay: The longest wait before a restart.
    """

    max_crashes: int = 5
    window_seconds: float = 60.0
    first_delay: float = 1.0
    max_delay: float = 10.0

    def __post_init__(self) -> None:
        if self.max_crashes < 1 or self.window_seconds <= 0:
            raise ValueError("a restart policy needs max_crashes >= 1 and a positive window")
        if self.first_delay < 0 or self.max_delay < self.first_delay:
            raise ValueError("restart delays must satisfy 0 <= first_delay <= max_delay")


DEFAULT_POLICY = RestartPolicy()


def recent_crashes(crash_times: Sequence[float], now: float, policy: RestartPolicy) -> int:
    """How many of ``crash_times`` (monotonic seconds) fall within the policy's window."""
    return sum(1 for moment in crash_times if now - moment < policy.window_seconds)


def restart_delay(
    crash_times: Sequence[float], now: float, policy: RestartPolicy = DEFAULT_POLICY
) -> Optional[float]:
    """Seconds to wait before restarting a process that has just crashed.

    Args:
        crash_times: Monotonic times of the process's crashes, the latest included.
        now: The current monotonic time.
        policy: The limits to apply.

    Returns:
        The back-off in seconds (``first_delay`` doubled for each earlier recent
        crash, at most ``max_delay``), or None when the process crashed
        ``max_crashes`` times within the window and should stay down.
    """
    count = recent_crashes(crash_times, now, policy)
    if count >= policy.max_crashes:
        return None
    return min(policy.max_delay, policy.first_delay * 2 ** max(0, count - 1))
