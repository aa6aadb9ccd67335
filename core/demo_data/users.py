"""The demo logins: an administrator, a coordinator, an auditor, and three per agency (two
caseworkers, so a supervisor has someone to assign a task to, and a supervisor)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from hamyar.core.auth.actor import Actor
from hamyar.core.auth.passwords import hash_password
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.models import RoleAssignment, User
from hamyar.core.workflow import roles as R

DEMO_PASSWORD = "demo"


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: str
    agency: str | None = None


def demo_users(registry: Registry) -> list[DemoUser]:
    """The logins INTERFACE.md promises: admin, coordinator, auditor, and per agency its
    caseworker, a second caseworker and its supervisor."""
    users = [
        DemoUser("admin", "مدیر سامانه", R.MANAGER),
        DemoUser("coordinator", "هماهنگ‌کننده قرارگاه اجتماعی", R.COORDINATOR),
        DemoUser("auditor", "بازرس", R.AUDITOR),
    ]
    for code, agency in sorted(registry.agencies.items()):
        users.append(
            DemoUser(f"{code}.caseworker", f"کارشناس {agency.title_fa}", R.CASEWORKER, code)
        )
        users.append(
            DemoUser(f"{code}.caseworker2", f"کارشناس دوم {agency.title_fa}", R.CASEWORKER, code)
        )
        users.append(
            DemoUser(f"{code}.supervisor", f"سرپرست {agency.title_fa}", R.SUPERVISOR, code)
        )
    return users


def actor_for(username: str, registry: Registry) -> Actor:
    user = next(u for u in demo_users(registry) if u.username == username)
    return Actor.from_assignments(user.username, [(user.role, user.agency)])


def add_users(session: Session, registry: Registry) -> int:
    """Create the demo logins that are missing (password `demo`); never touch existing ones."""
    existing = set(session.exec(select(User.username)).all())
    missing = [u for u in demo_users(registry) if u.username not in existing]
    # One hash for all: the password is public anyway, and argon2 is slow by design.
    password_hash = hash_password(DEMO_PASSWORD) if missing else ""
    added = 0
    for demo in missing:
        user = User(username=demo.username, full_name=demo.full_name, password_hash=password_hash)
        session.add(user)
        session.flush()
        session.add(RoleAssignment(user_id=user.id, role=demo.role, agency_code=demo.agency))  # type: ignore[arg-type]
        added += 1
    session.flush()
    return added
