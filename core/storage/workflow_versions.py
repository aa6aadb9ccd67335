"""Workflow versions: record each distinct definition once, and find the one a case runs on.

A definition is stored as DCWorkflow XML (with Hamyar's namespace, an exact round trip) under the
next number of its workflow, unless the newest version already has the same content: a plugin
restarting with an unchanged workflow makes no new version. A case or task keeps the number it
started with, so a plugin that renames a state strands nothing; new cases take the newest. Every
process keeps the versions it has read in its registry's cache (they never change), so running
on an old version costs one query per process, not one per step.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Protocol

from sqlalchemy import func, update
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.models import Case, ServiceWorkflow, Task, WorkflowVersion
from hamyar.core.storage.permission_rows import forget_grants, sync_permission_maps
from hamyar.core.storage.reference_rows import reference
from hamyar.core.workflow.dcworkflow import dump_definition, parse_definition
from hamyar.core.workflow.definition import WorkflowDefinition, WorkflowError


class Versioned(Protocol):
    """A case, a task, or anything else that names a workflow and the version it runs on."""

    @property
    def workflow_id(self) -> str: ...

    @property
    def workflow_version(self) -> int | None: ...


def content_hash(xml: str) -> str:
    return hashlib.sha256(xml.encode("utf-8")).hexdigest()


def newest_row(session: Session, workflow_id: str) -> WorkflowVersion | None:
    return session.exec(
        select(WorkflowVersion)
        .where(WorkflowVersion.workflow_id == workflow_id)
        .order_by(col(WorkflowVersion.number).desc())
        .limit(1)
    ).first()


def record_version(
    session: Session,
    definition: WorkflowDefinition,
    *,
    source: str,
    created_by: str = "",
) -> WorkflowVersion:
    """The stored version holding `definition`: the newest if its content is the same, else a
    new one numbered after it. Two processes starting at once both try the same number; the
    loser reads the winner's row instead of failing."""
    xml = dump_definition(definition)
    digest = content_hash(xml)
    for _ in range(3):
        newest = newest_row(session, definition.id)
        if newest is not None and newest.content_hash == digest:
            return newest
        row = WorkflowVersion(
            workflow_id=definition.id,
            number=(newest.number + 1) if newest else 1,
            content_hash=digest,
            xml=xml,
            title=definition.title or definition.title_en,
            source=source,
            created_by=created_by,
        )
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            continue
        # Its permission maps join the access predicates at once, not at the next start-up.
        sync_permission_maps(session, [(definition, row.number)])
        forget_grants(session)
        return row
    raise WorkflowError(f"workflow {definition.id!r}: could not store a new version; try again")


def sync_workflow_versions(session: Session, registry: Registry) -> None:
    """Record every plugin workflow as a version and remember the numbers in the registry.

    Rows written before versions existed ran on the plugin's definition of the day: they are
    given the version that definition is stored as.
    """
    for workflow_id, definition in registry.workflows.items():
        row = record_version(
            session, definition, source=registry.owner("workflow", workflow_id) or "plugin"
        )
        registry.version_numbers[workflow_id] = row.number
        registry.version_cache[(workflow_id, row.number)] = definition
        for table in (Case, Task):
            session.execute(
                update(table)
                .where(
                    col(table.workflow_id) == workflow_id,
                    col(table.workflow_version).is_(None),
                )
                .values(workflow_version=row.number)
            )


def definition_at(
    session: Session, registry: Registry, workflow_id: str, number: int
) -> WorkflowDefinition:
    """Version `number` of a workflow; WorkflowError when there is no such version."""
    key = (workflow_id, number)
    found = registry.version_cache.get(key)
    if found is not None:
        return found
    if registry.version_numbers.get(workflow_id) == number:
        definition = registry.workflows[workflow_id]
    else:
        row = session.exec(
            select(WorkflowVersion).where(
                WorkflowVersion.workflow_id == workflow_id, WorkflowVersion.number == number
            )
        ).first()
        if row is None:
            raise WorkflowError(f"workflow {workflow_id!r} has no version {number}")
        definition = parse_definition(row.xml)
    registry.version_cache[key] = definition
    return definition


def workflow_of(session: Session, registry: Registry, item: Versioned) -> WorkflowDefinition:
    """The definition a case or task runs on: the version it started with."""
    if item.workflow_version is not None:
        return definition_at(session, registry, item.workflow_id, item.workflow_version)
    if item.workflow_id in registry.workflows:  # a row from before versions, or an unsynced store
        return registry.workflows[item.workflow_id]
    return newest(session, registry, item.workflow_id)[1]


def definition_or_none(
    session: Session, registry: Registry, item: Versioned
) -> WorkflowDefinition | None:
    """`workflow_of`, or None when nothing provides it any more (a disabled plugin): for pages
    that show a case whatever becomes of its workflow."""
    try:
        return workflow_of(session, registry, item)
    except WorkflowError:
        return None


def _newest_numbers(session: Session) -> Mapping[str, int]:
    rows = session.execute(
        sa_select(col(WorkflowVersion.workflow_id), func.max(WorkflowVersion.number)).group_by(
            col(WorkflowVersion.workflow_id)
        )
    )
    return MappingProxyType({workflow_id: number for workflow_id, number in rows})


def newest(
    session: Session, registry: Registry, workflow_id: str
) -> tuple[int | None, WorkflowDefinition]:
    """The version a new case or task takes. The numbers are reference rows
    (`storage.reference_rows`): a version imported by another process of the machine counts at
    once. (None, the plugin's definition) when the registry was never mirrored into this
    database."""
    number = reference.read(session, "newest_versions", _newest_numbers).get(workflow_id)
    if number is None:
        if workflow_id in registry.workflows:
            return None, registry.workflows[workflow_id]
        raise WorkflowError(f"no workflow {workflow_id!r} is registered or imported")
    return number, definition_at(session, registry, workflow_id, number)


def versions_of(session: Session, workflow_id: str) -> Sequence[WorkflowVersion]:
    return session.exec(
        select(WorkflowVersion)
        .where(WorkflowVersion.workflow_id == workflow_id)
        .order_by(col(WorkflowVersion.number))
    ).all()


def running_counts(session: Session, workflow_id: str) -> dict[int | None, tuple[int, int]]:
    """Version number → (open cases, open tasks) running on it."""
    counts: dict[int | None, list[int]] = {}
    for index, table in enumerate((Case.__table__, Task.__table__)):  # type: ignore[attr-defined]
        rows = session.execute(
            sa_select(table.c.workflow_version, func.count())
            .where(table.c.workflow_id == workflow_id, table.c.resolved_at.is_(None))
            .group_by(table.c.workflow_version)
        ).all()
        for number, n in rows:
            counts.setdefault(number, [0, 0])[index] = n
    return {k: (v[0], v[1]) for k, v in counts.items()}


def _bindings(session: Session) -> Mapping[str, str]:
    rows = session.execute(
        sa_select(col(ServiceWorkflow.service_code), col(ServiceWorkflow.workflow_id))
    )
    return MappingProxyType({service: workflow for service, workflow in rows})


def service_workflow_id(session: Session, registry: Registry, service_code: str) -> str:
    """The workflow a new task of the service follows: the administrator's binding, else the
    plugin's. The bindings are reference rows: one made in any process of the machine counts
    in all of them at once."""
    bound = reference.read(session, "service_bindings", _bindings).get(service_code)
    return bound if bound is not None else registry.service(service_code).workflow
