"""What a person reads on a page, and the words in it that are in the wrong language.

A page's readable text is its text nodes (not scripts or styles) and the attributes a person
reads: `title` (tooltips), `aria-label`, `placeholder`, `alt` and the `value` of an `<input>`
button (a `<button>`'s value is not shown; its content is).
Two kinds of element are left out, because they are data, not the interface:

- `translate="no"` (HTML's own "do not translate this") marks what people typed or a code the
  system made: case titles and descriptions, comments, people's names, usernames, tracking
  codes. A browser's translator skips it for the same reason.
- an element whose `lang` differs from the page's, such as the fa/en switch saying "English".

A `<textarea>`'s content is a form's current value (what a person typed), so it is left out;
so is the document's `<title>`, which repeats the page's heading (read in the body) and a
case's title, data that a `<title>` cannot mark. An SVG's `<title>`, a chart's tooltip, is read.

`foreign_words(html, locale)` gives the Latin words on a Persian page outside `LATIN_ALLOWED`,
or the Persian words on an English page.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip

LATIN_ALLOWED = {
    "CSV",  # the file format's name, as Persian writes it
    "SLA",  # as the seeds write it ("SLA" beside "مهلت")
    "Open311",  # the standard's name
    "JSON",  # the format's name in the input-limit messages
    "NUL",  # the control character's name
    "API",  # as Persian writes it ("سامانه دستگاه (API)")
    "Redis",  # the server's name
}
"""Latin words a Persian page may show: names of standards and formats, which Persian text
writes in Latin letters too."""

_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9_'’\-]*")
_LATIN_DIGITS = re.compile(r"(?<![A-Za-z0-9_\-])[0-9]+(?![A-Za-z_\-])")
_PERSIAN = re.compile(r"[\u0600-\u06FF\uFB50-\uFDFF\uFE70-\uFEFF]+")
_URL = re.compile(r"(?:https?://|/)[^\s]*|\S+@\S+")


class _Reader(HTMLParser):
    def __init__(self, locale: str) -> None:
        super().__init__(convert_charrefs=True)
        self.locale = locale
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.texts: list[str] = []

    def _skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        lang = values.get("lang")
        skipped = (
            self._skipping()
            or tag in ("script", "style", "template", "textarea")
            or (tag == "title" and not any(t == "svg" for t, _ in self.stack))
            or values.get("translate") == "no"
            or (lang is not None and lang.split("-")[0] != self.locale)
        )
        if not skipped:
            for name in READ_ATTRIBUTES:
                if values.get(name):
                    self.texts.append(str(values[name]))
            shown = tag == "input" and values.get("type") in ("submit", "button", "reset")
            if shown and values.get("value"):
                self.texts.append(str(values["value"]))
        if tag not in VOID:
            self.stack.append((tag, skipped))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if not self._skipping() and data.strip():
            self.texts.append(data)


def readable_text(html: str, locale: str) -> list[str]:
    """The pieces of text a person reads on the page, data left out."""
    reader = _Reader(locale)
    reader.feed(html)
    reader.close()
    return reader.texts


def foreign_words(html: str, locale: str, allowed: set[str] = frozenset()) -> set[str]:  # type: ignore[assignment]
    """Latin words on a Persian page, or Persian words on an English page, not allowed."""
    found: set[str] = set()
    for text in readable_text(html, locale):
        text = _URL.sub(" ", text)
        if locale == "fa":
            words = set(_LATIN.findall(text)) - LATIN_ALLOWED
            words |= set(_LATIN_DIGITS.findall(text))  # a Persian page writes ۱۴۰۲, not 1402
        else:
            words = set(_PERSIAN.findall(text))
        found |= {w for w in words if w not in allowed}
    return found


def foreign_snippets(html: str, locale: str) -> list[str]:
    """The texts holding foreign words, for a failure's message."""
    out = []
    for text in readable_text(html, locale):
        if foreign_words(f"<p>{_escape(text)}</p>", locale):
            out.append(" ".join(text.split())[:160])
    return out


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
