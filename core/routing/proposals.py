"""The route proposals most agency plugins make, written once for `propose_routes`.

Someone who picks an agency's own service has asked that agency directly, so it claims the case
with full confidence. A joint programme — a case in the `joint_programme` category whose form
lists partner agencies — gives each partner a task of its own beside the lead agency's; a partner
proposes the service it brings, marked `joint`, a little below a direct request.
"""

from __future__ import annotations

from hamyar.core.routing.router import RouteProposal
from hamyar.core.storage.models import Case

JOINT_PROGRAMME = "joint_programme"
"""The case category of a joint programme; its form's `partners` names the partner agencies."""
DIRECT_SCORE = 1.0
JOINT_SCORE = 0.8


def direct_request(case: Case, agency: str, reason: str) -> RouteProposal | None:
    """The case's own service when it belongs to `agency` (codes are `<agency>.<name>`)."""
    if not case.service_code.startswith(f"{agency}."):
        return None
    return RouteProposal(service=case.service_code, score=DIRECT_SCORE, reason=reason)


def is_joint_partner(case: Case, agency: str) -> bool:
    """Whether the case is a joint programme that lists `agency` among its partners."""
    return case.category == JOINT_PROGRAMME and agency in case.data.get("partners", ())
