"""Background work: the outbox relay, RQ job functions, worker start-up and schedules.

Nothing here holds state of its own: the database says what must happen (outbox rows) and what
has happened (`done_at`); Redis only carries the work to whichever worker is free.
"""
