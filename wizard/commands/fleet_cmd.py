"""`brik-onboard fleet plan|apply FILE | --org ORG`: a fleet run (wizard/engine/fleet.py) with one of its faces
(wizard/commands/fleet_progress.py: JSON lines, log lines, a rich progress bar, or the Textual screen)."""

from __future__ import annotations

import sys
from collections.abc import Callable

from wizard.app.fleet_selection import default_state_path, fleet_spec
from wizard.app.fleet_sessions import fleet_session_maker
from wizard.app.options import Connection, FleetCommandOptions
from wizard.app.sessions import read_stdin_if
from wizard.commands.fleet_progress import fleet_face
from wizard.core.pacing import Pacer
from wizard.engine.fleet import FleetEvent, FleetOptions, FleetResult, FleetRunner, parse_validate
from wizard.engine.fleet_state import FleetStore
from wizard.errors import InputError


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
    if o.tui and not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise InputError("--tui needs a terminal", "leave out --tui: without one, each event is printed on its own line")
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
    title = str(o.file) if o.file is not None else f"--org {o.org}"
    face = fleet_face(json_out=o.json, tui=o.tui, total=len(spec.repos), state_path=store.path, title=title)
    options = FleetOptions(
        concurrency=o.concurrency,
        validate=o.validate,
        build_concurrency=o.build_concurrency,
        dry_run=not apply,
        replace_secrets=o.replace_secrets,
        poll_interval_s=o.poll_interval_s,
    )

    def start(emit: Callable[[FleetEvent], None]) -> FleetRunner:
        return FleetRunner(spec, make, store, options, emit, pacer=pacer)

    result = face.run(start)
    face.totals(result, pacer, planned=not apply)
    return exit_code(result)


def exit_code(result: FleetResult) -> int:
    return result.exit_code
