"""One logging set-up for the three processes: no phone numbers, no patient text.

:func:`install_logging` is called by each process once its libraries have set
up their own handlers (bot/rasa_server.py after Rasa's, bot/action_server.py
after rasa-sdk's, bot/web/app.py after Sanic's). It:

- puts :class:`SensitiveDataFilter` on every handler: numbers are masked in
  every record's message, arguments and extra fields; the messages of Rasa's,
  Sanic's and other libraries' loggers lose what they quote from the patient's
  message; tracebacks lose local variables (and, from libraries, the
  exception's message); a ``sender_id`` extra becomes a conversation reference;
- wraps every handler's formatter in :class:`ContextFormatter`, which prints
  the extra fields of our own records (``conv=3f9a1c2b attempt=2``);
- logs warnings by category and place only (Rasa's "Failed to parse arguments"
  warning quotes any message that starts with ``/``);
- adds :func:`redact_structlog_event` to structlog's processors when Rasa has
  configured structlog: its events lose their text fields before rendering,
  and exceptions are rendered without local variables.

Our own code logs events by name, with ``extra={"conversation":
conversation_reference(tracker.sender_id)}``.
"""

from __future__ import annotations

import functools
import logging
import logging.config
import sys
import warnings
from pathlib import Path
from typing import Any, Dict, Iterator, MutableMapping, Optional, TextIO, Type

from bot.log_redaction import (
    CONVERSATION_KEYS,
    conversation_reference,
    redact_structured,
    safe_traceback,
    scrub,
    withhold_text,
)

# Loggers of our own code: their messages are event names, kept (masked).
OWN_LOGGERS = ("bot", "actions", "__main__")
# Warning categories whose messages are about code, never about a patient.
CODE_WARNINGS = (DeprecationWarning, PendingDeprecationWarning, FutureWarning, ImportWarning)
CONTEXT_ATTRIBUTE = "conversation"
_STANDARD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", logging.INFO, "", 0, "", None, None))
) | {"message", "asctime", "_clinic_redacted"}


def is_own_logger(name: str) -> bool:
    """Whether a logger belongs to our code (not to Rasa, Sanic or another library)."""
    return any(name == prefix or name.startswith(prefix + ".") for prefix in OWN_LOGGERS)


def extra_fields(record: logging.LogRecord) -> Dict[str, Any]:
    """The fields a log call passed in ``extra`` (or a library set on the record)."""
    return {name: value for name, value in vars(record).items() if name not in _STANDARD_ATTRIBUTES}


def _rendered(record: logging.LogRecord) -> str:
    try:
        return record.getMessage()
    except (TypeError, ValueError):  # arguments that do not fit the message
        return str(record.msg)


def redact_record(record: logging.LogRecord) -> None:
    """Remove numbers and patient text from a record, in place (once)."""
    if getattr(record, "_clinic_redacted", False):
        return
    own = is_own_logger(record.name)
    message = _rendered(record)
    record.msg = scrub(message) if own else withhold_text(message)
    record.args = None
    if record.exc_info:
        record.exc_text = safe_traceback(record.exc_info, keep_message=own)
        record.exc_info = None
    elif record.exc_text:
        record.exc_text = scrub(record.exc_text)
    if record.stack_info:
        record.stack_info = scrub(record.stack_info)
    for name, value in extra_fields(record).items():
        if name in CONVERSATION_KEYS:
            delattr(record, name)
            setattr(record, CONTEXT_ATTRIBUTE, conversation_reference(str(value)))
        elif isinstance(value, str):
            setattr(record, name, scrub(value))
    record._clinic_redacted = True


class SensitiveDataFilter(logging.Filter):
    """Redacts every record a handler emits (see :func:`redact_record`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record in place; every record is kept."""
        redact_record(record)
        return True


def context_suffix(record: logging.LogRecord) -> str:
    """``conv=3f9a1c2b attempt=2``: the reference, then our records' other extra fields."""
    fields = extra_fields(record)
    parts = []
    if CONTEXT_ATTRIBUTE in fields:
        parts.append(f"conv={fields.pop(CONTEXT_ATTRIBUTE)}")
    if is_own_logger(record.name):
        parts += [f"{name}={scrub(str(value))}" for name, value in sorted(fields.items())]
    return " ".join(parts)


class ContextFormatter(logging.Formatter):
    """Another formatter's output with :func:`context_suffix` after the message."""

    def __init__(self, inner: Optional[logging.Formatter] = None) -> None:
        """Wraps ``inner``, or a plain ``logging.Formatter``."""
        super().__init__()
        self.inner = inner or logging.Formatter()

    def format(self, record: logging.LogRecord) -> str:
        """The inner formatter's output with the context suffix after the message."""
        suffix = context_suffix(record)
        if not suffix:
            return self.inner.format(record)
        original = record.msg
        record.msg = f"{_rendered(record)} {suffix}"
        record.args = None
        try:
            return self.inner.format(record)
        finally:
            record.msg = original


