"""The input limits as types: every API field, path and query parameter is declared with one.

msgspec checks them while decoding (a violation is a 400 naming the field) and Litestar writes
them into the OpenAPI document, so a client — or schemathesis — knows the contract before it
sends anything. The rules themselves are `hamyar.core.text.input_limits`: integers within the
narrower database's INTEGER, ids in ASCII digits, text without NUL or other control characters.

    def detail(self, case_id: FromPath[Id]) -> ...
    class NoteRequest(msgspec.Struct):
        text: Text
        version: Version

What a type cannot see (free-form JSON such as a service's form data, form posts, the URL) is
held to the same rules at the edge by `hamyar.core.web.input_guard`.
"""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from hamyar.core.text.input_limits import ID_PATTERN, MAX_INT, MIN_INT, TEXT_PATTERN

MAX_TEXT = 20_000
"""A case description's limit, the longest text the API takes."""
MAX_LINE = 500
"""A title, a code, a name: one line."""

Id = Annotated[
    int, Meta(ge=1, le=MAX_INT, description="A row's id (1 to 2^31-1, the database's INTEGER).")
]
Version = Annotated[
    int, Meta(ge=0, le=MAX_INT, description="The version you saw; a newer one is a 409.")
]
Int = Annotated[int, Meta(ge=MIN_INT, le=MAX_INT, description="An integer within 32 bits.")]
Text = Annotated[
    str,
    Meta(
        max_length=MAX_TEXT,
        pattern=TEXT_PATTERN,
        description="Text without NUL or other control characters (tab and newline are fine).",
    ),
]
Line = Annotated[
    str,
    Meta(
        max_length=MAX_LINE,
        pattern=TEXT_PATTERN,
        description="A line of text without control characters.",
    ),
]
IdText = Annotated[str, Meta(pattern=ID_PATTERN, description="An id written in ASCII digits.")]
IdOrCode = Id | Line
"""A neighbourhood by id or by code; a code of digits (`"12"`) is read as an id."""

__all__ = ["MAX_LINE", "MAX_TEXT", "Id", "IdOrCode", "IdText", "Int", "Line", "Text", "Version"]
