"""The case page's casework forms without a browser: what each person is offered, and what a
refused form says."""

# ruff: noqa: F811  (the `site` fixture is imported from tests/web/test_ui.py)

from __future__ import annotations

from tests.web.test_ui import log_in, site  # noqa: F401  (fixture)


def test_a_caseworker_adds_a_note_and_a_bad_correction_is_named_beside_its_field(site) -> None:  # type: ignore[no-untyped-def]
    client, world = site
    token = log_in(client)
    page = client.get(f"/cases/{world.case_id}").text
    assert 'id="note-form"' in page and 'id="edit"' in page
    response = client.post(
        f"/cases/{world.case_id}/notes",
        data={"text": "یادداشت داخلی", "visibility": "agency", "_csrf_token": token},
        headers={"hx-request": "true"},
    )
    assert response.status_code == 200 and "یادداشت داخلی" in response.text
    response = client.post(
        f"/cases/{world.case_id}/edit",
        data={
            "title": "عنوان تازه",
            "description": "",
            "neighbourhood": str(world.neighbourhood_id),
            "data.household_size": "۹۹",
            "version": "2",
            "_csrf_token": token,
        },
        headers={"hx-request": "true"},
    )
    assert response.status_code == 422
    assert 'data-field="household_size"' in response.text and "field-error" in response.text
    assert 'value="عنوان تازه"' in response.text  # what was typed is kept
    stale = client.post(
        f"/cases/{world.case_id}/edit",
        data={"title": "دیگر", "version": "1", "_csrf_token": token},
        headers={"hx-request": "true"},
    )
    assert stale.status_code == 409 and "flash conflict" in stale.text


def test_an_auditor_gets_no_casework_form_and_cannot_post_one(site) -> None:  # type: ignore[no-untyped-def]
    client, world = site
    token = log_in(client, "auditor")
    page = client.get(f"/cases/{world.case_id}").text
    for form in ('id="note-form"', 'id="edit"', 'id="reopen-form"', 'id="duplicate"'):
        assert form not in page
    assert 'href="/cases/new"' not in client.get("/").text
    assert client.get("/cases/new").status_code == 403
    response = client.post(
        f"/cases/{world.case_id}/notes",
        data={"text": "x", "visibility": "shared", "_csrf_token": token},
    )
    assert response.status_code == 403


def test_the_original_picker_lists_only_cases_the_reader_may_see(site) -> None:  # type: ignore[no-untyped-def]
    client, world = site
    log_in(client, "coordinator")
    found = client.get(f"/cases/{world.case_id}/original-picker?q=حصارک").text
    assert str(world.tracking_code) not in found  # never the case itself
    assert "No case found" in found or "پرونده‌ای" in found
