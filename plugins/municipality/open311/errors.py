"""The errors GeoReport v2 defines, as exceptions the routes turn into its error format.

The specification answers every failure with a list of `{code, description}` (in XML
`<errors><error>…`), the HTTP status repeated as `code`: 404 for an unknown resource or
jurisdiction, 403 for a missing or bad `api_key`, 400 for anything else. We add 429 for a key
over its rate limit, because that is the status every HTTP client already knows to back off on,
and 422 for an `Idempotency-Key` (an extension) reused with a different request.
"""

from __future__ import annotations


class Open311Error(Exception):
    """One or more problems with a request; `descriptions` become one `<error>` each."""

    status_code = 400

    def __init__(self, *descriptions: str, retry_after: int | None = None) -> None:
        super().__init__("; ".join(descriptions))
        self.descriptions = list(descriptions) or ["bad request"]
        self.retry_after = retry_after

    def as_list(self) -> list[dict[str, object]]:
        return [{"code": self.status_code, "description": d} for d in self.descriptions]


class BadRequest(Open311Error):
    status_code = 400


class Forbidden(Open311Error):
    status_code = 403


class NotFound(Open311Error):
    status_code = 404


class Unprocessable(Open311Error):
    """A request that cannot be taken as sent: an `Idempotency-Key` reused for another one."""

    status_code = 422


class TooManyRequests(Open311Error):
    status_code = 429
