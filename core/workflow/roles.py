"""Role and permission names shared by the core, the plugins and their workflows.

Roles are Plone-style and scoped: a role is held globally or within one agency (a local role).
"""

MANAGER = "Manager"
"""Administrator: manages users, plugins, routing rules and the calendar."""
COORDINATOR = "Coordinator"
"""Routes cases between agencies, works the triage worklist, closes resolved cases."""
AUDITOR = "Auditor"
"""Reads everything they are allowed to see, never writes."""
SUPERVISOR = "Supervisor"
"""Oversees an agency's caseworkers; may override consent with a recorded reason."""
CASEWORKER = "Caseworker"
"""Works an agency's tasks."""
SYSTEM = "System"
"""The engine itself, when a worker fires an automatic step."""

ROLES = (MANAGER, COORDINATOR, AUDITOR, SUPERVISOR, CASEWORKER)
AGENCY_ROLES = (SUPERVISOR, CASEWORKER)
"""Roles that only make sense within one agency."""

VIEW = "View"
MODIFY = "Modify"
REVIEW = "Review"

# Role groups the workflows grant permissions and transitions to.
READERS = (CASEWORKER, SUPERVISOR, COORDINATOR, AUDITOR, MANAGER)
"""Everyone who may see a case or task in any state (the View permission)."""
WORKERS = (CASEWORKER, SUPERVISOR)
"""An agency's staff, who work its tasks (Modify, and the task transitions)."""
COORDINATORS = (COORDINATOR, MANAGER)
"""Those who route, triage and close cases across agencies."""
