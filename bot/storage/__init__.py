"""Everything that reads or writes the database, in one package.

Rasa's stores (conversations and locks, kept when the database is down):
``tracker_store``, ``session_cache``, ``lock_store``, ``atomic_lock_store``,
``journal``, ``replay``, ``known_conversations``, ``handoff_outbox``,
``failsafe``, ``health``, ``health_check``, ``errors`` and ``database`` (URL
helpers and outage detection).

The clinic's own tables (all named ``clinic_*``): ``models``, ``repository``
(every query on them), ``engine`` (engines and sessions, built on request),
``migrate`` with Alembic's ``migrations/`` (``python -m bot.storage.migrate``)
and ``provision`` (creating PostgreSQL databases by name).

Rasa's ``events`` table, which we read and never alter: ``rasa_events``.

Engines are created only in this package; it never imports the console, the
web process, the channels or the actions.
"""
