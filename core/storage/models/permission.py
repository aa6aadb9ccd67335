"""Which roles hold which permission in each workflow state, as rows SQL can join.

The permission maps live in the workflow definitions (plain Python data); listings must filter
in the database, so `hamyar.core.storage.registry_mirror` copies every map here: one row per
(workflow, version, state, permission, role), since a case on an old version is judged by the
map of the version it runs on, and a row whose role is `ACQUIRED` when the state also
acquires the permission from the container (DCWorkflow's `acquired="True"`). The primary key
is the index every access predicate uses.
"""

from __future__ import annotations

from sqlmodel import Field, SQLModel

ACQUIRED = "(acquired)"
"""The role column's value on the row saying the state acquires the permission."""


class StatePermission(SQLModel, table=True):
    __tablename__ = "state_permission"

    workflow_id: str = Field(primary_key=True, max_length=128)
    workflow_version: int = Field(primary_key=True)
    """The version's number (`WorkflowVersion.number`), as cases and tasks carry it."""
    state: str = Field(primary_key=True, max_length=64)
    permission: str = Field(primary_key=True, max_length=128)
    role: str = Field(primary_key=True, max_length=64)
