"""People who log in: creating them, giving and taking roles, deactivating them.

The one place these rules live, for `hamyar user add` and the managers' `/admin/users` page:
a role is one of the registry's assignable roles (the core's `hamyar.core.workflow.roles.ROLES`
and the plugins' `register_roles`); agency roles (Caseworker, Supervisor, a plugin's) are held
within an agency and every other role globally; a username is unique and has no spaces; only
the password's argon2 hash is stored. Errors are `InvalidInput` naming the field, so a form can
show each beside its input and the CLI can print it. Nothing here commits: the caller owns the
transaction.

Users are deactivated, never deleted: cases, history and tokens keep pointing at them, and a
deactivated account can neither sign in nor use a token (`hamyar.core.web.auth`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from hamyar.core.auth import groups as groups_module
from hamyar.core.auth.passwords import hash_password
from hamyar.core.auth.sessions import end_all_sessions
from hamyar.core.exceptions import InvalidInput, NotFound
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.models import Agency, RoleAssignment, User
from hamyar.core.workflow import roles as R

MAX_USERNAME = 150


@dataclass(frozen=True)
class UserRoles:
    """A user and the (role, agency or None) pairs they hold, for listing."""

    user: User
    roles: list[RoleAssignment] = field(default_factory=list)


def _invalid(field_name: str, message: str) -> InvalidInput:
    return InvalidInput(f"{field_name}: {message}", [{"field": field_name, "message": message}])


def check_username(username: str) -> str:
    """The username as stored (stripped), or InvalidInput."""
    name = username.strip()
    if not name:
        raise _invalid("username", "a username is required")
    if len(name) > MAX_USERNAME or any(c.isspace() for c in name):
        raise _invalid("username", "a username is 1-150 characters without spaces")
    return name


def check_role(
    session: Session, role: str, agency: str | None, registry: Registry | None = None
) -> None:
    """A known role (the core's, or a plugin's when `registry` is given), with an agency exactly
    when the role is held within one."""
    assignable = registry.assignable_roles() if registry is not None else R.ROLES
    within = registry.agency_roles() if registry is not None else frozenset(R.AGENCY_ROLES)
    if role not in assignable:
        raise _invalid("role", "unknown role")
    if role in within and not agency:
        if role in R.AGENCY_ROLES:
            raise _invalid(
                "agency", "Caseworker and Supervisor are held within an agency: choose one"
            )
        raise _invalid("agency", "this role is held within an agency: choose one")
    if role not in within and agency:
        raise _invalid("agency", "a global role is held without an agency: leave it empty")
    if agency and session.get(Agency, agency) is None:
        raise _invalid("agency", "unknown agency")


def find_user(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username == username.strip())).first()


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"no user {user_id}")
    return user


def create_user(
    session: Session,
    username: str,
    password: str,
    *,
    roles: Sequence[str],
    agency: str | None = None,
    full_name: str = "",
    registry: Registry | None = None,
    groups: Sequence[str] = (),
) -> User:
    """A new active user holding `roles` (all within `agency`, or all global) and in `groups`
    (a user in a group needs no role of their own: the group's count)."""
    name = check_username(username)
    if find_user(session, name) is not None:
        raise _invalid("username", "this username is taken")
    if not password:
        raise _invalid("password", "a new user needs a password")
    if not roles and not groups:
        raise _invalid("role", "choose a role")
    for role in roles:
        check_role(session, role, agency, registry)
    found = [groups_module.get_group(session, g) for g in groups]
    user = User(username=name, full_name=full_name.strip(), password_hash=hash_password(password))
    session.add(user)
    session.flush()
    for role in roles:
        assign_role(session, user, role, agency, registry)
    for group in found:
        groups_module.add_member(session, user, group)
    return user


def set_password(session: Session, user: User, password: str) -> None:
    if not password:
        raise _invalid("password", "a new user needs a password")
    user.password_hash = hash_password(password)
    session.add(user)
    if user.id is not None:
        end_all_sessions(session, user.id)  # whoever held the old password is signed out


def assign_role(
    session: Session,
    user: User,
    role: str,
    agency: str | None = None,
    registry: Registry | None = None,
) -> bool:
    """Give `user` the role (within `agency`); False when they already held it."""
    check_role(session, role, agency, registry)
    assert user.id is not None
    held = session.exec(
        select(RoleAssignment).where(
            RoleAssignment.user_id == user.id,
            RoleAssignment.role == role,
            RoleAssignment.agency_code == agency,
        )
    ).first()
    if held is not None:
        return False
    session.add(RoleAssignment(user_id=user.id, role=role, agency_code=agency))
    session.flush()
    return True


def remove_role(
    session: Session, assignment_id: int, *, user_id: int | None = None, by: str | None = None
) -> RoleAssignment:
    """Take one role assignment away (of `user_id`, when given).

    `by` is the username of the person doing it: nobody takes away their own Manager role,
    so a manager cannot lock the administration out by a slip of the mouse.
    """
    assignment = session.get(RoleAssignment, assignment_id)
    if assignment is None or (user_id is not None and assignment.user_id != user_id):
        raise NotFound(f"no role assignment {assignment_id}")
    user = session.get(User, assignment.user_id)
    if by is not None and user is not None and user.username == by and assignment.role == R.MANAGER:
        raise _invalid("role", "you cannot take away your own Manager role")
    session.delete(assignment)
    session.flush()
    return assignment


def deactivate_user(session: Session, user: User, *, by: str | None = None) -> None:
    """The account can no longer sign in or use its tokens; its history stays."""
    if by is not None and user.username == by:
        raise _invalid("user", "you cannot deactivate your own account")
    user.active = False
    session.add(user)
    session.flush()
    if user.id is not None:
        end_all_sessions(session, user.id)


def list_users(session: Session) -> list[UserRoles]:
    """Every user, active ones first, each with their role assignments."""
    users = session.exec(select(User).order_by(col(User.active).desc(), col(User.username))).all()
    assignments: dict[int, list[RoleAssignment]] = {}
    for row in session.exec(
        select(RoleAssignment).order_by(col(RoleAssignment.role), col(RoleAssignment.agency_code))
    ).all():
        assignments.setdefault(row.user_id, []).append(row)
    return [UserRoles(user=u, roles=assignments.get(u.id or 0, [])) for u in users]
