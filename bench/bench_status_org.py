"""`brik-onboard status --org` over 200 onboarded repositories: wall time and requests per repository, cold and warm.

    .venv/bin/python bench/bench_status_org.py [--count 200]

A sandbox seeded with `fleet: {count: N}` (the sample service) is onboarded: its first repository by `fleet apply`
(org secret REGISTRY_PAT and variable REGISTRY_URL with `selected` visibility, the caller committed to main, no
validation build), the others by committing the same two files (their own name in them) through the sandbox's state,
which starts their push builds as a commit would, and selecting them all on the secret and the variable: the set-up
takes seconds (200 `fleet apply`s take minutes) and is not measured; then the bench waits out the seconds after the
last push in which status keeps no file (wizard/engine/status_memory.py SETTLED), as a fleet is read later. Then
`status --org --json` runs twice in this process: cold (nothing kept from an earlier status) and warm (nothing pushed
since), each as its own process as a user runs it (in this one it would share the interpreter lock with the
sandbox; its start-up, about a second, is in the wall time). Every request is counted on the server (its request log); requests per repository divide them by the
repositories status looked at (the fleet and the org's .github and example-node-api, never onboarded).

Targets (chosen for this bench): cold at most 4 requests per repository (an onboarded one needs its answers file, its
caller and its newest run; the listing and each org secret and variable are read once for all); warm at most 1.2
(the newest run per repository as a conditional read, answered 304; no file read again). Wall times are for reading:
the machine's other load moves them. Not part of the test suite: run it on demand (`make bench`).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import requests
from targets import target  # bench/targets.py (a script's own folder is on its path)

from wizard.cli import main as brik
from wizard.core.plan import ANSWERS_PATH
from wizard.engine.status_memory import SETTLED
from wizard.sandbox import Sandbox, events
from wizard.sandbox.gitstore import Signature
from wizard.sandbox.state import utcnow

ORG = "BrikByte-Studios"
CALLER = ".github/workflows/build-image.yml"
COLD_TARGET = 4.0
WARM_TARGET = 1.2


def _run(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    """`brik-onboard ARGS` in this process with `env` as its environment."""
    saved = dict(os.environ)
    out, err = io.StringIO(), io.StringIO()
    try:
        os.environ.clear()
        os.environ.update(env)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = brik(args)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return code, out.getvalue(), err.getvalue()


def _log(sandbox: Sandbox, *, clear: bool = False) -> list[dict[str, Any]]:
    url, auth = sandbox.base_url + "/_sandbox/requests", {"Authorization": f"token {sandbox.token}"}
    if clear:
        requests.delete(url, headers=auth, timeout=30).raise_for_status()
        return []
    return list(requests.get(url, headers=auth, timeout=30).json())


def _kind(path: str) -> str:
    if path.startswith("/orgs/") and path.endswith("/repos"):
        return "org listing"
    if "/actions/secrets" in path or "/actions/variables" in path:
        return "org secrets and variables"
    if "/contents/" in path:
        return "files"
    if path.endswith("/runs"):
        return "newest run"
    if path.endswith("/pulls"):
        return "pull requests"
    return path


def _onboard(sandbox: Sandbox, folder: Path, count: int, env: dict[str, str]) -> float:
    """The first repository through `fleet apply`; the others get the same two files (its name replaced by theirs)
    committed on main as a push would (starting their build), and the org secret and variable select them all."""
    began = time.perf_counter()
    fleet = folder / "fleet.yml"
    defaults = {"strategy": "pat", "scope": "org", "visibility": "selected", "delivery": "commit", "api_url": sandbox.base_url}
    fleet.write_text(json.dumps({"org": ORG, "defaults": defaults, "repos": [_name(1)]}))
    code, out, err = _run(
        ["fleet", "apply", str(fleet), "--yes", "--json", "--validate", "none"],
        {**env, "BRIK_SECRET_REGISTRY_PAT": sandbox.add_token(["write:packages"], login="ci-bot")},
    )
    if code != 0:
        raise SystemExit(f"fleet apply failed (exit {code}):\n{out[-2000:]}\n{err[-2000:]}")
    st = sandbox.state
    first = st.find_repo(ORG, _name(1))
    assert first is not None
    made = {p: first.git.read(first.branches["main"], p) for p in (ANSWERS_PATH, CALLER)}
    who = Signature("octo-admin", "octo-admin@example.com", utcnow())
    for n in range(2, count + 1):
        repo = st.find_repo(ORG, _name(n))
        assert repo is not None
        files = {p: (data or b"").replace(_name(1).encode(), _name(n).encode()) for p, data in made.items()}
        before = repo.branches["main"]
        commit = st.commit_files(repo, "main", files, "onboard", who)
        events.pushed(st, repo, "main", before, commit.sha, "octo-admin")
    ids = [r.id for r in st.repos_of(st.find_account(ORG)) if r.name.startswith("service-")]  # type: ignore[arg-type]
    for kind in ("secrets/REGISTRY_PAT", "variables/REGISTRY_URL"):
        url = f"{sandbox.base_url}/orgs/{ORG}/actions/{kind}/repositories"
        answer = requests.put(url, json={"selected_repository_ids": ids}, headers={"Authorization": f"token {sandbox.token}"}, timeout=30)
        answer.raise_for_status()
    _finish_builds(sandbox)
    return time.perf_counter() - began


def _finish_builds(sandbox: Sandbox) -> None:
    """Poll every push build until it has completed (the sandbox computes a build as it is polled), so that status
    reads finished runs and the sandbox's build work is not in the figures."""
    session = requests.Session()
    session.headers["Authorization"] = f"token {sandbox.token}"
    for repo in list(sandbox.state.repos_of(sandbox.state.find_account(ORG))):  # type: ignore[arg-type]
        for run_id in list(repo.runs):
            url = f"{sandbox.base_url}/repos/{repo.full_name}/actions/runs/{run_id}"
            deadline = time.monotonic() + 120
            while session.get(url, timeout=30).json()["status"] != "completed":
                if time.monotonic() > deadline:
                    raise SystemExit(f"the build of {repo.full_name} did not finish")
                time.sleep(0.05)


