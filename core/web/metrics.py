"""Prometheus metrics at `/metrics`: request counts and latencies, and the work waiting.

Request metrics are labelled by route template (`/api/cases/{case_id:int}`), never by the raw
path, so the number of series stays small. The gauges are read from the database at scrape time:
cases per state, open and overdue tasks, the outbox backlog and open incidents.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Iterator
from typing import Any

from litestar import Request, Response, get
from litestar.datastructures import State
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from hamyar.core.auth.access import require_metrics_access
from hamyar.core.cases.status import task_is_open, task_is_overdue
from hamyar.core.exceptions import NotAuthenticated
from hamyar.core.storage.database import read_only
from hamyar.core.storage.models import Case, Incident, OutboxMessage, Task, utcnow
from hamyar.core.web.auth import bearer_token, resolve_actor
from hamyar.core.web.dependencies import provide_app
from hamyar.core.web.errors import status_of

REGISTRY = CollectorRegistry()
REQUESTS = Counter(
    "hamyar_http_requests_total",
    "HTTP requests answered",
    ["method", "route", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "hamyar_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["method", "route"],
    registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)


def _route(scope: Scope) -> str:
    handler = scope.get("route_handler")
    template = scope.get("path_template")
    if template:
        return str(template)
    if handler is not None and getattr(handler, "paths", None):
        return sorted(handler.paths)[0]
    return "unmatched"


class MetricsMiddleware(ASGIMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if scope["type"] != "http":
            await next_app(scope, receive, send)
            return
        start = time.perf_counter()
        status = [500]

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await next_app(scope, receive, sending)
        except Exception as exc:
            # Answered by the exception handlers outside this middleware: count their status.
            status[0] = status_of(exc)
            raise
        finally:
            route, method = _route(scope), str(scope.get("method", ""))
            LATENCY.labels(method, route).observe(time.perf_counter() - start)
            REQUESTS.labels(method, route, str(status[0])).inc()


class WorkCollector(Collector):
    """Gauges computed from the database on each scrape."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = utcnow()
        with Session(read_only(self.engine)) as session:  # no write lock on SQLite
            cases = GaugeMetricFamily("hamyar_cases", "Cases by state", labels=["state"])
            for state, count in session.execute(
                select(col(Case.state), func.count()).group_by(col(Case.state))
            ):
                cases.add_metric([state], count)
            yield cases
            open_tasks = select(func.count()).select_from(Task).where(task_is_open())
            yield GaugeMetricFamily(
                "hamyar_tasks_open",
                "Tasks not finished",
                value=session.execute(open_tasks).scalar_one(),
            )
            overdue = select(func.count()).select_from(Task).where(task_is_overdue(now))
            yield GaugeMetricFamily(
                "hamyar_tasks_overdue",
                "Open tasks past their due date",
                value=session.execute(overdue).scalar_one(),
            )
            backlog = (
                select(func.count())
                .select_from(OutboxMessage)
                .where(col(OutboxMessage.sent_at).is_(None))
            )
            yield GaugeMetricFamily(
                "hamyar_outbox_backlog",
                "Steps not yet handed to a worker",
                value=session.execute(backlog).scalar_one(),
            )
            incidents = (
                select(func.count())
                .select_from(Incident)
                .where(col(Incident.resolved_at).is_(None))
            )
            yield GaugeMetricFamily(
                "hamyar_incidents_open",
                "Failed steps awaiting a retry",
                value=session.execute(incidents).scalar_one(),
            )


def require_metrics_reader(request: Request[Any, Any, Any]) -> None:
    """A scraper sends `Authorization: Bearer <HAMYAR_METRICS_TOKEN>`; a person signs in as a
    Manager. Anyone else: 401 when anonymous, 403 when signed in."""
    app = provide_app(request.app.state)
    configured = app.settings.metrics_token
    sent = bearer_token(request)
    if configured and sent and hmac.compare_digest(sent.encode(), configured.encode()):
        return
    actor = resolve_actor(app, request)
    if actor is None:
        raise NotAuthenticated(
            "metrics need `Authorization: Bearer <HAMYAR_METRICS_TOKEN>` or a Manager's login"
        )
    require_metrics_access(actor)


@get("/metrics", include_in_schema=False, sync_to_thread=True)
def metrics_handler(request: Request[Any, Any, Any], state: State) -> Response[bytes]:
    """Request metrics of this process and work gauges of the whole deployment."""
    require_metrics_reader(request)
    work = CollectorRegistry()
    work.register(WorkCollector(provide_app(state).engine))
    body = generate_latest(REGISTRY) + generate_latest(work)
    return Response(body, media_type=CONTENT_TYPE_LATEST)


def sample(name: str, **labels: Any) -> float | None:
    """A metric's current value in this process (for tests)."""
    return REGISTRY.get_sample_value(name, labels)
