"""The launcher's restart policy, as plain functions of how long each run lasted."""

import pytest

from bot.restart_policy import RestartPolicy, crashes_in_a_row, restart_delay

POLICY = RestartPolicy(max_crashes=5, healthy_seconds=60, first_delay=1, max_delay=10)


def test_first_crash_restarts_after_the_short_delay() -> None:
    assert restart_delay([3.0], policy=POLICY) == 1


def test_back_off_doubles_with_each_crash_in_a_row_up_to_the_limit() -> None:
    runs = [2.0, 1.0, 3.0, 4.0]
    assert [restart_delay(runs[: n + 1], policy=POLICY) for n in range(4)] == [1, 2, 4, 8]
    capped = RestartPolicy(max_crashes=10, healthy_seconds=60, first_delay=1, max_delay=5)
    assert restart_delay([1.0] * 6, policy=capped) == 5


def test_five_crashes_within_a_minute_give_up() -> None:
    assert restart_delay([10.0, 9.0, 8.0, 12.0, 11.0], policy=POLICY) is None


def test_a_slow_starting_process_that_always_fails_also_gives_up() -> None:
    # Five 40-second runs span more than a minute, but it is still a crash loop.
    assert restart_delay([40.0] * 5, policy=POLICY) is None


def test_a_healthy_run_starts_the_count_again() -> None:
    runs = [1.0, 1.0, 1.0, 1.0, 3600.0, 2.0]
    assert crashes_in_a_row(runs, POLICY) == 1
    assert restart_delay(runs, policy=POLICY) == 1


def test_a_process_that_crashes_once_an_hour_is_restarted_forever() -> None:
    assert restart_delay([3600.0] * 50, policy=POLICY) == 1


@pytest.mark.parametrize(
    "arguments",
    [
        {"max_crashes": 0},
        {"healthy_seconds": 0},
        {"first_delay": -1},
        {"first_delay": 5, "max_delay": 1},
    ],
)
def test_impossible_policies_are_refused(arguments) -> None:
    with pytest.raises(ValueError):
        RestartPolicy(**arguments)
