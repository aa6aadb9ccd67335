"""The `hamyar` command as an operator uses it: real processes, real exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SHARED

FIXTURES = sorted((SHARED / "fixtures" / "dcworkflow").glob("*.xml"))


def hamyar(*args: str, db_url: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HAMYAR_DATABASE_URL": db_url}
    return subprocess.run(
        [sys.executable, "-m", "hamyar", *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=120,
    )


def test_plugins_json_lists_the_four_agencies(db_url: str) -> None:
    result = hamyar("plugins", "--json", db_url=db_url)
    assert result.returncode == 0, result.stderr
    agencies = {a for p in json.loads(result.stdout)["plugins"] for a in p["agencies"]}
    assert {"library", "municipality", "health", "welfare"} <= agencies


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_workflow_import_export_round_trip(fixture: Path, db_url: str, tmp_path: Path) -> None:
    from hamyar.core.workflow.dcworkflow import parse_definition

    # kept as it is (its Plone roles unmapped), so the export gives the very same file back
    imported = hamyar("workflow", "import", str(fixture), "--keep-unknown-roles", db_url=db_url)
    assert imported.returncode == 0, imported.stderr
    original = parse_definition(fixture.read_bytes())
    listed = hamyar("workflow", "list", db_url=db_url)
    assert original.id in listed.stdout
    shown = hamyar("workflow", "show", original.id, db_url=db_url)
    assert all(state in shown.stdout for state in original.states)
    assert all(t in shown.stdout for t in original.transitions)
    exported = hamyar("workflow", "export", original.id, db_url=db_url)
    assert exported.returncode == 0
    assert parse_definition(exported.stdout) == original


def test_malformed_xml_exits_2_with_one_line_and_no_traceback(db_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "definition.xml"
    bad.write_text("<dc-workflow workflow_id='x'><state state_id='a'>", encoding="utf-8")
    result = hamyar("workflow", "import", str(bad), db_url=db_url)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0 and "definition.xml" in result.stderr


def test_a_setting_that_does_not_parse_exits_2_naming_it(db_url: str) -> None:
    env = {**os.environ, "HAMYAR_DATABASE_URL": db_url, "HAMYAR_JOB_BATCH": "twenty"}
    result = subprocess.run(
        [sys.executable, "-m", "hamyar", "worker", "--burst"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "HAMYAR_JOB_BATCH" in result.stderr and "'twenty'" in result.stderr


def test_a_database_without_tables_exits_2_saying_to_upgrade(tmp_path: Path) -> None:
    result = hamyar("worker", "--burst", db_url=f"sqlite:///{tmp_path / 'empty.db'}")
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "hamyar db upgrade" in result.stderr


def test_unknown_workflow_exits_2(db_url: str) -> None:
    result = hamyar("workflow", "show", "nope", db_url=db_url)
    assert result.returncode == 2 and "nope" in result.stderr and "Traceback" not in result.stderr


def test_missing_file_exits_2(db_url: str, tmp_path: Path) -> None:
    result = hamyar("workflow", "import", str(tmp_path / "missing.xml"), db_url=db_url)
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_mermaid_diagram_of_the_case_workflow(db_url: str) -> None:
    result = hamyar("workflow", "show", "hamyar.case", "--format", "mermaid", db_url=db_url)
    assert result.returncode == 0
    assert result.stdout.startswith("stateDiagram-v2") and "in_progress" in result.stdout
