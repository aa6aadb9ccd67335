"""Who holds the demo's open tasks: some claimed, some assigned by a supervisor, the rest left in
the agency's unassigned queue, so "my tasks", the queue and the team's counts all show something
in the first minute.

Which task goes where follows from its case's tracking code, so every load makes the same
choice; it runs once per case, when `add_cases` first drives it (before its history is spread
over the past), so a second load changes nothing and never undoes what a visitor did.
"""

from __future__ import annotations

import zlib

from sqlmodel import Session, col, select

from hamyar.core.cases.ownership import handover
from hamyar.core.demo_data.users import actor_for
from hamyar.core.engine import ownership as engine
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.models import Case, Task


def share_out_tasks(session: Session, registry: Registry, case: Case) -> int:
    """Give the case's open agency tasks their demo owners; return how many now have one.

    A third is claimed by the agency's caseworker, a third assigned by its supervisor to the
    second caseworker, a third stays unassigned. Offered referrals stay with the agency that
    has yet to accept them.
    """
    tasks = session.exec(
        select(Task)
        .where(col(Task.case_id) == case.id, col(Task.resolved_at).is_(None))
        .order_by(col(Task.id))
    ).all()
    owned = 0
    for task in tasks:
        if task.assignee is not None or task.state == "offered":
            continue
        choice = zlib.crc32(f"{case.tracking_code}:{task.agency_code}".encode()) % 3
        if choice == 0:
            worker = actor_for(f"{task.agency_code}.caseworker", registry)
            engine.change_task(
                session,
                task,
                worker,
                engine.CLAIM,
                {"assignee": worker.username},
                comment=handover(None, worker.username),
            )
        elif choice == 1:
            supervisor = actor_for(f"{task.agency_code}.supervisor", registry)
            second = f"{task.agency_code}.caseworker2"
            engine.change_task(
                session,
                task,
                supervisor,
                engine.ASSIGN,
                {"assignee": second},
                comment=handover(None, second),
            )
        else:
            continue
        owned += 1
    return owned
