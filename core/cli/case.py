"""`hamyar case services|assign|reassign`: a coordinator's routing, scripted by an operator.

An operator clearing a backlog of triage (after a new agency joins, say) routes cases from a
shell loop instead of a page at a time. These call the same application commands as the API
and the UI, as the server's operator (who administers it already); the version each command
checks is read just before, so a script never has to carry one, yet a case someone changes in
between is still refused (exit 2) rather than routed twice.
"""

from __future__ import annotations

import json

import typer

from hamyar.core.cli import fail

case_app = typer.Typer(
    help="Route cases: the service picker, assign, reassign.", no_args_is_help=True
)


@case_app.command("services")
def services(
    case_id: int = typer.Argument(..., help="The case's id."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """The services a case may be assigned to, those whose routing covers it first."""
    from hamyar.core.application.assignment import choices
    from hamyar.core.auth.actor import OPERATOR
    from hamyar.core.cli._context import cli_application

    app = cli_application()
    with app.read_session() as session:
        case, found, reason = choices(session, OPERATOR, case_id, app.plugins)
        rows = [
            {
                "service": c.spec.code,
                "agency": c.spec.agency,
                "covers": c.covers,
                "reason": c.reason,
                "taken": c.taken,
            }
            for c in found
        ]
        state = case.state
    if as_json:
        typer.echo(json.dumps({"state": state, "triage_reason": reason, "services": rows}))
        return
    typer.echo(f"case {case_id}: {state}" + (f" — {reason}" if reason else ""))
    for row in rows:
        mark = "*" if row["covers"] else " "
        taken = " (has an open task)" if row["taken"] else ""
        typer.echo(
            f"{mark} {row['service']}{taken}" + (f"  {row['reason']}" if row["reason"] else "")
        )


@case_app.command("assign")
def assign(
    case_id: int = typer.Argument(..., help="The case's id."),
    service: list[str] = typer.Option(..., "--service", help="A service code; repeatable."),
    reason: str = typer.Option(..., "--reason", help="Why these services (kept in the history)."),
) -> None:
    """Open tasks for the services on a case in triage (the first is primary) or in progress."""
    from hamyar.core.application import assignment
    from hamyar.core.auth.actor import OPERATOR
    from hamyar.core.cli._context import cli_application
    from hamyar.core.storage.models import Case

    app = cli_application()
    with app.read_session() as session:
        case = session.get(Case, case_id)
        if case is None:
            raise fail(f"no case {case_id}")
        version = case.version
    with app.unit_of_work() as uow:
        _case, tasks = assignment.assign(
            uow, OPERATOR, case_id, services=service, reason=reason, version=version
        )
        opened = [(t.id, t.service_code, t.kind) for t in tasks]
    for task_id, code, kind in opened:
        typer.echo(f"task {task_id}: {code} ({kind})")


@case_app.command("reassign")
def reassign(
    task_id: int = typer.Argument(..., help="The open task's id."),
    service: str = typer.Option(..., "--service", help="The service to move the task to."),
    reason: str = typer.Option(..., "--reason", help="Why (kept in the history)."),
) -> None:
    """Move an open task to another service: it closes with the reason, a new one opens."""
    from hamyar.core.application import assignment
    from hamyar.core.auth.actor import OPERATOR
    from hamyar.core.cli._context import cli_application
    from hamyar.core.storage.models import Task

    app = cli_application()
    with app.read_session() as session:
        task = session.get(Task, task_id)
        if task is None:
            raise fail(f"no task {task_id}")
        version = task.version
    with app.unit_of_work() as uow:
        _old, new = assignment.reassign(
            uow, OPERATOR, task_id, service=service, reason=reason, version=version
        )
        opened = (new.id, new.service_code)
    typer.echo(f"task {task_id} closed; task {opened[0]}: {opened[1]}")


def register(app: typer.Typer) -> None:
    app.add_typer(case_app, name="case")
