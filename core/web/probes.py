"""`/health`: whether this web process can reach its database and Redis.

200 when both answer, 503 otherwise, with what failed, so a load balancer takes the process out
of rotation and a person sees why.
"""

from __future__ import annotations

import time
from typing import Any

from litestar import Response, get
from litestar.datastructures import State
from sqlalchemy import text

from hamyar.core.storage.database import read_only
from hamyar.core.web.dependencies import provide_app


def _check_database(state: State) -> dict[str, Any]:
    engine = provide_app(state).engine
    start = time.perf_counter()
    try:
        with read_only(engine).connect() as conn:  # never queued behind a writer on SQLite
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        return {"ok": False, "error": f"{type(exc).__name__}: {str(exc).splitlines()[0]}"}
    return {
        "ok": True,
        "ms": round((time.perf_counter() - start) * 1000, 1),
        "dialect": engine.dialect.name,
    }


def _check_redis() -> dict[str, Any]:
    start = time.perf_counter()
    try:
        from hamyar.core.storage.broker import quick_redis

        quick_redis().ping()  # short timeouts: a hung Redis fails the probe, not the process
    except Exception as exc:
        return {"ok": False, "error": f"{type(exc).__name__}: {str(exc).splitlines()[0]}"}
    return {"ok": True, "ms": round((time.perf_counter() - start) * 1000, 1)}


@get("/health", include_in_schema=True, sync_to_thread=True, tags=["operations"])
def health_handler(state: State) -> Response[dict[str, Any]]:
    """Liveness of the database and Redis."""
    checks = {"database": _check_database(state), "redis": _check_redis()}
    ok = all(c["ok"] for c in checks.values())
    return Response({"status": "ok" if ok else "failing", **checks}, status_code=200 if ok else 503)
