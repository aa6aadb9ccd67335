"""No page is wider than a phone: every UI page, as every demo role, in fa (and en), at 360×740.

The pages are the UI routes of the app's own route table (so a page added tomorrow is walked
too), with real ids from the access world, as tests/web/test_route_walk.py walks them; a route
that answers a fragment (an htmx partial, no stylesheet) is not a page and is skipped. A page
fails when `document.documentElement.scrollWidth > innerWidth`, and the failure names the
innermost elements that stick out (tag, id, classes, text).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from litestar import Litestar
from playwright.sync_api import Browser, Page
from sqlalchemy.engine import Engine

from hamyar.core.application.context import Application
from hamyar.core.cases import worklists as W
from hamyar.core.demo_data.users import actor_for
from hamyar.core.storage import broker
from hamyar.core.web.app import create_app
from tests.web.access_world import DEMO_PASSWORD, AccessWorld, build_access_world
from tests.web.test_browser import _free_port, browser  # noqa: F401  (fixture)
from tests.web.test_route_walk import ROUTES, route_table, urls

PHONE = {"width": 360, "height": 740}
USERS = [
    None,  # the sign-in page, before anyone signs in
    "admin",
    "coordinator",
    "auditor",
    "health.caseworker",
    "municipality.supervisor",
    "library.caseworker",
]
"""One login per demo role (manager, coordinator, auditor, caseworker, supervisor), the
caseworker and supervisor of agencies whose pages differ (health's confidential cases, the
municipality's crisis service, the library's programmes)."""
ENGLISH_TOO = {None, "coordinator", "health.caseworker", "admin"}
"""Who also walks in English: every page kind once left-to-right with English's longer words
(the visitor's sign-in, a coordinator's lists and reports, a caseworker's case pages, the
administration). The other logins differ by role, not by language, so Persian covers them."""
NOT_PAGES = ("/api/", "/open311/", "/schema", "/static/", "/health", "/metrics", "/events")
"""Routes that are not UI pages (JSON, the API viewers, files, probes, the event stream)."""

OVERFLOW = """() => {
  const width = window.innerWidth;
  const doc = document.documentElement;
  if (doc.scrollWidth <= width) { return null; }
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const x = getComputedStyle(p).overflowX;
      if (x === "auto" || x === "scroll" || x === "hidden" || x === "clip") { return true; }
    }
    return false;
  };
  const out = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && (r.right > width + 0.5 || r.left < -0.5) && !clipped(el);
  };
  const all = Array.from(document.body.querySelectorAll("*")).filter(out);
  const beyond = (el) => {
    const r = el.getBoundingClientRect();
    return Math.max(r.right - width, -r.left);
  };
  const innermost = all
    .filter((el) => !all.some((other) => other !== el && el.contains(other)))
    .sort((a, b) => beyond(b) - beyond(a));  // the worst first
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.classList.length ? "." + Array.from(el.classList).join(".") : "");
  // Text wider than its box (a long word, a code) sticks out without its box doing so.
  const spilling = Array.from(document.body.querySelectorAll("*")).filter((el) =>
    getComputedStyle(el).overflowX === "visible" && el.scrollWidth > el.clientWidth + 1 &&
    el.clientWidth > 0 && !clipped(el) && !el.querySelector("*:not(br):not(bdi):not(small)"));
  return {
    spilling: spilling.slice(0, 4).map((el) => name(el) + " " +
      JSON.stringify((el.textContent || "").trim().slice(0, 60))),
    scrollWidth: doc.scrollWidth,
    width: width,
    offenders: innermost.slice(0, 6).map((el) => {
      const r = el.getBoundingClientRect();
      const path = [];
      for (let p = el; p && p !== document.body && path.length < 4; p = p.parentElement) {
        path.unshift(name(p));
      }
      return path.join(" > ") + " [" + Math.round(r.left) + ".." + Math.round(r.right) + "] " +
        JSON.stringify((el.textContent || "").trim().slice(0, 40));
    }),
  };
}"""


@pytest.fixture
def site(
    engine: Engine, redis_url: str
) -> Iterator[tuple[Litestar, AccessWorld, str, Application]]:
    """The demo's people and plugins with the access world's cases, served for real."""
    broker.reset()
    application = Application.build(engine=engine)
    world = build_access_world(application)
    app = create_app(application=application)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    world.ids["worklists"] = []  # per person: set in the test
    yield app, world, f"http://127.0.0.1:{port}", application
    server.should_exit = True
    thread.join(timeout=10)
    broker.reset()


def ui_pages(app: Litestar, world: AccessWorld, signed_in: bool) -> list[str]:
    """Every UI page's concrete address (GET routes that are not API, files or probes)."""
    found = []
    for key in route_table(app):
        method, path = key.split(" ", 1)
        if method != "GET" or path.startswith(NOT_PAGES) or key not in ROUTES:
            continue
        if path.startswith("/locale/"):
            continue  # a redirect: the walk switches language through it
        if (path == "/login") == signed_in:
            continue
        found.extend(urls(path, ROUTES[key], world))
    return found


def _sign_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/login" not in url)


def _overflows(page: Page, url: str) -> Any:
    response = page.goto(url)
    assert response is not None
    if response.status >= 500:
        return f"answered {response.status}"
    if page.locator("link[href='/static/hamyar.css']").count() == 0:
        return None  # a fragment, not a page
    page.wait_for_load_state("load")
    return page.evaluate(OVERFLOW)


@pytest.mark.parametrize("username", USERS, ids=[u or "anonymous" for u in USERS])
def test_no_page_is_wider_than_a_phone(
    site: tuple[Litestar, AccessWorld, str, Application],
    browser: Browser,  # noqa: F811
    username: str | None,
) -> None:
    app, world, base, application = site
    if username is not None:  # their own worklists, every one of them
        registry = application.registry
        world.ids["worklists"] = [
            spec.id for spec in W.worklists_for(actor_for(username, registry), registry)
        ]
    context = browser.new_context(viewport=PHONE, is_mobile=False)
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems: list[str] = []
    walked = 0
    locales = ("fa", "en") if username in ENGLISH_TOO else ("fa",)
    try:
        if username is not None:
            _sign_in(page, base, username)
        for locale in locales:
            page.goto(f"{base}/locale/{locale}?next=/")
            for path in ui_pages(app, world, signed_in=username is not None):
                found = _overflows(page, base + path)
                walked += 1
                if found:
                    problems.append(f"{username or 'anonymous'} {locale} {path}: {found}")
    finally:
        context.close()
    assert walked >= (1 if username is None else 10) * len(locales), walked
    assert not problems, "\n".join(problems)
