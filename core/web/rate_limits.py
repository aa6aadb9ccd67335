"""Per-address limits on the public pages: status look-ups and report submissions.

Litestar's own `RateLimitMiddleware` counts, in its `rate_limit` store, the requests of each
client address within a window; over the limit it raises `TooManyRequestsException` (429), which
`hamyar.core.web.errors` answers with a worded page or JSON and a `Retry-After`. Two limits:

- **look-ups** — `GET /status`, `/status/{code}` and `/api/public/status/{code}`:
  `HAMYAR_PUBLIC_LOOKUPS_PER_MINUTE` (30) a minute, so tracking codes cannot be tried in bulk;
- **reports** — `POST /report`: `HAMYAR_PUBLIC_REPORTS_PER_HOUR` (10) an hour, against floods.

The store is Redis (`litestar.stores.redis.RedisStore` on the installation's Redis, so every
web process counts together). A Redis that is down or hung must not take the public pages
with it: `ResilientRedisStore` answers "nothing counted yet" when Redis fails, through the same
circuit breaker as live events (`hamyar.core.storage.broker`), so the pages stay up unlimited
for the cool-down rather than answering 500 or waiting on every request. The address is the
socket's (or X-Forwarded-For's, when `HAMYAR_TRUSTED_PROXIES` names the proxy: uvicorn does
that, see `hamyar serve`).
"""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from datetime import timedelta
from typing import Any

from litestar import Request
from litestar.middleware.base import DefineMiddleware
from litestar.middleware.rate_limit import RateLimitConfig, get_remote_address
from litestar.stores.base import Store
from litestar.stores.redis import RedisStore
from litestar.stores.registry import StoreRegistry
from redis.asyncio import Redis
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from hamyar.core.storage import broker
from hamyar.core.storage.settings import Settings

log = logging.getLogger(__name__)

STORE = "rate_limit"
LOOKUP_PATHS = re.compile(r"^/(status(/[^/]*)?|api/public/status/[^/]*)/?$")
REPORT_PATH = "/report"


class ResilientRedisStore(Store):
    """A `RedisStore` on the app's Redis that fails open: when Redis does not answer, a read
    finds nothing and a write is dropped (logged), and the breaker spares the next requests
    the wait. One client per event loop: redis.asyncio connections belong to the loop that
    opened them."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self._loop: asyncio.AbstractEventLoop | None = None
        self._store: RedisStore | None = None

    async def _inner(self) -> RedisStore:
        loop = asyncio.get_running_loop()
        if self._store is None or self._loop is not loop:
            url = await asyncio.to_thread(broker.redis_url)
            client = Redis.from_url(
                url,
                socket_timeout=broker.QUICK_TIMEOUT,
                socket_connect_timeout=broker.QUICK_TIMEOUT,
                retry=Retry(NoBackoff(), 0),
            )
            self._store, self._loop = RedisStore(client, namespace=self.namespace), loop
        return self._store

    async def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if not broker.breaker.allow():
            return None
        try:
            store = await self._inner()
            result = await getattr(store, name)(*args, **kwargs)
        except (RedisError, OSError, TimeoutError) as exc:
            broker.breaker.failed()
            self._store = None
            log.warning("rate limits not counted: Redis did not answer (%s)", exc)
            return None
        broker.breaker.succeeded()
        return result

    async def set(
        self, key: str, value: str | bytes, expires_in: int | timedelta | None = None
    ) -> None:
        await self._call("set", key, value, expires_in=expires_in)

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        found = await self._call("get", key, renew_for=renew_for)
        return found if isinstance(found, bytes) else None

    async def delete(self, key: str) -> None:
        await self._call("delete", key)

    async def delete_all(self) -> None:
        await self._call("delete_all")

    async def exists(self, key: str) -> bool:
        return bool(await self._call("exists", key))

    async def expires_in(self, key: str) -> int | None:
        found = await self._call("expires_in", key)
        return found if isinstance(found, int) else None


def stores(namespace: str | None = None) -> StoreRegistry:
    """The app's stores: the rate-limit counters in Redis, under `namespace` (a fresh one per
    test app, so no test sees another's counts; `hamyar:rate` for the installation)."""
    space = namespace or "hamyar:rate"
    return StoreRegistry({STORE: ResilientRedisStore(space)})


def fresh_stores() -> StoreRegistry:
    """Stores no one has counted in yet (each test gets its own)."""
    return stores(f"hamyar:rate:{uuid.uuid4().hex}")


def _is_lookup(request: Request[Any, Any, Any]) -> bool:
    return request.method == "GET" and bool(LOOKUP_PATHS.match(request.url.path))


def _is_report(request: Request[Any, Any, Any]) -> bool:
    return request.method == "POST" and request.url.path.rstrip("/") == REPORT_PATH


def _lookup_key(request: Request[Any, Any, Any]) -> str:
    return "lookup:" + get_remote_address(request)


def _report_key(request: Request[Any, Any, Any]) -> str:
    return "report:" + get_remote_address(request)


def middleware(settings: Settings) -> list[DefineMiddleware]:
    """The two limits as app middleware (each checks only its own routes)."""
    lookups = RateLimitConfig(
        rate_limit=("minute", settings.public_lookups_per_minute),
        check_throttle_handler=_is_lookup,
        identifier_for_request=_lookup_key,
        store=STORE,
    )
    reports = RateLimitConfig(
        rate_limit=("hour", settings.public_reports_per_hour),
        check_throttle_handler=_is_report,
        identifier_for_request=_report_key,
        store=STORE,
    )
    return [lookups.middleware, reports.middleware]


__all__ = ["STORE", "ResilientRedisStore", "fresh_stores", "middleware", "stores"]
