"""The systemd units in deploy/systemd: valid, hardened, running the launcher's commands."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Dict, List

import pytest

from bot import launcher
from bot.restart_policy import DEFAULT_POLICY

PROJECT_ROOT = Path(__file__).resolve().parents[2]
UNITS = PROJECT_ROOT / "deploy" / "systemd"
INSTALL_DIR = "/opt/clinic-assistant"
SERVICE_UNITS = {name: UNITS / f"clinic-{name}.service" for name in launcher.SERVICES}
ALL_UNITS = sorted([*UNITS.glob("*.service"), *UNITS.glob("*.target")])
HARDENING = {
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "PrivateDevices": "yes",
    "RestrictSUIDSGID": "yes",
    "CapabilityBoundingSet": "",
    "UMask": "0077",
    "User": "clinic",
    "Group": "clinic",
}


Unit = Dict[str, Dict[str, List[str]]]


def parse_unit(text: str) -> Unit:
    """A unit file's sections and keys; every value of a repeated key, in order.

    Strict: a line outside a section, a line without ``=`` or a key that is
    not a plain name is an error.
    """
    sections: Unit = {}
    current = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", ";")):
            continue
        if re.fullmatch(r"\[[A-Za-z]+\]", stripped):
            current = sections.setdefault(stripped[1:-1], {})
            continue
        key, equals, value = stripped.partition("=")
        if current is None or not equals or not re.fullmatch(r"[A-Za-z]+", key):
            raise ValueError(f"line {number} is not a key=value line of a section: {line!r}")
        current.setdefault(key, []).append(value)
    return sections


def value(unit: Unit, section: str, key: str) -> str:
    """The last value of ``key`` (systemd's rule for single-valued settings)."""
    return unit[section][key][-1]


def installed_at(directory: Path, root: Path) -> List[Path]:
    """Copies of the units with the install directory replaced by ``root``."""
    copies = []
    for unit in ALL_UNITS:
        copy = directory / unit.name
        copy.write_text(unit.read_text().replace(INSTALL_DIR, str(root)))
        copies.append(copy)
    return copies


@pytest.fixture(scope="module")
def systemd_analyze() -> str:
    """systemd-analyze, installed from Debian's packages when missing."""
    if shutil.which("systemd-analyze") is None:
        subprocess.run([str(PROJECT_ROOT / "scripts" / "ensure-systemd-analyze.sh")], check=True)
    path = shutil.which("systemd-analyze")
    assert path, "systemd-analyze could not be installed"
    return path


def verify(systemd_analyze: str, units: List[Path]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [systemd_analyze, "verify", *[str(unit) for unit in units]],
        capture_output=True,
        text=True,
        cwd=units[0].parent,
        timeout=120,
    )


def test_units_pass_systemd_analyze_verify(systemd_analyze: str, tmp_path: Path) -> None:
    # Installed at the project's own path, so systemd can check ExecStart's program.
    result = verify(systemd_analyze, installed_at(tmp_path, PROJECT_ROOT))
    assert result.returncode == 0, result.stderr
    # systemd only warns about unknown keys or sections: a warning is a failure here.
    assert result.stderr.strip() == "", result.stderr


def test_verify_reports_a_misspelt_key_and_a_missing_program(
    systemd_analyze: str, tmp_path: Path
) -> None:
    unit = tmp_path / "clinic-broken.service"
    unit.write_text(
        (UNITS / "clinic-rasa.service")
        .read_text()
        .replace("NoNewPrivileges=", "NoNewPrivilege=")
        .replace(INSTALL_DIR, str(tmp_path / "nowhere"))
    )
    result = verify(systemd_analyze, [unit])
    assert "NoNewPrivilege" in result.stderr
    assert "not executable" in result.stderr


@pytest.mark.parametrize("name", launcher.SERVICES)
def test_service_exposure_is_low(systemd_analyze: str, tmp_path: Path, name: str) -> None:
    installed_at(tmp_path, PROJECT_ROOT)
    result = subprocess.run(
        [systemd_analyze, "security", "--offline=yes", "--threshold=20", f"clinic-{name}.service"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2000:]


def test_one_unit_per_process_of_the_launcher() -> None:
    services = {path.name for path in UNITS.glob("clinic-*.service")}
    assert services == {f"clinic-{name}.service" for name in launcher.SERVICES} | {
        "clinic-migrate.service"
    }
    target = parse_unit((UNITS / "clinic.target").read_text())
    assert set(value(target, "Unit", "Wants").split()) == services


@pytest.mark.parametrize("name", launcher.SERVICES)
def test_service_runs_the_launchers_serve_command(name: str) -> None:
    unit = parse_unit(SERVICE_UNITS[name].read_text())
    program, *arguments = value(unit, "Service", "ExecStart").split()
    assert program == f"{INSTALL_DIR}/.venv/bin/python"
    assert arguments == ["-m", "bot.launcher", "serve", name]
    # The same command `make run` starts for this process.
    assert launcher.serve_command(name)[1:] == arguments


@pytest.mark.parametrize("name", launcher.SERVICES)
def test_service_restarts_reads_env_and_is_hardened(name: str) -> None:
    unit = parse_unit(SERVICE_UNITS[name].read_text())
    assert value(unit, "Service", "Restart") == "always"
    assert value(unit, "Service", "EnvironmentFile") == f"{INSTALL_DIR}/.env"
    assert value(unit, "Service", "WorkingDirectory") == INSTALL_DIR
    for key, expected in HARDENING.items():
        assert value(unit, "Service", key) == expected, key
    assert value(unit, "Unit", "StartLimitBurst") == str(DEFAULT_POLICY.max_crashes)
    assert float(value(unit, "Unit", "StartLimitIntervalSec")) == DEFAULT_POLICY.healthy_seconds
    assert value(unit, "Install", "WantedBy") == "clinic.target"
    assert "clinic-migrate.service" in value(unit, "Unit", "Requires").split()


def test_strict_parser_refuses_a_line_without_a_section_or_a_value() -> None:
    with pytest.raises(ValueError, match="line 1"):
        parse_unit("ExecStart=/bin/true\n")
    with pytest.raises(ValueError, match="line 2"):
        parse_unit("[Service]\nExecStart /bin/true\n")


def test_every_python_module_a_unit_runs_exists() -> None:
    # The migration unit named bot.db.migrate after the module had moved to
    # bot.storage.migrate: systemd-analyze cannot see that, the import can.
    import importlib.util

    modules = {
        match.group(1)
        for unit in ALL_UNITS
        for match in re.finditer(r"python\S* -m ([\w.]+)", unit.read_text(encoding="utf-8"))
    }
    assert modules, "no unit runs a Python module"

    def importable(name: str) -> bool:
        try:
            return importlib.util.find_spec(name) is not None
        except ModuleNotFoundError:  # a parent package is missing
            return False

    assert sorted(name for name in modules if not importable(name)) == []
    assert not importable("bot.db.migrate")
