"""Requests for one full onboarding of the sample repo, divided by the plan's minimum (issue 4 target: <= 1.1).

Run on demand: `.venv/bin/python bench/bench_onboarding_requests.py [RUNS]`; not part of the tests.
The onboarding is `apply --deliver commit` with the default answers (GITHUB_TOKEN strategy, org secret,
`selected` visibility) against the embedded sandbox; every request is counted on the server (its request
log: API calls, the log redirects and the log downloads behind them).

The minimum is one request per read or write the onboarding cannot do without (MINIMUM below). Waiting for a
build needs at least one status read per attempt; every further status read is polling, which depends on the
build's length and the poll interval, so it is reported apart (see bench_polling.py) and the ratio is given
both with and without it.
"""

from __future__ import annotations

import re
import statistics
import sys
from collections import Counter
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from targets import target  # noqa: E402 - bench/targets.py (a script's own folder is on its path)

TIME_FACTOR = 0.01
TARGET = 1.1  # requests / minimum, polling beyond one status read per attempt left out
POLL_S = 0.05  # x 1/TIME_FACTOR = 5 s of simulated build time between polls, the CLI's default

# (why, "METHOD path") with numbers as {n}; R = the repo, O = the org.
MINIMUM: list[tuple[str, str]] = [
    ("who the token is, its scopes", "GET /user"),
    ("default branch, id, visibility", "GET R"),
    ("Dockerfile preflight", "GET R/contents/Dockerfile"),
    ("reusable workflow's inputs", "GET O/.github/contents/.github/workflows/ci-build-kaniko.yml"),
    ("does REGISTRY_URL exist", "GET /orgs/O/actions/secrets/REGISTRY_URL"),
    ("the org's public key", "GET /orgs/O/actions/secrets/public-key"),
    ("store REGISTRY_URL", "PUT /orgs/O/actions/secrets/REGISTRY_URL"),
    ("is there a caller already", "GET R/contents/.github/workflows/build-image.yml"),
    ("is there an answers file already", "GET R/contents/.github/brik-onboard.yml"),
    ("commit the answers", "PUT R/contents/.github/brik-onboard.yml"),
    ("commit the caller (its answer holds the commit SHA)", "PUT R/contents/.github/workflows/build-image.yml"),
    ("the workflow's id", "GET R/actions/workflows/build-image.yml"),
    ("the push build of that commit", "GET R/actions/workflows/{n}/runs"),
    ("attempt 1 finished", "GET R/actions/runs/{n}/attempts/1"),
    ("attempt 1's job", "GET R/actions/runs/{n}/attempts/1/jobs"),
    ("attempt 1's log (302)", "GET R/actions/jobs/{n}/logs"),
    ("attempt 1's log (download)", "GET /_sandbox/blobs/{n}"),
    ("re-run", "POST R/actions/runs/{n}/rerun"),
    ("attempt 2 finished", "GET R/actions/runs/{n}/attempts/2"),
    ("attempt 2's job", "GET R/actions/runs/{n}/attempts/2/jobs"),
    ("attempt 2's log (302)", "GET R/actions/jobs/{n}/logs"),
    ("attempt 2's log (download)", "GET /_sandbox/blobs/{n}"),
]
POLL_RE = re.compile(r"^GET R/actions/runs/\{n\}/attempts/\d+$")


def normalise(method: str, path: str, repo: str, org: str) -> str:
    path = path.replace(f"/repos/{repo}", "R").replace(f"/repos/{org}", "O").replace(f"/orgs/{org}/", "/orgs/O/")
    path = re.sub(r"/runs/\d+", "/runs/{n}", path)
    path = re.sub(r"/(jobs|workflows)/\d+", r"/\1/{n}", path)
    path = re.sub(r"^/_sandbox/blobs/.+$", "/_sandbox/blobs/{n}", path)
    return f"{method} {path}"


def onboard_once() -> tuple[Counter[str], int, bool]:
    """One onboarding; (requests by normalised line, status reads beyond one per attempt, verdict passed)."""
    from wizard.app.demo import DEMO_REPO, demo_environment
    from wizard.app.flag_questioner import FlagQuestioner
    from wizard.engine.runner import Engine
    from wizard.engine.session import Options

    with demo_environment(time_factor=TIME_FACTOR) as env:
        session = env.factory(Options(poll_interval_s=POLL_S))(FlagQuestioner(yes=True, interactive=False), lambda event: None)
        Engine(session).run()
        log = requests.get(
            env.sandbox.base_url + "/_sandbox/requests", headers={"Authorization": f"token {env.sandbox.token}"}, timeout=30
        ).json()
    org = DEMO_REPO.split("/")[0]
    seen = Counter(normalise(r["method"], r["path"], DEMO_REPO, org) for r in log)
    polls = sum(n for line, n in seen.items() if POLL_RE.match(line))
    return seen, polls - 2, bool(session.verdict_passed)


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    minimum = Counter(line for _, line in MINIMUM)
    total_min = sum(minimum.values())
    ratios, ratios_no_poll = [], []
    last: Counter[str] = Counter()
    for _ in range(runs):
        seen, extra_polls, passed = onboard_once()
        if not passed:
            print("the onboarding did not pass validation: the numbers would not be comparable")
            return 1
        total = sum(seen.values())
        ratios.append(total / total_min)
        ratios_no_poll.append((total - extra_polls) / total_min)
        last = seen
        print(f"run: {total} requests ({extra_polls} of them polling beyond one status read per attempt)")
    print(f"\nminimum: {total_min} requests (one per necessary read/write; see MINIMUM)")
    print(f"requests / minimum, polling included:        median {statistics.median(ratios):.2f}")
    ratio = statistics.median(ratios_no_poll)
    print(f"requests / minimum, polling beyond 1/attempt: median {ratio:.2f}   {target(ratio <= TARGET, f'at most {TARGET}')}")
    over = last - minimum
    missing = minimum - last
    print("\nbeyond the minimum (last run):")
    for line, n in sorted(over.items(), key=lambda kv: (-kv[1], kv[0])):
        tag = "  (polling)" if POLL_RE.match(line) else ""
        print(f"  +{n:<3} {line}{tag}")
    if missing:
        print("in the minimum but not sent (the minimum may be stale):")
        for line, n in missing.items():
            print(f"  -{n:<3} {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
