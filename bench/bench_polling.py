"""Polling while the validation builds run: status requests per minute of build, and the share answered 304.

Run on demand: `.venv/bin/python bench/bench_polling.py [POLL_SECONDS ...]`; not part of the tests.
One full onboarding of the sample repo against the embedded sandbox per poll interval (in simulated seconds;
the CLI's default is 5). Build time is the simulated duration of both attempts as Kaniko's logs report it.
Numbers come from the adapter's own `stats` (polls, not_modified) and are checked against the sandbox's
request log (GET …/attempts/N answered 200 or 304). The session shows the steps live, as the TUI does, so the
job list is polled too (conditionally); job logs are read once per job and attempt, after the job completed.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TIME_FACTOR = 0.01
POLL_RE = re.compile(r"/actions/runs/\d+/attempts/\d+$")


def measure(poll_s: float) -> dict[str, float]:
    from wizard.app.demo import demo_environment
    from wizard.app.flag_questioner import FlagQuestioner
    from wizard.engine.runner import Engine
    from wizard.engine.session import Options

    with demo_environment(time_factor=TIME_FACTOR) as env:
        session = env.factory(Options(poll_interval_s=poll_s * TIME_FACTOR, live_steps=True))(
            FlagQuestioner(yes=True, interactive=False), lambda event: None
        )
        Engine(session).run()
        log = requests.get(
            env.sandbox.base_url + "/_sandbox/requests", headers={"Authorization": f"token {env.sandbox.token}"}, timeout=30
        ).json()
    if not session.verdict_passed:
        raise SystemExit("the onboarding did not pass validation: the numbers would not be comparable")
    facts = session.verdict
    build_s = (facts.attempt1_s or 0) + (facts.attempt2_s or 0)
    stats = session.port.stats  # type: ignore[attr-defined]
    polls = [r for r in log if r["method"] == "GET" and POLL_RE.search(r["path"])]
    return {
        "build_min": build_s / 60,
        "polls": stats["polls"],
        "not_modified": stats["not_modified"],
        "server_polls": len(polls),
        "server_304": sum(1 for r in polls if r["status"] == 304),
        "requests": stats["requests"],
        # the live build view (live_steps): job-list reads and their 304s; job-log reads (one per job and attempt)
        "job_polls": stats["job_polls"],
        "job_304": stats["job_not_modified"],
        "log_requests": stats["log_requests"],
    }


def main() -> int:
    intervals = [float(a) for a in sys.argv[1:]] or [5.0, 2.0, 10.0]
    print(
        f"{'poll every':>10}  {'build':>7}  {'polls':>5}  {'per min':>7}  {'304':>4}  {'304 share':>9}  "
        f"{'server polls/304':>16}  {'all requests':>12}  {'job lists/304':>13}  {'log reads':>9}"
    )
    for poll_s in intervals:
        m = measure(poll_s)
        per_min = m["polls"] / m["build_min"]
        share = m["not_modified"] / m["polls"] if m["polls"] else 0.0
        print(
            f"{poll_s:>9.0f}s  {m['build_min']:>5.2f}mn  {m['polls']:>5.0f}  {per_min:>7.1f}  {m['not_modified']:>4.0f}  "
            f"{share:>8.0%}  {m['server_polls']:>9.0f}/{m['server_304']:<6.0f}  {m['requests']:>12.0f}"
            f"  {m['job_polls']:>7.0f}/{m['job_304']:<5.0f}  {m['log_requests']:>9.0f}"
        )
    print("\n304 answers are not counted against GitHub's rate limit; polls = status reads of a running attempt.")
    print("job lists = the steps a face shows live (GitHub writes a job's log only when the job completes);")
    print("log reads = job-log API reads, each followed by one download: one per job and attempt.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
