"""Run Rasa's command line in this process, with our logging and a hidden token.

``python -m bot.rasa_server run --model ... --enable-api`` (see
``launcher.rasa_server_command``) is ``rasa run ...`` with two differences:

- ``--auth-token`` is added from ``RASA_AUTH_TOKEN`` in the environment inside
  the process: it never appears on the command line, which every user of the
  machine can read (``ps``, ``/proc/<pid>/cmdline``);
- :func:`bot.logging_setup.install_logging` runs right after Rasa has set up
  its logging and structlog, before the server starts;
- Rasa's tracker-store wrapper never falls back to memory
  (:func:`bot.storage.failsafe.refuse_memory_fallback`);
- the per-message overrides of :mod:`bot.speedups` are installed.
"""

from __future__ import annotations

import os
import sys
from typing import List, Mapping, Optional, Sequence

TOKEN_ENV = "RASA_AUTH_TOKEN"  # noqa: S105 (the variable's name, not a token)


def rasa_argv(arguments: Sequence[str], environ: Mapping[str, str]) -> List[str]:
    """Rasa's ``sys.argv``: the arguments given, plus the auth token of ``environ``.

    Raises:
        SystemExit: ``RASA_AUTH_TOKEN`` is empty, or a token was passed as an
            argument (it would be visible to every user of the machine).
    """
    if any(argument.startswith("--auth-token") for argument in arguments):
        raise SystemExit(f"error: pass the token in {TOKEN_ENV}, not on the command line")
    token = environ.get(TOKEN_ENV, "").strip()
    if not token:
        raise SystemExit(f"error: {TOKEN_ENV} is empty; set it or delete .env to regenerate")
    # One argument: a token may start with "-", which argparse would read as an option.
    return ["rasa", *arguments, f"--auth-token={token}"]


def main(arguments: Optional[Sequence[str]] = None) -> None:
    """Run Rasa's CLI with :func:`rasa_argv` and our logging set-up."""
    argv = rasa_argv(sys.argv[1:] if arguments is None else arguments, os.environ)
    import rasa.__main__ as rasa_cli

    from bot.logging_setup import install_logging
    from bot.speedups import install_all
    from bot.storage.failsafe import refuse_memory_fallback

    # A turn that cannot be stored is refused, never kept in memory only (issue 12).
    refuse_memory_fallback()
    install_all()
    configure_structlog = rasa_cli.configure_structlog

    def configure_then_protect(*args: object, **kwargs: object) -> None:
        # Rasa's last logging step before it runs the command.
        configure_structlog(*args, **kwargs)
        install_logging()

    rasa_cli.configure_structlog = configure_then_protect
    sys.argv = argv
    rasa_cli.main()


if __name__ == "__main__":
    main()
