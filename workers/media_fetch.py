"""Fetching a photo a citizen's app names by URL (Open311 `media_url`), within bounds.

The server at the other end is a stranger's: it may be slow, send forever, or send a film.
The fetch gives up after `timeout` seconds in all (not per read) and after `max_bytes`, so a
worker never hangs nor fills its memory. Too much, or an error status, is final (`Refused`:
the step ends with a history entry saying why); a timeout or a broken connection is raised as
it is, so the step is retried with backoff and, after its last try, becomes an incident.
"""

from __future__ import annotations

import time

import httpx


class Refused(Exception):
    """The server answered, but not with something to attach; `code` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def fetch(url: str, *, max_bytes: int, timeout: float) -> bytes:
    """The body at `url`; Refused for too much or an error status; httpx.TimeoutException
    when the whole fetch takes longer than `timeout`."""
    deadline = time.monotonic() + timeout
    with (
        httpx.Client(
            timeout=httpx.Timeout(timeout), follow_redirects=True, max_redirects=3
        ) as client,
        client.stream("GET", url, headers={"Accept": "image/*, application/pdf"}) as answer,
    ):
        if answer.status_code >= 400:
            raise Refused("http_status")
        declared = answer.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise Refused("too_large")
        chunks: list[bytes] = []
        size = 0
        for chunk in answer.iter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise Refused("too_large")
            chunks.append(chunk)
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout(f"the media server took longer than {timeout} s")
    return b"".join(chunks)
