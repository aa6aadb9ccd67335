"""What a history entry says, in the reader's language, from its action and parameters.

The engine stores what it records as an action and parameters (`{"channel": "phone"}`), not as
sentences, so the timeline reads in Persian or English whoever wrote the row. Rows written
before the parameters were stored carry the engine's English sentence in their comment; they
are recognised here and worded the same way, so old cases read in Persian too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from hamyar.core.i18n.catalogue import gettext
from hamyar.core.i18n.labels import channel_label

_LEGACY: dict[str, tuple[re.Pattern[str], str]] = {
    "create": (re.compile(r"^channel: (?P<channel>\S+)$"), "channel"),
    "escalate": (re.compile(r"^overdue by (?P<hours>\d+) hours; supervisors notified$"), "hours"),
}
"""The sentences older rows hold instead of parameters: action → (pattern, parameter)."""


FETCH_REASONS = {
    "too_large": "The file is too large.",
    "wrong_type": "This kind of file cannot be attached.",
    "http_status": "The server did not give the file.",
}
"""Why a worker could not attach a `media_url`, by the code its history entry keeps."""


def parameters(action: str, comment: str, params: Mapping[str, Any] | None) -> dict[str, Any]:
    """The entry's parameters, read back from an older row's comment where it has none."""
    if params:
        return dict(params)
    legacy = _LEGACY.get(action)
    if legacy is not None:
        found = legacy[0].match(comment.strip())
        if found:
            value = found.group(legacy[1])
            return {legacy[1]: int(value) if value.isdigit() else value}
    return {}


def engine_comment(locale: str, action: str, params: Mapping[str, Any]) -> str:
    """The engine's own words for an entry, in `locale`; "" when it has nothing to say."""
    if action == "create" and "channel" in params:
        return gettext(
            locale,
            "Reported through: {channel}",
            channel=gettext(locale, channel_label(params["channel"])),
        )
    if action == "rate" and "rating" in params:
        return gettext(
            locale,
            "Rated the outcome {rating} of 5 ({channel})",
            rating=int(params["rating"]),
            channel=gettext(locale, channel_label(params.get("channel"))),
        )
    if action == "escalate" and "hours" in params:
        return gettext(
            locale, "Overdue by {hours} hours; supervisors notified", hours=int(params["hours"])
        )
    if action in ("attach", "publish_attachment", "unpublish_attachment") and "filename" in params:
        return gettext(locale, "File: {filename}", filename=str(params["filename"]))
    if action == "media_fetch_failed" and "reason" in params:
        reason = gettext(locale, FETCH_REASONS.get(str(params["reason"]), "It could not be read."))
        return gettext(
            locale, "The photo at media_url could not be fetched: {reason}", reason=reason
        )
    return ""


ACTION_TITLES = {"rate": "Satisfaction rating"}
"""Titles of history entries that are no workflow's transition (msgids)."""


def action_title(locale: str, action: str) -> str | None:
    """The timeline's title of an entry the engine records outside any workflow; else None."""
    msgid = ACTION_TITLES.get(action)
    return gettext(locale, msgid) if msgid else None


def entry_comment(
    locale: str, action: str, comment: str, params: Mapping[str, Any] | None
) -> tuple[str, str]:
    """What the timeline shows under an entry: the engine's words, and a person's comment.

    A person's (or a plugin's) comment is data, shown as written; the engine's words are put
    together here. An older row's English sentence gives way to its worded parameters.
    """
    found = parameters(action, comment, params)
    worded = engine_comment(locale, action, found)
    if worded and not params:
        return worded, ""  # an older row: its comment was the engine's sentence
    return worded, comment
