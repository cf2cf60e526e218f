"""When the launcher restarts a crashed process, and when it gives up.

Plain functions of how long each run of a process lasted, so the policy is
tested without processes. A process that keeps crashing soon after it starts
is in a crash loop (a bad model, a port taken, a database that refuses it):
after ``max_crashes`` such runs in a row the launcher stops the assistant with
a clear message instead of restarting it forever. A run that lasted
``healthy_seconds`` or more starts the count again. Five crashes within 60
seconds are always five short runs in a row, so they always give up; so does
a Rasa server that takes 40 seconds to load a model and then fails each time.

The systemd units in ``deploy/systemd`` apply the same numbers with
``StartLimitBurst``/``StartLimitIntervalSec`` in production.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence


@dataclass(frozen=True)
class RestartPolicy:
    """Back-off and give-up limits for one supervised process.

    Attributes:
        max_crashes: Short runs in a row after which the launcher gives up.
        healthy_seconds: A run at least this long is not part of a crash loop.
        first_delay: Seconds before the first restart; doubled for each short run.
        max_delay: The longest wait before a restart.
    """

    max_crashes: int = 5
    healthy_seconds: float = 60.0
    first_delay: float = 1.0
    max_delay: float = 10.0

    def __post_init__(self) -> None:
        """Refuse a policy that could never restart or waits a negative time."""
        if self.max_crashes < 1 or self.healthy_seconds <= 0:
            raise ValueError("a restart policy needs max_crashes >= 1 and healthy_seconds > 0")
        if self.first_delay < 0 or self.max_delay < self.first_delay:
            raise ValueError("restart delays must satisfy 0 <= first_delay <= max_delay")


DEFAULT_POLICY = RestartPolicy()


def crashes_in_a_row(run_seconds: Sequence[float], policy: RestartPolicy) -> int:
    """How many of the latest runs, counted back from the last, were short crashes."""
    count = 0
    for seconds in reversed(run_seconds):
        if seconds >= policy.healthy_seconds:
            break
        count += 1
    return count


def restart_delay(
    run_seconds: Sequence[float], policy: RestartPolicy = DEFAULT_POLICY
) -> Optional[float]:
    """Seconds to wait before restarting a process that has just stopped.

    Args:
        run_seconds: How long each run of the process lasted, oldest first; the
            run that has just ended is the last.
        policy: The limits to apply.

    Returns:
        The back-off in seconds (``first_delay``, doubled for each earlier short
        run in a row, at most ``max_delay``), or None when the last
        ``max_crashes`` runs were all short: the process should stay down.
    """
    count = crashes_in_a_row(run_seconds, policy)
    if count >= policy.max_crashes:
        return None
    return min(policy.max_delay, policy.first_delay * 2 ** max(0, count - 1))
