"""Photos and documents on a case: attaching one, marking it public, and reading it back.

Like every command (`commands`), each validates its input and the actor's right (`hamyar.core.
auth.access`: whoever may work on the case attaches; staff of an involved agency publish), does
its work in the unit of work it is given, writes a history entry, and commits once. The bytes go
to the media store (`hamyar.core.storage.media_store`) before the row commits; if the commit
fails they are removed again, so no row ever names bytes that are not there.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlmodel import Session, col, select

from hamyar.core.application.unit_of_work import UnitOfWork
from hamyar.core.auth import access
from hamyar.core.auth.access import CaseAccess
from hamyar.core.auth.actor import SYSTEM, Actor
from hamyar.core.cases import media
from hamyar.core.cases.public_status import public_attachments as public_attachments
from hamyar.core.engine import history
from hamyar.core.engine.outbox import FETCH_MEDIA
from hamyar.core.exceptions import (
    GuardRefused,
    InvalidInput,
    MediaTooLarge,
    NotFound,
    UnsupportedMedia,
)
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.media_store import MediaStore, open_store
from hamyar.core.storage.models import Attachment, Case, utcnow
from hamyar.core.storage.models.attachment import ATTACHMENT_SOURCES
from hamyar.core.storage.settings import Settings
from hamyar.core.text.input_limits import is_id

ATTACH = "attach"
PUBLISH = "publish_attachment"
UNPUBLISH = "unpublish_attachment"
HISTORY_ACTIONS = {
    ATTACH: "Attachment added",
    PUBLISH: "Attachment made public",
    UNPUBLISH: "Attachment no longer public",
}
"""The history entries these commands write, by the catalogue's message id that titles them."""


def store_of(settings: Settings) -> MediaStore:
    """The media store the settings name (a folder beside the SQLite file by default)."""
    return open_store(settings.effective_media_url)


def attach(
    uow: UnitOfWork,
    actor: Actor,
    case_id: int,
    *,
    filename: str,
    data: bytes,
    source: str = "web",
) -> Attachment:
    """Attach a photo or a PDF to a case. 404 unseen case; 403 for those who may not work on
    it; 413 over the size cap; 415 for anything that is not a photo or a PDF by its content."""
    if source not in ATTACHMENT_SOURCES:
        raise InvalidInput(
            f"source must be one of {', '.join(ATTACHMENT_SOURCES)}",
            [{"field": "source", "message": "unknown source"}],
        )
    with uow:
        access.require_writer(actor)
        case, allowed = access.get_case(uow.session, actor, case_id)
        access.require_case_worker(actor, allowed)
        return _store(uow, actor, case, filename=filename, data=data, source=source)


def _store(
    uow: UnitOfWork, actor: Actor, case: Case, *, filename: str, data: bytes, source: str
) -> Attachment:
    settings = uow.app.settings
    prepared = media.prepare(data, settings.media_max_bytes)
    assert case.id is not None
    token = secrets.token_hex(12)
    key = f"case/{case.id}/{token}.{prepared.extension}"
    thumbnail_key = f"case/{case.id}/{token}-thumb.jpg" if prepared.thumbnail else None
    store = store_of(settings)
    row = Attachment(
        case_id=case.id,
        filename=media.display_name(filename, prepared.extension),
        content_type=prepared.content_type,
        kind=prepared.kind,
        size=len(prepared.data),
        sha256=prepared.sha256,
        storage_key=key,
        thumbnail_key=thumbnail_key,
        width=prepared.width,
        height=prepared.height,
        source=source,
        uploaded_by=actor.username,
    )
    uow.session.add(row)
    uow.session.flush()
    store.put(key, prepared.data, prepared.content_type)
    uow.on_rollback(lambda: store.delete(key))
    if thumbnail_key and prepared.thumbnail:
        store.put(thumbnail_key, prepared.thumbnail, "image/jpeg")
        uow.on_rollback(lambda: store.delete(thumbnail_key))
    _record(uow.session, case, actor, ATTACH, row)
    return row


def attach_as_system(
    uow: UnitOfWork, actor: Actor, case: Case, *, filename: str, data: bytes, source: str
) -> Attachment:
    """Attach what a channel brought in with the case (the new-case form's photo, an Open311
    `media` upload or a fetched `media_url`), in the caller's unit of work: the case was just
    opened in it, or the worker's step runs as the engine."""
    with uow:
        return _store(uow, actor, case, filename=filename, data=data, source=source)


FETCH_FAILED = "media_fetch_failed"


def request_fetch(uow: UnitOfWork, case: Case, url: str) -> str:
    """Ask a worker to fetch the photo at `url` for `case` (Open311 `media_url`), in the
    caller's unit of work: the step lands with the case, or not at all. Returns its key."""
    assert case.id is not None
    digest = hashlib.sha256(url.encode()).hexdigest()[:16]
    step = FETCH_MEDIA.message(
        {"case_id": case.id, "url": url, "digest": digest}, priority=case.priority, case_id=case.id
    )
    with uow:
        uow.session.add(step)
        uow.dispatch([step.key])
    return step.key


