"""Cases, the tasks routing gives them, and the history of every state change.

Cases and tasks each follow a workflow and carry a version number: every state change bumps it,
and a change against a stale version is refused rather than applied twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index, Text, text
from sqlmodel import Field, SQLModel

from hamyar.core.storage.models.types import JSONType, UTCDateTime, utcnow

CRISIS = 2
"""The priority whose work comes before all other work, late or not (`worklist_order`)."""


class Case(SQLModel, table=True):
    __table_args__ = (
        Index("ix_case_state_id", "state", "id"),
        Index("ix_case_agency_state_id", "agency_code", "state", "id"),
        Index("ix_case_service_id", "service_code", "id"),
        Index("ix_case_neighbourhood_id", "neighbourhood_id", "id"),
        # the open cases a new report may repeat: its neighbourhood and service, the last
        # two weeks (`cases.dedupe`)
        Index("ix_case_repeats", "neighbourhood_id", "service_code", "state", "created_at"),
        Index("ix_case_due_at", "due_at"),
        Index("ix_case_workflow_version", "workflow_id", "workflow_version", "state"),
        Index("ix_case_reporter_phone", "reporter_phone"),
        Index("ix_case_workflow_state", "workflow_id", "state"),  # permission maps
    )

    id: int | None = Field(default=None, primary_key=True)
    tracking_code: str = Field(unique=True, max_length=32)
    service_code: str = Field(foreign_key="service.code", max_length=128)
    agency_code: str | None = Field(default=None, foreign_key="agency.code", max_length=64)
    """The agency holding the primary task; empty until routed."""
    neighbourhood_id: int | None = Field(default=None, foreign_key="neighbourhood.id")
    title: str = Field(max_length=300)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONType, nullable=False))
    channel: str = Field(default="web", max_length=32)
    category: str | None = Field(default=None, max_length=64)
    workflow_id: str = Field(max_length=128)
    workflow_version: int | None = None
    """The number of the workflow version this runs on (`WorkflowVersion.number`); empty only
    for rows written before versions existed, which run on the newest."""
    state: str = Field(max_length=64)
    version: int = 1
    variables: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONType, nullable=False)
    )
    priority: int = 0
    """0 routine, 1 high, 2 crisis (urgent queue, SLA in hours)."""
    confidential: bool = False
    duplicate_of_id: int | None = Field(default=None, foreign_key="case.id")
    reporter: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONType))
    """Contact details of a citizen reporter: stored, never shown outside the case's agency."""
    reporter_phone: str | None = Field(default=None, max_length=16)
    """The reporter's phone in its canonical form (`hamyar.core.text.phone_numbers.phone_key`),
    indexed, so that those who may read the reporter find a case by phone without a scan."""
    search_text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_by: str | None = Field(default=None, max_length=150)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Task(SQLModel, table=True):
    __table_args__ = (
        Index("ix_task_agency_state_id", "agency_code", "state", "id"),
        Index("ix_task_agency_open_id", "agency_code", "resolved_at", "id"),  # worklists
        # my tasks, the unassigned queue: open tasks of an agency held by one person (or
        # nobody), most urgent first
        Index(
            "ix_task_agency_assignee_open_due", "agency_code", "assignee", "resolved_at", "due_at"
        ),
        Index("ix_task_case_id", "case_id"),
        Index("ix_task_agency_case", "agency_code", "case_id"),  # lists filtered by agency
        # an agency's open tasks in urgency order (`worklist_order`): crisis first, then by
        # due time, so a worklist page is read off the index instead of sorting every open task
        Index(
            "ix_task_open_urgency",
            "agency_code",
            text(f"(CASE WHEN priority >= {CRISIS} THEN 0 ELSE 1 END)"),
            "due_at",
            postgresql_where=text("resolved_at IS NULL"),
            sqlite_where=text("resolved_at IS NULL"),
        ),
        Index("ix_task_due_at", "due_at"),
        Index("ix_task_workflow_version", "workflow_id", "workflow_version", "state"),
        # access: the tasks of a case held by the caller's agencies, with their state's map
        Index("ix_task_case_agency_state", "case_id", "agency_code", "workflow_id", "state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id")
    agency_code: str = Field(foreign_key="agency.code", max_length=64)
    service_code: str = Field(foreign_key="service.code", max_length=128)
    workflow_id: str = Field(max_length=128)
    workflow_version: int | None = None
    """The number of the workflow version this runs on (`WorkflowVersion.number`); empty only
    for rows written before versions existed, which run on the newest."""
    state: str = Field(max_length=64)
    version: int = 1
    variables: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONType, nullable=False)
    )
    kind: str = Field(default="primary", max_length=16)
    """primary (routing's first choice), joint (one of several agencies), referral."""
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    referred_by: str | None = Field(default=None, max_length=64)
    consent: bool | None = None
    """For referrals of confidential cases: the family's recorded consent."""
    assignee: str | None = Field(default=None, max_length=150)
    confidential: bool = False
    priority: int = Field(default=0, sa_column_kwargs={"server_default": text("0")})
    """Its case's priority, copied when the task is opened (a case's priority is fixed at
    intake): worklists order by urgency from the task's own index, without the case."""
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class HistoryEntry(SQLModel, table=True):
    __tablename__ = "history_entry"
    __table_args__ = (Index("ix_history_case_id", "case_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id")
    task_id: int | None = Field(default=None, foreign_key="task.id")
    action: str = Field(max_length=128)
    actor: str = Field(max_length=150)
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    """What a person typed, or a plugin's reason; never words the engine makes up."""
    params: dict[str, Any] = Field(
        default_factory=dict,
        sa_column=Column(JSONType, nullable=False, server_default=text("'{}'")),
    )
    """The parameters of an entry the engine words itself (`core.i18n.history`), e.g.
    `{"channel": "phone"}` for `create`: put into words when read, in the reader's language."""
    from_state: str | None = Field(default=None, max_length=64)
    to_state: str | None = Field(default=None, max_length=64)
    version: int = 1
    """The object's version after this entry."""
    automatic: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OpenTaskTally(SQLModel, table=True):
    """Changes to how many open tasks each person (or nobody) holds in each agency: +1 when a
    task opens or comes to them, -1 when it closes or leaves them.

    Written by triggers on `task` (`hamyar.core.cases.task_tally`), so every statement that
    touches a task counts, whoever issues it; a worker folds the rows into one per holder every
    few seconds. A holder's open tasks are the sum of their rows: a supervisor's counts per
    person read a few rows instead of every open task of the agency.
    """

    __tablename__ = "open_task_tally"
    __table_args__ = (Index("ix_open_task_tally_agency", "agency_code", "assignee", "delta"),)

    id: int | None = Field(default=None, primary_key=True)
    agency_code: str = Field(max_length=64)
    assignee: str | None = Field(default=None, max_length=150)
    delta: int
