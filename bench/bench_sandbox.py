"""How many requests per second the GitHub sandbox serves on this machine.

    .venv/bin/python bench/bench_sandbox.py [--seconds 5] [--threads 1 4 16]

Each scenario hammers the started sandbox from N client threads (one keep-alive-less `requests`
session each, like PyGithub) for a fixed time and reports answered requests per second: a cheap
GET, a bigger GET (a repository), a conditional GET answered 304, and a write (a repository
variable update). Not part of the test suite: run it on demand.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from collections.abc import Callable

import requests
from targets import NO_TARGET  # bench/targets.py (a script's own folder is on its path)

from wizard.sandbox import Sandbox

REPO = "BrikByte-Studios/example-node-api"


def _scenarios(base: str, token: str) -> dict[str, Callable[[requests.Session], int]]:
    auth = {"Authorization": f"token {token}"}
    etag = requests.get(f"{base}/repos/{REPO}", headers=auth, timeout=30).headers["ETag"]
    requests.post(f"{base}/repos/{REPO}/actions/variables", json={"name": "BENCH", "value": "0"}, headers=auth, timeout=30)
    return {
        "GET /rate_limit": lambda s: s.get(f"{base}/rate_limit", headers=auth, timeout=30).status_code,
        "GET /repos/{owner}/{repo}": lambda s: s.get(f"{base}/repos/{REPO}", headers=auth, timeout=30).status_code,
        "GET /repos/{owner}/{repo} (304)": lambda s: (
            s.get(f"{base}/repos/{REPO}", headers={**auth, "If-None-Match": etag}, timeout=30).status_code
        ),
        "PATCH …/actions/variables/{name}": lambda s: (
            s.patch(f"{base}/repos/{REPO}/actions/variables/BENCH", json={"value": "1"}, headers=auth, timeout=30).status_code
        ),
    }


def _hammer(call: Callable[[requests.Session], int], threads: int, seconds: float) -> tuple[float, int, list[float]]:
    deadline = time.perf_counter() + seconds
    counts, errors, latencies = [0] * threads, [0] * threads, [[] for _ in range(threads)]

    def worker(i: int) -> None:
        session = requests.Session()
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            status = call(session)
            latencies[i].append(time.perf_counter() - began)
            counts[i] += 1
            errors[i] += status >= 400

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    return sum(counts) / elapsed, sum(errors), [x for chunk in latencies for x in chunk]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="duration of each measurement")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 4, 16], help="client thread counts")
    args = parser.parse_args()
    with Sandbox(time_factor=0.01) as sandbox:
        sandbox.state.rate_limit = 10**9  # measure the server, not GitHub's limits
        sandbox.state.content_limit_per_minute = 10**9
        scenarios = _scenarios(sandbox.base_url, sandbox.token)
        print(f"GitHub sandbox at {sandbox.base_url}: requests per second ({args.seconds:g} s each)")
        print(f"{'scenario':36} {'threads':>7} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
        for name, call in scenarios.items():
            for threads in args.threads:
                rate, errors, lat = _hammer(call, threads, args.seconds)
                lat.sort()
                p50 = statistics.median(lat) * 1000 if lat else 0.0
                p95 = lat[int(len(lat) * 0.95) - 1] * 1000 if lat else 0.0
                print(f"{name:36} {threads:>7} {rate:>9.0f} {p50:>8.1f} {p95:>8.1f} {errors:>7}")
        print(NO_TARGET)


if __name__ == "__main__":
    main()
