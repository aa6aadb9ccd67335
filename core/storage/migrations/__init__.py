"""Alembic migrations, run by `hamyar db upgrade` (the database named by HAMYAR_DATABASE_URL).

The schema is one Alembic history with one branch per owner: the core's revisions (`versions/`
here, branch `core`) and a branch for every plugin that registers a folder of its own revisions
through the `register_migrations` hook, labelled with the plugin's name (`library`). Each owner
can then change its tables on its own schedule, and `hamyar db downgrade library@base` takes one
plugin's tables out without touching anything else.

A disabled plugin (HAMYAR_DISABLE_PLUGINS) is left alone: its branch is neither applied nor
removed. Its revisions are still read, because the database may already hold one of them and
Alembic must know every revision the database names before it can move any branch.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pluggy
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from hamyar.core.exceptions import HamyarError

HERE = Path(__file__).parent
VERSIONS = HERE / "versions"
CORE_BRANCH = "core"
"""The branch label of the core's own revisions (on its first revision, "0001")."""

UNMANAGED_PREFIXES = ("case_fts", "ix_case_search_trgm")
"""Search-index objects `hamyar.core.cases.search` creates by hand (FTS5 tables, a trigram
index)."""


class MigrationError(HamyarError):
    """A migration asked for that cannot be carried out as asked: an unknown branch, a disabled
    plugin's branch, a plugin whose revisions do not form a branch of its name."""


EXPRESSION_INDEXES = ("ix_task_open_urgency",)
"""Indexes on an expression, which autogenerate can neither reflect (SQLite) nor compare
(PostgreSQL writes the expression back its own way): the model and the migration declare them
alike, and `tests/test_migrations.py` checks that an upgraded database has them."""


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Leave the hand-made search index and the expression indexes out of autogenerate's
    comparisons."""
    if type_ == "index" and name in EXPRESSION_INDEXES:
        return False
    return not (reflected and name and name.startswith(UNMANAGED_PREFIXES))


def plugin_migration_folders(pm: pluggy.PluginManager | None = None) -> dict[str, Path]:
    """Plugin name → the folder of its revisions, for every installed plugin that registers one.

    Without `pm`, every installed plugin is asked, the disabled ones too (see the module's
    docstring); `upgrade` and `downgrade` leave a disabled plugin's branch alone themselves.
    """
    if pm is None:
        from hamyar.core.plugin.manager import make_plugin_manager

        pm = make_plugin_manager()
    folders: dict[str, Path] = {}
    for impl in reversed(pm.hook.register_migrations.get_hookimpls()):
        plugin = impl.plugin_name

        def register(path: str | os.PathLike[str], _plugin: str = plugin) -> None:
            if _plugin in folders:
                raise MigrationError(f"plugin {_plugin} registers more than one migrations folder")
            folder = Path(path)
            if not folder.is_dir():
                raise MigrationError(
                    f"plugin {_plugin} registers migrations in {folder}, which is not a folder"
                )
            folders[_plugin] = folder

        try:
            impl.function(register=register)
        except MigrationError:
            raise
        except Exception as exc:
            raise MigrationError(
                f"plugin {plugin} failed to register its migrations: {type(exc).__name__}: {exc}"
            ) from exc
    return folders


def alembic_config(url: str, folders: Mapping[str, Path] | None = None) -> Config:
    """The Alembic configuration for `url`, reading the core's revisions and the plugins'
    (`folders`, as `plugin_migration_folders` gives them)."""
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("path_separator", "os")
    locations = [VERSIONS, *(folders or {}).values()]
    config.set_main_option(
        "version_locations", os.pathsep.join(str(p).replace("%", "%%") for p in locations)
    )
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _script(config: Config, folders: Mapping[str, Path]) -> ScriptDirectory:
    """The script directory, once each plugin's revisions are checked to form its own branch."""
    script = ScriptDirectory.from_config(config)
    for plugin, folder in folders.items():
        revisions = [
            r for r in script.walk_revisions() if Path(r.path).parent.resolve() == folder.resolve()
        ]
        roots = [r for r in revisions if not r.down_revision]
        if len(roots) != 1 or plugin not in roots[0].branch_labels:
            raise MigrationError(
                f"plugin {plugin}'s migrations in {folder} must start with one revision "
                f'labelled branch_labels = ("{plugin}",)'
            )
    return script


def branches(folders: Mapping[str, Path]) -> list[str]:
    """The branch names, the core's first (plugin branches depend on it)."""
    return [CORE_BRANCH, *sorted(folders)]


def upgrade(
    url: str,
    revision: str = "heads",
    *,
    disabled: Iterable[str] = (),
    pm: pluggy.PluginManager | None = None,
) -> list[str]:
    """Bring the database up to `revision`; by default (`head`/`heads`) every branch but the
    disabled plugins' to its newest revision, the core's first. Returns the branches moved.

    Run twice, the second run changes nothing: each branch is at its head already.
    """
    folders = plugin_migration_folders(pm)
    config = alembic_config(url, folders)
    _script(config, folders)
    blocked = set(disabled)
    if revision in ("head", "heads"):
        targets = [b for b in branches(folders) if b not in blocked]
        for branch in targets:
            command.upgrade(config, f"{branch}@head")
        return targets
    named = _branch_of(revision, folders, blocked, required=False)
    command.upgrade(config, revision)
    return [named] if named else []


def downgrade(
    url: str,
    target: str,
    *,
    disabled: Iterable[str] = (),
    pm: pluggy.PluginManager | None = None,
) -> str:
    """Take one branch down to `BRANCH@REV` (`library@base` removes the library's tables).

    Returns the branch. A bare revision is refused: with a branch per plugin, "down to 0005"
    alone does not say whose tables may go.
    """
    folders = plugin_migration_folders(pm)
    config = alembic_config(url, folders)
    _script(config, folders)
    branch = _branch_of(target, folders, set(disabled), required=True)
    command.downgrade(config, target)
    return branch or ""


def _branch_of(
    revision: str, folders: Mapping[str, Path], disabled: set[str], *, required: bool
) -> str | None:
    """The branch `revision` names (`library@base` → `library`), checked to be movable."""
    branch, at, rev = revision.partition("@")
    known = branches(folders)
    if not at or not branch or not rev:
        if required:
            raise MigrationError(
                f"name a branch and a revision, as in library@base or core@0005, not {revision!r};"
                f" the branches are {', '.join(known)}"
            )
        return None
    if branch in disabled:
        raise MigrationError(
            f"plugin {branch} is disabled (HAMYAR_DISABLE_PLUGINS), so its branch is left alone;"
            " enable it to migrate its tables"
        )
    if branch not in known:
        raise MigrationError(
            f"there is no migration branch {branch!r}; the branches are {', '.join(known)}"
        )
    return branch


def current_heads(folders: Mapping[str, Path] | None = None) -> tuple[str, ...]:
    """The newest revision of every branch (the core's and the plugins' given in `folders`)."""
    config = alembic_config("sqlite://", folders)
    return tuple(ScriptDirectory.from_config(config).get_heads())
