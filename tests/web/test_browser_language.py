# ruff: noqa: F811  (the browser tests' fixtures are imported by name, and used by name)
"""The language sweep in a real browser, for text that scripts put on the page.

`test_language_sweep` reads the HTML the server sends; here Chromium runs the page's scripts
first — Mermaid draws the workflow diagrams, htmx swaps in live fragments — and the same
reader checks what is then on the page, tooltips included, in Persian and in English.
"""

from __future__ import annotations

from html import escape

from playwright.sync_api import Page, expect

from tests.web.language_sweep import foreign_snippets, foreign_words
from tests.web.test_browser import (  # noqa: F401  (fixtures)
    CHROMIUM,
    _log_in,
    _shot,
    browser,
    page,
    ui_app,
    world,
)
from tests.web.ui_world import World

assert CHROMIUM


def _pages(built: World) -> list[str]:
    return [
        "/",
        f"/cases/{built.case_id}",
        "/search?q=%D8%AD%D8%B5%D8%A7%D8%B1%DA%A9",
        "/reports",
        "/queue",
        "/admin/plugins",
        "/admin/workflows/hamyar.task",
        "/admin/workflows/hamyar.case",
    ]


def _read(page: Page, locale: str) -> tuple[set[str], list[str]]:
    html = page.content()
    words = foreign_words(html, locale)
    diagram = page.locator("#diagram svg")
    if diagram.count():
        # Mermaid draws inside the source's `translate="no"` block: read its picture apart.
        drawn = f"<p>{escape(page.locator('#diagram').inner_text())}</p>"
        words |= foreign_words(drawn, locale)
        return words, foreign_snippets(html, locale) + foreign_snippets(drawn, locale)
    return words, foreign_snippets(html, locale)


def test_pages_read_in_one_language_after_their_scripts_ran(
    world: tuple[World, str], page: Page
) -> None:
    built, base = world
    page.set_default_timeout(60_000)  # Mermaid is 3 MB of script, on a busy machine
    _log_in(page, base, "coordinator")
    problems = []
    for locale in ("fa", "en"):
        page.context.add_cookies([{"name": "hamyar_locale", "value": locale, "url": base}])
        for path in _pages(built):
            page.goto(base + path)  # "load": every script has run (the live stream never idles)
            if "/admin/workflows/" in path:
                expect(page.locator("#diagram svg")).to_be_visible()
            expect(page.locator("html")).to_have_attribute("lang", locale)
            _shot(page, f"language-{locale}-{path.strip('/').split('?')[0].replace('/', '-')}")
            words, snippets = _read(page, locale)
            if words:
                problems.append(f"[{locale}] {path}: {sorted(words)} in {snippets[:3]}")
    assert not problems, "\n".join(problems)
