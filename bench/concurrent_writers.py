"""N simultaneous `POST /api/cases` against a running Hamyar (e.g. `hamyar demo`).

    hamyar demo --port 8000 &
    python bench/concurrent_writers.py http://127.0.0.1:8000 --writers 32 --rounds 5

Signs in as the demo's coordinator, then sends `--writers` requests at once, `--rounds` times,
and prints the status counts, the median and the slowest answer. Asserts nothing: the fault
suite (tests/faults/) holds the limits.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections import Counter

import httpx


async def hammer(url: str, writers: int, rounds: int, service: str) -> None:
    limits = httpx.Limits(max_connections=writers + 4)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        login = {"username": "coordinator", "password": "demo"}
        token = (await client.post("/api/auth/token", json=login)).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        seconds: list[float] = []
        statuses: Counter[int] = Counter()

        async def one(n: int) -> None:
            start = time.monotonic()
            body = {"service": service, "title": f"bench {n}", "description": "bench"}
            response = await client.post("/api/cases", headers=headers, json=body)
            seconds.append(time.monotonic() - start)
            statuses[response.status_code] += 1

        for round_ in range(rounds):
            await asyncio.gather(*(one(round_ * writers + n) for n in range(writers)))
    seconds.sort()
    print(
        f"{writers} writers × {rounds}: statuses {dict(statuses)}, "
        f"p50 {statistics.median(seconds):.3f} s, max {seconds[-1]:.3f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--writers", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--service", default="municipality.report")
    args = parser.parse_args()
    asyncio.run(hammer(args.url, args.writers, args.rounds, args.service))


if __name__ == "__main__":
    main()