def _name(n: int) -> str:
    return f"service-{n:03d}"


def _status(sandbox: Sandbox, env: dict[str, str], label: str, goal: float) -> None:
    _log(sandbox, clear=True)
    began = time.perf_counter()
    # A process of its own, as a user runs it: in this one it would share the interpreter lock with the sandbox.
    child = subprocess.run(
        [sys.executable, "-m", "wizard", "status", "--org", ORG, "--json"], env=env, capture_output=True, text=True, timeout=600
    )
    wall = time.perf_counter() - began
    code, out, err = child.returncode, child.stdout, child.stderr
    if code not in (0, 1):
        raise SystemExit(f"status --org failed (exit {code}): {err[-2000:]}")
    report = json.loads(out)
    repos = len(report["repos"])
    log = _log(sandbox)
    per_repo = len(log) / repos
    not_modified = sum(1 for r in log if r["status"] == 304)
    print(f"{label}: {repos} repositories ({report['counts']['onboarded']} onboarded) in {wall:.2f} s wall (start-up included)")
    print(f"  {len(log)} requests, {not_modified} of them answered 304 (not counted against GitHub's rate limit)")
    for kind, n in sorted(Counter(_kind(r["path"]) for r in log).items(), key=lambda item: -item[1]):
        print(f"    {n:>5}  {kind}")
    print(f"  {per_repo:.2f} requests per repository   {target(per_repo <= goal, f'at most {goal:g}')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--count", type=int, default=200, help="repositories in the fleet")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "seed.yml").write_text(f"fleet: {{count: {args.count}}}\n")
        with Sandbox(time_factor=0.01, seed_file=folder / "seed.yml") as sandbox:
            st = sandbox.state
            st.rate_limit = st.content_limit_per_minute = 10**9  # the set-up's writes are not what is measured
            (folder / "config.yml").write_text(f"api_url: {sandbox.base_url}\n")
            env = {
                "PATH": os.environ.get("PATH", ""),
                **({"PYTHONPATH": os.environ["PYTHONPATH"]} if os.environ.get("PYTHONPATH") else {}),
                "HOME": str(folder),
                "XDG_CACHE_HOME": str(folder / "cache"),
                "XDG_CONFIG_HOME": str(folder / "config"),
                "BRIK_ONBOARD_CONFIG": str(folder / "config.yml"),
                "GH_TOKEN": sandbox.token,
            }
            took = _onboard(sandbox, folder, args.count, env)
            print(f"set-up: {args.count} repositories onboarded by fleet apply in {took:.1f} s (not measured)\n")
            time.sleep(SETTLED + 1)  # pushed_at counts whole seconds: SETTLED whole seconds after the last push's
            _status(sandbox, env, "cold (nothing kept)", COLD_TARGET)
            print()
            _status(sandbox, env, "warm (nothing pushed since)", WARM_TARGET)


if __name__ == "__main__":
    sys.exit(main())
