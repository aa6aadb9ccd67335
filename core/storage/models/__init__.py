"""The database tables. Importing this package registers every table on SQLModel.metadata."""

from hamyar.core.storage.models.agency import Agency, Service
from hamyar.core.storage.models.attachment import Attachment
from hamyar.core.storage.models.auth import ApiToken, LoginAttempt, UiSession
from hamyar.core.storage.models.calendar import CalendarOverride
from hamyar.core.storage.models.case import Case, HistoryEntry, OpenTaskTally, Task
from hamyar.core.storage.models.group import GroupMember, GroupRole, UserGroup
from hamyar.core.storage.models.idempotency import IdempotencyKey
from hamyar.core.storage.models.note import CaseNote
from hamyar.core.storage.models.notification import (
    InboundSms,
    Notification,
    NotificationOptOut,
)
from hamyar.core.storage.models.outbox import Incident, OutboxMessage
from hamyar.core.storage.models.permission import StatePermission
from hamyar.core.storage.models.place import County, Neighbourhood, Province
from hamyar.core.storage.models.referral import ReferralConsent
from hamyar.core.storage.models.routing import RoutingRule
from hamyar.core.storage.models.satisfaction import SatisfactionRating
from hamyar.core.storage.models.types import utcnow
from hamyar.core.storage.models.user import RoleAssignment, User
from hamyar.core.storage.models.workflow_record import WorkflowRecord
from hamyar.core.storage.models.workflow_version import ServiceWorkflow, WorkflowVersion

__all__ = [
    "Agency",
    "ApiToken",
    "Attachment",
    "CalendarOverride",
    "Case",
    "CaseNote",
    "County",
    "GroupMember",
    "GroupRole",
    "HistoryEntry",
    "IdempotencyKey",
    "InboundSms",
    "Incident",
    "LoginAttempt",
    "Neighbourhood",
    "Notification",
    "NotificationOptOut",
    "OpenTaskTally",
    "OutboxMessage",
    "Province",
    "ReferralConsent",
    "RoleAssignment",
    "RoutingRule",
    "SatisfactionRating",
    "Service",
    "ServiceWorkflow",
    "StatePermission",
    "Task",
    "UiSession",
    "User",
    "UserGroup",
    "WorkflowRecord",
    "WorkflowVersion",
    "utcnow",
]
