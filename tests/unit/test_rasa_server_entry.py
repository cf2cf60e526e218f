"""bot/rasa_server.py: Rasa's argv gets the token from the environment, not the command line."""

from __future__ import annotations

import pytest

from bot.rasa_server import rasa_argv


def test_the_token_is_added_from_the_environment() -> None:
    argv = rasa_argv(["run", "--enable-api"], {"RASA_AUTH_TOKEN": "t0ken"})
    assert argv == ["rasa", "run", "--enable-api", "--auth-token=t0ken"]


def test_an_empty_token_stops_the_server() -> None:
    with pytest.raises(SystemExit, match="RASA_AUTH_TOKEN"):
        rasa_argv(["run"], {"RASA_AUTH_TOKEN": " "})


def test_a_token_on_the_command_line_is_refused() -> None:
    with pytest.raises(SystemExit, match="not on the command line"):
        rasa_argv(["run", "--auth-token=visible"], {"RASA_AUTH_TOKEN": "t0ken"})
