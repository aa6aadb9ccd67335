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

OWNER = "Owner"
"""Plone's Owner: the person who opened the case, or who claimed (or was assigned) the task."""
AUTHENTICATED = "Authenticated"
"""Everyone signed in, whatever roles they hold."""
ANONYMOUS = "Anonymous"
"""Everyone, signed in or not."""

ROLES = (MANAGER, COORDINATOR, AUDITOR, SUPERVISOR, CASEWORKER)
"""The core's assignable roles; plugins add theirs through `register_roles`."""
IMPLICIT_ROLES = (OWNER, AUTHENTICATED, ANONYMOUS)
"""Roles nobody is given: they follow from who the actor is, and count in maps and guards."""
CORE_TITLES = {
    MANAGER: ("مدیر سامانه", "Manager"),
    COORDINATOR: ("هماهنگ‌کننده", "Coordinator"),
    AUDITOR: ("ناظر", "Auditor"),
    SUPERVISOR: ("سرپرست", "Supervisor"),
    CASEWORKER: ("کارشناس", "Caseworker"),
    OWNER: ("مالک", "Owner"),
    AUTHENTICATED: ("کاربر واردشده", "Authenticated"),
    ANONYMOUS: ("همه", "Anonymous"),
}
"""fa / en titles of the core's roles."""
AGENCY_ROLES = (SUPERVISOR, CASEWORKER)
"""Roles that only make sense within one agency."""

ACCESS = "Access contents information"
"""Know the object exists: see it in lists and counts, its state and dates (Plone's name)."""
VIEW = "View"
"""Read the object's content."""
MODIFY = "Modify"
REVIEW = "Review"

# Role groups the workflows grant permissions and transitions to.
READERS = (CASEWORKER, SUPERVISOR, COORDINATOR, AUDITOR, MANAGER)
"""Everyone who may know a case or task exists in any state (Access contents information)."""
WORKERS = (CASEWORKER, SUPERVISOR)
"""An agency's staff, who work its tasks (Modify, and the task transitions)."""
COORDINATORS = (COORDINATOR, MANAGER)
"""Those who route, triage and close cases across agencies."""