def all_handlers() -> Iterator[logging.Handler]:
    """The root logger's handlers, every named logger's, and the last-resort one."""
    seen = set()
    loggers = [logging.getLogger()] + [
        logger
        for logger in list(logging.Logger.manager.loggerDict.values())
        if isinstance(logger, logging.Logger)
    ]
    handlers = [handler for logger in loggers for handler in logger.handlers]
    if logging.lastResort is not None:
        handlers.append(logging.lastResort)
    for handler in handlers:
        if id(handler) not in seen:
            seen.add(id(handler))
            yield handler


def protect_handler(handler: logging.Handler) -> None:
    """Give a handler the filter and the context formatter (once)."""
    if not any(isinstance(existing, SensitiveDataFilter) for existing in handler.filters):
        handler.addFilter(SensitiveDataFilter())
    if not isinstance(handler.formatter, ContextFormatter):
        handler.setFormatter(ContextFormatter(handler.formatter))


def log_warning(
    message: Warning | str,
    category: Type[Warning],
    filename: str,
    lineno: int,
    file: Optional[TextIO] = None,
    line: Optional[str] = None,
) -> None:
    """``warnings.showwarning`` replacement: category and place, text only for code warnings."""
    place = f"{Path(filename).name}:{lineno}"
    logger = logging.getLogger("bot.warnings")
    if issubclass(category, CODE_WARNINGS):
        logger.warning("warning.%s at %s: %s", category.__name__, place, str(message))
    else:
        logger.warning("warning.%s at %s (message withheld)", category.__name__, place)


def redact_structlog_event(
    logger: Any, method_name: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Structlog processor: text fields withheld, exception rendered without locals."""
    exc_info = event_dict.pop("exc_info", None)
    if exc_info is True or (exc_info is None and method_name == "exception"):
        exc_info = sys.exc_info()
    elif isinstance(exc_info, BaseException):
        exc_info = (type(exc_info), exc_info, exc_info.__traceback__)
    redacted = {
        name: (scrub(str(value)) if name == "event" else redact_structured(value, name))
        for name, value in event_dict.items()
    }
    if isinstance(exc_info, tuple) and exc_info[0] is not None:
        redacted["exception"] = safe_traceback(exc_info, keep_message=False)
    event_dict.clear()
    event_dict.update(redacted)
    return event_dict


def protect_structlog() -> None:
    """Add :func:`redact_structlog_event` to a configured structlog, before its renderers."""
    structlog = sys.modules.get("structlog")
    if structlog is None or not structlog.is_configured():
        return
    # The list itself is changed: loggers already bound keep using it.
    processors = structlog.get_config()["processors"]
    if redact_structlog_event in processors:
        return
    # After set_exc_info (which marks .exception() calls), before any renderer.
    if structlog.dev.set_exc_info in processors:
        position = processors.index(structlog.dev.set_exc_info) + 1
    else:
        renderers = [
            index
            for index, processor in enumerate(processors)
            if isinstance(processor, structlog.processors.ExceptionRenderer)
        ]
        position = renderers[0] if renderers else len(processors) - 1
    processors.insert(max(position, 0), redact_structlog_event)


def protect_later_configurations() -> None:
    """Protect the handlers of every later ``logging.config.dictConfig`` call too.

    Sanic configures its loggers when an app is created, which Rasa does
    after its own logging set-up: those handlers are protected as they come.
    """
    configure = logging.config.dictConfig
    if getattr(configure, "_clinic_protected", False):
        return

    @functools.wraps(configure)
    def configure_then_protect(config: Dict[str, Any]) -> None:
        configure(config)
        for handler in all_handlers():
            protect_handler(handler)

    configure_then_protect._clinic_protected = True  # type: ignore[attr-defined]
    # functools.wraps keeps typeshed's signature of dictConfig, not the wrapper's.
    logging.config.dictConfig = configure_then_protect  # type: ignore[assignment]


def install_logging(level: Optional[int] = None) -> None:
    """Protect every handler this process has now; call it after libraries set theirs up.

    Args:
        level: The root level, when the process has not set one itself.
    """
    if level is not None:
        logging.getLogger().setLevel(level)
    for handler in all_handlers():
        protect_handler(handler)
    warnings.showwarning = log_warning
    protect_structlog()
    protect_later_configurations()
