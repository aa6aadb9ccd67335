"""`hamyar workflow list|show|import|export`: workflows from plugins and DCWorkflow XML.

The commands about versions (`versions`, `diff`, `migrate`) live in `workflow_versions`.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from hamyar.core.cli import fail


class Format(StrEnum):
    text = "text"
    mermaid = "mermaid"
    dot = "dot"


def register(app: typer.Typer) -> None:
    wf = typer.Typer(help="Workflow definitions (DCWorkflow semantics).", no_args_is_help=True)
    app.add_typer(wf, name="workflow")

    @wf.command("list")
    def list_command() -> None:
        """The workflows the plugins and the database hold."""
        from hamyar.core.cli._context import cli_application
        from hamyar.core.storage.workflow_store import all_workflows

        app = cli_application()
        with app.read_session() as session:
            for wid, stored in all_workflows(session, app.registry).items():
                d = stored.definition
                typer.echo(
                    f"{wid}\t{d.title or d.title_en}\t{len(d.states)} states, "
                    f"{len(d.transitions)} transitions\t{stored.source}"
                )

    @wf.command("show")
    def show_command(
        workflow_id: str,
        format: Format = typer.Option(Format.text, "--format", help="text, mermaid or dot."),
    ) -> None:
        """A workflow's states and transitions, as text or as a diagram source."""
        from hamyar.core.cli._context import cli_application
        from hamyar.core.exceptions import NotFound
        from hamyar.core.storage.workflow_store import get_workflow
        from hamyar.core.workflow.render import render_dot, render_mermaid, render_text

        render = {Format.text: render_text, Format.mermaid: render_mermaid, Format.dot: render_dot}
        app = cli_application()
        with app.read_session() as session:
            try:
                stored = get_workflow(session, app.registry, workflow_id)
            except NotFound as exc:
                raise fail(str(exc)) from None
        typer.echo(render[format](stored.definition))

    @wf.command("import")
    def import_command(
        file: Path = typer.Argument(..., help="A DCWorkflow definition.xml"),
        role: list[str] = typer.Option(
            [],
            "--role",
            help="PLONE_ROLE=HAMYAR_ROLE (several roles: A,B; none: empty); repeat for each.",
        ),
        site_permission: list[str] = typer.Option(
            [],
            "--site-permission",
            help="PERMISSION=ROLE[,ROLE]: who holds a guard's permission the workflow does not "
            "map (Plone's site role map, e.g. 'Review portal content=Supervisor'); repeat.",
        ),
        keep_unknown_roles: bool = typer.Option(
            False,
            "--keep-unknown-roles",
            help="Store it with roles nobody holds here, to read or export (it cannot be bound).",
        ),
    ) -> None:
        """Read a DCWorkflow (GenericSetup) definition.xml into the database, as a new version."""
        from hamyar.core.application import administration as admin
        from hamyar.core.auth.actor import OPERATOR
        from hamyar.core.cli._context import cli_application
        from hamyar.core.exceptions import InvalidInput
        from hamyar.core.workflow.dcworkflow import DefinitionXMLError
        from hamyar.core.workflow.role_map import RoleMapError, parse_role_map

        try:
            role_map = parse_role_map(role)
            grants = parse_role_map(site_permission, option="--site-permission")
        except RoleMapError as exc:
            raise fail(str(exc)) from None
        try:
            xml = file.read_bytes()
        except OSError as exc:
            raise fail(f"cannot read {file}: {exc.strerror}") from None
        try:
            definition = admin.import_workflow(
                cli_application().unit_of_work(),
                OPERATOR,
                xml,
                role_map=role_map,
                site_permissions=grants,
                keep_unknown_roles=keep_unknown_roles,
            )
        except (DefinitionXMLError, InvalidInput) as exc:
            raise fail(f"{file}: {exc}") from None
        for warning in definition.warnings:
            typer.echo(f"warning: {warning}", err=True)
        typer.echo(
            f"imported {definition.id} ({len(definition.states)} states, "
            f"{len(definition.transitions)} transitions)"
        )

    @wf.command("export")
    def export_command(workflow_id: str) -> None:
        """Write a workflow as DCWorkflow definition.xml to standard output."""
        from hamyar.core.cli._context import cli_application
        from hamyar.core.exceptions import NotFound
        from hamyar.core.storage.workflow_store import get_workflow
        from hamyar.core.workflow.dcworkflow import dump_definition

        app = cli_application()
        with app.read_session() as session:
            try:
                stored = get_workflow(session, app.registry, workflow_id)
            except NotFound as exc:
                raise fail(str(exc)) from None
        typer.echo(dump_definition(stored.definition), nl=False)

    from hamyar.core.cli.workflow_versions import add_version_commands

    add_version_commands(wf)
