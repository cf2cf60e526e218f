"""Alembic environment for the clinic's own tables.

The database URL is, in order: the connection a caller passes in
``config.attributes["connection"]`` (see ``bot.storage.migrate``), ``-x url=...`` on
the command line, or ``DATABASE_URL`` through ``bot.settings``. Tables not
starting with ``clinic_`` (Rasa's ``events``) are invisible to Alembic.
"""

from __future__ import annotations

from logging.config import fileConfig

import sqlalchemy as sa
from alembic import context
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.pool import NullPool

from bot.storage.migrate import context_options

config = context.config

if config.config_file_name is not None and config.attributes.get("configure_logging", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def database_url() -> str:
    """The URL from ``-x url=...``, else the configured ``DATABASE_URL``."""
    from_command_line = context.get_x_argument(as_dictionary=True).get("url")
    if from_command_line:
        return from_command_line
    from bot.settings import get_settings

    return get_settings().database_url


def run_migrations_offline() -> None:
    """Write the SQL to standard output instead of running it (``--sql``)."""
    url = database_url()
    context.configure(
        url=url,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        **context_options(make_url(url).get_backend_name()),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_with(connection: Connection) -> None:
    """Run the migrations on an open connection."""
    context.configure(connection=connection, **context_options(connection.dialect.name))
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations against the database."""
    connection = config.attributes.get("connection")
    if connection is not None:
        run_with(connection)
        return
    from bot.storage.database import ensure_sqlite_folder

    url = database_url()
    ensure_sqlite_folder(url)
    engine = sa.create_engine(url, future=True, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            run_with(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