def store_fetched(
    uow: UnitOfWork, case_id: int, *, url: str, data: bytes | None, refusal: str = ""
) -> Attachment | None:
    """`refusal`: why there is no data — "too_large" or "http_status" (`FETCH_REASONS`)."""
    """A worker's fetched `media_url`: attached as the engine, or — when the server sent
    something that is no photo, or too much — a history entry saying so, so the step ends with
    a clear status instead of retrying what will never succeed."""
    with uow:
        case = uow.session.get(Case, case_id)
        if case is None:
            raise NotFound(f"no case {case_id}")
        reason = refusal
        if data is not None:
            try:  # the content is checked before anything is written
                return _store(
                    uow, SYSTEM, case, filename=_url_name(url), data=data, source="open311"
                )
            except MediaTooLarge:
                reason = "too_large"
            except UnsupportedMedia:
                reason = "wrong_type"
        history.record(
            uow.session,
            case_id=case_id,
            action=FETCH_FAILED,
            actor=SYSTEM.username,
            version=case.version,
            automatic=True,
            params={"url": url[:500], "reason": reason[:64]},
        )
        return None


def _url_name(url: str) -> str:
    from urllib.parse import unquote, urlsplit

    return unquote(urlsplit(url).path.rsplit("/", 1)[-1]) or "media"


def _record(session: Session, case: Case, actor: Actor, action: str, row: Attachment) -> None:
    assert case.id is not None
    case.updated_at = utcnow()
    session.add(case)
    history.record(
        session,
        case_id=case.id,
        action=action,
        actor=actor.username,
        version=case.version,
        params={"filename": row.filename, "attachment": row.id},
    )


def set_public(uow: UnitOfWork, actor: Actor, attachment_id: int, *, public: bool) -> Attachment:
    """Mark an attachment public (shown on the citizen's status page) or take it back.
    404 unseen; 403 for anyone but staff of an involved agency who may work on the case;
    422 on a confidential case, which shows nothing publicly."""
    with uow:
        access.require_writer(actor)
        row, case, allowed = get_attachment(uow.session, actor, attachment_id)
        access.require_case_worker(actor, allowed)
        if case.confidential:
            raise InvalidInput(
                media.phrase("A confidential case shows nothing publicly."),
                [
                    {
                        "field": "public",
                        "message": media.phrase("A confidential case shows nothing publicly."),
                    }
                ],
            )
        if not access.may_publish_attachment(actor, allowed, case):
            raise GuardRefused(
                "only staff of an agency working on this case may publish its photos"
            )
        if row.public != public:
            row.public = public
            uow.session.add(row)
            _record(uow.session, case, actor, PUBLISH if public else UNPUBLISH, row)
        return row


def get_attachment(
    session: Session, actor: Actor, attachment_id: int
) -> tuple[Attachment, Case, CaseAccess]:
    """The attachment, its case and the actor's access; NotFound unless they may read the
    case's content (an attachment of a case they may only see routed is not theirs to see)."""
    row = session.get(Attachment, attachment_id) if is_id(attachment_id) else None
    if row is not None:
        try:
            case, allowed = access.get_case(session, actor, row.case_id)
        except NotFound:
            pass
        else:
            if access.may_read_attachments(allowed):
                return row, case, allowed
    raise NotFound(f"no attachment {attachment_id}")


def attachments_of(session: Session, allowed: CaseAccess, case: Case) -> list[Attachment]:
    """The case's attachments, oldest first, if the reader may read them; else none."""
    if not access.may_read_attachments(allowed):
        return []
    return list(
        session.exec(
            select(Attachment)
            .where(col(Attachment.case_id) == case.id)
            .order_by(col(Attachment.id))
        ).all()
    )


def public_attachment(
    session: Session, registry: Registry, tracking_code: str, attachment_id: int
) -> Attachment:
    """One public attachment of the publicly readable case with this tracking code, for
    `/status/{code}/attachments/{id}`; NotFound for anything else, alike."""
    case = session.exec(select(Case).where(col(Case.tracking_code) == tracking_code)).first()
    row = session.get(Attachment, attachment_id) if is_id(attachment_id) else None
    if (
        case is None
        or row is None
        or row.case_id != case.id
        or not row.public
        or not access.publicly_readable(registry, case)
    ):
        raise NotFound(f"no attachment {attachment_id}")
    return row


@dataclass(frozen=True)
class Content:
    data: bytes
    content_type: str
    filename: str


def content(settings: Settings, row: Attachment, *, thumbnail: bool = False) -> Content:
    """The stored bytes (or the thumbnail's); NotFound when the store has lost them or a PDF
    has no thumbnail."""
    key = row.thumbnail_key if thumbnail else row.storage_key
    if key is None:
        raise NotFound(f"attachment {row.id} has no thumbnail")
    try:
        data = store_of(settings).get(key)
    except KeyError:
        raise NotFound(f"the file of attachment {row.id} is missing from the media store") from None
    return Content(data, "image/jpeg" if thumbnail else row.content_type, row.filename)
