"""The logging set-up's rules, on records made here (issue 11 row 4)."""

from __future__ import annotations

import io
import json
import logging
import sys
import warnings
from typing import Iterator

import pytest
import structlog

from bot.log_redaction import (
    WITHHELD,
    conversation_reference,
    redact_structured,
    safe_traceback,
    withhold_text,
)
from bot.logging_setup import (
    ContextFormatter,
    SensitiveDataFilter,
    install_logging,
    log_warning,
    redact_structlog_event,
)

NUMBER = "01712345678"


@pytest.fixture
def output() -> Iterator[io.StringIO]:
    """A handler as a library would add one, protected like install_logging does."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(ContextFormatter(logging.Formatter("%(name)s %(message)s")))
    handler.addFilter(SensitiveDataFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(previous)


def test_our_events_print_a_conversation_reference_instead_of_the_number(
    output: io.StringIO,
) -> None:
    logging.getLogger("actions.handoff").info(
        "conversation.handoff",
        extra={"conversation": conversation_reference(NUMBER), "handoff_id": 7},
    )
    logging.getLogger("actions.faq").warning("faq.unknown_topic", extra={"sender_id": NUMBER})
    lines = output.getvalue().splitlines()
    reference = conversation_reference(NUMBER)
    assert lines == [
        f"actions.handoff conversation.handoff conv={reference} handoff_id=7",
        f"actions.faq faq.unknown_topic conv={reference}",
    ]


def test_references_are_stable_short_and_keyed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASA_AUTH_TOKEN", "one-key")
    first = conversation_reference("whatsapp:+8801712345678")
    assert first == conversation_reference("whatsapp:+8801712345678")
    assert len(first) == 8 and "345678" not in first
    monkeypatch.setenv("RASA_AUTH_TOKEN", "another-key")
    assert conversation_reference("whatsapp:+8801712345678") != first


def test_library_messages_lose_the_patients_words_and_numbers(output: io.StringIO) -> None:
    logging.getLogger("rasa.core.processor").debug(
        "Received user message '%s' with intent %s", "my knee hurts, 01712-345678", {"a": 1}
    )
    logging.getLogger("sanic.access").info(
        "", extra={"request": "GET http://h/conversations/8801712345678/tracker?token=s3cret"}
    )
    logged = output.getvalue()
    assert "knee" not in logged and "345678" not in logged and "s3cret" not in logged
    assert "Received user message" in logged


def test_our_messages_keep_their_words_with_numbers_masked(output: io.StringIO) -> None:
    logging.getLogger("bot.channels.whatsapp").info("whatsapp.sent to %s", NUMBER)
    assert output.getvalue().strip() == "bot.channels.whatsapp whatsapp.sent to [phone •••78]"


def test_tracebacks_have_no_locals_and_libraries_no_exception_text(output: io.StringIO) -> None:
    try:
        text = f"call me on {NUMBER}"  # noqa: F841 (a local that must not be printed)
        raise ValueError(f"cannot parse {NUMBER}")
    except ValueError:
        logging.getLogger("sanic.error").exception("Exception occurred while handling uri")
        logging.getLogger("bot.web").exception("web.failed")
    logged = output.getvalue()
    assert "345678" not in logged and "call me on" not in logged
    assert f"ValueError: {WITHHELD}" in logged
    assert "ValueError: cannot parse [phone •••78]" in logged


def test_structured_events_keep_their_names_and_lose_text() -> None:
    event = {
        "event": "processor.message.parse",
        "parse_data_text": "my toes are blue",
        "parse_data_intent": {"name": "urgent_symptoms", "confidence": 1.0},
        "sender_id": "8801712345678",
        "note": f"ring {NUMBER}",
    }
    redacted = redact_structured(event)
    assert redacted["event"] == "processor.message.parse"
    assert redacted["parse_data_text"] == WITHHELD
    assert redacted["parse_data_intent"] == {"name": "urgent_symptoms", "confidence": 1.0}
    assert redacted["sender_id"] == conversation_reference("8801712345678")
    assert redacted["note"] == "ring [phone •••78]"
    assert json.loads(withhold_text(json.dumps(event)))["parse_data_text"] == WITHHELD


def test_the_structlog_processor_renders_exceptions_without_locals() -> None:
    try:
        secret = f"my toes are blue, ring {NUMBER}"
        raise KeyError(secret)
    except KeyError:
        event = redact_structlog_event(
            None, "exception", {"event": "rest.message.received.failure", "text": "my toes"}
        )
    assert event["text"] == WITHHELD
    assert "KeyError: <withheld>" in event["exception"]
    assert "toes" not in event["exception"] and "345678" not in event["exception"]
    assert "exc_info" not in event


def test_structlog_gets_the_processor_before_its_renderers() -> None:
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.DEBUG)
    install_logging()
    processors = structlog.get_config()["processors"]
    assert processors.index(redact_structlog_event) == (
        processors.index(structlog.dev.set_exc_info) + 1
    )


def test_warnings_are_logged_by_category_and_place_only(output: io.StringIO) -> None:
    log_warning(
        UserWarning(f"Failed to parse arguments in line '/greet {NUMBER} hi'"),
        UserWarning,
        "/x/yaml_story_reader.py",
        651,
    )
    log_warning(DeprecationWarning("old_api() is deprecated"), DeprecationWarning, "/x/a.py", 3)
    logged = output.getvalue()
    assert "warning.UserWarning at yaml_story_reader.py:651 (message withheld)" in logged
    assert "Failed to parse" not in logged and "345678" not in logged
    assert "old_api() is deprecated" in logged


def test_install_logging_routes_warnings_and_protects_handlers_added_later() -> None:
    saved = warnings.showwarning
    try:
        install_logging()
        assert warnings.showwarning is log_warning
        stream = io.StringIO()
        logging.config.dictConfig(
            {
                "version": 1,
                "disable_existing_loggers": False,
                "handlers": {"late": {"class": "logging.StreamHandler", "stream": stream}},
                "loggers": {"late.library": {"handlers": ["late"], "propagate": False}},
            }
        )
        logging.getLogger("late.library").warning("message '%s'", f"ring {NUMBER}")
        assert "345678" not in stream.getvalue() and "ring" not in stream.getvalue()
    finally:
        warnings.showwarning = saved


def test_safe_traceback_of_nothing_is_empty() -> None:
    assert safe_traceback((None, None, None), keep_message=True) == ""
    assert sys.exc_info() == (None, None, None)


def test_code_names_in_library_messages_stay_readable() -> None:
    assert withhold_text("Registered function for 'action_handoff'.") == (
        "Registered function for 'action_handoff'."
    )
    assert withhold_text("Starting worker [23516]") == "Starting worker [23516]"
    assert withhold_text("Received user message 'hello there'") == (
        f"Received user message {WITHHELD}"
    )
