"""The route proposals most agency plugins make, written once for `propose_routes`.

Someone who picks an agency's own service has asked that agency directly, so it claims the case
with full confidence. A joint programme — a case in the `joint_programme` category whose form
lists partner agencies — gives each partner a task of its own beside the lead agency's; a partner
proposes the service it brings, marked `joint`, a little below a direct request.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from hamyar.core.plugin.declarations import ServiceSpec


@dataclass(frozen=True)
class RouteProposal:
    """A plugin's (or a rule's) answer to "who should act on this case?"."""

    service: str
    """The service code whose agency should get a task."""
    reason: str = ""
    """Why, in words a coordinator reads in the history (Persian)."""
    score: float = 0.5
    """0-1 for plugins; the highest-scoring non-joint proposal becomes the primary task.

    0 means "this service could take it, but a coordinator must decide": the case goes to
    triage, and the proposal's details (the district) are used if the coordinator assigns it.
    """
    joint: bool = False
    """True: the agency gets a task of its own beside the primary one (a joint programme)."""
    referral: bool = False
    """True: the service is offered a referral from the primary task's agency (Primero's
    referral, state `offered`), which it accepts or rejects. Never the primary task; skipped on
    a confidential case, whose referral needs the family's recorded consent."""
    variables: Mapping[str, Any] = field(default_factory=dict)
    """Set on the task, e.g. `{"district": "karaj-3"}` for the municipal district that owns it."""
    agency: str | None = None
    """Optional; when given it must be the service's agency."""
    source: str = ""
    """Filled in by the router: the proposing plugin, or `rule:<id>`."""

    @property
    def kind(self) -> str:
        """The task it asks for: primary (or joint, beside it) or referral."""
        return "referral" if self.referral else "joint" if self.joint else "primary"


JOINT_PROGRAMME = "joint_programme"
"""The case category of a joint programme; its form's `partners` names the partner agencies."""
DIRECT_SCORE = 1.0
JOINT_SCORE = 0.8


class ProposedCase(Protocol):
    """What the helpers read of a case: a `CaseSnapshot` (or the case itself)."""

    @property
    def service_code(self) -> str: ...
    @property
    def category(self) -> str | None: ...
    @property
    def data(self) -> Mapping[str, Any]: ...


def direct_request(case: ProposedCase, agency: str, reason: str) -> RouteProposal | None:
    """The case's own service when it belongs to `agency` (codes are `<agency>.<name>`)."""
    if not case.service_code.startswith(f"{agency}."):
        return None
    return RouteProposal(service=case.service_code, score=DIRECT_SCORE, reason=reason)


def own_agency_route(
    spec: ServiceSpec, agency_title: str, proposals: Iterable[RouteProposal]
) -> RouteProposal | None:
    """The router's default: a case's own service `spec`, as a direct request, when none of
    `proposals` names it.

    Someone who opened a case against an agency's service asked that agency, so a plugin need
    not say so again. An administrator's rule still outranks it, a plugin's proposal for the
    service (even one scored 0, "a coordinator decides") replaces it, and a service declared
    `route_to_own_agency=False` gets none.
    """
    if not spec.route_to_own_agency or any(p.service == spec.code for p in proposals):
        return None
    return RouteProposal(
        service=spec.code,
        agency=spec.agency,
        score=DIRECT_SCORE,
        reason=f"درخواست مستقیم از {agency_title}",
        source="default",
    )


def is_joint_partner(case: ProposedCase, agency: str) -> bool:
    """Whether the case is a joint programme that lists `agency` among its partners."""
    return case.category == JOINT_PROGRAMME and agency in case.data.get("partners", ())


def joint_partner(
    case: ProposedCase,
    agency: str,
    service: str,
    reason: str,
    variables: Mapping[str, Any] | None = None,
) -> RouteProposal | None:
    """`service` as `agency`'s own task beside the lead agency's, when the case is a joint
    programme naming `agency` among its partners; else None."""
    if not is_joint_partner(case, agency):
        return None
    return RouteProposal(
        service=service, joint=True, score=JOINT_SCORE, reason=reason, variables=variables or {}
    )
