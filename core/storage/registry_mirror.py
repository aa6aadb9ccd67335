"""Mirror the plugin registry into the agency, service and state permission tables.

Run on migrate, on demo start and when a web app or worker starts: cheap, idempotent, and the
only writer of those rows, so a plugin upgrade changes them in one place. The plugins' workflows
are recorded as versions here too (a new one only when a definition changed).
"""

from __future__ import annotations

from sqlmodel import Session, select

from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.models import Agency, Service, WorkflowVersion
from hamyar.core.storage.permission_rows import forget_grants, sync_permission_maps
from hamyar.core.storage.workflow_versions import definition_at, sync_workflow_versions
from hamyar.core.workflow.definition import WorkflowDefinition


def sync_registry(session: Session, registry: Registry) -> None:
    for spec in registry.agencies.values():
        row = session.get(Agency, spec.code) or Agency(
            code=spec.code, title_fa="", title_en="", plugin=""
        )
        row.title_fa, row.title_en = spec.title_fa, spec.title_en
        row.plugin = registry.owner("agency", spec.code)
        row.thursday_closed = spec.thursday_closed
        row.active = True
        session.add(row)
    for agency in session.exec(select(Agency)).all():
        if agency.code not in registry.agencies:
            agency.active = False
            session.add(agency)
    session.flush()
    for service in registry.services.values():
        srow = session.get(Service, service.code) or Service(
            code=service.code,
            agency_code=service.agency,
            title_fa="",
            title_en="",
            workflow_id=service.workflow,
        )
        srow.agency_code = service.agency
        srow.title_fa, srow.title_en = service.title_fa, service.title_en
        srow.workflow_id = service.workflow
        srow.confidential, srow.public = service.confidential, service.public
        srow.sla_days, srow.sla_hours = service.sla_days, service.sla_hours
        srow.categories = list(service.categories)
        srow.form_schema = service.form_schema()
        srow.active = True
        session.add(srow)
    for stale in session.exec(select(Service)).all():
        if stale.code not in registry.services:
            stale.active = False
            session.add(stale)
    session.flush()
    sync_workflow_versions(session, registry)
    sync_workflow_maps(session, registry)


def sync_workflow_maps(session: Session, registry: Registry) -> None:
    """The permission maps of every stored version of every workflow, the plugins' and the
    imported ones, as rows the access predicates join (`hamyar.core.auth.permission_map`):
    a case still running on an old version is judged by that version's map."""
    versions: list[tuple[WorkflowDefinition, int]] = []
    for row in session.exec(select(WorkflowVersion)).all():
        try:
            definition = definition_at(session, registry, row.workflow_id, row.number)
        except Exception:  # an unreadable version grants nothing rather than stop start-up
            continue
        versions.append((definition, row.number))
    sync_permission_maps(session, versions)
    forget_grants(session)
