"""`brik-onboard apply` and `brik-onboard validate`: the non-interactive face of the engine."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from typing import Any

from wizard.app.flag_questioner import FlagQuestioner
from wizard.app.options import AnswerSource, ApplyOptions, Connection, ValidateOptions
from wizard.app.sessions import build_session, read_stdin_if
from wizard.engine.events import Event, VerdictReady
from wizard.engine.results import LayerRow
from wizard.engine.runner import Engine
from wizard.engine.session import Options, Session
from wizard.engine.steps import Step, validate_only_steps
from wizard.errors import EXIT_OK, EXIT_VALIDATION_FAILED, WizardError
from wizard.text.event_log import EventLog
from wizard.text.events import TextRenderer
from wizard.text.run_summary import check_summary_path, print_summary, summary_from_session, write_summary


def run_apply(o: ApplyOptions) -> int:
    options = Options(
        replace_secrets=o.replace_secrets,
        skip_validation=o.skip_validation,
        wait_merge_s=o.wait_merge_s,
        poll_interval_s=o.connection.poll_interval_s,
    )
    stdin_text = read_stdin_if(o.secrets_from_stdin)
    return _run(o.source, o.connection, options, yes=o.yes, json_out=o.json, stdin_text=stdin_text, steps=None)


def run_validate(o: ValidateOptions) -> int:
    options = Options(force_validation=True, poll_interval_s=o.connection.poll_interval_s)
    steps = validate_only_steps()
    # Nothing is delivered: unless told otherwise, the preflight must not ask for the scope that writes a workflow.
    source = replace(o.source, flags={"delivery": "local", **o.source.flags})
    return _run(source, o.connection, options, yes=o.yes, json_out=o.json, stdin_text=None, steps=steps)


def _run(
    source: AnswerSource,
    connection: Connection,
    options: Options,
    *,
    yes: bool,
    json_out: bool,
    stdin_text: str | None,
    steps: list[Step] | None,
) -> int:
    check_summary_path(connection.summary_file)  # before anything is written to GitHub
    renderer = TextRenderer(sys.stderr if json_out else sys.stdout)
    log = EventLog(connection.log_file) if connection.log_file else None
    verdicts: list[VerdictReady] = []

    def emit(event: Event) -> None:
        if isinstance(event, VerdictReady):
            verdicts.append(event)
        renderer(event)
        if log is not None:
            log(event)

    session: Session | None = None
    try:
        session = build_session(source, connection, FlagQuestioner(yes=yes), emit, options=options, stdin_text=stdin_text)
        Engine(session, steps).run()
    except (WizardError, KeyboardInterrupt) as exc:
        if session is not None:  # a run that stopped part way: the summary says what it kept (CI reads it there)
            why = exc.message if isinstance(exc, WizardError) else "interrupted"
            stopped = summary_from_session(session, verdicts[-1] if verdicts else None, stopped=why)
            write_summary(stopped, connection.summary_file, sys.stderr)
        raise
    finally:
        if log is not None:
            log.close()
    summary = summary_from_session(session, verdicts[-1] if verdicts else None)
    if json_out:
        json.dump(result_json(session, verdicts), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print_summary(summary, sys.stdout, table=False)  # the verdict table is printed above, with the build
    write_summary(summary, connection.summary_file, sys.stderr)
    return EXIT_VALIDATION_FAILED if session.verdict_passed is False else EXIT_OK


def result_json(session: Session, verdicts: list[VerdictReady]) -> dict[str, Any]:
    status = "paused" if session.paused else ("validation-failed" if session.verdict_passed is False else "done")
    verdict = verdicts[-1] if verdicts else None
    return {
        "status": status,
        "paused": session.paused,
        "repo": session.plan.repo,
        "image": session.resolved.image if session.resolved else None,
        "applied": [{"kind": c.kind, "target": c.target, "action": c.action, "summary": c.summary} for c in session.applied],
        "links": session.links,
        "answers_path": str(session.answers_path) if session.answers_path else None,
        "verdict": verdict_json(verdict),
    }


def _row_json(row: LayerRow, columns: tuple[str, ...]) -> dict[str, Any]:
    """One row: `attempt1`/`attempt2` for one target (as always); several: `results`, one per column."""
    if len(columns) <= 2:
        return {"instruction": row.instruction, "attempt1": row.attempt1, "attempt2": row.attempt2}
    return {"instruction": row.instruction, "results": dict(zip(columns, row.cells, strict=True))}


def verdict_json(verdict: VerdictReady | None) -> dict[str, Any] | None:
    """The verdict as `apply --json`, `validate --json` and `rotate --json` print it."""
    if verdict is None:
        return None
    return {
        "passed": verdict.passed,
        "reasons": [str(r) for r in verdict.reasons],
        "codes": [r.code for r in verdict.reasons],
        "table": [_row_json(row, verdict.columns) for row in verdict.table],
        "columns": list(verdict.columns),
        # Several targets: each one's own verdict (the reasons above name the target they are about).
        "targets": [vars(t) | {"codes": list(t.codes)} for t in verdict.targets],
        "leaks": verdict.leaks,
        **(vars(verdict.facts) if verdict.facts is not None else {}),
    }
