"""`POST /api/tasks/{id}/referrals`: refer the case of my agency's task to another agency.

The referral answers (accept, reject with a reason, complete) and the sender's revoke are task
transitions on the referral task: `POST /api/tasks/{referral id}/transitions`.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from hamyar.core.application import referrals
from hamyar.core.auth.access import CaseAccess
from hamyar.core.storage.models import utcnow
from hamyar.core.web.dependencies import ActorDep, UowDep
from hamyar.core.web.limits import Id, Line, Text, Version
from hamyar.core.web.representation import task_view


class ReferralRequest(msgspec.Struct, forbid_unknown_fields=True):
    service: Line
    """The receiving agency's service code."""
    reason: Text
    """What the receiving agency is asked to do, and why."""
    consent: dict[str, Any] | None = None
    """`{given: bool, by: str, method: in_person|phone|in_writing, at: ISO or Jalali}`: needed
    for a confidential case, unless a supervisor overrides."""
    override_reason: Text = ""
    """A supervisor's reason to refer a confidential case without consent."""
    version: Version | None = None
    """The referring task's version you saw (409 when it changed)."""


@post(
    "/tasks/{task_id:int}/referrals",
    status_code=HTTP_201_CREATED,
    sync_to_thread=True,
    tags=["tasks"],
)
def create_referral(
    task_id: FromPath[Id], data: JSONBody[ReferralRequest], uow: UowDep, actor: ActorDep
) -> dict[str, Any]:
    """Offer a referral: 201 with the referral task (offered); 403 not your agency's task or
    no consent without a supervisor; 409 stale version; 422 unknown service, missing reason."""
    consent = referrals.parse_consent(data.consent)
    task = referrals.refer(
        uow,
        actor,
        task_id,
        service=data.service,
        reason=data.reason,
        consent=consent,
        override_reason=data.override_reason,
        version=data.version,
    )
    body = task_view(task, CaseAccess(visible=True, content=True, reporter=False), utcnow())
    if consent is not None:
        body["consent_record"] = {
            "given": consent.given,
            "by": consent.by,
            "method": consent.method,
            "at": consent.at,
        }
    return body


REFERRAL_ROUTES = [create_referral]
