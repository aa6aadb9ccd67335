"""Where workflows come from: plugins (in the registry) and imports (in the database).

One lookup for both, so the CLI, the API and the admin pages list the same workflows.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from hamyar.core.exceptions import InvalidInput, NotFound
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.models import WorkflowRecord
from hamyar.core.workflow.dcworkflow import parse_definition
from hamyar.core.workflow.definition import WorkflowDefinition


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


def import_workflow(session: Session, registry: Registry, xml: str | bytes) -> WorkflowDefinition:
    """Store an imported definition (replacing an earlier import of the same id).

    A plugin's workflow cannot be replaced this way: the plugin is its source of truth.
    """
    definition = parse_definition(xml)
    if definition.id in registry.workflows:
        owner = registry.owner("workflow", definition.id)
        raise InvalidInput(
            f"workflow {definition.id!r} belongs to plugin {owner!r}; "
            "import it under another workflow_id"
        )
    text = xml.decode("utf-8") if isinstance(xml, bytes) else xml
    record = session.get(WorkflowRecord, definition.id) or WorkflowRecord(id=definition.id, xml="")
    record.title, record.xml = definition.title, text
    session.add(record)
    return definition
