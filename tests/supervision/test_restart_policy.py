"""The launcher's restart policy, as plain functions of crash times."""

import pytest

from bot.restart_policy import RestartPolicy, recent_crashes, restart_delay

POLICY = RestartPolicy(max_crashes=5, window_seconds=60, first_delay=1, max_delay=10)


def test_first_crash_restarts_after_the_short_delay() -> None:
    assert restart_delay([100.0], now=100.0, policy=POLICY) == 1


def test_back_off_doubles_with_each_recent_crash_up_to_the_limit() -> None:
    crashes = [100.0, 101.0, 103.0, 107.0]
    delays = [restart_delay(crashes[: n + 1], now=crashes[n], policy=POLICY) for n in range(4)]
    assert delays == [1, 2, 4, 8]
    capped = RestartPolicy(max_crashes=10, window_seconds=60, first_delay=1, max_delay=5)
    assert restart_delay([1.0, 2.0, 3.0, 4.0, 5.0], now=5.0, policy=capped) == 5


def test_fifth_crash_within_a_minute_gives_up() -> None:
    crashes = [100.0, 110.0, 120.0, 130.0, 140.0]
    assert restart_delay(crashes, now=140.0, policy=POLICY) is None


def test_crashes_older_than_the_window_are_forgotten() -> None:
    crashes = [0.0, 10.0, 20.0, 50.0, 100.0]
    assert recent_crashes(crashes, now=100.0, policy=POLICY) == 2
    assert restart_delay(crashes, now=100.0, policy=POLICY) == 2


def test_a_process_that_crashes_once_an_hour_is_restarted_forever() -> None:
    crashes = [hour * 3600.0 for hour in range(50)]
    assert restart_delay(crashes, now=crashes[-1], policy=POLICY) == 1


@pytest.mark.parametrize(
    "arguments",
    [
        {"max_crashes": 0},
        {"window_seconds": 0},
        {"first_delay": -1},
        {"first_delay": 5, "max_delay": 1},
    ],
)
def test_impossible_policies_are_refused(arguments) -> None:
    with pytest.raises(ValueError):
        RestartPolicy(**arguments)
