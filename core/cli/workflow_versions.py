"""`hamyar workflow versions|diff|migrate`: a workflow's stored versions and moving running
cases between them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from hamyar.core.cli import fail

if TYPE_CHECKING:
    from hamyar.core.application.context import Application


def register(app: typer.Typer) -> None:
    """Nothing at the top level: `add_version_commands` adds these under `hamyar workflow`."""


def _prepared() -> Application:
    """The CLI's application with the plugins' workflows recorded as versions (they may be newer
    than what the database last saw)."""
    from hamyar.core.application.setup import prepare_database
    from hamyar.core.cli._context import cli_application

    app = cli_application()
    prepare_database(app)
    return app


def add_version_commands(wf: typer.Typer) -> None:
    @wf.command("versions")
    def versions_command(workflow_id: str) -> None:
        """A workflow's versions, newest last, with how many open cases and tasks run on each."""
        from hamyar.core.storage.workflow_versions import running_counts, versions_of

        app = _prepared()
        with app.read_session() as session:
            rows = versions_of(session, workflow_id)
            counts = running_counts(session, workflow_id)
        if not rows:
            raise fail(
                f"no versions of workflow {workflow_id!r}; `hamyar workflow list` shows them"
            )
        newest = rows[-1].number
        for row in rows:
            cases, tasks = counts.get(row.number, (0, 0))
            mark = "  (newest)" if row.number == newest else ""
            typer.echo(
                f"{row.number}\t{row.created_at:%Y-%m-%d %H:%M}\t{row.source}\t"
                f"{cases} open cases, {tasks} open tasks\t{row.content_hash[:12]}{mark}"
            )

    @wf.command("diff")
    def diff_command(workflow_id: str, v1: int, v2: int) -> None:
        """What changed from version V1 to V2: states, transitions, guards, permission maps,
        variables."""
        from hamyar.core.storage.workflow_versions import definition_at
        from hamyar.core.workflow import WorkflowError
        from hamyar.core.workflow.diff import diff_definitions

        app = _prepared()
        with app.read_session() as session:
            try:
                old = definition_at(session, app.registry, workflow_id, v1)
                new = definition_at(session, app.registry, workflow_id, v2)
            except WorkflowError as exc:
                raise fail(f"{exc}; `hamyar workflow versions {workflow_id}` lists them") from None
        lines = diff_definitions(old, new)
        typer.echo("\n".join(lines) if lines else f"versions {v1} and {v2} are the same")

    @wf.command("migrate")
    def migrate_command(
        workflow_id: str,
        to: int = typer.Option(..., "--to", help="The version to move running cases to."),
        map_: list[str] = typer.Option(
            [], "--map", help="OLD_STATE=NEW_STATE; repeat. A state both versions have stays."
        ),
        dry_run: bool = typer.Option(
            False, "--dry-run", help="List what would move; move nothing."
        ),
        batch: int = typer.Option(200, "--batch", min=1, help="Items moved per transaction."),
    ) -> None:
        """Move every open case and task of the workflow to version N, each with a history entry."""
        from hamyar.core.application import administration as admin
        from hamyar.core.auth.actor import OPERATOR
        from hamyar.core.engine.migration import MigrationRefused
        from hamyar.core.exceptions import InvalidInput, NotFound
        from hamyar.core.workflow import WorkflowError

        state_map: dict[str, str] = {}
        for pair in map_:
            old, sep, new = pair.partition("=")
            if not sep or not old.strip() or not new.strip():
                raise fail(f"--map {pair!r}: write it as OLD_STATE=NEW_STATE")
            state_map[old.strip()] = new.strip()
        app = _prepared()
        try:
            plan = admin.migrate_workflow(
                app.unit_of_work(),
                OPERATOR,
                workflow_id,
                to,
                state_map,
                dry_run=dry_run,
                batch=batch,
            )
        except MigrationRefused as exc:
            for move in exc.plan.refused:
                typer.echo(
                    f"refused\t{move.kind} {move.id}\tcase {move.case_id}\t"
                    f"v{move.from_version}\t{move.from_state}\t(no mapping)"
                )
            raise fail(str(exc)) from None
        except (InvalidInput, NotFound, WorkflowError) as exc:
            raise fail(str(exc)) from None
        verb = "would move" if dry_run else "moved"
        for move in plan.moves:
            typer.echo(
                f"{verb}\t{move.kind} {move.id}\tcase {move.case_id}\t"
                f"v{move.from_version} → v{plan.to_version}\t{move.from_state} → {move.to_state}"
            )
        typer.echo(f"{verb} {len(plan.moves)} item(s) of {workflow_id} to version {to}")
