"""Background work: the outbox relay, RQ job functions, worker start-up and schedules.

The work itself is not kept here: the database says what must happen (outbox rows) and what
has happened (`done_at`); Redis only carries it to whichever worker is free. `runtime` holds
the worker process's application, built once at start.
"""
