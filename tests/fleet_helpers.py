"""Helpers for the fleet faces' tests: a fleet of the sandbox's org, and a run of it in this process built as
`fleet apply` builds it (wizard/commands/fleet_cmd.py), with a face's emit."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wizard.app.fleet_sessions import fleet_session_maker
from wizard.app.options import Connection
from wizard.core.fleet_spec import FleetRepo, FleetSpec, load_fleet
from wizard.core.pacing import Pacer
from wizard.engine.events import Event, StepStarted
from wizard.engine.fleet import FleetEvent, FleetOptions, FleetRunner, MakeSession
from wizard.engine.fleet_state import FleetStore
from wizard.engine.session import Options, Session
from wizard.sandbox.seed import DEFAULT_ORG, demo_files

# The GITHUB_TOKEN strategy: no registry PAT to give, and commits straight onto the default branch.
ANSWERS = {"delivery": "commit"}


def seed_fleet(sandbox: Any, count: int) -> list[str]:
    names = [f"service-{i:03d}" for i in range(count)]
    for name in names:
        sandbox.state.add_repo(DEFAULT_ORG, name, demo_files(), description="fleet test service")
    return names


def apply_unvalidated(sandbox: Any, path: Path, pat: str) -> Any:
    """`fleet apply PATH --yes --json --validate none` in this process, with the admin token and the registry PAT."""
    from tests.engine_helpers import run_brik

    env = {"GH_TOKEN": sandbox.token, "BRIK_SECRET_REGISTRY_PAT": pat}
    return run_brik("fleet", "apply", str(path), "--yes", "--json", "--validate", "none", env=env)


def write_fleet(path: Path, sandbox: Any, names: list[str], **answers: object) -> Path:
    path.write_text(json.dumps({"org": DEFAULT_ORG, "defaults": {**ANSWERS, "api_url": sandbox.base_url, **answers}, "repos": names}))
    return path


@dataclass
class FleetParts:
    spec: FleetSpec
    store: FleetStore
    pacer: Pacer
    make: MakeSession
    options: FleetOptions

    def start(self, emit: Callable[[FleetEvent], None]) -> FleetRunner:
        return FleetRunner(self.spec, self.make, self.store, self.options, emit, pacer=self.pacer)


def fleet_parts(sandbox: Any, path: Path, *, writes_per_minute: int = 80, **options: Any) -> FleetParts:
    spec = load_fleet(path.read_text(), str(path))
    store = FleetStore(path.with_name(path.stem + ".state.json"))
    pacer = Pacer(writes_per_minute)
    env = {**os.environ, "GH_TOKEN": sandbox.token}
    make = fleet_session_maker(spec, Connection(), store, pacer, environ=env)
    return FleetParts(spec, store, pacer, make, FleetOptions(**{"validate": "none", **options}))


class Hold:
    """Holds one repository's run once it has started `step` (its StepStarted is out), until released."""

    def __init__(self, repo: str, step: str) -> None:
        self.repo, self.step = repo, step
        self.reached, self.released = threading.Event(), threading.Event()

    def around(self, make: MakeSession) -> MakeSession:
        def held_make(entry: FleetRepo, options: Options, emit: Callable[[Event], None]) -> Session:
            if entry.repo != self.repo:
                return make(entry, options, emit)

            def held(event: Event) -> None:
                emit(event)
                if isinstance(event, StepStarted) and event.step == self.step and not self.reached.is_set():
                    self.reached.set()
                    assert self.released.wait(60), "the test never released the held repository"

            return make(entry, options, held)

        return held_make

    def release(self) -> None:
        self.released.set()
