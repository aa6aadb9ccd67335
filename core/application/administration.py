"""What a Manager does: people and their roles, routing rules, the working calendar.

Every command checks that the actor may administer (`access.require_administrator`) before it
changes anything, whether it came from an `/admin/` page or from `hamyar user add` (whose actor
is the operator at the server, `OPERATOR`). The rules of each thing live beside it
(`hamyar.core.auth.users`, `hamyar.core.routing.rules`, `hamyar.core.time.overrides`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from hamyar.core.application.unit_of_work import UnitOfWork
from hamyar.core.auth import access, groups, users
from hamyar.core.auth.actor import Actor
from hamyar.core.engine import migration
from hamyar.core.engine.migration import MigrationPlan
from hamyar.core.routing import rules
from hamyar.core.storage import workflow_store
from hamyar.core.storage.models import CalendarOverride, RoutingRule, User, UserGroup
from hamyar.core.time import overrides
from hamyar.core.workflow import WorkflowDefinition
from hamyar.core.workflow.role_map import RoleMap


def add_user(
    uow: UnitOfWork,
    actor: Actor,
    username: str,
    password: str,
    *,
    roles: Sequence[str],
    agency: str | None = None,
    full_name: str = "",
    groups: Sequence[str] = (),
) -> User:
    """A new active user holding `roles` (all within `agency`, or all global), in `groups`."""
    with uow:
        access.require_administrator(actor)
        return users.create_user(
            uow.session,
            username,
            password,
            roles=roles,
            agency=agency,
            full_name=full_name,
            registry=uow.registry,
            groups=groups,
        )


def set_password(uow: UnitOfWork, actor: Actor, user_id: int, password: str) -> None:
    with uow:
        access.require_administrator(actor)
        users.set_password(uow.session, users.get_user(uow.session, user_id), password)


def assign_role(
    uow: UnitOfWork, actor: Actor, user_id: int, role: str, agency: str | None = None
) -> bool:
    """Give the user `role` (within `agency`); False when they held it already."""
    with uow:
        access.require_administrator(actor)
        return users.assign_role(
            uow.session, users.get_user(uow.session, user_id), role, agency, uow.registry
        )


def add_group(
    uow: UnitOfWork,
    actor: Actor,
    name: str,
    *,
    agency: str | None = None,
    roles: Sequence[str] = (),
) -> UserGroup:
    """A new group (within `agency`, or across agencies) whose members hold `roles`."""
    with uow:
        access.require_administrator(actor)
        group = groups.create_group(uow.session, name, agency)
        for role in roles:
            groups.give_role(
                uow.session,
                group,
                role,
                agency_roles=uow.registry.agency_roles(),
                known=uow.registry.assignable_roles(),
            )
        return group


def give_group_role(uow: UnitOfWork, actor: Actor, name: str, role: str) -> bool:
    """Every member of the group holds `role`; False when the group held it already."""
    with uow:
        access.require_administrator(actor)
        return groups.give_role(
            uow.session,
            groups.get_group(uow.session, name),
            role,
            agency_roles=uow.registry.agency_roles(),
            known=uow.registry.assignable_roles(),
        )


def add_to_group(uow: UnitOfWork, actor: Actor, user_id: int, name: str) -> bool:
    """Put the user in the group; False when they were in it already."""
    with uow:
        access.require_administrator(actor)
        user = users.get_user(uow.session, user_id)
        return groups.add_member(uow.session, user, groups.get_group(uow.session, name))


def remove_from_group(uow: UnitOfWork, actor: Actor, user_id: int, name: str) -> None:
    with uow:
        access.require_administrator(actor)
        user = users.get_user(uow.session, user_id)
        groups.remove_member(uow.session, user, groups.get_group(uow.session, name))


def remove_role(uow: UnitOfWork, actor: Actor, user_id: int, assignment_id: int) -> None:
    """Take one role assignment away; nobody takes away their own Manager role."""
    with uow:
        access.require_administrator(actor)
        users.remove_role(uow.session, assignment_id, user_id=user_id, by=actor.username)


def deactivate_user(uow: UnitOfWork, actor: Actor, user_id: int) -> None:
    """The user can no longer sign in or use a token; nobody deactivates themselves."""
    with uow:
        access.require_administrator(actor)
        users.deactivate_user(uow.session, users.get_user(uow.session, user_id), by=actor.username)


def import_workflow(
    uow: UnitOfWork,
    actor: Actor,
    xml: str | bytes,
    *,
    role_map: RoleMap | None = None,
    site_permissions: RoleMap | None = None,
    keep_unknown_roles: bool = False,
) -> WorkflowDefinition:
    """Store a DCWorkflow `definition.xml` as a new version, its roles renamed by `role_map`;
    roles neither known nor mapped are refused, listed (InvalidInput)."""
    with uow:
        access.require_administrator(actor)
        definition = workflow_store.import_workflow(
            uow.session,
            uow.registry,
            xml,
            role_map=role_map,
            site_permissions=site_permissions,
            keep_unknown_roles=keep_unknown_roles,
            created_by=actor.username,
        )
        return definition


def set_service_workflow(
    uow: UnitOfWork, actor: Actor, service: str, workflow_id: str
) -> WorkflowDefinition:
    """New tasks of `service` follow `workflow_id` (validated first), in every process at once:
    the binding is read from the database whenever a task opens."""
    with uow:
        access.require_administrator(actor)
        return workflow_store.bind_service_workflow(
            uow.session, uow.registry, service, workflow_id, bound_by=actor.username
        )


def migrate_workflow(
    uow: UnitOfWork,
    actor: Actor,
    workflow_id: str,
    to_version: int,
    state_map: Mapping[str, str],
    *,
    dry_run: bool = False,
    batch: int = 200,
) -> MigrationPlan:
    """Move every running case and task of `workflow_id` to version `to_version`, `batch` items
    per transaction, each with a history entry; MigrationRefused (listing them) when some are in
    states the map does not place. A dry run only plans."""
    with uow:
        access.require_administrator(actor)
        workflow_store.get_workflow(uow.session, uow.registry, workflow_id)
        plan = migration.plan_migration(
            uow.session, uow.registry, workflow_id, to_version, state_map
        )
    if plan.refused:
        raise migration.MigrationRefused(plan)
    if dry_run:
        return plan
    for start in range(0, len(plan.moves), batch):
        with uow:
            migration.apply_moves(
                uow.session, uow.registry, plan, plan.moves[start : start + batch], actor
            )
    return plan


def add_routing_rule(
    uow: UnitOfWork,
    actor: Actor,
    *,
    service: str,
    category: str = "",
    region: str = "",
    kind: str = "primary",
    note: str = "",
) -> RoutingRule:
    """A new active rule: cases of `category` in `region` go to `service`."""
    with uow:
        access.require_administrator(actor)
        return rules.add_rule(
            uow.session,
            uow.registry,
            service=service,
            category=category,
            region=region,
            kind=kind,
            note=note,
            created_by=actor.username,
        )


def remove_routing_rule(uow: UnitOfWork, actor: Actor, rule_id: int) -> RoutingRule:
    with uow:
        access.require_administrator(actor)
        return rules.delete_rule(uow.session, rule_id)


def add_calendar_override(
    uow: UnitOfWork,
    actor: Actor,
    *,
    day: str,
    closed: bool = True,
    name: str = "",
    agency: str | None = None,
) -> CalendarOverride:
    """Close (or open) a day, typed in Jalali, for every agency or one."""
    with uow:
        access.require_administrator(actor)
        return overrides.add_override(
            uow.session, uow.registry, day=day, closed=closed, name=name, agency=agency
        )


def remove_calendar_override(uow: UnitOfWork, actor: Actor, override_id: int) -> CalendarOverride:
    with uow:
        access.require_administrator(actor)
        return overrides.delete_override(uow.session, override_id)
