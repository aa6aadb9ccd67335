"""The edge's input limits: what no handler's types can see is checked before any handler runs.

- The URL: a path or query holding NUL or another control character is a 400.
- JSON bodies: at most `MAX_BODY_BYTES` (413) and `MAX_JSON_DEPTH` levels deep (400) — nested
  1,000 deep, msgspec runs out of stack while decoding, even for a login without credentials —
  and no string in them (keys included, at any depth: a service's form data is free-form JSON)
  may hold a control character.
- Form posts (`application/x-www-form-urlencoded`): the same for every field.

Routes whose `opt` says `"own_text_checks": True` (Open311, which must answer in its own error
format and strips control characters from citizens' free text) skip the character checks, not
the size and depth limits. Multipart bodies (file uploads) are left to their handlers.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, unquote

import msgspec
from litestar.exceptions import ClientException, HTTPException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, ReceiveMessage, Scope, Send

from hamyar.core.text.input_limits import CONTROL_CHARACTER_MESSAGE, forbidden_character

MAX_BODY_BYTES = 2 * 1024 * 1024
"""Case descriptions are at most 20,000 characters; 2 MB leaves room and stops abuse (413)."""
MAX_JSON_DEPTH = 32
"""Far deeper than any form Hamyar serves; far shallower than what exhausts a stack."""
TOO_DEEP_MESSAGE = "the JSON body is nested too deeply (at most 32 levels)"
TOO_LARGE_MESSAGE = "the request body is too large"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class BodyTooLarge(HTTPException):
    status_code = 413


def _refuse(field: str) -> ClientException:
    return ClientException(
        detail=CONTROL_CHARACTER_MESSAGE,
        extra=[{"field": field, "message": CONTROL_CHARACTER_MESSAGE}],
    )


def check_json(value: Any, *, characters: bool = True) -> None:
    """Raise a 400 for a value nested deeper than `MAX_JSON_DEPTH` or holding a string with a
    control character; walks iteratively, so no depth costs a stack frame."""
    stack: list[tuple[Any, int, str]] = [(value, 1, "body")]
    while stack:
        item, depth, where = stack.pop()
        if isinstance(item, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise ClientException(detail=TOO_DEEP_MESSAGE)
            if isinstance(item, dict):
                for key, child in item.items():
                    if characters and forbidden_character(key) is not None:
                        raise _refuse(where)
                    stack.append((child, depth + 1, key if where == "body" else where))
            else:
                stack.extend((child, depth + 1, where) for child in item)
        elif characters and isinstance(item, str) and forbidden_character(item) is not None:
            raise _refuse(where)


def check_json_body(body: bytes, *, characters: bool = True) -> None:
    if not body.strip():
        return
    try:
        value = msgspec.json.decode(body)
    except RecursionError:
        raise ClientException(detail=TOO_DEEP_MESSAGE) from None
    except msgspec.DecodeError:
        return  # not JSON at all: the handler's decoder says so in its own words
    check_json(value, characters=characters)


def check_form_body(body: bytes) -> None:
    for key, value in parse_qsl(body.decode("latin-1"), keep_blank_values=True):
        for text in (key, value):
            if forbidden_character(text) is not None:
                raise _refuse(key)


def check_url(scope: Scope) -> None:
    if forbidden_character(scope.get("path", "")) is not None:
        raise _refuse("path")
    query = scope.get("query_string", b"").decode("latin-1")
    if query and forbidden_character(unquote(query, errors="replace")) is not None:
        raise _refuse("query")


def _content_type(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            return value.decode("latin-1").split(";", 1)[0].strip().lower()
    return ""


async def _read_body(receive: Receive) -> tuple[bytes, list[ReceiveMessage]]:
    chunks: list[bytes] = []
    messages: list[ReceiveMessage] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise BodyTooLarge(detail=TOO_LARGE_MESSAGE)
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks), messages


class InputGuardMiddleware(ASGIMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if scope["type"] != "http":
            await next_app(scope, receive, send)
            return
        handler = scope.get("route_handler")
        characters = not (handler is not None and handler.opt.get("own_text_checks"))
        if characters:
            check_url(scope)
        kind = _content_type(scope)
        is_json = kind == "application/json" or kind.endswith("+json")
        is_form = kind == "application/x-www-form-urlencoded"
        if scope.get("method") not in BODY_METHODS or not (is_json or (is_form and characters)):
            await next_app(scope, receive, send)
            return
        body, messages = await _read_body(receive)
        if is_json:
            check_json_body(body, characters=characters)
        else:
            check_form_body(body)
        replay: list[ReceiveMessage] = [
            {"type": "http.request", "body": body, "more_body": False},
            *(m for m in messages if m["type"] != "http.request"),
        ]

        async def replayed() -> ReceiveMessage:
            return replay.pop(0) if replay else await receive()

        await next_app(scope, replayed, send)
