"""Making a migrated database ready for this process's plugins.

The web app, every worker and `hamyar db upgrade` run it at start: the agencies and services the
plugins registered are mirrored into their tables (cases and rules refer to them), and the
search index and the open-task tally's triggers exist. Safe to run from many processes at once.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import IntegrityError

from hamyar.core.application.context import Application
from hamyar.core.cases.search import ensure_search_index
from hamyar.core.cases.task_tally import ensure_task_tally
from hamyar.core.storage.registry_mirror import sync_registry

log = logging.getLogger(__name__)


def prepare_database(app: Application) -> None:
    ensure_search_index(app.engine)
    ensure_task_tally(app.engine)
    try:
        with app.unit_of_work() as uow:
            sync_registry(uow.session, app.registry)
    except IntegrityError:  # another process starting at the same moment wrote the rows
        log.info("registry already mirrored by another process")
