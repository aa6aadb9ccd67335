"""Where workflows come from: plugins (in the registry) and imports (in the database).

One lookup for both, so the CLI, the API and the admin pages list the same workflows.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from hamyar.core.exceptions import InvalidInput, NotFound
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.models import ServiceWorkflow, WorkflowRecord, utcnow
from hamyar.core.storage.workflow_versions import record_version
from hamyar.core.workflow import roles as R
from hamyar.core.workflow.dcworkflow import dump_definition, parse_definition
from hamyar.core.workflow.definition import WorkflowDefinition
from hamyar.core.workflow.role_map import (
    OWNER,
    RoleMap,
    apply_role_map,
    grant_site_permissions,
    unknown_roles,
)
from hamyar.core.workflow.soundness import binding_problems


@dataclass(frozen=True)
class StoredWorkflow:
    definition: WorkflowDefinition
    source: str
    """The plugin that registered it, or "import" for one read from DCWorkflow XML."""


def all_workflows(session: Session, registry: Registry) -> dict[str, StoredWorkflow]:
    found = {
        wid: StoredWorkflow(definition, registry.owner("workflow", wid))
        for wid, definition in registry.workflows.items()
    }
    for record in session.exec(select(WorkflowRecord).order_by(WorkflowRecord.id)).all():
        if record.id not in found:
            found[record.id] = StoredWorkflow(parse_definition(record.xml), "import")
    return found


def get_workflow(session: Session, registry: Registry, workflow_id: str) -> StoredWorkflow:
    try:
        return all_workflows(session, registry)[workflow_id]
    except KeyError:
        raise NotFound(f"no workflow {workflow_id!r}; `hamyar workflow list` shows them") from None


def known_roles(registry: Registry) -> frozenset[str]:
    """The roles a workflow may name here: the core's, Plone's Owner, and any a plugin added."""
    extra = getattr(registry, "roles", None) or {}
    return frozenset({*R.ROLES, R.SYSTEM, OWNER, *extra})


def import_workflow(
    session: Session,
    registry: Registry,
    xml: str | bytes,
    *,
    role_map: RoleMap | None = None,
    site_permissions: RoleMap | None = None,
    keep_unknown_roles: bool = False,
    created_by: str = "",
) -> WorkflowDefinition:
    """Store an imported definition, its roles renamed by `role_map`, as a new version
    (replacing the current import of the same id; cases already running keep theirs).

    `site_permissions` grants permissions the workflow's guards name but does not manage, as a
    Plone site's role map does. Roles that are neither known nor mapped are an InvalidInput
    listing them, unless `keep_unknown_roles` (an import kept to be read or exported, not run:
    binding it to a service refuses it then). A plugin's workflow cannot be replaced this way:
    the plugin is its source of truth.
    """
    definition = apply_role_map(parse_definition(xml), role_map or {})
    definition = grant_site_permissions(definition, site_permissions or {})
    if definition.id in registry.workflows:
        owner = registry.owner("workflow", definition.id)
        raise InvalidInput(
            f"workflow {definition.id!r} belongs to plugin {owner!r}; "
            "import it under another workflow_id"
        )
    known = known_roles(registry)
    given = [*(role_map or {}).values(), *(site_permissions or {}).values()]
    bad = sorted({t for targets in given for t in targets} - known)
    if bad:
        raise InvalidInput(
            "--role or --site-permission names roles that do not exist here: "
            + ", ".join(bad)
            + "; known roles: "
            + ", ".join(sorted(known))
        )
    missing = unknown_roles(definition, known)
    if missing and not keep_unknown_roles:
        raise InvalidInput(
            "roles neither known here nor mapped: "
            + ", ".join(missing)
            + "; map each with --role PLONE_ROLE=HAMYAR_ROLE (known roles: "
            + ", ".join(sorted(known))
            + ")"
        )
    if role_map or site_permissions:
        text = dump_definition(definition)
    else:
        text = xml.decode("utf-8") if isinstance(xml, bytes) else xml
    record = session.get(WorkflowRecord, definition.id) or WorkflowRecord(id=definition.id, xml="")
    record.title, record.xml = definition.title, text
    session.add(record)
    record_version(session, definition, source="import", created_by=created_by)
    return definition


def bind_service_workflow(
    session: Session, registry: Registry, service_code: str, workflow_id: str, *, bound_by: str
) -> WorkflowDefinition:
    """New tasks of the service follow `workflow_id` from now on, in every process.

    Refused with every problem listed (InvalidInput) when the workflow cannot run here. Binding
    the service's own plugin workflow removes the binding.
    """
    spec = registry.services.get(service_code)
    if spec is None:
        raise NotFound(f"no service {service_code!r}; `hamyar plugins` lists them")
    definition = get_workflow(session, registry, workflow_id).definition
    problems = binding_problems(
        definition, known_roles=known_roles(registry), handlers=registry.handlers
    )
    if problems:
        raise InvalidInput(
            f"workflow {workflow_id!r} cannot run {service_code!r}: " + "; ".join(problems)
        )
    record_version(session, definition, source="import", created_by=bound_by)
    row = session.get(ServiceWorkflow, service_code)
    if workflow_id == spec.workflow:
        if row is not None:
            session.delete(row)
        return definition
    row = row or ServiceWorkflow(service_code=service_code, workflow_id=workflow_id)
    row.workflow_id, row.bound_by, row.bound_at = workflow_id, bound_by, utcnow()
    session.add(row)
    return definition


def bindings(session: Session) -> dict[str, str]:
    """Service code → the workflow an administrator bound to it."""
    return {b.service_code: b.workflow_id for b in session.exec(select(ServiceWorkflow)).all()}
