"""The GitHub sandbox at fleet scale: seeding 200 repos, and whether 200 repos slow its answers down.

    .venv/bin/python bench/bench_sandbox_fleet.py [--requests 300] [--rounds 5]

Seeding: `fleet: {count: 200}` (the sample service as the template) applied to a fresh sandbox state, `--rounds`
times; reported as median (min..max). Latency: one client (a keep-alive `requests` session) sends `--requests`
sequential GETs to a sandbox holding the default 2 repos and to one holding 202 (the default 2 and a fleet of 200),
interleaved in blocks so that the machine's other load falls on both alike; p50 and p95 per case.
`GET /repos/{owner}/{repo}` asks for the repo made last (a scan over all repos would find it last);
`GET /orgs/{org}/repos?per_page=2` returns the same two repos' worth of JSON from both orgs, so the ratio shows
what the org's size costs (filtering and sorting it); per_page=30 and 100 are for reading (pages of that size).
Not part of the test suite: run it on demand.

Targets: seeding 200 repos under 1 s (median); p50 with 202 repos at most 1.25x the p50 with 2, for both GETs.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import requests
from targets import target  # bench/targets.py (a script's own folder is on its path)

from wizard.sandbox import Sandbox
from wizard.sandbox.seed import apply_seed, read_seed
from wizard.sandbox.state import SandboxState

ORG = "BrikByte-Studios"
FLEET = 200
SEED_TARGET_S = 1.0
RATIO_TARGET = 1.25
BLOCK = 20  # requests per case before switching to the other sandbox


def _seed_file(folder: Path) -> Path:
    path = folder / "fleet.yml"
    path.write_text(f"fleet: {{count: {FLEET}}}\n")
    return path


def measure_seeding(seed: Path, rounds: int) -> list[float]:
    data = read_seed(seed)
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        st = SandboxState()
        apply_seed(st, data, seed.parent)
        times.append(time.perf_counter() - began)
        assert len(st.repos) == FLEET
    return times


def _latencies(sandboxes: dict[str, Sandbox], path: Callable[[str], str], count: int) -> dict[str, list[float]]:
    sessions = {}
    for name, sandbox in sandboxes.items():
        session = requests.Session()
        session.headers["Authorization"] = f"token {sandbox.token}"
        sessions[name] = session
        session.get(sandbox.base_url + path(name), timeout=30).raise_for_status()  # warm up
    out: dict[str, list[float]] = {name: [] for name in sandboxes}
    while min(len(v) for v in out.values()) < count:
        for name, sandbox in sandboxes.items():
            url = sandbox.base_url + path(name)
            for _ in range(BLOCK):
                began = time.perf_counter()
                answer = sessions[name].get(url, timeout=30)
                out[name].append(time.perf_counter() - began)
                answer.raise_for_status()
    return out


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per case")
    parser.add_argument("--rounds", type=int, default=5, help="seeding rounds")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        seed = _seed_file(Path(folder))
        seeding = measure_seeding(seed, args.rounds)
        median = statistics.median(seeding)
        print(f"seeding {FLEET} repos: median {median * 1000:.0f} ms ({min(seeding) * 1000:.0f}..{max(seeding) * 1000:.0f} ms)")
        print(f"  {target(median < SEED_TARGET_S, f'under {SEED_TARGET_S:g} s')}")
        with Sandbox(time_factor=0.01) as small, Sandbox(time_factor=0.01, seed_file=seed) as big:
            for sandbox in (small, big):
                sandbox.state.rate_limit = 10**9  # measure the server, not GitHub's limits
            sandboxes = {"2 repos": small, f"{len(big.state.repos)} repos": big}
            last_made = {"2 repos": "example-node-api", f"{len(big.state.repos)} repos": f"service-{FLEET:03d}"}
            cases: list[tuple[str, Callable[[str], str], bool]] = [
                ("GET /repos/{owner}/{repo}", lambda name: f"/repos/{ORG}/{last_made[name]}", True),
                ("GET /orgs/{org}/repos?per_page=2", lambda name: f"/orgs/{ORG}/repos?per_page=2", True),
                ("GET /orgs/{org}/repos (30 a page)", lambda name: f"/orgs/{ORG}/repos", False),
                ("GET /orgs/{org}/repos?per_page=100", lambda name: f"/orgs/{ORG}/repos?per_page=100", False),
            ]
            print(f"\n{'request':38} {'sandbox':>10} {'p50 ms':>8} {'p95 ms':>8}")
            for label, path, targeted in cases:
                found = _latencies(sandboxes, path, args.requests)
                for name, values in found.items():
                    print(f"{label:38} {name:>10} {_p(values, 0.5):>8.2f} {_p(values, 0.95):>8.2f}")
                small_p50, big_p50 = (statistics.median(v) for v in found.values())
                ratio = big_p50 / small_p50
                verdict = f"   {target(ratio <= RATIO_TARGET, f'at most {RATIO_TARGET}x')}" if targeted else ""
                print(f"{'':38} {'ratio':>10} {ratio:>8.2f}x{verdict}")


if __name__ == "__main__":
    main()
