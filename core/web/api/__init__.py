"""The JSON API under `/api`, one controller module per resource (see INTERFACE.md)."""

from __future__ import annotations

from typing import Any


def api_handlers() -> list[Any]:
    from core.web.api.agencies import AgencyController
    from core.web.api.auth import AuthController
    from core.web.api.cases import CaseController
    from core.web.api.neighbourhoods import neighbourhoods
    from core.web.api.queue import IncidentController, queue
    from core.web.api.reports import ReportController
    from core.web.api.tasks import TaskController
    from core.web.api.workflows import WorkflowController
    from core.web.api.worklists import WorklistController

    return [AuthController, AgencyController, neighbourhoods, CaseController, TaskController,
            WorklistController, queue, IncidentController, ReportController, WorkflowController]
