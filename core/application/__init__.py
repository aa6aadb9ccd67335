"""The application layer: the commands people and workers run, each one unit of work.

`Application` is built once per process by its composition root (the web app, the CLI, a
worker) and handed down; `UnitOfWork` is the only code that commits a change and then tells
observers about it; `commands` holds what a person (or a worker) can do.
"""
