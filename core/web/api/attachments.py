"""`/api/cases/{id}/attachments` and `/api/attachments/{id}`: photos and documents of a case.

Upload is a multipart post with a `file` field; what it is, is found by its content. Each
answer is cut to what the caller may read of the case (`hamyar.core.auth.access`, through the
`attachments` commands): an attachment of a case they may not read is a 404 like any other.
"""

from __future__ import annotations

from typing import Any

import anyio.to_thread
import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED
from sqlmodel import Session

from hamyar.core.application import attachments
from hamyar.core.auth import access
from hamyar.core.auth.actor import Actor
from hamyar.core.storage.models import Attachment, Case
from hamyar.core.web.attachment_files import (
    UPLOAD_BODY_BYTES,
    file_response,
    posted_form,
    read_upload,
    require_upload,
)
from hamyar.core.web.dependencies import ActorDep, AppDep, DbDep, UowDep
from hamyar.core.web.limits import Id


class PublicRequest(msgspec.Struct, forbid_unknown_fields=True):
    public: bool
    """true: shown on the citizen's public status page; false: for staff only."""


def attachment_view(row: Attachment, *, may_publish: bool = False) -> dict[str, Any]:
    return {
        "id": row.id,
        "case_id": row.case_id,
        "filename": row.filename,
        "content_type": row.content_type,
        "kind": row.kind,
        "size": row.size,
        "width": row.width,
        "height": row.height,
        "public": row.public,
        "source": row.source,
        "uploaded_by": row.uploaded_by,
        "at": row.created_at,
        "url": f"/api/attachments/{row.id}",
        "thumbnail_url": f"/api/attachments/{row.id}/thumbnail" if row.thumbnail_key else None,
        "may_publish": may_publish,
    }


def case_attachments(session: Session, actor: Actor, case: Case) -> list[dict[str, Any]]:
    case_row, allowed = access.get_case(session, actor, case.id or 0)
    publish = access.may_publish_attachment(actor, allowed, case_row)
    return [
        attachment_view(row, may_publish=publish)
        for row in attachments.attachments_of(session, allowed, case_row)
    ]


class AttachmentController(Controller):
    tags = ["attachments"]  # noqa: RUF012  (Litestar reads a plain list)

    @post(
        "/cases/{case_id:int}/attachments",
        status_code=HTTP_201_CREATED,
        request_max_body_size=UPLOAD_BODY_BYTES,
    )
    async def upload(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[Id],
        uow: UowDep,
        actor: ActorDep,
        app: AppDep,
    ) -> dict[str, Any]:
        """Attach a photo (JPEG, PNG, WebP) or a PDF, sent as the multipart field `file`.
        413 over the size cap; 415 for any other content, whatever its name says; 403 for
        those who may not work on the case."""
        access.require_writer(actor)
        upload = require_upload(await posted_form(request))

        def attach() -> Attachment:
            body = read_upload(upload, app.settings.media_max_bytes)
            return attachments.attach(
                uow, actor, case_id, filename=upload.filename or "", data=body, source="api"
            )

        return attachment_view(await anyio.to_thread.run_sync(attach))

    @get("/cases/{case_id:int}/attachments", sync_to_thread=True)
    def list_for_case(
        self, case_id: FromPath[Id], db: DbDep, actor: ActorDep
    ) -> list[dict[str, Any]]:
        """The case's photos and documents, oldest first (none for a reader who may only see
        where a confidential case is routed)."""
        case, _allowed = access.get_case(db, actor, case_id)
        return case_attachments(db, actor, case)

    @get("/attachments/{attachment_id:int}", sync_to_thread=True)
    def download(
        self, attachment_id: FromPath[Id], db: DbDep, actor: ActorDep, app: AppDep
    ) -> Response[bytes]:
        """The file as stored: an image re-encoded without its EXIF data, a PDF as sent."""
        row, _case, _allowed = attachments.get_attachment(db, actor, attachment_id)
        return file_response(attachments.content(app.settings, row))

    @get("/attachments/{attachment_id:int}/thumbnail", sync_to_thread=True)
    def thumbnail(
        self, attachment_id: FromPath[Id], db: DbDep, actor: ActorDep, app: AppDep
    ) -> Response[bytes]:
        """A photo's thumbnail (JPEG, at most 320 px); 404 for a PDF."""
        row, _case, _allowed = attachments.get_attachment(db, actor, attachment_id)
        return file_response(attachments.content(app.settings, row, thumbnail=True))

    @post("/attachments/{attachment_id:int}/public", status_code=200, sync_to_thread=True)
    def set_public(
        self,
        attachment_id: FromPath[Id],
        data: JSONBody[PublicRequest],
        uow: UowDep,
        actor: ActorDep,
    ) -> dict[str, Any]:
        """Show the attachment on the public status page, or stop showing it: for staff of an
        agency working on the case; 422 on a confidential case."""
        row = attachments.set_public(uow, actor, attachment_id, public=data.public)
        return attachment_view(row, may_publish=True)
