"""The demo's people on the real plugins, with confidential text planted where it could leak.

Every demo login (admin, coordinator, auditor, `<agency>.caseworker`, `<agency>.supervisor`)
exists with the demo password. Secrets are plain ASCII markers, so a leak is found by a
substring search of any response body, JSON, HTML or CSV alike:

- a confidential health case whose title, description and form carry `HEALTH_CASE`;
- a joint programme (library.joint_programme: not confidential, one task per agency) whose
  health and welfare tasks carry `HEALTH_TASK` / `WELFARE_TASK` in their reason and in a
  comment of their history;
- incidents whose error text quotes `HEALTH_INCIDENT`: one on the health case, one on the
  joint programme's health task;
- a photo on the health case named after `HEALTH_CASE`, and a public photo on the joint
  programme (the status page's public copy must serve it, and nothing of the health case).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from PIL import Image
from sqlmodel import Session, select

from hamyar.core.application import attachments
from hamyar.core.application.context import Application
from hamyar.core.auth.actor import SYSTEM
from hamyar.core.cases.intake import open_case
from hamyar.core.demo_data import add_users, demo_users, load_places
from hamyar.core.engine import history
from hamyar.core.routing.router import route_case
from hamyar.core.storage.models import (
    CalendarOverride,
    Incident,
    Neighbourhood,
    OutboxMessage,
    RoleAssignment,
    RoutingRule,
    Task,
    User,
)
from hamyar.core.storage.registry_mirror import sync_registry
from hamyar.plugins.health.demo import SCREENING_FORMS
from hamyar.plugins.library.demo import JOINT_FORMS

HEALTH_CASE = "SECRET-HEALTH-CASE-7731"
HEALTH_TASK = "SECRET-HEALTH-TASK-4419"
WELFARE_TASK = "SECRET-WELFARE-TASK-5523"
HEALTH_INCIDENT = "SECRET-HEALTH-INCIDENT-9902"
MARKERS: dict[str, str] = {
    HEALTH_CASE: "health",
    HEALTH_TASK: "health",
    WELFARE_TASK: "welfare",
    HEALTH_INCIDENT: "health",
}
"""marker → the only agency whose staff may ever read it."""
DEMO_PASSWORD = "demo"


@dataclass
class AccessWorld:
    app: Application
    usernames: list[str]
    ids: dict[str, Any] = field(default_factory=dict)


def _incident(session: Session, key: str, case_id: int, task_id: int | None) -> int:
    session.add(
        OutboxMessage(
            key=key,
            kind="run_handler",
            payload={"case_id": case_id},
            case_id=case_id,
            attempts=3,
            last_error=f"ConnectionError: {HEALTH_INCIDENT}",
        )
    )
    incident = Incident(
        outbox_key=key,
        kind="run_handler",
        case_id=case_id,
        task_id=task_id,
        error=f"ConnectionError: the clinic system refused patient {HEALTH_INCIDENT}",
        attempts=3,
    )
    session.add(incident)
    session.flush()
    assert incident.id is not None
    return incident.id


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (24, 16), (90, 160, 60)).save(out, "PNG")
    return out.getvalue()


def build_access_world(app: Application) -> AccessWorld:
    registry, pm = app.registry, app.pm
    world = AccessWorld(app=app, usernames=[u.username for u in demo_users(registry)])
    with app.unit_of_work() as uow:
        session = uow.session
        sync_registry(session, registry)
        load_places(session)
        add_users(session, registry)
        place = session.exec(select(Neighbourhood).where(Neighbourhood.code == "karaj-hesarak"))
        nb = place.one()
        health = open_case(
            session,
            registry,
            SYSTEM,
            service="health.screening",
            title=f"غربالگری {HEALTH_CASE}",
            description=f"سابقه بیماری {HEALTH_CASE}",
            data={**SCREENING_FORMS[0]},
            neighbourhood_id=nb.id,
            channel="phone",
        )
        session.flush()
        assert health.id is not None
        route_case(session, health.id, registry, pm=pm)
        joint = open_case(
            session,
            registry,
            SYSTEM,
            service="library.joint_programme",
            title="برنامه مشترک کانون، سلامت و بهزیستی در حصارک",
            data={**JOINT_FORMS[1]},
            neighbourhood_id=nb.id,
            category="joint_programme",
            channel="facilitation",
        )
        session.flush()
        assert joint.id is not None
        route_case(session, joint.id, registry, pm=pm)
        tasks = {
            t.agency_code: t
            for t in session.exec(select(Task).where(Task.case_id == joint.id)).all()
        }
        for agency, marker in (("health", HEALTH_TASK), ("welfare", WELFARE_TASK)):
            task = tasks[agency]
            assert task.confidential and task.id is not None
            task.reason = f"{task.reason} {marker}"
            session.add(task)
            history.record(
                session,
                case_id=joint.id,
                task_id=task.id,
                action="note",
                actor=f"{agency}.caseworker",
                comment=f"خانوار پیگیری شد {marker}",
                to_state=task.state,
                version=task.version,
            )
        (health_task,) = session.exec(select(Task).where(Task.case_id == health.id)).all()
        secret_photo = attachments.attach_as_system(
            uow, SYSTEM, health, filename=f"{HEALTH_CASE}.png", data=_photo(), source="web"
        )
        joint_photo = attachments.attach_as_system(
            uow, SYSTEM, joint, filename="joint-programme.png", data=_photo(), source="web"
        )
        joint_photo.public = True
        session.add(joint_photo)
        world.ids.update(
            health_case=health.id,
            health_tracking=health.tracking_code,
            joint_case=joint.id,
            joint_tracking=joint.tracking_code,
            health_task=health_task.id,
            joint_health_task=tasks["health"].id,
            joint_library_task=tasks["library"].id,
            neighbourhood=nb.id,
            health_incident=_incident(session, "walk:health-case", health.id, health_task.id),
            joint_incident=_incident(session, "walk:joint-task", joint.id, tasks["health"].id),
            health_attachment=secret_photo.id,
            joint_attachment=joint_photo.id,
        )
        # Throwaway objects for the destructive admin routes to act on.
        victim = User(username="walk.victim", password_hash="!")
        session.add(victim)
        session.flush()
        assignment = RoleAssignment(user_id=victim.id, role="Caseworker", agency_code="library")  # type: ignore[arg-type]
        rule = RoutingRule(category="walk", service_code="library.mobile_visit")
        override = CalendarOverride(day=date(2031, 1, 1), name="walk")
        session.add_all([assignment, rule, override])
        session.flush()
        world.ids.update(
            victim=victim.id, assignment=assignment.id, rule=rule.id, override=override.id
        )
    return world
