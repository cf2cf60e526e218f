"""Contact details reach patients only when real: the placeholder rule of the secrets."""

import pytest

from actions.clinic_contact import usable
from bot.settings import is_placeholder


@pytest.mark.parametrize(
    "value",
    ["", "+880 1XXX-XXXXXX", "change-me", "09:00-17:00 (placeholder)", "clinic@example.org"],
)
def test_placeholders_are_never_shown(value: str) -> None:
    assert not usable(value)
    assert is_placeholder(value)


@pytest.mark.parametrize("value", ["+880 1711-000000", "Saturday to Thursday, 9am to 5pm"])
def test_real_details_are_shown(value: str) -> None:
    assert usable(value)
