"""Who is acting: a person with roles held globally or within agencies, or the engine itself."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from hamyar.core.workflow import roles as R


@dataclass(frozen=True)
class Actor:
    username: str
    global_roles: frozenset[str] = frozenset()
    agency_roles: Mapping[str, frozenset[str]] = field(default_factory=dict)
    groups: frozenset[str] = frozenset()

    @classmethod
    def from_assignments(
        cls,
        username: str,
        assignments: Iterable[tuple[str, str | None]],
        *,
        groups: Iterable[str] = (),
    ) -> Actor:
        """Build from (role, agency or None) pairs, as role assignments are stored, and the
        names of the groups the user is in."""
        global_roles: set[str] = set()
        local: dict[str, set[str]] = {}
        for role, agency in assignments:
            if agency is None:
                global_roles.add(role)
            else:
                local.setdefault(agency, set()).add(role)
        return cls(
            username=username,
            global_roles=frozenset(global_roles),
            agency_roles={a: frozenset(r) for a, r in local.items()},
            groups=frozenset(groups),
        )

    def roles_in(self, agency: str | None) -> frozenset[str]:
        """The roles that count for an object of `agency`: global ones plus that agency's."""
        if agency is None:
            return self.global_roles
        return self.global_roles | self.agency_roles.get(agency, frozenset())

    def has_role(self, role: str, agency: str | None = None) -> bool:
        return role in self.roles_in(agency)

    @cached_property
    def agencies(self) -> frozenset[str]:
        """The agencies the actor holds a role in (asked for every row of a page: kept)."""
        return frozenset(a for a, r in self.agency_roles.items() if r)

    @property
    def is_manager(self) -> bool:
        return R.MANAGER in self.global_roles

    @property
    def is_coordinator(self) -> bool:
        return bool({R.COORDINATOR, R.MANAGER} & self.global_roles)

    @property
    def is_auditor(self) -> bool:
        return R.AUDITOR in self.global_roles


SYSTEM = Actor(username="system", global_roles=frozenset({R.SYSTEM}))
"""The engine firing automatic steps from a worker."""
OPERATOR = Actor(username="operator", global_roles=frozenset({R.MANAGER}))
"""Whoever runs the `hamyar` command on the server: they administer it already."""
INTAKE_ROLE = "Intake"
"""Held by a citizen-facing channel (an Open311 app, the public report form): it opens cases on
a reporter's behalf and can see or change nothing else."""


def intake_actor(name: str) -> Actor:
    """The actor of a citizen-facing channel named `name`, as the case's history records it."""
    return Actor(username=name[:150], global_roles=frozenset({INTAKE_ROLE}))
