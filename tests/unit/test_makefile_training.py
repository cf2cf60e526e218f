"""`make train` retrains exactly when the model's inputs changed, deletions included.

The Makefile is run with ``make -n`` (print, do not run) in a copy of the
files the model depends on, with their modification times set by hand.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT

MODEL = "models/clinic.tar.gz"
_COPIED = ("Makefile", "config.yml", "domain.yml", "requirements.lock", "scripts/find-python.sh")


def _set_time(path: Path, seconds: float) -> None:
    os.utime(path, (seconds, seconds))


@pytest.fixture()
def trained_copy(tmp_path: Path) -> Path:
    """A copy of the model's inputs with a model newer than all of them."""
    for name in _COPIED:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT_ROOT / name, tmp_path / name)
    shutil.copytree(PROJECT_ROOT / "data", tmp_path / "data")
    (tmp_path / "bot" / "nlu").mkdir(parents=True)
    for source in (PROJECT_ROOT / "bot" / "nlu").iterdir():
        if source.suffix in (".py", ".yml"):
            shutil.copy2(source, tmp_path / "bot" / "nlu" / source.name)
    built = [
        tmp_path / ".venv" / ".installed",
        tmp_path / "build/spacy/en_clinic/meta.json",
        tmp_path / "build/sentence-model/model.safetensors",
    ]
    for path in [*built, tmp_path / MODEL]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    start = 1_700_000_000.0
    for path in tmp_path.rglob("*"):
        _set_time(path, start)
    for path in built:
        _set_time(path, start + 10)
    _set_time(tmp_path / MODEL, start + 20)
    return tmp_path


def _would_train(directory: Path) -> bool:
    result = subprocess.run(
        ["make", "-n", MODEL],
        cwd=directory,
        capture_output=True,
        text=True,
        check=True,
    )
    return "rasa train" in result.stdout


def test_an_up_to_date_model_is_not_retrained(trained_copy: Path) -> None:
    assert not _would_train(trained_copy)


def test_an_edited_training_file_retrains_the_model(trained_copy: Path) -> None:
    edited = next((trained_copy / "data" / "nlu").glob("*.yml"))
    edited.write_text(edited.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert _would_train(trained_copy)


def test_a_new_sentence_model_retrains_the_model(trained_copy: Path) -> None:
    _set_time(trained_copy / "build/sentence-model/model.safetensors", 1_700_000_100.0)
    assert _would_train(trained_copy)


def test_a_deleted_training_file_retrains_the_model(trained_copy: Path) -> None:
    next((trained_copy / "data" / "nlu" / "patients").glob("*.yml")).unlink()
    assert _would_train(trained_copy)


def test_a_retrain_keeps_the_model_it_replaces_for_compare_models(trained_copy: Path) -> None:
    model = trained_copy / MODEL
    model.write_bytes(b"the model before the edit")
    edited = next((trained_copy / "data" / "nlu").glob("*.yml"))
    edited.write_text(edited.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    # The recipe itself runs, with `rasa train` replaced by a command that writes a new model.
    subprocess.run(
        ["make", MODEL, "WITH_ENV=", f"RASA=sh -c 'echo new > {MODEL}' --"],
        cwd=trained_copy,
        capture_output=True,
        check=True,
    )
    assert (trained_copy / "build" / "previous-model.tar.gz").read_bytes() == (
        b"the model before the edit"
    )
    assert model.read_text().strip() == "new"
