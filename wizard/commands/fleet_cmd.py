"""`brik-onboard fleet plan|apply FILE | --org ORG`: the plain and JSON faces of a fleet run (wizard/engine/fleet.py)."""

from __future__ import annotations

import json
import sys
from typing import Any

from wizard.app.fleet_selection import default_state_path, fleet_spec
from wizard.app.fleet_sessions import fleet_session_maker
from wizard.app.options import Connection, FleetCommandOptions
from wizard.app.sessions import read_stdin_if
from wizard.core.pacing import Pacer
from wizard.engine.fleet import FleetEvent, FleetOptions, FleetResult, FleetRunner, RepoFinished, RepoStarted, parse_validate
from wizard.engine.fleet_state import DONE, FAILED, REFUSED, VALIDATION_FAILED, FleetStore
from wizard.errors import EXIT_GITHUB_REFUSED, EXIT_OK, EXIT_VALIDATION_FAILED, InputError


def run_fleet(o: FleetCommandOptions) -> int:
    for name, value in (
        ("--concurrency", o.concurrency),
        ("--writes-per-minute", o.writes_per_minute),
        ("--build-concurrency", o.build_concurrency),
    ):
        if value < 1:
            raise InputError(f"{name} must be at least 1", f"{name} 4")
    try:
        parse_validate(o.validate)
    except ValueError as exc:
        raise InputError(f"--validate {o.validate!r} is not a choice", str(exc)) from None
    spec, left_out = fleet_spec(o)  # the FILE's repositories, or those --org/--topic/--exclude select
    if left_out:
        print(left_out, file=sys.stderr)
    apply = o.command == "apply"
    if apply and not o.yes:
        raise InputError(
            f"fleet apply writes to {len(spec.repos)} repositories and asks nothing on the way",
            "check them with `fleet plan`, then pass --yes",
        )
    state_path = o.state_file or default_state_path(o)
    store = FleetStore(state_path if apply else None)
    pacer = Pacer(o.writes_per_minute)
    stdin_text = read_stdin_if(o.secrets_from_stdin)
    connection = Connection(token_env=o.token_env, app_id=o.app_id, app_key_file=o.app_key_file)
    make = fleet_session_maker(spec, connection, store, pacer, stdin_text=stdin_text)
    face = _Face(json_out=o.json, total=len(spec.repos))
    options = FleetOptions(
        concurrency=o.concurrency,
        validate=o.validate,
        build_concurrency=o.build_concurrency,
        dry_run=not apply,
        replace_secrets=o.replace_secrets,
        poll_interval_s=o.poll_interval_s,
    )
    result = FleetRunner(spec, make, store, options, face.event).run()
    face.totals(result, pacer, planned=not apply)
    return exit_code(result)


def exit_code(result: FleetResult) -> int:
    if result.count(REFUSED) or result.count(FAILED):
        return EXIT_GITHUB_REFUSED
    if result.count(VALIDATION_FAILED):
        return EXIT_VALIDATION_FAILED
    return EXIT_OK


class _Face:
    """One line per repository as it finishes (stdout), or one JSON object per line with --json."""

    def __init__(self, *, json_out: bool, total: int) -> None:
        self.json_out, self.total, self.finished = json_out, total, 0

    def event(self, event: FleetEvent) -> None:
        if isinstance(event, RepoStarted) and not self.json_out:
            print(f"  … {event.repo}{' (with a validation build)' if event.validate else ''}", file=sys.stderr, flush=True)
        elif isinstance(event, RepoFinished):
            self.finished += 1
            if self.json_out:
                self._json({"event": "repo", **vars(event)})
            else:
                why = f": {event.message}" if event.message else ""
                writes = f", {event.writes} write{'s' * (event.writes != 1)}" if event.writes else ""
                print(f"[{self.finished}/{self.total}] {event.repo}: {event.outcome}{writes}{why}", flush=True)

    def totals(self, result: FleetResult, pacer: Pacer, *, planned: bool) -> None:
        counts = {f.outcome: result.count(f.outcome) for f in result.finished}
        writes = result.writes
        expected = pacer.expected_seconds(writes)
        totals: dict[str, Any] = {"event": "totals", "repos": len(result.finished), "outcomes": counts, "writes": writes}
        if planned:
            totals["expected_seconds"] = round(expected, 1)
            totals["writes_per_minute"] = pacer.writes_per_minute
        else:
            totals["budget_waits"], totals["rate_limit_pauses"] = pacer.stats.budget_waits, pacer.stats.pauses
        if self.json_out:
            self._json(totals)
            return
        summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
        print(f"{len(result.finished)} repositories: {summary}; {writes} write{'s' * (writes != 1)}")
        if planned:
            print(f"at {pacer.writes_per_minute} writes a minute, the writes take about {expected:.0f} s", flush=True)
        elif counts.get(DONE, 0) + counts.get("skipped", 0) < len(result.finished):
            print("run the same command again to retry the others; done repositories are not touched again")

    @staticmethod
    def _json(obj: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(obj, sort_keys=True) + "\n")
        sys.stdout.flush()
