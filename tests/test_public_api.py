"""The public `hamyar` module is the whole contract with plugins, and Hamyar installs as one name.

A plugin package written from docs/plugins.md, outside this repository, is pip-installed and
loaded through its entry point like any third-party agency's; the wheel of Hamyar itself puts
nothing but `hamyar` into site-packages.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

import hamyar
from hamyar import Actor, Application, build_plugins, commands, prepare_database
from hamyar.core.routing.router import route_case

ROOT = Path(__file__).resolve().parents[1]

PLUGIN = '''
"""A kiosk agency, written only against the public module."""

from pydantic import BaseModel

from hamyar import (
    AgencySpec,
    DemoContext,
    HandlerContext,
    RouteProposal,
    RoutingContext,
    ServiceSpec,
    WorkflowDefinition,
    agency_state,
    direct_request,
    form_config,
    hookimpl,
    labelled,
    not_responsible,
    returned_state,
    user_transition,
)
from hamyar import roles as R


class VisitForm(BaseModel):
    model_config = form_config("بازدید", "Visit")

    school: str = labelled("نام مدرسه", "School name", max_length=200)


@hookimpl
def register_agencies(register):
    register(AgencySpec(code="kiosk", title_fa="کیوسک", title_en="Kiosk"))


@hookimpl
def register_workflows(register):
    register(
        WorkflowDefinition.build(
            "kiosk.visit",
            title="بازدید",
            initial_state="requested",
            states=[
                agency_state("requested", "درخواست‌شده", "Requested", ("book", "not_responsible")),
                agency_state("booked", "نوبت‌دهی‌شده", "Booked", terminal=True),
                returned_state(),
            ],
            transitions=[
                user_transition("book", "نوبت‌دهی", "Book", "booked", R.WORKERS),
                not_responsible(),
            ],
        )
    )


@hookimpl
def register_services(register):
    register(
        ServiceSpec(
            code="kiosk.visit", agency="kiosk", title_fa="بازدید", title_en="Visit",
            workflow="kiosk.visit", form=VisitForm, sla_days=5, categories=("culture",),
        )
    )


def noop(ctx: HandlerContext) -> None:
    return None


@hookimpl
def register_handlers(register):
    register("kiosk.noop", noop)


@hookimpl
def propose_routes(context: RoutingContext) -> list[RouteProposal]:
    direct = direct_request(context.case, "kiosk", reason="درخواست مستقیم از کیوسک")
    return [direct] if direct else []


@hookimpl
def load_demo_data(context: DemoContext) -> None:
    return None
'''

PYPROJECT = """
[build-system]
requires = ["setuptools>=77"]
build-backend = "setuptools.build_meta"

[project]
name = "kiosk-hamyar"
version = "0.1.0"

[tool.setuptools]
py-modules = ["kiosk_hamyar"]

[project.entry-points.hamyar]
kiosk = "kiosk_hamyar"
"""


def _pip(*args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def kiosk_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The kiosk plugin package, built and pip-installed into a folder of its own."""
    source = tmp_path_factory.mktemp("kiosk-src")
    (source / "pyproject.toml").write_text(textwrap.dedent(PYPROJECT), encoding="utf-8")
    (source / "kiosk_hamyar.py").write_text(PLUGIN, encoding="utf-8")
    site = tmp_path_factory.mktemp("kiosk-site")
    _pip("install", "--no-deps", "--no-build-isolation", "--target", str(site), str(source))
    return site


@pytest.fixture
def kiosk_installed(kiosk_site: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.syspath_prepend(str(kiosk_site))
    importlib.invalidate_caches()
    yield
    sys.modules.pop("kiosk_hamyar", None)


def test_a_plugin_written_from_the_docs_is_listed_by_the_cli(kiosk_site: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(kiosk_site)}
    done = subprocess.run(
        [sys.executable, "-m", "hamyar", "plugins", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    listed = json.loads(done.stdout)
    kiosk = next(p for p in listed["plugins"] if p["name"] == "kiosk")
    assert kiosk["agencies"] == ["kiosk"]
    assert [s["code"] for s in kiosk["services"]] == ["kiosk.visit"]
    assert kiosk["workflows"] == ["kiosk.visit"] and kiosk["handlers"] == ["kiosk.noop"]
    assert not [f for f in listed["failures"] if f["plugin"] == "kiosk"]


def test_a_plugin_written_from_the_docs_routes_its_own_cases(
    kiosk_installed: None, engine: Engine
) -> None:
    app = Application.build(plugins=build_plugins(), engine=engine)
    assert "kiosk.visit" in app.registry.services, app.registry.failures
    prepare_database(app)
    clerk = Actor.from_assignments("clerk", [("Caseworker", "kiosk")])
    case = commands.open_case(
        app.unit_of_work(),
        clerk,
        service="kiosk.visit",
        title="بازدید از مدرسه",
        data={"school": "شهید بهشتی"},
        channel="api",
    )
    assert case.id is not None
    with app.unit_of_work() as uow:
        result = route_case(uow.session, case.id, app.registry, pm=app.pm)
    assert result.outcome == "routed" and result.primary_service == "kiosk.visit"


def test_every_public_name_is_importable() -> None:
    missing = [name for name in hamyar.__all__ if not hasattr(hamyar, name)]
    assert missing == []
    assert hamyar.hookimpl.project_name == "hamyar"


def test_the_wheel_installs_only_the_hamyar_package(tmp_path: Path) -> None:
    source = tmp_path / "src"  # a copy: building in place would leave build/ in the checkout
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(".git", ".venv", ".build", "build", "*.egg-info", ".*cache*"),
    )
    _pip("wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), str(source))
    (wheel,) = tmp_path.glob("hamyar-*.whl")
    tops = {name.split("/", 1)[0] for name in zipfile.ZipFile(wheel).namelist()}
    assert tops == {"hamyar", next(t for t in tops if t.endswith(".dist-info"))}
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "hamyar/__init__.py" in names and "hamyar/core/web/templates/base.html" in names
    assert "hamyar/core/web/static/hamyar.css" in names and "hamyar/core/geo/iran.json" in names
    assert "hamyar/core/storage/migrations/versions/0001_initial_schema.py" in names
    assert "hamyar/plugins/library/migrations/library_0001_timetable_tables.py" in names
    assert "hamyar/plugins/welfare/__init__.py" in names and "hamyar/workers/jobs.py" in names


def test_importing_a_part_of_hamyar_does_not_load_the_web_app_or_the_cli() -> None:
    probe = (
        "import hamyar.core.storage.models, sys; "
        "print(sorted({'litestar', 'typer'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd="/")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    assert set(hamyar.__all__) == set(hamyar._EXPORTS)
