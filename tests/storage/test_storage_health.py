"""Storage state: one log line when an outage starts and one when it ends; reports and banner."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Iterator

import pytest

from bot.console.web import templates
from bot.storage import health
from bot.storage.health_check import StorageNotice, storage_notice, storage_report
from bot.storage.journal import Journal
from tests.utils.postgres_server import PostgresServer


@pytest.fixture(autouse=True)
def fresh_state() -> Iterator[None]:
    health.reset()
    yield
    health.reset()


def storage_lines(caplog: pytest.LogCaptureFixture) -> list:
    names = ("storage.degraded", "storage.recovered")
    return [r.getMessage() for r in caplog.records if r.getMessage() in names]


def test_an_outage_is_logged_once_when_it_starts_and_once_when_it_ends(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    assert not health.is_degraded()
    for _ in range(50):  # fifty failing messages
        health.mark_unavailable(health.POSTGRESQL, ConnectionRefusedError())
    assert health.is_degraded(health.POSTGRESQL) and not health.is_degraded(health.REDIS)
    assert health.snapshot()["postgresql"]["error"] == "ConnectionRefusedError"
    for _ in range(50):
        health.mark_available(health.POSTGRESQL)
    assert storage_lines(caplog) == ["storage.degraded", "storage.recovered"]
    assert health.snapshot() == {"postgresql": {"status": "ok"}, "redis": {"status": "ok"}}


def test_the_report_follows_postgresql_down_and_back(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.db")
    with PostgresServer() as server:
        assert storage_report(server.url, None, journal)["status"] == "ok"
        server.stop()
        journal.append_events("someone", [{"event": "user", "text": "hi", "timestamp": 1.0}])
        report = storage_report(server.url, None, journal)
        assert report["status"] == "degraded"
        assert report["postgresql"]["status"] == "degraded"
        assert report["redis"] == {"status": "not_configured"}
        assert report["journal"] == {"waiting": 1}
        # No URL, user or password in the report.
        assert "postgres@" not in str(report) and str(server.port) not in str(report)
        server.start()
        assert storage_report(server.url, None, Journal(tmp_path / "empty.db"))["status"] == "ok"


def test_redis_that_does_not_answer_is_reported() -> None:
    report = storage_report("sqlite://", "redis://127.0.0.1:1/0", None)
    assert report["redis"]["status"] == "degraded" and report["postgresql"] == {"status": "ok"}


def test_the_console_shows_a_banner_only_while_storage_is_degraded(tmp_path: Path) -> None:
    journal = Journal(tmp_path / f"{uuid.uuid4()}.db")
    assert storage_notice(journal) is None
    health.mark_unavailable(health.POSTGRESQL, ConnectionRefusedError())
    notice = storage_notice(journal)
    assert isinstance(notice, StorageNotice) and notice.failing == ("postgresql",)
    staff = SimpleNamespace(display_name="Nurse", role="staff")
    page = templates().get_template("queue.html")
    html = page.render(staff=staff, csrf_token="", path="/staff/", storage=notice, handoffs=[])
    assert "Storage degraded" in html and "POSTGRESQL not answering" in html
    health.mark_available(health.POSTGRESQL)
    assert storage_notice(journal) is None
    html = page.render(staff=staff, csrf_token="", path="/staff/", storage=None, handoffs=[])
    assert "Storage degraded" not in html
