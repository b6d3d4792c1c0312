"""`brik-onboard fleet plan|apply FILE`: a fleet run (wizard/engine/fleet.py) with one of its faces
(wizard/commands/fleet_progress.py: JSON lines, log lines, a rich progress bar, or the Textual screen)."""

from __future__ import annotations

import sys
from collections.abc import Callable

from wizard.app.fleet_sessions import fleet_session_maker
from wizard.app.options import Connection, FleetCommandOptions
from wizard.app.sessions import read_stdin_if
from wizard.commands.fleet_progress import fleet_face
from wizard.core.fleet_spec import MAX_FLEET_BYTES, load_fleet
from wizard.core.pacing import Pacer
from wizard.engine.fleet import FleetEvent, FleetOptions, FleetResult, FleetRunner, parse_validate
from wizard.engine.fleet_state import FleetStore
from wizard.errors import InputError
from wizard.fsutil import read_text_file


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
    spec = load_fleet(read_text_file(o.file, "fleet file", MAX_FLEET_BYTES), str(o.file), org=o.org)
    apply = o.command == "apply"
    if apply and not o.yes:
        raise InputError(
            f"fleet apply writes to {len(spec.repos)} repositories and asks nothing on the way",
            "check them with `fleet plan`, then pass --yes",
        )
    state_path = o.state_file or o.file.with_name(o.file.stem + ".state.json")
    store = FleetStore(state_path if apply else None)
    pacer = Pacer(o.writes_per_minute)
    stdin_text = read_stdin_if(o.secrets_from_stdin)
    make = fleet_session_maker(spec, Connection(token_env=o.token_env), store, pacer, stdin_text=stdin_text)
    face = fleet_face(json_out=o.json, tui=o.tui, total=len(spec.repos), state_path=store.path, title=str(o.file))
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
