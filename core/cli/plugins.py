"""`hamyar plugins`: what is installed, and what each plugin contributes."""

from __future__ import annotations

import json
from typing import Any

import typer

from hamyar.core.cli._context import cli_plugins


def describe_plugins() -> list[dict[str, Any]]:
    """One entry per loaded plugin: its agency, services, workflows, handlers and hooks."""
    plugins = cli_plugins()
    registry = plugins.registry
    rows = []
    for name, plugin in plugins.pm.list_name_plugin():
        owned = {key.split(":", 1)[1] for key, owner in registry.owners.items() if owner == name}
        rows.append(
            {
                "name": name,
                "agencies": [a.code for a in registry.agencies.values() if a.code in owned],
                "services": [
                    {
                        "code": s.code,
                        "agency": s.agency,
                        "title_fa": s.title_fa,
                        "title_en": s.title_en,
                        "workflow": s.workflow,
                        "confidential": s.confidential,
                        "sla_days": s.sla_days,
                        "sla_hours": s.sla_hours,
                        "categories": list(s.categories),
                        "schema": s.form_schema(),
                    }
                    for s in registry.services.values()
                    if registry.owner("service", s.code) == name
                ],
                "workflows": sorted(
                    w for w in registry.workflows if registry.owner("workflow", w) == name
                ),
                "handlers": sorted(
                    h for h in registry.handlers if registry.owner("handler", h) == name
                ),
                "periodic_jobs": sorted(
                    j for j in registry.periodic_jobs if registry.owner("periodic job", j) == name
                ),
                "hooks": sorted(h.name for h in plugins.pm.get_hookcallers(plugin) or []),
            }
        )
    return rows


def register(app: typer.Typer) -> None:
    @app.command("plugins")
    def plugins_command(
        as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    ) -> None:
        """Installed plugins: agency, services, workflows, hooks implemented."""
        rows = describe_plugins()
        failures = [vars(f) for f in cli_plugins().registry.failures]
        if as_json:
            typer.echo(
                json.dumps({"plugins": rows, "failures": failures}, ensure_ascii=False, indent=2)
            )
            return
        from rich.console import Console
        from rich.table import Table

        table = Table("plugin", "agency", "services", "workflows", "hooks")
        for row in rows:
            table.add_row(
                row["name"],
                ", ".join(row["agencies"]),
                "\n".join(s["code"] for s in row["services"]),
                "\n".join(row["workflows"]),
                ", ".join(row["hooks"]),
            )
        console = Console()
        console.print(table)
        for failure in failures:
            console.print(
                f"[red]failed[/red] {failure['plugin']} in {failure['hook']}: {failure['error']}"
            )
