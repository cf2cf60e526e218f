"""The staff console's data layer: conversation log, transcripts, review, exports, dashboard.

Plain functions over a SQLAlchemy ``Connection`` or ``Session``. Rasa's
``events`` table is only ever read (see :mod:`bot.storage.rasa_events`); the
clinic's own tables are read through the models in :mod:`bot.storage.models`.
Nothing here logs patient text or phone numbers, and every text handed out
is masked with :func:`bot.privacy.mask_sensitive`.
"""
