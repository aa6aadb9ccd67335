"""The JSON API under `/api`, one controller module per resource; each handler turns a
request into a command (or a read) and its answer into JSON."""

from __future__ import annotations

from typing import Any


def api_handlers() -> list[Any]:
    from hamyar.core.web.api.agencies import AgencyController
    from hamyar.core.web.api.assignment import ASSIGNMENT_ROUTES
    from hamyar.core.web.api.attachments import AttachmentController
    from hamyar.core.web.api.auth import AuthController
    from hamyar.core.web.api.cases import CaseController
    from hamyar.core.web.api.edits import CaseEditController
    from hamyar.core.web.api.neighbourhoods import neighbourhoods
    from hamyar.core.web.api.notes import NoteController
    from hamyar.core.web.api.ownership import OwnershipController
    from hamyar.core.web.api.public import public_status_json
    from hamyar.core.web.api.queue import IncidentController, queue
    from hamyar.core.web.api.referrals import REFERRAL_ROUTES
    from hamyar.core.web.api.reports import ReportController
    from hamyar.core.web.api.tasks import TaskController
    from hamyar.core.web.api.workflows import WorkflowController
    from hamyar.core.web.api.worklists import WorklistController

    return [
        AuthController,
        AgencyController,
        neighbourhoods,
        public_status_json,
        CaseController,
        NoteController,
        AttachmentController,
        CaseEditController,
        TaskController,
        OwnershipController,
        WorklistController,
        queue,
        IncidentController,
        ReportController,
        WorkflowController,
        *ASSIGNMENT_ROUTES,
        *REFERRAL_ROUTES,
    ]
