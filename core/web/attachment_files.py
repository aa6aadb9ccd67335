"""Reading an upload out of a multipart form and answering with an attachment's bytes.

Shared by the API (`api/attachments.py`), the case page and the public status routes
(`ui/attachments.py`), so each serves the same headers: the type found by content, `nosniff`,
no caching by shared proxies, and a PDF always downloaded rather than shown in the page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.datastructures import UploadFile
from litestar.exceptions import ClientException

from hamyar.core.application.attachments import Content
from hamyar.core.cases import media
from hamyar.core.exceptions import InvalidInput

UPLOAD_BODY_BYTES = 64 * 1024 * 1024
"""The most a multipart upload request may carry, whatever the size cap (HAMYAR_MEDIA_MAX_BYTES,
checked on the file itself with a clear 413); beyond it the server stops reading."""
NO_FILE = "Choose a file to attach."


async def posted_form(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """The request's form, multipart or urlencoded, read only once the caller is known (so
    an anonymous or read-only caller is refused before their body is looked at); a body that
    is not a form is an empty one, and the handler names the missing field (422)."""
    try:
        form = await request.form()
    except (ClientException, ValueError):
        return {}
    found: dict[str, Any] = {}
    for key, value in form.multi_items():
        if key in found:
            previous = found[key]
            found[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            found[key] = value
    return found


def uploaded(form: dict[str, Any], name: str = "file") -> UploadFile | None:
    """The file posted as `name`, or None when the form has no file there (or an empty one
    a browser sends for a file input left blank)."""
    value = form.get(name)
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, UploadFile)), None)
    if not isinstance(value, UploadFile):
        return None
    if not value.filename and _size(value) == 0:
        return None
    return value


def _size(upload: UploadFile) -> int:
    handle = upload.file
    position = handle.tell()
    handle.seek(0, 2)
    size = handle.tell()
    handle.seek(position)
    return size


def read_upload(upload: UploadFile, max_bytes: int) -> bytes:
    """The file's bytes; 413 before reading one over the cap."""
    media.check_size(_size(upload), max_bytes)
    upload.file.seek(0)
    return upload.file.read()


def require_upload(form: dict[str, Any], name: str = "file") -> UploadFile:
    found = uploaded(form, name)
    if found is None:
        message = media.phrase(NO_FILE)
        raise InvalidInput(message, [{"field": name, "message": message}])
    return found


def file_response(found: Content, *, private: bool = True) -> Response[bytes]:
    disposition = "attachment" if found.content_type == "application/pdf" else "inline"
    quoted = quote(found.filename)
    ascii_name = (
        found.filename.encode("ascii", "replace").decode().replace('"', "").replace("?", "_")
    )
    return Response(
        content=found.data,
        media_type=found.content_type,
        headers={
            "Content-Disposition": (
                f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quoted}"
            ),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, max-age=300" if private else "public, max-age=300",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )
