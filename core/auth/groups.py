"""Groups of people: creating them, their members, the roles they give, and an actor's share.

A group lives within one agency or across agencies (`agency` empty). Its members pass every
guard naming the group (DCWorkflow's guard_groups) and hold every role the group holds: an
agency role (Caseworker, Supervisor, a plugin's agency role) within the group's agency, a
global one globally. Errors are `InvalidInput` naming the field, as in `hamyar.core.auth.users`;
nothing here commits.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import null, union_all
from sqlmodel import Session, col, select

from hamyar.core.auth.actor import Actor
from hamyar.core.exceptions import InvalidInput, NotFound
from hamyar.core.storage.models import (
    Agency,
    GroupMember,
    GroupRole,
    RoleAssignment,
    User,
    UserGroup,
)
from hamyar.core.workflow import roles as R

MAX_NAME = 64


def _invalid(field_name: str, message: str) -> InvalidInput:
    return InvalidInput(f"{field_name}: {message}", [{"field": field_name, "message": message}])


def find_group(session: Session, name: str) -> UserGroup | None:
    return session.exec(select(UserGroup).where(UserGroup.name == name.strip())).first()


def get_group(session: Session, name: str) -> UserGroup:
    group = find_group(session, name)
    if group is None:
        raise _invalid("group", "no such group; create it first (hamyar group add)")
    return group


def create_group(session: Session, name: str, agency: str | None = None) -> UserGroup:
    """A new group (within `agency`, or across agencies)."""
    clean = name.strip()
    if not clean or len(clean) > MAX_NAME or any(c.isspace() for c in clean):
        raise _invalid("name", "a group name is 1-64 characters without spaces")
    if find_group(session, clean) is not None:
        raise _invalid("name", "this group name is taken")
    if agency and session.get(Agency, agency) is None:
        raise _invalid("agency", "unknown agency")
    group = UserGroup(name=clean, agency_code=agency or None)
    session.add(group)
    session.flush()
    return group


def add_member(session: Session, user: User, group: UserGroup) -> bool:
    """Put `user` in `group`; False when they were in it already."""
    assert user.id is not None and group.id is not None
    if session.get(GroupMember, (group.id, user.id)) is not None:
        return False
    session.add(GroupMember(group_id=group.id, user_id=user.id))
    session.flush()
    return True


def remove_member(session: Session, user: User, group: UserGroup) -> None:
    assert user.id is not None and group.id is not None
    member = session.get(GroupMember, (group.id, user.id))
    if member is None:
        raise NotFound("the user is not in this group")
    session.delete(member)
    session.flush()


def give_role(
    session: Session,
    group: UserGroup,
    role: str,
    *,
    agency_roles: Collection[str],
    known: Collection[str],
) -> bool:
    """Every member of `group` holds `role`: within the group's agency for an agency role,
    globally otherwise (a group across agencies holds only global roles)."""
    if role not in known or role in R.IMPLICIT_ROLES:
        raise _invalid("role", "unknown role")
    agency = group.agency_code if role in agency_roles else None
    if role in agency_roles and agency is None:
        raise _invalid("role", "this role is held within an agency: give it to a group of one")
    assert group.id is not None
    held = session.exec(
        select(GroupRole).where(
            GroupRole.group_id == group.id, GroupRole.role == role, GroupRole.agency_code == agency
        )
    ).first()
    if held is not None:
        return False
    session.add(GroupRole(group_id=group.id, role=role, agency_code=agency))
    session.flush()
    return True


@dataclass(frozen=True)
class GroupView:
    group: UserGroup
    roles: list[GroupRole] = field(default_factory=list)
    members: list[str] = field(default_factory=list)


def list_groups(session: Session) -> list[GroupView]:
    """Every group with its roles and its members' usernames, by name."""
    groups = session.exec(select(UserGroup).order_by(col(UserGroup.name))).all()
    roles: dict[int, list[GroupRole]] = {}
    for row in session.exec(select(GroupRole).order_by(col(GroupRole.role))).all():
        roles.setdefault(row.group_id, []).append(row)
    members: dict[int, list[str]] = {}
    for group_id, username in session.execute(
        select(col(GroupMember.group_id), col(User.username))
        .join(User, col(User.id) == col(GroupMember.user_id))
        .order_by(col(User.username))
    ):
        members.setdefault(group_id, []).append(username)
    return [GroupView(g, roles.get(g.id or 0, []), members.get(g.id or 0, [])) for g in groups]


def groups_of(session: Session, user_id: int) -> list[UserGroup]:
    return list(
        session.exec(
            select(UserGroup)
            .join(GroupMember, col(GroupMember.group_id) == col(UserGroup.id))
            .where(GroupMember.user_id == user_id)
            .order_by(col(UserGroup.name))
        ).all()
    )


def actor_of(session: Session, user: User) -> Actor:
    """The user's roles (their own and their groups'), global and per agency, and their groups,
    as the engine's Actor — in one query, since every request asks it."""
    own = select(
        col(RoleAssignment.role), col(RoleAssignment.agency_code), null().label("group_name")
    ).where(RoleAssignment.user_id == user.id)
    via_groups = (
        select(col(GroupRole.role), col(GroupRole.agency_code), col(UserGroup.name))
        .select_from(GroupMember)
        .join(UserGroup, col(UserGroup.id) == col(GroupMember.group_id))
        .outerjoin(GroupRole, col(GroupRole.group_id) == col(GroupMember.group_id))
        .where(GroupMember.user_id == user.id)
    )
    rows = session.execute(union_all(own, via_groups)).all()
    names = sorted({name for _, _, name in rows if name is not None})
    return Actor.from_assignments(
        user.username, [(r, a) for r, a, _ in rows if r is not None], groups=names
    )
