"""An error's words in the reader's language, for the engine's English details.

The engine refuses in English (`raise NotFound(f"no case {id}")`); a person on the error page,
or an app whose request said `Accept-Language: fa`, reads the same refusal in Persian. A
detail is the catalogue's message id when it is a fixed sentence; details that carry a value
("no case 99999") are matched here and worded with the value kept; a message composed in both
languages already (a `Phrase`: a form's or a request's validation) answers with its own. A
detail nobody has worded yet gives way to a general sentence for its status, so an English
sentence never lands on a Persian page. The API in English keeps the engine's own sentence
(`hamyar.core.web.errors`), which agency systems have always read.
"""

from __future__ import annotations

import re

from hamyar.core.i18n import Phrase, gettext
from hamyar.core.i18n.fa import MESSAGES
from hamyar.core.text.folding import to_persian_digits

_WITH_VALUES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^no case (?P<id>\d+)$"), "There is no case {id}, or it is not one you may see."),
    (
        re.compile(r"^no attachment (?P<id>\d+)$"),
        "There is no attachment {id}, or it is not one you may see.",
    ),
    (re.compile(r"^no task (?P<id>\d+)$"), "There is no task {id}, or it is not one you may see."),
    (re.compile(r"^case (?P<case>\d+) has no task (?P<id>\d+)$"), "Case {case} has no task {id}."),
    (re.compile(r"^no incident (?P<id>\d+)$"), "There is no failed step {id} you may see."),
    (re.compile(r"^no such page or route: (?P<path>.*)$"), "There is no page at {path}."),
    (
        re.compile(r"^(?P<method>[A-Z]+) is not allowed on (?P<path>.*)$"),
        "{method} is not allowed on {path}.",
    ),
    (re.compile(r"^no workflow '(?P<id>[^']*)'.*$"), "There is no workflow {id}."),
    (re.compile(r"^no worklist '(?P<id>[^']*)'.*$"), "You have no worklist {id}."),
    (re.compile(r"^no user (?P<id>\d+)$"), "There is no user {id}."),
    (re.compile(r"^no routing rule (?P<id>\d+)$"), "There is no routing rule {id}."),
    (re.compile(r"^no calendar override (?P<id>\d+)$"), "There is no calendar change {id}."),
)
_GENERAL = {
    400: "The request was malformed; go back and try again.",
    403: "Your roles do not allow this.",
    404: "There is nothing here, or nothing you may see.",
    409: "Someone else changed it first; reload the page and try again.",
    413: "The file is too large.",
    415: "This kind of file cannot be attached.",
    422: "This could not be done as asked; go back and check what you entered.",
    429: "Too many attempts; wait a few minutes and try again.",
    503: "The service is busy or unavailable for a moment; try again shortly.",
}
_FALLBACK = "Something went wrong; try again shortly."


def error_text(locale: str, status_code: int, detail: str) -> str:
    """The sentence for `detail`, in `locale`."""
    if isinstance(detail, Phrase):
        return detail.in_locale(locale)
    if detail in MESSAGES:
        return gettext(locale, detail)
    for pattern, msgid in _WITH_VALUES:
        found = pattern.match(detail)
        if found:
            values = found.groupdict()
            if locale == "fa":  # ids keep their digits, in Persian ones, with no separators;
                # an address stays as typed, between left-to-right marks so the Persian around
                # it does not carry its leading slash to the other end ("no-such-page/")
                values = {
                    k: f"\u200e{v}\u200e" if k == "path" else to_persian_digits(v)
                    for k, v in values.items()
                }
            return gettext(locale, msgid, **values)
    if locale == "en":
        return detail
    return gettext(locale, _GENERAL.get(status_code, _FALLBACK))
