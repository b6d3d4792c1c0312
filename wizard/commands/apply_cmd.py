"""`brik-onboard apply` and `brik-onboard validate`: the non-interactive face of the engine."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from wizard.commands.event_log import EventLog
from wizard.commands.flag_questioner import FlagQuestioner
from wizard.commands.session_factory import build_session, read_stdin_if
from wizard.commands.text_events import TextRenderer
from wizard.engine.events import Event, VerdictReady
from wizard.engine.runner import Engine
from wizard.engine.session import Options, Session
from wizard.engine.steps import ConnectStep, ImageStep, PreflightStep, RepositoryStep, ValidateStep
from wizard.errors import EXIT_OK, EXIT_VALIDATION_FAILED


def run_apply(args: argparse.Namespace) -> int:
    if args.file and not args.answers:
        args.answers = args.file
    options = Options(
        replace_secrets=args.replace_secrets,
        skip_validation=args.skip_validation,
        wait_merge_s=args.wait_merge,
        poll_interval_s=args.poll_interval,
    )
    return _run(args, options, steps=None)


def run_validate(args: argparse.Namespace) -> int:
    options = Options(force_validation=True, poll_interval_s=args.poll_interval)
    steps = [ConnectStep(), RepositoryStep(), PreflightStep(), ImageStep(), ValidateStep()]
    return _run(args, options, steps=steps)


def _run(args: argparse.Namespace, options: Options, steps: list | None) -> int:
    renderer = TextRenderer(sys.stderr if args.json else sys.stdout)
    log = EventLog(Path(args.log)) if args.log else None
    verdicts: list[VerdictReady] = []

    def emit(event: Event) -> None:
        if isinstance(event, VerdictReady):
            verdicts.append(event)
        renderer(event)
        if log is not None:
            log(event)

    try:
        session = build_session(
            args,
            FlagQuestioner(yes=args.yes),
            emit,
            options=options,
            stdin_text=read_stdin_if(args.secrets_from_stdin),
        )
        Engine(session, steps).run()
    finally:
        if log is not None:
            log.close()
    if args.json:
        json.dump(result_json(session, verdicts), sys.stdout, indent=2)
        sys.stdout.write("\n")
    return EXIT_VALIDATION_FAILED if session.verdict_passed is False else EXIT_OK


def result_json(session: Session, verdicts: list[VerdictReady]) -> dict:
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
        "verdict": None
        if verdict is None
        else {
            "passed": verdict.passed,
            "reasons": list(verdict.reasons),
            "table": list(verdict.table),
            "leaks": verdict.leaks,
            **verdict.facts,
        },
    }
