"""Every UI page, for every kind of demo login, reads in one language.

The world is the demo data set (every agency plugin, 300-odd cases in every state), and the
pages are the UI routes of the app's own route table, with ids that exist in it: a case of
each agency, a triage case, a duplicate, every worklist a login has, every workflow diagram,
search with results, reports (and a report date that is refused), the queue, the admin pages,
and the error pages 403, 404 and 422. Each is read as the admin, the coordinator, the auditor,
and a caseworker and a supervisor of two agencies, in Persian and in English.

What counts as text and what is data is `language_sweep`'s: text nodes and the attributes
people read (tooltips, aria-labels, placeholders), minus what the templates mark as data with
`translate="no"` (what people typed, usernames, codes). On a Persian page no Latin word may
remain outside `LATIN_ALLOWED`; on an English page no Persian word.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from hamyar.core.application.context import Application
from hamyar.core.auth.access import publicly_readable_cases
from hamyar.core.cases.status import public_state
from hamyar.core.demo_data import load_demo_data
from hamyar.core.engine.notifications import opt_out_token
from hamyar.core.storage.models import Case, Notification
from hamyar.core.storage.settings import get_settings
from hamyar.core.web.app import create_app
from hamyar.core.web.csrf import CSRF_COOKIE
from hamyar.core.web.rate_limits import fresh_stores
from hamyar.core.web.ui.page import LOCALE_COOKIE
from tests.web.language_sweep import foreign_snippets, foreign_words
from tests.web.test_route_walk import route_table

LOGINS = (
    "admin",
    "coordinator",
    "auditor",
    "municipality.caseworker",
    "municipality.supervisor",
    "welfare.caseworker",
    "welfare.supervisor",
)
NOT_PAGES = (
    "/api/",
    "/schema",
    "/open311/",
    "/static/",
    "/events",
    "/health",
    "/metrics",
    "/sms/",
)
"""GET routes that are not pages a person reads (JSON, files, streams, probes)."""
SPECIAL = ("/locale/{language:str}", "/login")
"""Pages asked for apart: the switch redirects; the login page is read signed out."""
EXTRA = (
    "/search?q=%D8%A8%D8%B1%D9%86%D8%A7%D9%85%D9%87",  # "برنامه": many results
    "/reports?group_by=agency",
    "/reports?group_by=service",
    "/reports?group_by=state",
    "/reports?from=1405-13-40",  # a refused date: the error beside its field
    "/cases/99999999",  # 404
    "/status/1234567890",  # a code nobody has: the citizen's "not found"
    "/no-such-page",  # 404
)
_TOKEN = re.compile(r'name="_csrf_token" value="([^"]+)"')


@pytest.fixture
def demo(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Litestar, Application]]:
    # The sweep reads every status page in both languages for each login, from one address.
    monkeypatch.setenv("HAMYAR_PUBLIC_LOOKUPS_PER_MINUTE", "100000")
    get_settings.cache_clear()
    application = Application.build(engine=engine)
    load_demo_data(application)
    app = create_app(application=application)
    app.stores = fresh_stores()
    yield app, application


def _public_codes(application: Application) -> list[str]:
    """One publicly readable tracking code per public state (received, with an agency,
    resolved, rejected, duplicate) that the demo data holds."""
    chosen: dict[str, str] = {}
    with Session(application.engine) as session:
        cases = session.exec(
            select(Case).where(publicly_readable_cases(application.registry)).order_by(col(Case.id))
        ).all()
    for case in cases:
        chosen.setdefault(public_state(case.state), case.tracking_code)
    return sorted(chosen.values())


def _case_ids(application: Application) -> list[int]:
    """For each agency, a case in progress and a finished one; a triage case; a duplicate."""
    chosen: dict[tuple[str | None, str], int] = {}
    with Session(application.engine) as session:
        cases = session.exec(select(Case).order_by(col(Case.id))).all()
    for case in cases:
        kind = (
            "duplicate"
            if case.duplicate_of_id
            else "triage"
            if case.state == "triage"
            else "finished"
            if case.resolved_at
            else "open"
        )
        agency = None if kind in ("duplicate", "triage") else case.agency_code
        if case.id is not None:
            chosen.setdefault((agency, kind), case.id)
    return sorted(chosen.values())


def _opt_out_token(application: Application, case_id: int) -> str:
    """The token of an email's opt-out link, for a notification written here (the demo sends
    none: it configures no SMTP server)."""
    key = f"{case_id}:received:email:sweep"
    with Session(application.engine) as session:
        found = session.exec(select(Notification).where(Notification.key == key)).first()
        if found is not None and found.id is not None:
            return opt_out_token(found.id)
        row = Notification(
            key=key,
            case_id=case_id,
            event="received",
            channel="email",
            ref="sweep",
            recipient="citizen@example.ir",
        )
        session.add(row)
        session.commit()
        assert row.id is not None
        return opt_out_token(row.id)


def _pages(app: Litestar, application: Application, client: TestClient[Litestar]) -> list[str]:
    paths: list[str] = []
    workflows = sorted(application.registry.workflows)
    worklists = [w["id"] for w in client.get("/api/worklists").json()]
    cases = _case_ids(application)
    for key in route_table(app):
        method, path = key.split(" ", 1)
        if method != "GET" or path.startswith(NOT_PAGES) or path in SPECIAL:
            continue
        if "/attachments/" in path:  # a photo's bytes, not a page
            continue
        if "{workflow_id" in path:
            paths += [path.replace("{workflow_id:str}", w) for w in workflows]
        elif "{worklist_id" in path:
            paths += [path.replace("{worklist_id:str}", w) for w in worklists]
        elif "{tracking_code" in path:
            paths += [path.replace("{tracking_code:str}", c) for c in _public_codes(application)]
        elif "{case_id" in path:
            paths += [path.replace("{case_id:int}", str(c)) for c in cases]
        elif "{token" in path:  # the opt-out link of an email, and a forged one
            tokens = [_opt_out_token(application, cases[0]), "1.forged"]
            paths += [path.replace("{token:str}", t) for t in tokens]
        else:
            assert "{" not in path, f"the sweep has no ids for {path}: add them"
            paths.append(path)
    return paths + list(EXTRA)


def _sign_in(client: TestClient[Litestar], username: str) -> None:
    token = _TOKEN.search(client.get("/login").text)
    assert token
    signed = client.post(
        "/login",
        data={"username": username, "password": "demo", "_csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert signed.status_code == 303, signed.text


def _read(client: TestClient[Litestar], path: str, locale: str) -> tuple[int, str]:
    client.cookies.set(LOCALE_COOKIE, locale)
    response = client.get(path, headers={"accept": "text/html"}, follow_redirects=False)
    return response.status_code, response.text


@pytest.mark.timeout(900)
def test_every_page_reads_in_persian_and_in_english(demo: tuple[Litestar, Application]) -> None:
    app, application = demo
    found: dict[str, dict[str, set[str]]] = {"fa": defaultdict(set), "en": defaultdict(set)}
    examples: dict[str, str] = {}
    statuses: set[int] = set()

    def sweep(client: TestClient[Litestar], who: str, path: str) -> None:
        for locale in ("fa", "en"):
            status, html = _read(client, path, locale)
            statuses.add(status)
            assert status < 500, f"{who}: {path} → {status}"
            if status in (301, 302, 303, 307):
                continue
            for word in foreign_words(html, locale):
                found[locale][word].add(f"{who} {path}")
                if word not in examples:
                    snippet = next((s for s in foreign_snippets(html, locale) if word in s), "")
                    examples[word] = snippet

    with TestClient(app) as anonymous:
        sweep(anonymous, "anonymous", "/login")
    for who in LOGINS:
        with TestClient(app) as client:
            _sign_in(client, who)
            assert client.cookies.get(CSRF_COOKIE)
            for path in _pages(app, application, client):
                sweep(client, who, path)
    assert {200, 403, 404, 422} <= statuses, statuses  # the error pages were read too
    report = []
    for locale, words in found.items():
        for word, where in sorted(words.items(), key=lambda kv: -len(kv[1])):
            report.append(
                f"[{locale}] {word!r} on {len(where)} pages, e.g. {sorted(where)[0]}: "
                f"«{examples.get(word, '')}»"
            )
    assert not report, f"{len(report)} words in the wrong language:\n" + "\n".join(report)


def test_the_sweep_sees_text_attributes_and_skips_marked_data() -> None:
    """The reader itself: a tooltip counts, `translate="no"` and `lang` do not."""
    page = (
        '<p title="count: 3">شمار</p><span translate="no">coordinator</span>'
        '<a lang="en">English</a><script>var x = "skip";</script>'
        '<input type="submit" value="Save"><input placeholder="نام">'
    )
    assert foreign_words(page, "fa") == {"count", "3", "Save"}  # and Latin digits
    assert foreign_words(page, "en") == {"شمار", "نام"}
    assert foreign_words("<p>CSV · Open311 · SLA · https://hamyar.example/a</p>", "fa") == set()
