"""What the engine hands a plugin's hooks, handlers and jobs: a context, never a global.

Each context carries what that call may use — the registry, a database session, the case it is
about — so a plugin reaches nothing through `object_session` or process-wide singletons, and a
test can call a hook with a context it built itself.

- `RoutingContext` (`propose_routes`): a snapshot of the new case and its neighbourhood, for
  reading; the session is the router's, to look things up, not to write.
- `HandlerContext` (a transition's handler, run by a worker after the transition committed):
  the loaded rows, and `transition()` to move them on, in the worker's transaction — the work and
  the step it causes land together or not at all. Delivery is at least once, so a handler must
  notice work it already did (the task is no longer where it expects).
- `PeriodicContext` (a `PeriodicJob`): the period being run, in the job's transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from sqlmodel import Session

from hamyar.core.auth.actor import SYSTEM
from hamyar.core.engine.events import TransitionEvent
from hamyar.core.engine.transition import apply_transition
from hamyar.core.geo import Place, place
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.models import Case, Neighbourhood, Task
from hamyar.core.time.deadlines import working_calendar
from hamyar.core.time.working_days import WorkingCalendar


@dataclass(frozen=True)
class CaseSnapshot:
    """A case as a hook reads it: a copy, so no hook can change a case behind the engine."""

    id: int
    tracking_code: str
    service_code: str
    category: str | None
    title: str
    description: str
    data: Mapping[str, Any]
    neighbourhood_id: int | None
    channel: str
    state: str
    priority: int
    confidential: bool

    @classmethod
    def of(cls, case: Case) -> CaseSnapshot:
        assert case.id is not None
        return cls(
            id=case.id,
            tracking_code=case.tracking_code,
            service_code=case.service_code,
            category=case.category,
            title=case.title,
            description=case.description,
            data=MappingProxyType(dict(case.data)),
            neighbourhood_id=case.neighbourhood_id,
            channel=case.channel,
            state=case.state,
            priority=case.priority,
            confidential=case.confidential,
        )


@dataclass(frozen=True)
class NeighbourhoodSnapshot:
    """Where a case happens, as a hook reads it."""

    id: int
    code: str
    name_fa: str
    name_en: str
    county_id: int
    district: str | None
    """The municipal district that owns the neighbourhood."""
    deprived: bool
    """One of the target neighbourhoods of the provincial social headquarters."""

    @classmethod
    def of(cls, nb: Neighbourhood | Place) -> NeighbourhoodSnapshot:
        assert nb.id is not None
        return cls(
            id=nb.id,
            code=nb.code,
            name_fa=nb.name_fa,
            name_en=nb.name_en,
            county_id=nb.county_id,
            district=nb.district,
            deprived=nb.deprived,
        )


@dataclass(frozen=True)
class RoutingContext:
    """What `propose_routes` is handed for one new case."""

    case: CaseSnapshot
    neighbourhood: NeighbourhoodSnapshot | None
    registry: Registry
    session: Session
    """For looking things up while proposing; the router writes, never a proposal."""

    @classmethod
    def of(cls, session: Session, case: Case, registry: Registry) -> RoutingContext:
        nb = place(session, case.neighbourhood_id)
        return cls(
            case=CaseSnapshot.of(case),
            neighbourhood=NeighbourhoodSnapshot.of(nb) if nb else None,
            registry=registry,
            session=session,
        )


class _StepActions:
    """What a handler and a periodic job may do in their step's transaction."""

    session: Session
    registry: Registry
    events: list[TransitionEvent]

    def transition(self, target: Case | Task, transition_id: str, comment: str = "") -> None:
        """Apply `transition_id` to `target` as the engine (SYSTEM), in the step's transaction;
        the worker tells observers once it commits."""
        self.events += apply_transition(
            self.session, target, transition_id, SYSTEM, self.registry, comment=comment
        )

    def calendar(self, agency: str) -> WorkingCalendar:
        """The agency's working days: its Thursday rule, holidays and the admin's overrides."""
        return working_calendar(self.session, self.registry, agency)


@dataclass
class HandlerContext(_StepActions):
    """What a worker hands a transition's handler."""

    session: Session
    registry: Registry
    case: Case
    task: Task | None
    transition_name: str
    """The transition whose handler this is (e.g. `request_slot`); `transition()` is the verb."""
    events: list[TransitionEvent] = field(default_factory=list)
    """Every transition the handler applied."""


@dataclass
class PeriodicContext(_StepActions):
    """What a worker hands a `PeriodicJob`'s function, once per period."""

    session: Session
    """The job's transaction: what the job writes lands once for its period, or not at all."""
    registry: Registry
    name: str
    slot: str
    """The start of the period being run (ISO time), e.g. `2024-03-02T02:30:00+00:00`."""
    events: list[TransitionEvent] = field(default_factory=list)
    """Every transition the job applied."""
