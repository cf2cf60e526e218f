"""The launcher's plain functions: .env creation, environment merging, commands."""

from pathlib import Path

import pytest

from bot import launcher


def test_env_file_gets_a_random_token(tmp_path: Path) -> None:
    example = tmp_path / ".env.example"
    example.write_text("# comment\nRASA_AUTH_TOKEN=\nCLINIC_PHONE=\n")
    env_file = tmp_path / ".env"
    assert launcher.init_env(env_file, example) is True
    values = dict(line.split("=", 1) for line in env_file.read_text().splitlines() if "=" in line)
    assert len(values["RASA_AUTH_TOKEN"]) >= 40
    assert values["CLINIC_PHONE"] == ""
    assert oct(env_file.stat().st_mode)[-3:] == "600"
    # Never overwrite an existing .env: it holds the user's secrets.
    assert launcher.init_env(env_file, example) is False


def test_two_env_files_get_different_tokens() -> None:
    assert launcher.render_env_file("RASA_AUTH_TOKEN=") != launcher.render_env_file(
        "RASA_AUTH_TOKEN="
    )


def test_environment_wins_over_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("DATABASE_URL=sqlite:///from-file.db\nREDIS_URL=redis://file\n")
    merged = launcher.merged_environment({"DATABASE_URL": "postgresql://from-env"}, env_file)
    assert merged["DATABASE_URL"] == "postgresql://from-env"
    assert merged["REDIS_URL"] == "redis://file"


def test_rasa_command_protects_the_api_with_the_token(tmp_path: Path) -> None:
    model = tmp_path / "clinic.tar.gz"
    command = launcher.rasa_server_command(
        {"RASA_AUTH_TOKEN": "t0ken", "RASA_PORT": "5005", "CORS_ORIGINS": "http://a, http://b"},
        model,
    )
    assert command[1:4] == ["-m", "bot.rasa_server", "run"]
    # The token reaches Rasa through the environment, never the command line (ps).
    assert not any("t0ken" in part or "--auth-token" in part for part in command)
    assert "--enable-api" in command
    assert command[command.index("--cors") + 1 :] == ["http://a", "http://b"]


def test_rasa_command_refuses_to_run_without_a_token(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="RASA_AUTH_TOKEN"):
        launcher.rasa_server_command({}, tmp_path / "m.tar.gz")


def test_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="make train"):
        launcher.latest_model(tmp_path)


def test_existing_env_file_gains_new_variables_and_keeps_its_values(tmp_path: Path) -> None:
    example = tmp_path / ".env.example"
    example.write_text("RASA_AUTH_TOKEN=\nWIDGET_JWT_SECRET=\nWEB_PORT=8080\n")
    env_file = tmp_path / ".env"
    env_file.write_text("RASA_AUTH_TOKEN=keep-me\n")
    assert launcher.init_env(env_file, example) is True
    values = dict(line.split("=", 1) for line in env_file.read_text().splitlines() if "=" in line)
    assert values["RASA_AUTH_TOKEN"] == "keep-me"
    assert len(values["WIDGET_JWT_SECRET"]) >= 40
    assert values["WEB_PORT"] == "8080"
    assert launcher.init_env(env_file, example) is False


def test_empty_secret_in_an_existing_env_file_is_filled(tmp_path: Path) -> None:
    example = tmp_path / ".env.example"
    example.write_text("RASA_AUTH_TOKEN=\nWIDGET_JWT_SECRET=\n")
    env_file = tmp_path / ".env"
    env_file.write_text("# mine\nRASA_AUTH_TOKEN=\nWIDGET_JWT_SECRET=x\n")
    launcher.init_env(env_file, example)
    values = dict(line.split("=", 1) for line in env_file.read_text().splitlines() if "=" in line)
    assert len(values["RASA_AUTH_TOKEN"]) >= 40 and values["WIDGET_JWT_SECRET"] == "x"


def test_web_process_command() -> None:
    assert launcher.web_command()[-2:] == ["-m", "bot.web.app"]


def test_a_token_starting_with_a_dash_reaches_rasa_intact(tmp_path: Path) -> None:
    from rasa.__main__ import create_argument_parser

    from bot.rasa_server import rasa_argv

    env = {"RASA_AUTH_TOKEN": "-abc_DEF"}
    command = launcher.rasa_server_command(env, tmp_path / "m.tar.gz")
    arguments = create_argument_parser().parse_args(rasa_argv(command[3:], env)[1:])
    assert arguments.auth_token == "-abc_DEF"
    assert str(arguments.model).endswith("m.tar.gz")
