"""`make run` survives a crash: each process killed in turn comes back by itself.

The assistant is started the way `make run` starts it (the launcher's `run`,
free ports in the environment). Each of its three processes is killed with
SIGKILL in turn; the assistant must answer again within 60 seconds while the
two others keep serving, and Ctrl-C (SIGTERM) must still stop everything.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Set

import pytest
import requests

from bot.storage.migrate import upgrade
from tests.utils.databases import ensure_postgres_database, postgres_test_url, redis_test_url
from tests.utils.stack import AssistantStack

pytestmark = pytest.mark.live

PROJECT_ROOT = Path(__file__).resolve().parents[2]
RECOVERY_SECONDS = 60
START_SECONDS = 300


def child_pids(parent: int) -> List[int]:
    """The processes whose parent is ``parent``."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The parent's pid is the second field after the parenthesised name.
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
            pids.append(int(entry.name))
    return pids


def listening_inodes(port: int) -> Set[str]:
    """Socket inodes listening on TCP ``port`` (IPv4 or IPv6)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(fields[9])
    return inodes


def pid_listening_on(port: int, pids: List[int]) -> Optional[int]:
    """Which of ``pids`` listens on ``port``."""
    sockets = {f"socket:[{inode}]" for inode in listening_inodes(port)}
    for pid in pids:
        with contextlib.suppress(OSError):
            for descriptor in Path(f"/proc/{pid}/fd").iterdir():
                with contextlib.suppress(OSError):
                    if os.readlink(descriptor) in sockets:
                        return pid
    return None


def children_of(launcher: int, stack: AssistantStack) -> Dict[str, Optional[int]]:
    """The launcher's child serving each port, by process name."""
    pids = child_pids(launcher)
    ports = {"actions": stack.action_port, "rasa": stack.rasa_port, "web": stack.web_port}
    return {name: pid_listening_on(port, pids) for name, port in ports.items()}


def running(pid: int) -> bool:
    """Whether ``pid`` is a live process (not gone, not a zombie)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def rest_answers(stack: AssistantStack) -> bool:
    """A REST message gets a non-empty reply."""
    response = requests.post(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        json={"sender": f"supervision-{uuid.uuid4()}", "message": "hello"},
        timeout=30,
    )
    return response.status_code == 200 and bool(response.json())


def page_served(stack: AssistantStack) -> bool:
    response = requests.get(f"{stack.web_url}/", timeout=10)
    return response.status_code == 200 and "widget" in response.text


def actions_healthy(stack: AssistantStack) -> bool:
    response = requests.get(f"http://127.0.0.1:{stack.action_port}/health", timeout=10)
    return response.status_code == 200


def rasa_up(stack: AssistantStack) -> bool:
    return requests.get(f"{stack.rasa_url}/", timeout=10).status_code == 200


# What "serving" means for each process: the quick check made while another
# is down, and the full check that the assistant answers again.
SERVING: Dict[str, Callable[[AssistantStack], bool]] = {
    "actions": actions_healthy,
    "rasa": rasa_up,
    "web": page_served,
}
ANSWERS: List[Callable[[AssistantStack], bool]] = [rest_answers, page_served, actions_healthy]


def holds(check: Callable[[AssistantStack], bool], stack: AssistantStack) -> bool:
    try:
        return check(stack)
    except (requests.RequestException, ValueError):
        return False


def assistant_answers(stack: AssistantStack) -> bool:
    return all(holds(check, stack) for check in ANSWERS)


@pytest.fixture()
def launched(tmp_path: Path) -> Iterator[tuple]:
    """`python -m bot.launcher run` on free ports, its output in a file."""
    models = PROJECT_ROOT / "models" / "clinic.tar.gz"
    if not models.exists():
        pytest.fail("no trained model: run `make train` (make test does it)")
    stack = AssistantStack(
        database_url=ensure_postgres_database(postgres_test_url()),
        redis_url=redis_test_url(),
        model=models,
    )
    upgrade(stack.database_url)  # `make run` migrates first
    output = tmp_path / "launcher.log"
    with output.open("wb") as sink:
        launcher = subprocess.Popen(
            [sys.executable, "-m", "bot.launcher", "run"],
            env=stack.env,
            cwd=PROJECT_ROOT,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield stack, launcher, output
    finally:
        leftovers = child_pids(launcher.pid)
        if launcher.poll() is None:
            launcher.send_signal(signal.SIGTERM)
            try:
                launcher.wait(timeout=30)
            except subprocess.TimeoutExpired:
                launcher.kill()
                launcher.wait()
        for pid in leftovers:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)


def wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(1)
    return False


def test_each_killed_process_comes_back_while_the_others_keep_serving(launched) -> None:
    stack, launcher, output = launched
    assert wait_for(lambda: assistant_answers(stack), START_SECONDS), output.read_text()[-3000:]
    for name in ("rasa", "actions", "web"):
        before = children_of(launcher.pid, stack)
        assert None not in before.values(), before
        os.kill(before[name], signal.SIGKILL)
        killed_at = time.monotonic()
        outages: List[str] = []
        recovered = False
        while time.monotonic() - killed_at < RECOVERY_SECONDS:
            for other in SERVING:
                if other != name and not holds(SERVING[other], stack):
                    outages.append(other)
            if assistant_answers(stack):
                recovered = True
                break
            time.sleep(1)
        log = output.read_text()[-3000:]
        assert recovered, f"{name} did not answer again within {RECOVERY_SECONDS} s:\n{log}"
        assert outages == [], f"while {name} was down these stopped serving: {outages}\n{log}"
        after = children_of(launcher.pid, stack)
        assert after[name] not in (None, before[name])
        assert {other: after[other] for other in after if other != name} == {
            other: before[other] for other in before if other != name
        }, "the other processes were restarted too"
        assert launcher.poll() is None
    # Ctrl-C / SIGTERM still stops everything, cleanly.
    children = child_pids(launcher.pid)
    assert len(children) == 3
    launcher.send_signal(signal.SIGTERM)
    assert launcher.wait(timeout=30) == 0
    assert not [pid for pid in children if running(pid)]
