"""A fleet of 100 sandbox repos onboarded with `fleet apply --validate none` at the default write budget (80 a minute).

    .venv/bin/python bench/bench_fleet.py [--repos 100] [--concurrency 4] [--clock virtual|scaled] [--scale 30]

At 80 writes a minute, 100 repos' writes take minutes of GitHub's time. The wizard's clock (wizard/core/clock.py:
the pacer's waits and sliding minute, retries) and the sandbox's (its secondary-limit and primary windows read the
same clock: the sandbox runs in this process) are replaced for the run by one of:
- `virtual` (the default): real time, plus the waits skipped whenever every repository being worked on sleeps (on
  the pacer, a retry): a request costs its real time, a wait for the budget costs nothing real. The time a run
  takes on this clock is the time it would take against a GitHub that answers as fast as the sandbox.
- `scaled`: both clocks run `--scale` times faster than real time; requests take their real time, which the scale
  stretches too (at 30x a 5 ms answer counts as 150 ms, about GitHub's latency; but this machine's CPU is shared by
  the sandbox and the run, so answers take longer here and reads dominate).

Figures: content-creating requests (the sandbox's count of 2xx POST/PUT/PATCH/DELETE), all requests, the
secondary-limit refusals the sandbox counted, the run's time on that clock against writes / budget, and the real
wall time. The CLI runs in this process (`brik-onboard fleet apply FILE --yes --json --validate none`).

Targets: exit 0 and every repo done; zero secondary-limit hits; time on the clock at most 1.2x writes / budget.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from targets import target  # bench/targets.py (a script's own folder is on its path)

from wizard.cli import main
from wizard.core.clock import CLOCK
from wizard.core.fleet_spec import FleetRepo
from wizard.core.pacing import DEFAULT_WRITES_PER_MINUTE, Pacer
from wizard.engine.fleet import FleetRunner, RepoFinished
from wizard.sandbox import Sandbox
from wizard.sandbox.seed import DEFAULT_ORG, demo_files

RATIO_TARGET = 1.2
WRITES = ("POST", "PUT", "PATCH", "DELETE")


class VirtualClock:
    """Real time plus the waits skipped: when every repository being worked on (a fleet worker inside FleetRunner's
    `_one`) sleeps, time jumps to the earliest wake-up."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._real0 = time.monotonic()
        self._now0 = datetime.now(UTC)
        self._skipped = 0.0
        self._active = 0
        self._sleepers: dict[int, float] = {}  # thread -> when it wakes (this clock's monotonic)

    def elapsed(self) -> float:
        return time.monotonic() - self._real0 + self._skipped

    def monotonic(self) -> float:
        return self._real0 + self.elapsed()

    def now(self) -> datetime:
        return self._now0 + timedelta(seconds=self.elapsed())

    def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            return
        me = threading.get_ident()
        with self._cond:
            wake = self.monotonic() + seconds
            self._sleepers[me] = wake
            try:
                while (left := wake - self.monotonic()) > 0:
                    if self._active and len(self._sleepers) >= self._active:
                        self._skipped += max(0.0, min(self._sleepers.values()) - self.monotonic())
                        self._cond.notify_all()
                        continue
                    self._cond.wait(timeout=left)
            finally:
                del self._sleepers[me]
                self._cond.notify_all()

    def working(self, delta: int) -> None:
        with self._cond:
            self._active += delta
            self._cond.notify_all()  # one fewer at work: the others may all be asleep now

    def install(self) -> None:
        CLOCK.sleep, CLOCK.monotonic, CLOCK.now = self.sleep, self.monotonic, self.now
        one = FleetRunner._one

        def tracked(runner: FleetRunner, entry: FleetRepo) -> RepoFinished:
            self.working(+1)
            try:
                return one(runner, entry)
            finally:
                self.working(-1)

        FleetRunner._one = tracked  # type: ignore[method-assign]


class ScaledClock:
    """The wizard's (and so the sandbox's) clock running `factor` times faster than real time."""

    def __init__(self, factor: float) -> None:
        self.factor = factor
        self._real0 = time.monotonic()
        self._now0 = datetime.now(UTC)

    def elapsed(self) -> float:
        return (time.monotonic() - self._real0) * self.factor

    def monotonic(self) -> float:
        return self._real0 + self.elapsed()

    def now(self) -> datetime:
        return self._now0 + timedelta(seconds=self.elapsed())

    def sleep(self, seconds: float) -> None:
        time.sleep(max(seconds, 0.0) / self.factor)

    def install(self) -> None:
        CLOCK.sleep, CLOCK.monotonic, CLOCK.now = self.sleep, self.monotonic, self.now


