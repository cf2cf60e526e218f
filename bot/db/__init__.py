"""The clinic assistant's own tables: staff, handoffs, callbacks, reviews and the audit log.

Rasa's tables (``events``) belong to Rasa: we read them and never alter them.
Our tables all start with ``clinic_`` and are created through Alembic
(``python -m bot.db.migrate``).
"""
