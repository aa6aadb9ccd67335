"""Translating the roles an imported workflow names into the roles of this installation.

A Plone workflow speaks of Owner, Reviewer, Editor, Contributor, Reader, Site Administrator,
Anonymous…; Hamyar's agencies have their own. An import names the translation once
(`Reviewer=Supervisor`, `Member=Caseworker,Supervisor`, `Anonymous=` to drop a role), and every
guard, permission map and group map of the definition is rewritten with it. A role that is
neither known here nor mapped is listed, so the operator learns it at import, not when a case
silently cannot move.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from hamyar.core.workflow.definition import Guard, WorkflowDefinition

RoleMap = Mapping[str, tuple[str, ...]]

OWNER = "Owner"
"""Plone's Owner: the person who opened the case or claimed the task. Known by name, so an
import may keep it (`--role Owner=Owner`) or map it."""


class RoleMapError(ValueError):
    """A `--role` that is not `PLONE_ROLE=HAMYAR_ROLE`; the message is one line."""


def parse_role_map(pairs: Iterable[str], option: str = "--role") -> dict[str, tuple[str, ...]]:
    """`["Reviewer=Supervisor", "Member=Caseworker,Supervisor", "Anonymous="]` as a map."""
    found: dict[str, tuple[str, ...]] = {}
    left = "PERMISSION" if option == "--site-permission" else "PLONE_ROLE"
    for pair in pairs:
        source, sep, target = pair.partition("=")
        source = source.strip()
        if not sep or not source:
            raise RoleMapError(f"{option} {pair!r}: write it as {left}=HAMYAR_ROLE")
        if source in found:
            raise RoleMapError(f"{option} {source!r} is given twice")
        found[source] = tuple(dict.fromkeys(r.strip() for r in target.split(",") if r.strip()))
    return found


def roles_named(definition: WorkflowDefinition) -> set[str]:
    """Every role the definition's guards, permission maps and group maps name."""
    names: set[str] = set()
    for state in definition.states.values():
        for roles in state.permission_roles.values():
            names.update(roles)
        for roles in state.group_roles.values():
            names.update(roles)
    guards = [t.guard for t in definition.transitions.values()]
    guards += [w.guard for w in definition.worklists.values()]
    guards += [v.guard for v in definition.variables.values()]
    for guard in guards:
        names.update(guard.roles)
    return names


def unknown_roles(definition: WorkflowDefinition, known: Iterable[str]) -> list[str]:
    """The roles the definition names that this installation does not know, sorted."""
    return sorted(roles_named(definition) - set(known))


def _mapped(roles: Sequence[str], mapping: RoleMap) -> tuple[str, ...]:
    out: list[str] = []
    for role in roles:
        out.extend(mapping.get(role, (role,)))
    return tuple(dict.fromkeys(out))


def apply_role_map(definition: WorkflowDefinition, mapping: RoleMap) -> WorkflowDefinition:
    """The definition with every role renamed by `mapping` (unmapped roles stay as they are)."""
    if not mapping:
        return definition

    def guard(g: Guard) -> Guard:
        return replace(g, roles=_mapped(g.roles, mapping)) if g.roles else g

    states = {
        sid: replace(
            s,
            permission_roles={p: _mapped(r, mapping) for p, r in s.permission_roles.items()},
            group_roles={g: _mapped(r, mapping) for g, r in s.group_roles.items()},
        )
        for sid, s in definition.states.items()
    }
    return replace(
        definition,
        states=states,
        transitions={
            k: replace(t, guard=guard(t.guard)) for k, t in definition.transitions.items()
        },
        worklists={k: replace(w, guard=guard(w.guard)) for k, w in definition.worklists.items()},
        variables={k: replace(v, guard=guard(v.guard)) for k, v in definition.variables.items()},
    )


def grant_site_permissions(definition: WorkflowDefinition, grants: RoleMap) -> WorkflowDefinition:
    """Give each state the roles of `grants` for a permission the state does not map itself.

    In Plone a guard's permission that a workflow does not manage ("Review portal content",
    "Request review") is acquired from the site, whose role map grants it; Hamyar has no site to
    acquire from, so the import names those roles once (`--site-permission "Review portal
    content=Supervisor"`). A state's own map always wins.
    """
    if not grants:
        return definition
    states = {
        sid: replace(
            s,
            permission_roles={
                **{p: tuple(r) for p, r in grants.items()},
                **s.permission_roles,
            },
        )
        for sid, s in definition.states.items()
    }
    return replace(definition, states=states)
