"""`/admin/plugins` and `/admin/workflows/{id}`: a Manager binds a workflow to a service from the
page; everyone who reads the page sees each workflow's versions and the cases running on them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from hamyar.core.application import administration as admin
from hamyar.core.application.context import Application
from hamyar.core.auth.actor import OPERATOR
from hamyar.core.auth.users import create_user
from hamyar.core.storage.workflow_store import bindings
from hamyar.core.workflow import roles as R
from tests.web.apps import app_for
from tests.web.test_ui import TOKEN, log_in
from tests.web.ui_world import PASSWORD, SERVICE, build_world, ui_plugins

SIMPLE = Path(__file__).parents[1] / "fixtures" / "dcworkflow" / "simple_publication_workflow.xml"
ONE_STATE = SIMPLE.with_name("one_state_workflow.xml")
ROLES = {
    "Owner": (R.CASEWORKER,),
    "Editor": (R.CASEWORKER,),
    "Contributor": (R.CASEWORKER,),
    "Reviewer": (R.SUPERVISOR,),
    "Reader": (R.AUDITOR,),
    "Anonymous": (R.AUDITOR,),
    "Site Administrator": (R.MANAGER,),
}
FORM = re.compile(r'action="/admin/services/([^"]+)/workflow"')


@pytest.fixture
def site(engine: Engine) -> Iterator[TestClient]:  # type: ignore[type-arg]
    plugins = ui_plugins()
    with Session(engine, expire_on_commit=False) as session:
        build_world(session, plugins)
        create_user(session, "manager", PASSWORD, roles=["Manager"], full_name="مدیر")
        session.commit()
    app = Application.build(plugins=plugins, engine=engine)
    admin.import_workflow(app.unit_of_work(), OPERATOR, ONE_STATE.read_bytes(), role_map=ROLES)
    admin.import_workflow(
        app.unit_of_work(), OPERATOR, SIMPLE.read_bytes(), keep_unknown_roles=True
    )
    with TestClient(app_for(plugins=plugins, engine=engine)) as client:
        yield client


def bind(client: TestClient, workflow: str) -> object:  # type: ignore[type-arg]
    page = client.get("/admin/plugins").text
    token = TOKEN.search(page)
    assert token
    return client.post(
        f"/admin/services/{SERVICE}/workflow",
        data={"workflow": workflow, "_csrf_token": token.group(1)},
        follow_redirects=False,
    )


def test_a_manager_binds_an_imported_workflow_and_the_page_says_so(
    site: TestClient,
    engine: Engine,  # type: ignore[type-arg]
) -> None:
    log_in(site, "manager")
    page = site.get("/admin/plugins").text
    assert SERVICE in FORM.findall(page)
    assert 'value="one_state_workflow"' in page  # imported workflows are offered beside plugins'
    response = bind(site, "one_state_workflow")
    assert response.status_code == 303  # type: ignore[attr-defined]
    with Session(engine) as session:
        assert bindings(session) == {SERVICE: "one_state_workflow"}
    page = site.get("/admin/plugins").text
    row = page[page.index(f'id="service-{SERVICE.replace(".", "-")}"') :]
    row = row[: row.index("</tr>")]
    assert 'href="/admin/workflows/one_state_workflow"' in row and "تعیین‌شده" in row


def test_a_workflow_that_cannot_run_comes_back_with_its_problems_and_binds_nothing(
    site: TestClient,
    engine: Engine,  # type: ignore[type-arg]
) -> None:
    log_in(site, "manager")
    response = bind(site, "simple_publication_workflow")
    assert response.status_code == 422  # type: ignore[attr-defined]
    text = response.text  # type: ignore[attr-defined]
    assert "این گردش کار نمی‌تواند این خدمت را پیش ببرد" in text
    assert "Reviewer" in text and "Site Administrator" in text
    assert bind(site, "").status_code == 422  # type: ignore[attr-defined]
    with Session(engine) as session:
        assert bindings(session) == {}


@pytest.mark.parametrize("who", ["auditor", "coordinator"])
def test_readers_see_no_bind_form_and_may_not_post_one(site: TestClient, who: str) -> None:  # type: ignore[type-arg]
    log_in(site, who)
    page = site.get("/admin/plugins")
    assert page.status_code == 200 and not FORM.findall(page.text)
    token = TOKEN.search(page.text)
    assert token
    response = site.post(
        f"/admin/services/{SERVICE}/workflow",
        data={"workflow": "one_state_workflow", "_csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert response.status_code == 403


def test_the_workflow_page_lists_versions_with_the_cases_on_each(site: TestClient) -> None:  # type: ignore[type-arg]
    log_in(site, "auditor")
    page = site.get("/admin/workflows/hamyar.case?")
    assert page.status_code == 200
    assert 'id="versions"' in page.text and 'data-version="1"' in page.text
    version = page.text[page.text.index('data-version="1"') :]
    cells = re.findall(r"<td>([^<]*)</td>", version[: version.index("</tr>")])
    assert "۱" in cells  # the world's one open case runs on version 1
    imported = site.get("/admin/workflows/one_state_workflow")
    assert imported.status_code == 200 and "وارد‌شده از XML" in imported.text
    overview = site.get("/admin/plugins").text
    assert 'data-workflow="one_state_workflow"' in overview
    assert site.get("/admin/workflows/nope").status_code == 404