def run(repos: int, concurrency: int, clock: VirtualClock | ScaledClock, label: str) -> int:
    clock.install()
    with Sandbox(time_factor=0.01) as sandbox, tempfile.TemporaryDirectory() as folder:
        names = [f"service-{i:03d}" for i in range(repos)]
        for name in names:
            sandbox.state.add_repo(DEFAULT_ORG, name, demo_files(), description="bench fleet service")
        pat = sandbox.add_token(["write:packages"], login="ci-bot")
        path = Path(folder) / "fleet.yml"
        defaults = {"strategy": "pat", "scope": "org", "visibility": "selected", "delivery": "commit", "api_url": sandbox.base_url}
        path.write_text(json.dumps({"org": DEFAULT_ORG, "defaults": defaults, "repos": names}))
        os.environ.update({"GH_TOKEN": sandbox.token, "BRIK_SECRET_REGISTRY_PAT": pat, "XDG_CACHE_HOME": folder, "XDG_CONFIG_HOME": folder})
        argv = ["fleet", "apply", str(path), "--yes", "--json", "--validate", "none", "--concurrency", str(concurrency)]
        out, err = io.StringIO(), io.StringIO()
        began_real, began_scaled = time.perf_counter(), clock.elapsed()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
        real_s, scaled_s = time.perf_counter() - began_real, clock.elapsed() - began_scaled
        with sandbox.state.lock:
            logged = list(sandbox.state.requests)
            hits = sandbox.state.secondary_limit_hits
            used = max((t.bucket.used for t in sandbox.state.tokens.values()), default=0)
    events = [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]
    done = sum(1 for e in events if e.get("event") == "repo" and e.get("outcome") == "done")
    totals = next((e for e in events if e.get("event") == "totals"), {})
    writes = sum(1 for r in logged if r["method"] in WRITES and 200 <= r["status"] < 300)
    budget_s = writes / DEFAULT_WRITES_PER_MINUTE * 60
    ratio = scaled_s / budget_s if budget_s else 0.0
    ok = code == 0 and done == repos
    print(f"{repos} repos, concurrency {concurrency}, on the {label} clock; exit {code}, {done} done")
    print(f"  {target(ok, f'exit 0 and all {repos} done')}")
    if not ok:
        print(err.getvalue()[-2000:])
    print(f"content-creating requests: {writes} (the pacer waited for the budget {totals.get('budget_waits', '?')} times)")
    print(f"requests in all: {len(logged)} ({len(logged) / repos:.1f} a repo); primary limit used {used} of {sandbox.state.rate_limit}")
    print(f"secondary-limit hits: {hits}")
    print(f"  {target(hits == 0, 'zero')}")
    print(
        f"time on the {label} clock: {scaled_s:.0f} s; writes / budget: {writes} / {DEFAULT_WRITES_PER_MINUTE} a minute = {budget_s:.0f} s"
    )
    print(f"  ratio {ratio:.2f}x: {target(ratio <= RATIO_TARGET, f'at most {RATIO_TARGET}x')}")
    estimate = Pacer().expected_seconds(writes)
    print(f"fleet plan's estimate for {writes} writes (the first minute's budget free, no reads): {estimate:.0f} s (no target)")
    print(f"real wall time: {real_s:.1f} s (no target: what the run cost on this machine)")
    return 0 if ok and hits == 0 and ratio <= RATIO_TARGET else 1


def main_bench() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repos", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--clock", choices=("virtual", "scaled"), default="virtual")
    parser.add_argument("--scale", type=float, default=30.0, help="--clock scaled: how much faster than real time it runs")
    args = parser.parse_args()
    clock = VirtualClock() if args.clock == "virtual" else ScaledClock(args.scale)
    label = "virtual" if args.clock == "virtual" else f"{args.scale:g}x scaled"
    run(args.repos, args.concurrency, clock, label)


if __name__ == "__main__":
    main_bench()
