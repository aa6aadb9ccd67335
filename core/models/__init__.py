"""The database tables. Importing this package registers every table on SQLModel.metadata."""

from core.models.agency import Agency, Service
from core.models.auth import ApiToken, LoginAttempt
from core.models.calendar import CalendarOverride
from core.models.case import Case, HistoryEntry, Task
from core.models.outbox import Incident, OutboxMessage
from core.models.place import County, Neighbourhood, Province
from core.models.routing import RoutingRule
from core.models.types import utcnow
from core.models.user import RoleAssignment, User
from core.models.workflow_record import WorkflowRecord

__all__ = [
    "Agency",
    "ApiToken",
    "CalendarOverride",
    "Case",
    "County",
    "HistoryEntry",
    "Incident",
    "LoginAttempt",
    "Neighbourhood",
    "OutboxMessage",
    "Province",
    "RoleAssignment",
    "RoutingRule",
    "Service",
    "Task",
    "User",
    "WorkflowRecord",
    "utcnow",
]
