"""The case page's photos and documents: attach one, mark it public; and the public copies.

Attaching is a multipart form post (it works without JavaScript); marking public is a small
form per attachment, offered only to those who may do it (`access.may_publish_attachment`).
`GET /status/{tracking_code}/attachments/{id}` (and its thumbnail) serves, without a login, only
what a caseworker marked public of a case the public may read — never of a confidential one.
"""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from hamyar.core.application import attachments
from hamyar.core.auth import access
from hamyar.core.exceptions import NotFound
from hamyar.core.web.attachment_files import (
    UPLOAD_BODY_BYTES,
    file_response,
    posted_form,
    read_upload,
    require_upload,
)
from hamyar.core.web.dependencies import ActorDep, AppDep, DbDep, UowDep
from hamyar.core.web.limits import Id, Line
from hamyar.core.web.ui.casework import run_case_command
from hamyar.core.web.ui.page import FormData, form_value


@post(
    "/cases/{case_id:int}/attachments",
    name="ui:case-attach",
    status_code=303,
    request_max_body_size=UPLOAD_BODY_BYTES,
)
async def attach(
    request: Request[Any, Any, Any],
    uow: UowDep,
    actor: ActorDep,
    app: AppDep,
    case_id: FromPath[Id],
) -> Template | Redirect:
    """Attach the chosen photo or PDF; the page again with the reason when it is refused."""
    access.require_writer(actor)
    data = await posted_form(request)

    def command() -> object:
        upload = require_upload(data)
        body = read_upload(upload, app.settings.media_max_bytes)
        return attachments.attach(
            uow, actor, case_id, filename=upload.filename or "", data=body, source="web"
        )

    return await anyio.to_thread.run_sync(
        lambda: run_case_command(request, uow, actor, case_id, command, "The file was attached.")
    )


@post(
    "/cases/{case_id:int}/attachments/{attachment_id:int}/public",
    name="ui:case-attachment-public",
    sync_to_thread=True,
    status_code=303,
)
def set_public(
    request: Request[Any, Any, Any],
    uow: UowDep,
    actor: ActorDep,
    case_id: FromPath[Id],
    attachment_id: FromPath[Id],
    data: FormData,
) -> Template | Redirect:
    """Show the photo on the public status page, or stop showing it."""
    public = form_value(data, "public") == "1"

    def command() -> object:
        row, _case, _allowed = attachments.get_attachment(uow.session, actor, attachment_id)
        if row.case_id != case_id:
            raise NotFound(f"no attachment {attachment_id}")
        return attachments.set_public(uow, actor, attachment_id, public=public)

    done = (
        "The photo is now shown on the public status page."
        if public
        else "The photo is no longer public."
    )
    return run_case_command(request, uow, actor, case_id, command, done)


def _public(
    db: Any, app: Any, tracking_code: str, attachment_id: int, thumbnail: bool
) -> Response[bytes]:
    row = attachments.public_attachment(db, app.registry, tracking_code, attachment_id)
    return file_response(attachments.content(app.settings, row, thumbnail=thumbnail), private=False)


@get(
    "/status/{tracking_code:str}/attachments/{attachment_id:int}",
    name="public:attachment",
    sync_to_thread=True,
)
def public_file(
    db: DbDep, app: AppDep, tracking_code: FromPath[Line], attachment_id: FromPath[Id]
) -> Response[bytes]:
    """A photo a caseworker marked public, for the citizen's status page; 404 otherwise."""
    return _public(db, app, tracking_code, attachment_id, False)


@get(
    "/status/{tracking_code:str}/attachments/{attachment_id:int}/thumbnail",
    name="public:attachment-thumbnail",
    sync_to_thread=True,
)
def public_thumbnail(
    db: DbDep, app: AppDep, tracking_code: FromPath[Line], attachment_id: FromPath[Id]
) -> Response[bytes]:
    return _public(db, app, tracking_code, attachment_id, True)


HANDLERS = [attach, set_public, public_file, public_thumbnail]
__all__ = ["HANDLERS"]
